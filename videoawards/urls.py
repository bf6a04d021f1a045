from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from videoawards.accounts import urls as account_urls
from videoawards.privacy import urls as privacy_urls

from . import views
from .security import csp_update

api_v1 = [
    path("", include("videoawards.accounts.api_urls")),
    path("", include("videoawards.privacy.api_urls")),
    path("", include("videoawards.workshops.api_urls")),
    path("", include("videoawards.challenges.api_urls")),
    path("", include("transcoding.api_urls")),
    path("", include("voting.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    # Export and erasure live in privacy but keep their addresses and accounts:* names.
    path(
        "accounts/",
        include(
            (account_urls.urlpatterns + privacy_urls.account_urlpatterns, account_urls.app_name)
        ),
    ),
    path("workshops/", include("videoawards.workshops.urls")),
    path("challenges/", include("videoawards.challenges.urls")),
    path("media/", include("transcoding.urls")),
    path("badges/", include("videoawards.badges.urls")),
    path("voting/", include("voting.urls")),
    path("moderation/", include("videoawards.moderation.urls")),
    path("organise/", include("videoawards.console.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Swagger UI comes from its CDN and styles itself inline; only this page allows that.
        csp_update(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
            script_src=("https://cdn.jsdelivr.net",),
            style_src=("https://cdn.jsdelivr.net", "'unsafe-inline'"),
            img_src=("https://cdn.jsdelivr.net",),
        ),
        name="api-docs",
    ),
]

handler500 = "videoawards.views.server_error"
