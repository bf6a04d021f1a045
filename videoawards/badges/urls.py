from django.urls import path

from . import views

app_name = "badges"

urlpatterns = [
    path("issuer", views.issuer, name="issuer"),
    path("classes/<slug:kind>", views.badge_class, name="class"),
    path("classes/<slug:kind>/image.svg", views.badge_class_image, name="class-image"),
    path("assertions/<uuid:pk>", views.assertion, name="assertion"),
    path("portfolio/", views.my_portfolio, name="my-portfolio"),
    path("portfolio/visibility", views.portfolio_visibility, name="portfolio-visibility"),
    path("portfolio/<uuid:public_id>/", views.public_portfolio, name="portfolio"),
]
