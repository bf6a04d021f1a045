from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Judging and voting")

    def ready(self) -> None:
        from videoawards.challenges.selectors import register_entry_viewer_rule
        from voting.selectors import jury_entry_viewers

        from . import receivers  # noqa: F401  (connects the signal receivers)

        register_entry_viewer_rule(jury_entry_viewers)
