from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "videoawards.challenges"
    label = "challenges"
    verbose_name = _("Challenges")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 -- connects the media pipeline's receivers once the app registry is ready
