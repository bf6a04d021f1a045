"""Media assets: one uploaded video and what the pipeline made of it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MediaAsset(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded, waiting to be processed")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="media_assets",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.UPLOADED
    )
    error_message = models.TextField(_("error message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("media asset")
        verbose_name_plural = _("media assets")

    def __str__(self) -> str:
        return f"media asset {self.id}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY
