"""Tables every layer writes: the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One thing a moderator, organiser or the system did, kept as it happened.

    Append-only: written by core.audit.record() and never changed; the admin is read-only.
    `provider_network` is the target's network, so network organisers read their own.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the system acted (e.g. hiding after reports)."),
    )
    action = models.CharField(
        _("action"),
        max_length=64,
        db_index=True,
        validators=[RegexValidator(r"^[a-z_]+(\.[a-z_]+)+$")],
        help_text=_("What happened, as app-area.verb, e.g. entry.approve."),
    )
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("target type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    provider_network = models.ForeignKey(
        "accounts.ProviderNetwork",
        verbose_name=_("provider network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id"])]
        # The table moderation created; the model moved here without moving data.
        db_table = "moderation_auditevent"

    def __str__(self) -> str:
        return f"{self.action} {self.target_label}".strip()
