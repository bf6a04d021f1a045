from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Judging and voting")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the signal receivers)
