"""Reads about juries: panels, assignments, conflicts, reviews, progress, rankings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from videoawards.accounts.models import User
from videoawards.challenges.models import (
    PUBLIC_ENTRY_STATES,
    Award,
    Entry,
    EntryCreator,
)
from videoawards.workshops.models import Registration
from voting import tally as pure_tally
from voting.models import (
    Assignment,
    ConflictOfInterest,
    Criterion,
    JuryMember,
    JuryPanel,
    Review,
    Round,
    Score,
)
from voting.tally.data import Normalisation


def active_juror_ids(*, panel: JuryPanel) -> list[int]:
    return sorted(
        panel.memberships.filter(dropped_at__isnull=True).values_list("juror_id", flat=True)
    )


def assignment_map(*, round: Round) -> dict[int, list[int]]:
    """entry id -> juror ids of the round (every entry in scope, even one without jurors)."""
    result: dict[int, list[int]] = {
        entry_id: [] for entry_id in round.round_entries.values_list("entry_id", flat=True)
    }
    for entry_id, juror_id in round.assignments.values_list("entry_id", "juror_id"):
        result.setdefault(entry_id, []).append(juror_id)
    return result


def conflicts_for(*, round: Round, entry_ids, juror_ids) -> set[tuple[int, int]]:
    """(juror, entry) pairs that must not meet: declared, the juror made the entry, or the
    juror shares a provider network with one of its creators: the creator belongs to the
    juror's network, or attended a workshop the juror's network ran (it coached them)."""
    entry_ids, juror_ids = list(entry_ids), list(juror_ids)
    pairs = set(
        ConflictOfInterest.objects.filter(
            entry_id__in=entry_ids, juror_id__in=juror_ids
        ).values_list("juror_id", "entry_id")
    )
    networks = dict(
        User.objects.filter(pk__in=juror_ids, provider_network__isnull=False).values_list(
            "pk", "provider_network_id"
        )
    )
    by_network: dict[int, list[int]] = {}
    for juror_id, network_id in networks.items():
        by_network.setdefault(network_id, []).append(juror_id)
    juror_set = set(juror_ids)
    creators = list(
        EntryCreator.objects.filter(entry_id__in=entry_ids).values_list(
            "entry_id", "user_id", "user__provider_network_id"
        )
    )
    coached: dict[int, set[int]] = {}
    if by_network:
        for user_id, network_id in Registration.objects.filter(
            participant_id__in={user_id for _entry, user_id, _network in creators},
            workshop__provider_network_id__in=list(by_network),
            attended=True,
        ).values_list("participant_id", "workshop__provider_network_id"):
            coached.setdefault(user_id, set()).add(network_id)
    for entry_id, user_id, network_id in creators:
        if user_id in juror_set:
            pairs.add((user_id, entry_id))
        for network in {network_id, *coached.get(user_id, ())}:
            for juror_id in by_network.get(network, ()):
                pairs.add((juror_id, entry_id))
    return pairs


def _previous_round(round: Round) -> Round | None:
    return (
        Round.objects.filter(
            challenge_id=round.challenge_id,
            category_id=round.category_id,  # type: ignore[misc]  # None: IS NULL
            position__lt=round.position,
        )
        .order_by("-position")
        .first()
    )


def round_candidate_entry_ids(*, round: Round) -> list[int]:
    """The entries a round judges: the previous round's confirmed shortlist (when it goes to
    the next round), else every approved entry of the challenge (and category)."""
    previous = _previous_round(round)
    if previous is not None and previous.shortlist_to == Round.ShortlistTo.NEXT_ROUND:
        return sorted(
            previous.round_entries.filter(shortlisted=True).values_list("entry_id", flat=True)
        )
    entries = Entry.objects.filter(challenge_id=round.challenge_id, state__in=PUBLIC_ENTRY_STATES)
    if round.category_id:
        entries = entries.filter(category_id=round.category_id)
    return sorted(entries.values_list("pk", flat=True))


def unsubmitted_assignments(*, round: Round, juror: User) -> QuerySet[Assignment]:
    return Assignment.objects.filter(round=round, juror=juror).exclude(
        review__submitted_at__isnull=False
    )


def juror_rounds(*, juror: User) -> list[Round]:
    """Rounds where `juror` has assignments, with their counts (assigned, submitted)."""
    return list(
        Round.objects.filter(assignments__juror=juror)
        .select_related("challenge")
        .annotate(
            assigned=Count("assignments", filter=Q(assignments__juror=juror), distinct=True),
            submitted=Count(
                "assignments",
                filter=Q(assignments__juror=juror, assignments__review__submitted_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("-opens_at", "pk")
    )


def juror_queue(*, round: Round, juror: User) -> list[Assignment]:
    """The juror's own assignments in a round, with their own review (if any)."""
    return list(
        Assignment.objects.filter(round=round, juror=juror)
        .select_related("entry", "entry__category", "review")
        .order_by("entry__title", "entry_id")
    )


def juror_assignment(*, juror: User, round_id: int, entry_id: int) -> Assignment:
    """The juror's assignment of this entry in this round; DoesNotExist for anyone else's."""
    return Assignment.objects.select_related(
        "round", "round__challenge", "entry", "entry__media_asset", "entry__category"
    ).get(round_id=round_id, entry_id=entry_id, juror=juror)


def own_scores(*, assignment: Assignment) -> dict[int, int]:
    return dict(
        Score.objects.filter(review__assignment=assignment).values_list("criterion_id", "value")
    )


@dataclass(frozen=True)
class PeerReview:
    juror_name: str
    comment: str
    scores: dict[int, int]
    named_scores: list[tuple[str, int]]


def peer_reviews(*, assignment: Assignment) -> list[PeerReview]:
    """Other jurors' submitted reviews of the same entry, only once the round has closed."""
    if not assignment.round.is_closed:
        return []
    reviews = (
        Review.objects.filter(
            assignment__round_id=assignment.round_id,
            assignment__entry_id=assignment.entry_id,
            submitted_at__isnull=False,
        )
        .exclude(assignment__juror_id=assignment.juror_id)
        .select_related("assignment__juror")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("criterion").order_by(
                    "criterion__position", "criterion_id"
                ),
            )
        )
        .order_by("pk")
    )
    return [
        PeerReview(
            juror_name=review.assignment.juror.display_name,
            comment=review.comment,
            scores={score.criterion_id: score.value for score in review.scores.all()},
            named_scores=[(score.criterion.name, score.value) for score in review.scores.all()],
        )
        for review in reviews
    ]


@dataclass(frozen=True)
class Progress:
    label: str
    assigned: int
    submitted: int

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


def round_progress(*, round: Round) -> tuple[list[Progress], list[Progress]]:
    """Reviews submitted of assigned, per juror and per entry, in two queries."""
    submitted = Q(review__submitted_at__isnull=False)
    per_juror = (
        round.assignments.values("juror_id", "juror__display_name")
        .annotate(assigned=Count("pk"), submitted=Count("pk", filter=submitted))
        .order_by("juror__display_name", "juror_id")
    )
    per_entry = (
        round.assignments.values("entry_id", "entry__title")
        .annotate(assigned=Count("pk"), submitted=Count("pk", filter=submitted))
        .order_by("entry__title", "entry_id")
    )
    return (
        [
            Progress(row["juror__display_name"], row["assigned"], row["submitted"])
            for row in per_juror
        ],
        [Progress(row["entry__title"], row["assigned"], row["submitted"]) for row in per_entry],
    )


def criteria_data(*, challenge_id: int) -> list[pure_tally.Criterion]:
    return [
        pure_tally.Criterion(id=pk, weight=weight, scale_min=low, scale_max=high)
        for pk, weight, low, high in Criterion.objects.filter(challenge_id=challenge_id)
        .order_by("pk")
        .values_list("pk", "weight", "scale_min", "scale_max")
    ]


def submitted_reviews_data(*, round: Round) -> list[pure_tally.Review]:
    """Every submitted review of the round as plain data (drafts are never tallied)."""
    scores: dict[tuple[int, int], dict[int | str, int | float | Decimal]] = {}
    rows = Score.objects.filter(
        review__assignment__round=round, review__submitted_at__isnull=False
    ).values_list(
        "review__assignment__entry_id", "review__assignment__juror_id", "criterion_id", "value"
    )
    for entry_id, juror_id, criterion_id, value in rows:
        scores.setdefault((entry_id, juror_id), {})[criterion_id] = value
    return [
        pure_tally.Review(entry_id=entry_id, juror_id=juror_id, scores=given)
        for (entry_id, juror_id), given in scores.items()
    ]


def entries_data(*, entry_ids) -> list[pure_tally.EntryInfo]:
    return [
        pure_tally.EntryInfo(id=pk, submitted_at=submitted_at, category=category_id)
        for pk, submitted_at, category_id in Entry.objects.filter(pk__in=list(entry_ids))
        .order_by("pk")
        .values_list("pk", "submitted_at", "category_id")
    ]


def round_ranking(*, round: Round) -> pure_tally.Snapshot:
    """The round's entries ranked by jury score (the round's normalisation)."""
    entry_ids = round.round_entries.values_list("entry_id", flat=True)
    inputs = pure_tally.TallyInput(
        criteria=criteria_data(challenge_id=round.challenge_id),
        reviews=submitted_reviews_data(round=round),
        entries=entries_data(entry_ids=entry_ids),
    )
    method = pure_tally.Method(
        decided_by="jury",
        normalisation=cast(Normalisation, round.normalisation),
        tie_breaks=Award.TIE_BREAK_RULES[Award.TieBreak.JURY_THEN_EARLIER],
    )
    return pure_tally.tally(inputs=inputs, method=method)


@dataclass(frozen=True)
class ShortlistRow:
    rank: int
    entry: Entry
    jury_score: float | None
    n_reviews: int
    disagreement: bool
    shortlisted: bool


def shortlist_preview(*, round: Round, extra: int = 5) -> list[ShortlistRow]:
    """What confirming a closed round's shortlist would pick, and the next few below the
    cut: the organiser sees scores, review counts and disagreement before confirming."""
    ranking = round_ranking(round=round).ranking[: round.shortlist_size + extra]
    entries = Entry.objects.select_related("challenge").in_bulk([row.entry_id for row in ranking])
    return [
        ShortlistRow(
            rank=row.rank,
            entry=entries[row.entry_id],
            jury_score=row.jury_score,
            n_reviews=row.n_reviews,
            disagreement=row.disagreement,
            shortlisted=index < round.shortlist_size,
        )
        for index, row in enumerate(ranking)
    ]


def jury_entry_viewers(user: User) -> Q:
    """Registered with challenges (see VotingConfig.ready): jurors on a panel of an entry's
    challenge see it before moderation and while it is hidden after reports."""
    return Q(
        Exists(
            JuryMember.objects.filter(
                panel__challenge=OuterRef("challenge"), juror=user, dropped_at__isnull=True
            )
        )
    )
