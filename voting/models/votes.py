"""Public votes: the policy per challenge, the votes, and what organisers do about abuse."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VotePolicy(models.Model):
    """How a challenge's public vote works. Without a policy: one vote per entry."""

    class Kind(models.TextChoices):
        PER_ENTRY = "per_entry", _("One vote per account for each entry")
        PER_CHALLENGE = "per_challenge", _("A number of votes per account for the challenge")

    challenge = models.OneToOneField(
        "challenges.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="vote_policy",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.PER_ENTRY)
    votes_per_account = models.PositiveSmallIntegerField(
        _("votes per account"), default=3, help_text=_("Only for a number of votes per challenge.")
    )
    per_category = models.BooleanField(
        _("per category"),
        default=False,
        help_text=_("Each account gets that number of votes in every category."),
    )
    show_tally_while_open = models.BooleanField(_("show vote counts while voting"), default=False)

    class Meta:
        verbose_name = _("vote policy")
        verbose_name_plural = _("vote policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_per_account__gte=1), name="vote_policy_votes_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.challenge})"


class VoteInvalidation(models.Model):
    """An organiser's decision to stop counting some votes: who, when and why."""

    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.CASCADE, related_name="vote_invalidations"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="vote_invalidations",
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300)
    vote_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "pk"]
        verbose_name = _("vote invalidation")
        verbose_name_plural = _("vote invalidations")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="vote_invalidation_has_reason")
        ]

    def __str__(self) -> str:
        return f"{self.vote_count} votes by {self.by} ({self.at:%Y-%m-%d})"


class Vote(models.Model):
    """One account's vote for one entry. The unique constraint makes double votes impossible.

    A deleted account's votes stay, without the voter, so totals do not change
    (see voting.receivers).
    """

    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="votes",
    )
    entry = models.ForeignKey("challenges.Entry", on_delete=models.CASCADE, related_name="votes")
    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.CASCADE, related_name="votes"
    )
    # The ballot it counts against: the category id when the policy counts per category, else 0.
    scope = models.BigIntegerField(default=0)
    # A keyed hash of the address (never the address itself), to spot many accounts on one.
    address_hash = models.CharField(max_length=16, blank=True)
    # A keyed hash of its network block (/24 for IPv4, /48 for IPv6), to spot many
    # accounts spread over the addresses of one block.
    network_hash = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    invalidation = models.ForeignKey(
        VoteInvalidation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="votes",
    )

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["voter", "entry"], name="vote_once_per_entry")
        ]
        indexes = [
            models.Index(fields=["challenge", "entry"], name="vote_challenge_entry"),
            models.Index(fields=["challenge", "created_at"], name="vote_challenge_time"),
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} → {self.entry_id}"

    @property
    def is_valid(self) -> bool:
        return self.invalidation_id is None


class Ballot(models.Model):
    """How many votes an account has used in a challenge (or one of its categories).

    Locked with select_for_update while a vote is cast, so N votes hold under concurrency.
    """

    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ballots"
    )
    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.CASCADE, related_name="ballots"
    )
    scope = models.BigIntegerField(default=0)
    used = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["voter", "challenge", "scope"], name="ballot_once")
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} used {self.used}"


class VoteFlag(models.Model):
    """A pattern worth an organiser's look; found by voting.services.forensics.

    A flag found since the forensics look at network blocks names its votes (`votes`) and
    records its evidence; the older kinds are found no more, their votes follow from `key`.
    """

    class Kind(models.TextChoices):
        COORDINATED = "coordinated", _("Accounts voting together for the same entries")
        NEW_ACCOUNT_BURST = "new_account_burst", _("New accounts voting in a burst")
        SHARED_ADDRESS = "shared_address", _("Many accounts from one address")
        ENTRY_SPIKE = "entry_spike", _("A spike of votes for one entry")

    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.CASCADE, related_name="vote_flags"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    # What the flag is about, e.g. an address hash, an entry id and minute: one flag per key.
    key = models.CharField(max_length=80)
    entry = models.ForeignKey(
        "challenges.Entry", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    vote_count = models.PositiveIntegerField(default=0)
    detail = models.CharField(max_length=300, blank=True)
    # What the forensics saw: signals that fired, accounts, blocks, ages, times, entries.
    evidence = models.JSONField(default=dict, blank=True)
    votes = models.ManyToManyField(Vote, blank=True, related_name="flags")
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("vote flag")
        verbose_name_plural = _("vote flags")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "kind", "key"], name="vote_flag_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.detail}"
