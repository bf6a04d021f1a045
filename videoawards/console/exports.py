"""A challenge's tables as CSV for its organisers: entries, jury scores, public votes.

What leaves the platform in a spreadsheet is what the organiser's pages already show
and nothing more: creators and jurors by display name only (no email addresses, no
birth years: many creators are minors, and a file outlives any erasure here), and vote
counts per entry without a single voter. Each table is a fixed number of queries however
many entries, reviews or votes the challenge has.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence

from django.conf import settings
from django.db.models import F, Prefetch
from django.utils.translation import gettext as _

from videoawards.accounts.models import User
from videoawards.challenges.models import Challenge, Entry
from videoawards.challenges.selectors import public_entry_q
from videoawards.core.csvexport import Cell, csv_text
from voting.models import Criterion, Review, Score, Vote


def _entries(challenge: Challenge):
    return (
        Entry.objects.filter(challenge=challenge)
        .select_related("category", "media_asset")
        .prefetch_related(
            Prefetch(
                "creators",
                queryset=User.objects.only("id", "display_name").order_by("display_name", "pk"),
            )
        )
        .order_by(F("category__position").asc(nulls_last=True), "pk")
    )


def _names(entry: Entry) -> str:
    return "; ".join(creator.display_name for creator in entry.creators.all())


def entries_csv(*, challenge: Challenge) -> str:
    """Every entry of the challenge, whatever its state, with what an organiser checks."""
    public = set(
        Entry.objects.filter(public_entry_q(), challenge=challenge).values_list("pk", flat=True)
    )

    def rows() -> Iterator[Sequence[Cell]]:
        for entry in _entries(challenge):
            asset = entry.media_asset
            yield (
                entry.pk,
                entry.title,
                entry.category.name if entry.category else "",
                str(entry.get_state_display()),
                entry.moderation_reason,
                _("yes") if entry.hidden_at else "",
                entry.team_name,
                _names(entry),
                entry.submitted_at,
                str(asset.get_status_display()) if asset else _("no video"),
                round(asset.duration_s) if asset and asset.duration_s else None,
                settings.SITE_URL + entry.get_absolute_url() if entry.pk in public else "",
            )

    return csv_text(
        [
            _("Entry ID"),
            _("Title"),
            _("Category"),
            _("State"),
            _("Moderator's reason"),
            _("Hidden after reports"),
            _("Team name"),
            _("Creators"),
            _("Submitted at"),
            _("Video"),
            _("Duration (seconds)"),
            _("Public link"),
        ],
        rows(),
    )


def _share_of_full_marks(given: dict[int, int], criteria: Sequence[Criterion]) -> float | None:
    """The review's weighted share of full marks in per cent, as the tally counts it."""
    weight = sum(criterion.weight for criterion in criteria if criterion.pk in given)
    if not weight:
        return None
    total = sum(
        criterion.weight
        * (given[criterion.pk] - criterion.scale_min)
        / max(criterion.scale_max - criterion.scale_min, 1)
        for criterion in criteria
        if criterion.pk in given
    )
    return round(100 * total / weight, 1)


def scores_csv(*, challenge: Challenge) -> str:
    """One row per submitted review: each criterion's score, the share of full marks, the
    comment. Drafts are left out, as the tally leaves them out."""
    criteria = list(Criterion.objects.filter(challenge=challenge).order_by("position", "pk"))
    reviews = list(
        Review.objects.filter(assignment__round__challenge=challenge, submitted_at__isnull=False)
        .select_related("assignment__round", "assignment__entry__category", "assignment__juror")
        .only(
            "pk",
            "comment",
            "submitted_at",
            "assignment__round__name",
            "assignment__round__position",
            "assignment__entry__id",
            "assignment__entry__title",
            "assignment__entry__category__name",
            "assignment__juror__display_name",
        )
        .order_by("assignment__round__position", "assignment__entry_id", "assignment__juror_id")
    )
    given: dict[int, dict[int, int]] = defaultdict(dict)
    for review_id, criterion_id, value in Score.objects.filter(
        review__in=[review.pk for review in reviews]
    ).values_list("review_id", "criterion_id", "value"):
        given[review_id][criterion_id] = value

    def rows() -> Iterator[Sequence[Cell]]:
        for review in reviews:
            assignment = review.assignment
            entry = assignment.entry
            scores = given[review.pk]
            yield (
                assignment.round.name,
                entry.pk,
                entry.title,
                entry.category.name if entry.category else "",
                assignment.juror.display_name,
                *(scores.get(criterion.pk) for criterion in criteria),
                _share_of_full_marks(scores, criteria),
                review.submitted_at,
                review.comment,
            )

    return csv_text(
        [
            _("Round"),
            _("Entry ID"),
            _("Entry"),
            _("Category"),
            _("Juror"),
            *(
                _("%(name)s (%(low)d to %(high)d)")
                % {"name": criterion.name, "low": criterion.scale_min, "high": criterion.scale_max}
                for criterion in criteria
            ),
            _("Share of full marks (%)"),
            _("Submitted at"),
            _("Comment"),
        ],
        rows(),
    )


def votes_csv(*, challenge: Challenge) -> str:
    """Public votes per entry: counted, and set aside by an organiser. No voter at all."""
    counted: Counter[int] = Counter()
    set_aside: Counter[int] = Counter()
    for entry_id, invalidation_id in Vote.objects.filter(challenge=challenge).values_list(
        "entry_id", "invalidation_id"
    ):
        (set_aside if invalidation_id else counted)[entry_id] += 1
    entries = (
        Entry.objects.filter(challenge=challenge, pk__in={*counted, *set_aside})
        .select_related("category")
        .only("pk", "title", "category__name")
    )
    ordered = sorted(entries, key=lambda entry: (-counted[entry.pk], entry.pk))
    return csv_text(
        [_("Entry ID"), _("Entry"), _("Category"), _("Votes counted"), _("Votes set aside")],
        (
            (
                entry.pk,
                entry.title,
                entry.category.name if entry.category else "",
                counted[entry.pk],
                set_aside[entry.pk],
            )
            for entry in ordered
        ),
    )


# The tables an organiser can download, by the name in the URL.
TABLES: dict[str, Callable[..., str]] = {
    "entries": entries_csv,
    "scores": scores_csv,
    "votes": votes_csv,
}
