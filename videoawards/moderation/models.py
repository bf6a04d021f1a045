"""Reports about published entries, and the audit log of what moderators and organisers did.

The moderation queue itself needs no table: it is the entries waiting in the
"submitted" state plus the entries with open reports (see selectors.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

REPORT_DETAILS_MAX_LENGTH = 1000


class ReportReason(models.TextChoices):
    INAPPROPRIATE = "inappropriate", _("Inappropriate or hurtful")
    PERSONAL_INFO = "personal_info", _("Shows personal information")
    COPYRIGHT = "copyright", _("Uses someone else's work without permission")
    SPAM = "spam", _("Spam or advertising")
    OTHER = "other", _("Something else")


class ReportDecision(models.TextChoices):
    KEEP = "keep", _("Keep: the entry is fine")
    HIDE = "hide", _("Hide it from the public")
    REMOVE = "remove", _("Remove it: send it back to its creators")


class Report(models.Model):
    """Someone's report that a published entry should not be public.

    The reporter is kept as a keyed hash (of the account, or of the IP address for
    visitors), so one person counts once towards the hiding threshold and no address
    is stored.
    """

    entry = models.ForeignKey(
        "challenges.Entry",
        verbose_name=_("entry"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=ReportReason)
    details = models.TextField(_("details"), blank=True, max_length=REPORT_DETAILS_MAX_LENGTH)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reporter_key = models.CharField(_("reporter key"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    decision = models.CharField(_("decision"), max_length=8, choices=ReportDecision, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["entry", "decided_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "reporter_key"],
                condition=Q(decided_at__isnull=True),
                name="report_one_open_per_reporter_and_entry",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ReportReason.values),
                name="report_reason_known",
            ),
            models.CheckConstraint(
                condition=Q(decision="", decided_at__isnull=True)
                | Q(decision__in=ReportDecision.values, decided_at__isnull=False),
                name="report_decision_with_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — {self.entry_id}"

    @property
    def is_open(self) -> bool:
        return self.decided_at is None


class AuditEvent(models.Model):
    """One thing a moderator, organiser or the system did, kept as it happened.

    Append-only: written by services.record() and never changed; the admin is read-only.
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

    def __str__(self) -> str:
        return f"{self.action} {self.target_label}".strip()
