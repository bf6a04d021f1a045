from django.urls import path

from . import api

urlpatterns = [
    path("me/export/", api.MyDataView.as_view(), name="api-me-export"),
    path("me/delete/", api.DeleteMeView.as_view(), name="api-me-delete"),
]
