"""Reports about published entries, and the admin's view of the audit log.

The moderation queue itself needs no table: it is the entries waiting in the
"submitted" state plus the entries with open reports (see selectors.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from videoawards.core.models import AuditEvent as CoreAuditEvent

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
    # Keyed hash of the reporter's network (core.client.network_of), never the address:
    # reports from one network count as one person (moderation.weighing).
    network_key = models.CharField(_("network key"), max_length=64, blank=True, editable=False)
    trusted = models.BooleanField(
        _("from a trusted account"),
        default=False,
        help_text=_("The reporter had a confirmed account older than a few days."),
    )
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


class GuardConfirmation(models.Model):
    """A moderator's word that the personal-data guard's hits in an entry (moderation.guard)
    identify no child. It covers the text as it was scanned (`text_hash`): once the title,
    description, team name or captions change, the guard asks again."""

    entry = models.ForeignKey(
        "challenges.Entry",
        verbose_name=_("entry"),
        on_delete=models.CASCADE,
        related_name="guard_confirmations",
    )
    text_hash = models.CharField(_("hash of the checked text"), max_length=64)
    hit_count = models.PositiveIntegerField(_("findings checked"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        ordering = ["-confirmed_at", "-pk"]
        verbose_name = _("personal-data check")
        verbose_name_plural = _("personal-data checks")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "text_hash"], name="guard_confirmation_one_per_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.text_hash[:12]}"


class AuditEvent(CoreAuditEvent):
    """The audit log as the moderation pages and the admin show it.

    The log itself lives in core (every layer writes it); this proxy keeps the admin's
    addresses (/admin/moderation/auditevent/) and permissions where they were.
    """

    class Meta:
        proxy = True
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
