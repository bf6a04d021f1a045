"""Frozen results: what was computed, from which inputs, and who published it when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ResultSnapshot(models.Model):
    """A challenge's results as computed at one moment: inputs, method and ranking per award.

    Never changed after it is made; recomputing the same inputs gives the same input_hash.
    """

    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.CASCADE, related_name="result_snapshots"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    input_hash = models.CharField(max_length=64)
    data = models.JSONField()
    # A scheduled release: published by voting.release_due_results at this moment, in the
    # name of the organiser who scheduled it. At most one snapshot per challenge has one.
    release_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    release_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the scheduled release could not publish (shown on the organiser's to-do list).
    release_problem = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("result snapshot")
        verbose_name_plural = _("result snapshots")

    def __str__(self) -> str:
        return f"{self.challenge} {self.input_hash[:12]}"


class ResultPublication(models.Model):
    """An organiser published a snapshot: at most one publication per challenge."""

    snapshot = models.OneToOneField(
        ResultSnapshot, on_delete=models.PROTECT, related_name="publication"
    )
    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.CASCADE, related_name="result_publications"
    )
    # Kept when the organiser later deletes their account; the audit log names who it was.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("result publication")
        verbose_name_plural = _("result publications")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_live_publication_per_challenge",
            )
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id} published {self.at:%Y-%m-%d}"
