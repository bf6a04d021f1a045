"""Challenges, their categories and awards, and the entries teens submit to them."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from videoawards.challenges import phases
from videoawards.challenges.phases import Phase

__all__ = ["Phase"]  # re-exported: most code asks models for it


def default_max_duration_seconds() -> int:
    """The site-wide limit at the time a challenge is created (a callable, so the
    migrations record this function and not the value of this machine's environment)."""
    return settings.VIDEOAWARDS_MAX_DURATION_SECONDS


def default_max_file_size_bytes() -> int:
    """The site-wide upload limit at the time a challenge is created (see above)."""
    return settings.VIDEOAWARDS_MAX_UPLOAD_BYTES


class Challenge(models.Model):
    """A call for videos, with a timeline: entries open, close, judging, public voting, results."""

    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    brief = models.TextField(_("brief"), help_text=_("What the videos should be about."))
    rules = models.TextField(_("rules"), blank=True)
    provider_network = models.ForeignKey(
        "accounts.ProviderNetwork",
        verbose_name=_("provider network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
    )
    entries_open_at = models.DateTimeField(_("entries open at"))
    entries_close_at = models.DateTimeField(_("entries close at"))
    voting_opens_at = models.DateTimeField(_("public voting opens at"), null=True, blank=True)
    voting_closes_at = models.DateTimeField(_("public voting closes at"), null=True, blank=True)
    results_at = models.DateTimeField(_("results announced at"))
    max_duration_seconds = models.PositiveIntegerField(
        _("maximum video length (seconds)"), default=default_max_duration_seconds
    )
    max_file_size_bytes = models.PositiveBigIntegerField(
        _("maximum file size (bytes)"), default=default_max_file_size_bytes
    )
    is_published = models.BooleanField(_("published"), default=True)
    # The last phase that was confirmed: by the organiser, the schedule task, or publishing.
    # Only challenges.services.advance_phase and voting's publish_results change it.
    stage = models.CharField(
        _("confirmed phase"), max_length=16, choices=Phase, default=Phase.UPCOMING
    )
    on_schedule = models.BooleanField(
        _("move on schedule"),
        default=True,
        help_text=_(
            "Entries and public voting open and close by themselves at the dates above. "
            "Otherwise each step waits for you to take it."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-entries_open_at", "pk"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [
            models.CheckConstraint(
                condition=Q(entries_close_at__gt=F("entries_open_at")),
                name="challenge_entries_close_after_open",
            ),
            models.CheckConstraint(
                condition=Q(results_at__gte=F("entries_close_at")),
                name="challenge_results_after_entries_close",
            ),
            models.CheckConstraint(
                condition=Q(voting_opens_at__isnull=True, voting_closes_at__isnull=True)
                | Q(
                    voting_opens_at__gte=F("entries_close_at"),
                    voting_closes_at__gt=F("voting_opens_at"),
                    voting_closes_at__lte=F("results_at"),
                ),
                name="challenge_voting_window_in_order",
            ),
            models.CheckConstraint(
                condition=Q(max_duration_seconds__gt=0) & Q(max_file_size_bytes__gt=0),
                name="challenge_limits_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:detail", kwargs={"slug": self.slug})

    @property
    def timeline(self) -> phases.Timeline:
        return phases.Timeline(
            entries_open_at=self.entries_open_at,
            entries_close_at=self.entries_close_at,
            voting_opens_at=self.voting_opens_at,
            voting_closes_at=self.voting_closes_at,
        )

    def phase(self, now: datetime | None = None) -> Phase:
        """The phase in effect now (see challenges.phases)."""
        return phases.current_phase(
            stage=self.stage,
            on_schedule=self.on_schedule,
            timeline=self.timeline,
            now=now or timezone.now(),
        )

    def next_phase(self, now: datetime | None = None) -> Phase | None:
        return phases.next_phase(self.phase(now), has_public_voting=self.has_public_voting)

    def accepts_entries(self, now: datetime | None = None) -> bool:
        return self.phase(now) == Phase.ENTRIES_OPEN

    def accepts_votes(self, now: datetime | None = None) -> bool:
        return self.phase(now) == Phase.PUBLIC_VOTING

    @property
    def has_public_voting(self) -> bool:
        return self.voting_opens_at is not None and self.voting_closes_at is not None


class Category(models.Model):
    """A track within a challenge, e.g. an age group or a topic."""

    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["challenge", "position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "slug"], name="category_slug_per_challenge"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Award(models.Model):
    """A prize the challenge gives: decided by the jury, the public, or a blend of both."""

    class DecidedBy(models.TextChoices):
        JURY = "jury", _("Jury")
        PUBLIC = "public", _("Public vote")
        BLENDED = "blended", _("Jury and public vote")

    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="awards"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="awards",
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    decided_by = models.CharField(
        _("decided by"), max_length=8, choices=DecidedBy, default=DecidedBy.JURY
    )

    class TieBreak(models.TextChoices):
        JURY_THEN_EARLIER = "jury_earlier", _("the better jury score, then the earlier entry")
        VOTES_THEN_EARLIER = "votes_earlier", _("more public votes, then the earlier entry")
        JURY_THEN_VOTES = (
            "jury_votes_earlier",
            _("the better jury score, then more public votes, then the earlier entry"),
        )
        EARLIER = "earlier", _("the earlier entry")

    # What each tie-break asks of the tally, in order (voting.tally's rule names).
    TIE_BREAK_RULES: dict[str, tuple[str, ...]] = {
        TieBreak.JURY_THEN_EARLIER: ("jury_score", "earlier_submission", "entry_id"),
        TieBreak.VOTES_THEN_EARLIER: ("public_votes", "earlier_submission", "entry_id"),
        TieBreak.JURY_THEN_VOTES: ("jury_score", "public_votes", "earlier_submission", "entry_id"),
        TieBreak.EARLIER: ("earlier_submission", "entry_id"),
    }

    jury_weight = models.PositiveSmallIntegerField(_("jury weight (%)"), default=100)
    tie_break = models.CharField(
        _("tie-break"),
        max_length=20,
        choices=TieBreak,
        default=TieBreak.JURY_THEN_EARLIER,
        help_text=_("Who places higher when two entries have the same result."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["challenge", "position", "name"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.CheckConstraint(
                condition=Q(jury_weight__lte=100), name="award_jury_weight_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.category_id and self.category.challenge_id != self.challenge_id:
            raise ValidationError(
                {"category": _("Pick a category of this challenge.")}, code="wrong_challenge"
            )

    @property
    def public_weight(self) -> int:
        return 100 - self.jury_weight


class EntryState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, waiting for moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Needs changes")
    FINALIST = "finalist", _("Finalist")
    WINNER = "winner", _("Winner")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Which state may follow which. Services check this; the admin cannot bypass it.
ENTRY_TRANSITIONS: dict[str, frozenset[str]] = {
    EntryState.DRAFT: frozenset({EntryState.SUBMITTED, EntryState.WITHDRAWN}),
    EntryState.SUBMITTED: frozenset(
        {EntryState.APPROVED, EntryState.REJECTED, EntryState.DRAFT, EntryState.WITHDRAWN}
    ),
    EntryState.REJECTED: frozenset({EntryState.SUBMITTED, EntryState.DRAFT, EntryState.WITHDRAWN}),
    EntryState.APPROVED: frozenset(
        {EntryState.FINALIST, EntryState.REJECTED, EntryState.WITHDRAWN}
    ),
    EntryState.FINALIST: frozenset(
        {EntryState.WINNER, EntryState.APPROVED, EntryState.REJECTED, EntryState.WITHDRAWN}
    ),
    EntryState.WINNER: frozenset({EntryState.FINALIST}),
    EntryState.WITHDRAWN: frozenset(),
}
# States in which anyone may see the entry (after moderation), unless it is hidden.
PUBLIC_ENTRY_STATES = frozenset({EntryState.APPROVED, EntryState.FINALIST, EntryState.WINNER})
# States in which the creators may still change the entry's text, category and team.
EDITABLE_ENTRY_STATES = frozenset({EntryState.DRAFT, EntryState.REJECTED})


class Entry(models.Model):
    """A video entered into a challenge by one creator or a team."""

    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="entries"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    team_name = models.CharField(_("team name"), max_length=80, blank=True)
    creators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creators"),
        through="EntryCreator",
        related_name="entries",
    )
    media_asset = models.OneToOneField(
        "transcoding.MediaAsset",
        verbose_name=_("video"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entry",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=EntryState, default=EntryState.DRAFT
    )
    moderation_reason = models.TextField(_("moderation reason"), blank=True)
    # Set when reports pile up or a moderator hides a published entry: it stays in its
    # state (jurors still see it) but leaves the public pages until a moderator keeps it.
    hidden_at = models.DateTimeField(_("hidden from the public at"), null=True, blank=True)
    hidden_reason = models.TextField(
        _("why it is hidden"),
        blank=True,
        help_text=_("Empty while a moderator has not looked at the reports yet."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        indexes = [models.Index(fields=["challenge", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=EntryState.values), name="entry_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(state=EntryState.REJECTED) | ~Q(moderation_reason=""),
                name="entry_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(hidden_reason="") | Q(hidden_at__isnull=False),
                name="entry_hidden_reason_only_when_hidden",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:entry", kwargs={"slug": self.challenge.slug, "pk": self.pk})

    @property
    def is_public(self) -> bool:
        """In a public state and not hidden after reports. Whether anyone may see it also
        needs every creator's consent: filter with selectors.public_entry_q()."""
        return self.state in PUBLIC_ENTRY_STATES and self.hidden_at is None

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_ENTRY_STATES


class EntryCreator(models.Model):
    """One member of the team behind an entry (a solo entry has one)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="creator_links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entry_links"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entry creator")
        verbose_name_plural = _("entry creators")
        constraints = [models.UniqueConstraint(fields=["entry", "user"], name="entry_creator_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.entry}"


class TeamInvitation(models.Model):
    """A creator asks someone to join the team behind an entry; they join once they accept.

    Invitations name an account (found by email or display name); the invitee's email is
    never shown to the team. One pending invitation per person and entry."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="team_invitations"
    )
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited person"),
        on_delete=models.CASCADE,
        related_name="team_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "invitee"],
                condition=Q(status="pending"),
                name="team_invitation_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "declined", "withdrawn"]),
                name="team_invitation_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invitee} → {self.entry}"


ORGANISERS_PICK = _("Organisers' pick")


class Feature(models.Model):
    """An entry on the homepage: a winner (made when results are published) or, without
    an award, an organisers' pick of a published entry; then curated.

    Pinned ones first in order of position, then the rest newest first; organisers pin,
    hide or give a position to reorder.
    """

    award = models.ForeignKey(
        Award,
        verbose_name=_("award"),
        on_delete=models.CASCADE,
        related_name="features",
        null=True,
        blank=True,
        help_text=_("Empty for an organisers' pick."),
    )
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="features"
    )
    place = models.PositiveSmallIntegerField(_("place"), default=1)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    position = models.PositiveSmallIntegerField(
        _("position"),
        null=True,
        blank=True,
        help_text=_("Lower comes first, before those without one; empty keeps the newest first."),
    )

    class Meta:
        ordering = [
            "-is_pinned",
            models.F("position").asc(nulls_last=True),
            "-published_at",
            "place",
            "pk",
        ]
        verbose_name = _("homepage feature")
        verbose_name_plural = _("homepage features")
        constraints = [
            models.UniqueConstraint(fields=["award", "entry"], name="feature_once_per_award"),
            models.UniqueConstraint(
                fields=["entry"], condition=Q(award__isnull=True), name="feature_pick_once"
            ),
            models.CheckConstraint(condition=Q(place__gte=1), name="feature_place_positive"),
        ]
        indexes = [models.Index(fields=["is_hidden", "-is_pinned", "position", "-published_at"])]

    def __str__(self) -> str:
        return f"{self.entry} ({self.award or ORGANISERS_PICK})"

    @property
    def is_pick(self) -> bool:
        """Picked by organisers rather than won."""
        return self.award_id is None
