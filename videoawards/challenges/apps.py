from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "videoawards.challenges"
    label = "challenges"
    verbose_name = _("Challenges")

    def ready(self) -> None:
        # Connects the media pipeline's receivers and registers the access predicates, once
        # the app registry is ready (both import models).
        from . import receivers, rules  # noqa: F401
