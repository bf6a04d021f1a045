"""Open Badges 2.0: badge classes, the assertions issued to people, and portfolios."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_salt() -> str:
    return uuid.uuid4().hex


class BadgeKind(models.TextChoices):
    WORKSHOP_ATTENDED = "workshop-attended", _("Took part in a workshop")
    ENTRY_SUBMITTED = "entry-submitted", _("Submitted a video")
    FINALIST = "finalist", _("Finalist")
    WINNER = "winner", _("Award winner")
    JUROR = "juror", _("Served on a jury")


class BadgeClass(models.Model):
    """What a badge means; published as an Open Badges BadgeClass."""

    kind = models.CharField(_("kind"), max_length=24, choices=BadgeKind, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"))
    criteria = models.TextField(_("how to earn it"))
    colour = models.CharField(_("colour"), max_length=7, default="#1f6feb")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("badge class")
        verbose_name_plural = _("badge classes")

    def __str__(self) -> str:
        return self.name


class Assertion(models.Model):
    """One badge given to one person for one event; published as a hosted Assertion.

    `source` names the event (e.g. "entry:12:winner") so issuing twice gives one badge.
    The recipient is identified in the JSON only by a salted hash of their email.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    badge_class = models.ForeignKey(
        BadgeClass, verbose_name=_("badge"), on_delete=models.PROTECT, related_name="assertions"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="badge_assertions",
    )
    source = models.CharField(_("source event"), max_length=80)
    evidence_url = models.CharField(_("evidence"), max_length=300, blank=True)
    narrative = models.CharField(_("what for"), max_length=200, blank=True)
    recipient_salt = models.CharField(max_length=32, default=new_salt)
    recipient_hash = models.CharField(max_length=80)
    issued_on = models.DateTimeField(_("issued on"), default=timezone.now)
    revoked = models.BooleanField(_("revoked"), default=False)
    revocation_reason = models.CharField(_("revocation reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-issued_on", "pk"]
        verbose_name = _("badge assertion")
        verbose_name_plural = _("badge assertions")
        constraints = [
            models.UniqueConstraint(
                fields=["badge_class", "recipient", "source"], name="assertion_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge_class} → {self.recipient}"


class Portfolio(models.Model):
    """A participant's public STEM portfolio: private until they opt in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="portfolio",
    )
    # The public address uses this, never the user's id or name.
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    is_public = models.BooleanField(_("public"), default=False)

    class Meta:
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")

    def __str__(self) -> str:
        return f"portfolio of {self.user}"
