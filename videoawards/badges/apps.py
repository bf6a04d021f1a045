from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BadgesConfig(AppConfig):
    name = "videoawards.badges"
    label = "badges"
    verbose_name = _("Badges")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 -- in ready(): connects the receivers once the app registry is ready
