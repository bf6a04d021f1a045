"""The phases of a challenge and the pure rules between them (no database here).

A challenge moves forward only: upcoming → entries open → judging → public voting →
voting closed → results. Each move is a confirmed step, recorded on the challenge as its
`stage` (challenges.services.advance_phase, voting's publish_results for the last one).
A challenge "on schedule" also moves when its timeline's dates pass: its phase is the
later of the confirmed stage and the dates, so a date that passed takes effect at once,
and the schedule task (challenges.tasks.follow_schedules) records the move within a
minute. A challenge not on schedule moves only when its organiser says so.

Results are the one step dates never take: a challenge shows results only once they
were published (by the organiser, or at `results_at` by the scheduled release).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    ENTRIES_OPEN = "entries_open", _("Entries open")
    JUDGING = "judging", _("Judging")
    PUBLIC_VOTING = "public_voting", _("Public voting")
    VOTING_CLOSED = "voting_closed", _("Voting closed, results coming")
    RESULTS = "results", _("Results")


ORDER: tuple[Phase, ...] = (
    Phase.UPCOMING,
    Phase.ENTRIES_OPEN,
    Phase.JUDGING,
    Phase.PUBLIC_VOTING,
    Phase.VOTING_CLOSED,
    Phase.RESULTS,
)
RANK = {phase: rank for rank, phase in enumerate(ORDER)}
# Stages after which no vote counts; the vote insert checks this in the same statement.
VOTING_OVER = (Phase.VOTING_CLOSED, Phase.RESULTS)


@dataclass(frozen=True, slots=True)
class Timeline:
    """The dates of a challenge, as the phase rules need them."""

    entries_open_at: datetime
    entries_close_at: datetime
    voting_opens_at: datetime | None
    voting_closes_at: datetime | None

    @property
    def has_public_voting(self) -> bool:
        return self.voting_opens_at is not None and self.voting_closes_at is not None


def later(a: str, b: str) -> Phase:
    return Phase(a) if RANK[Phase(a)] >= RANK[Phase(b)] else Phase(b)


def scheduled_phase(timeline: Timeline, now: datetime) -> Phase:
    """The phase the dates alone give; never RESULTS (only a publication gives that)."""
    if now < timeline.entries_open_at:
        return Phase.UPCOMING
    if now < timeline.entries_close_at:
        return Phase.ENTRIES_OPEN
    if timeline.voting_opens_at is None or timeline.voting_closes_at is None:
        return Phase.JUDGING
    if now < timeline.voting_opens_at:
        return Phase.JUDGING
    if now < timeline.voting_closes_at:
        return Phase.PUBLIC_VOTING
    return Phase.VOTING_CLOSED


def current_phase(*, stage: str, on_schedule: bool, timeline: Timeline, now: datetime) -> Phase:
    """The phase in effect: the confirmed stage, or the dates if they are further along."""
    if not on_schedule:
        return Phase(stage)
    return later(stage, scheduled_phase(timeline, now))


def next_phase(phase: str, *, has_public_voting: bool) -> Phase | None:
    """The one step an organiser may take from `phase` (RESULTS comes by publishing)."""
    steps = {
        Phase.UPCOMING: Phase.ENTRIES_OPEN,
        Phase.ENTRIES_OPEN: Phase.JUDGING,
        Phase.JUDGING: Phase.PUBLIC_VOTING if has_public_voting else Phase.RESULTS,
        Phase.PUBLIC_VOTING: Phase.VOTING_CLOSED,
        Phase.VOTING_CLOSED: Phase.RESULTS,
    }
    return steps.get(Phase(phase))


def is_past(phase: str, milestone: str) -> bool:
    """True when `phase` is `milestone` or later."""
    return RANK[Phase(phase)] >= RANK[Phase(milestone)]
