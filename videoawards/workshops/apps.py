from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "videoawards.workshops"
    label = "workshops"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        # The homepage lists upcoming workshops (models import only once the registry is).
        from videoawards.core import pagecache

        from .models import Workshop

        pagecache.watch(Workshop)
