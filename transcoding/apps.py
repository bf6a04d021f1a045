from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranscodingConfig(AppConfig):
    name = "transcoding"
    verbose_name = _("Media pipeline")

    def ready(self) -> None:
        # Registers the tasks in every process (services queue them by name, so an eager
        # run in the web process finds them). Inside ready() because tasks import models.
        from transcoding import (
            rules,  # noqa: F401 -- registers the access predicates
            tasks,  # noqa: F401
        )
