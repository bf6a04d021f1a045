"""The jury side: criteria, panels, rounds, who reviews what, and the reviews themselves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Criterion(models.Model):
    """What jurors score, with a weight and a scale (e.g. "Science is right", 1-10, weight 2)."""

    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    scale_min = models.SmallIntegerField(_("lowest score"), default=1)
    scale_max = models.SmallIntegerField(_("highest score"), default=10)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["challenge", "position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "name"], name="criterion_name_once"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")), name="criterion_scale_ordered"
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class JuryPanel(models.Model):
    """A group of jurors for a challenge; rounds are judged by one panel."""

    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="jury_panels",
    )
    name = models.CharField(_("name"), max_length=80)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("jurors"),
        through="JuryMember",
        related_name="jury_panels",
    )

    class Meta:
        ordering = ["challenge", "name"]
        verbose_name = _("jury panel")
        verbose_name_plural = _("jury panels")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "name"], name="jury_panel_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class JuryMember(models.Model):
    """A juror on a panel; `dropped_at` is set when they leave (their entries move on)."""

    panel = models.ForeignKey(JuryPanel, on_delete=models.CASCADE, related_name="memberships")
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jury_memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    dropped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")
        constraints = [models.UniqueConstraint(fields=["panel", "juror"], name="jury_member_once")]

    def __str__(self) -> str:
        return f"{self.juror} @ {self.panel}"

    @property
    def is_active(self) -> bool:
        return self.dropped_at is None


class JuryInvitation(models.Model):
    """An organiser asks someone, by email, to join a panel.

    Only a hash of the link's token is kept, so a database leak opens no panel. The
    invitation is for the address it was sent to: the account that accepts it must have
    that (verified) email, so a forwarded link does not make someone else a juror.
    """

    panel = models.ForeignKey(JuryPanel, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    token_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(_("language"), max_length=8)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    times_sent = models.PositiveSmallIntegerField(default=1)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jury_invitations_accepted",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["panel", "-created_at"]
        verbose_name = _("jury invitation")
        verbose_name_plural = _("jury invitations")
        constraints = [
            # One open invitation per address and panel; answered ones stay as a record.
            models.UniqueConstraint(
                fields=["panel", "email"],
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="jury_invitation_open_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.panel}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None


class Round(models.Model):
    """One pass of judging by a panel over a set of entries, k reviews per entry.

    The first round takes every approved entry (of its category, if set); a later round
    takes what the round before shortlisted. A round's shortlist goes on to the next round
    or into the public vote once an organiser confirms it.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open for reviews")
        CLOSED = "closed", _("Closed")

    class ShortlistTo(models.TextChoices):
        NONE = "none", _("Nowhere (final round)")
        NEXT_ROUND = "next_round", _("The next round")
        PUBLIC_VOTE = "public_vote", _("The public vote")

    class Normalisation(models.TextChoices):
        NONE = "none", _("None: raw scores")
        ZSCORE = "zscore", _("Per juror: standard scores")
        RANK = "rank", _("Per juror: position in their own list")

    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="jury_rounds",
    )
    panel = models.ForeignKey(
        JuryPanel, verbose_name=_("jury panel"), on_delete=models.PROTECT, related_name="rounds"
    )
    category = models.ForeignKey(
        "challenges.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="jury_rounds",
    )
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    reviews_per_entry = models.PositiveSmallIntegerField(_("reviews per entry"), default=3)
    normalisation = models.CharField(
        _("normalisation"), max_length=8, choices=Normalisation, default=Normalisation.NONE
    )
    shortlist_size = models.PositiveSmallIntegerField(_("shortlist size"), default=0)
    shortlist_to = models.CharField(
        _("shortlist goes to"), max_length=12, choices=ShortlistTo, default=ShortlistTo.NONE
    )
    seed = models.CharField(_("assignment seed"), max_length=40, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State, default=State.DRAFT)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("jurors last reminded at"), null=True, blank=True)
    shortlist_confirmed_at = models.DateTimeField(null=True, blank=True)
    shortlist_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["challenge", "position", "pk"]
        verbose_name = _("jury round")
        verbose_name_plural = _("jury rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "category", "position"], name="round_position_once"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="round_closes_after_open"
            ),
            models.CheckConstraint(
                condition=Q(reviews_per_entry__gte=1), name="round_reviews_per_entry_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def awaits_shortlist(self) -> bool:
        """Closed, shortlists its top entries, and the organiser has not confirmed yet."""
        return (
            self.is_closed
            and self.shortlist_to != self.ShortlistTo.NONE
            and self.shortlist_confirmed_at is None
        )


class RoundEntry(models.Model):
    """An entry in a round's scope; `shortlisted` marks the confirmed shortlist."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="round_entries")
    entry = models.ForeignKey(
        "challenges.Entry", on_delete=models.CASCADE, related_name="round_entries"
    )
    shortlisted = models.BooleanField(default=False)
    shortlist_rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("entry in a round")
        verbose_name_plural = _("entries in a round")
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="round_entry_once")]

    def __str__(self) -> str:
        return f"{self.entry_id} in {self.round_id}"


class ConflictOfInterest(models.Model):
    """A juror who must not review an entry: declared by the juror or found automatically."""

    class Source(models.TextChoices):
        DECLARED = "declared", _("Declared by the juror")
        CREATOR = "creator", _("The juror made the entry")
        NETWORK = "network", _("Same provider network as a creator")

    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jury_conflicts"
    )
    entry = models.ForeignKey(
        "challenges.Entry", on_delete=models.CASCADE, related_name="jury_conflicts"
    )
    source = models.CharField(max_length=8, choices=Source, default=Source.DECLARED)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["juror", "entry"], name="conflict_once")]

    def __str__(self) -> str:
        return f"{self.juror_id} ≠ {self.entry_id}"


class Assignment(models.Model):
    """Juror `juror` reviews `entry` in `round`."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    entry = models.ForeignKey(
        "challenges.Entry", on_delete=models.CASCADE, related_name="jury_assignments"
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jury_assignments"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "entry", "juror"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["round", "entry", "juror"], name="assignment_once")
        ]
        indexes = [models.Index(fields=["round", "juror"])]

    def __str__(self) -> str:
        return f"{self.juror_id} reviews {self.entry_id}"


class Review(models.Model):
    """A juror's scores and comment for one assignment; a draft until submitted."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"review of assignment {self.assignment_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Score(models.Model):
    """One criterion's score in a review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.SmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="score_once")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"
