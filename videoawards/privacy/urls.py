"""The export and erasure pages. They keep their names in the accounts namespace:
videoawards/urls.py includes these with accounts' own patterns under /accounts/."""

from django.urls import path

from . import views

account_urlpatterns = [
    path("profile/export/", views.export_data, name="export_data"),
    path("profile/delete/", views.delete_account, name="delete_account"),
    path(
        "guardian/manage/<str:token>/export/",
        views.guardian_export,
        name="guardian_export",
    ),
    path(
        "guardian/manage/<str:token>/delete/",
        views.guardian_delete,
        name="guardian_delete",
    ),
]
