from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Judging and voting")

    def ready(self) -> None:
        # Connects the signal receivers and registers the access predicates, once the app
        # registry is ready (both import models).
        from . import receivers, rules  # noqa: F401
