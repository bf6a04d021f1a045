from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The organiser console: one network's season on one page, and the steps to run it."""

    name = "videoawards.console"
    label = "console"
    verbose_name = _("Organiser console")
