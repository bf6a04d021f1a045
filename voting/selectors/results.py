"""Reads about results: published snapshots as rows people see."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from videoawards.challenges.models import (
    Award,
    Challenge,
    Entry,
)
from videoawards.challenges.selectors import entries_with_creators, public_entry_q
from voting.models import (
    ResultPublication,
    ResultSnapshot,
)

# How many places the public results page lists per award (the finalists).
PUBLIC_RESULT_ROWS = 3

# What broke a tie, as the results page says it (voting.tally's rule names).
TIE_BROKEN_BY = {
    "combined": _("the better combined result"),
    "jury_score": _("the better jury score"),
    "public_votes": _("more public votes"),
    "n_reviews": _("more jury reviews"),
    "earlier_submission": _("the earlier entry"),
    "entry_id": _("the earlier entry"),
}


@dataclass(frozen=True)
class RankedRow:
    rank: int
    entry: Entry
    jury_score: float | None
    n_reviews: int
    disagreement: bool
    public_votes: int
    combined: float
    tie_broken_by: str = ""
    finalist: bool = False


@dataclass(frozen=True)
class AwardResult:
    award_id: int
    name: str
    decided_by: str
    tie_break: str
    winner: Entry | None
    rows: list[RankedRow]
    unranked: int

    @property
    def any_tie_broken(self) -> bool:
        return any(row.tie_broken_by for row in self.rows)


def published_snapshot(*, challenge: Challenge) -> ResultSnapshot | None:
    publication = (
        ResultPublication.objects.filter(challenge=challenge, withdrawn_at__isnull=True)
        .select_related("snapshot")
        .first()
    )
    if publication is None:
        return None
    snapshot = publication.snapshot
    snapshot.publication = publication
    return snapshot


def snapshot_awards(
    *, snapshot: ResultSnapshot, rows: int | None, public: bool = True
) -> list[AwardResult]:
    """The snapshot's awards with their ranked entries (the first `rows`, or all), in two
    queries however many entries there are. `public` leaves out entries nobody may see
    any more (hidden after reports, a guardian's consent withdrawn): a hidden winner
    leaves the results, its winner page and its certificate; organisers reviewing a
    snapshot pass public=False and see every entry it ranked."""
    awards = snapshot.data["awards"]
    wanted = {row["entry_id"] for item in awards for row in item["snapshot"]["ranking"][:rows]}
    queryset = Entry.objects.filter(pk__in=wanted)
    if public:
        queryset = queryset.filter(public_entry_q())
    entries = {
        entry.pk: entry
        for entry in entries_with_creators(queryset.select_related("challenge", "media_asset"))
    }
    result = []
    for item in awards:
        ranked = [
            RankedRow(
                rank=row["rank"],
                entry=entries[row["entry_id"]],
                jury_score=row["jury_score"],
                n_reviews=row["n_reviews"],
                disagreement=row["disagreement"],
                public_votes=row["public_votes"],
                combined=row["combined"],
                tie_broken_by=str(TIE_BROKEN_BY.get(row.get("tie_broken_by") or "", "")),
                finalist=row["entry_id"] in item.get("finalists", ()),
            )
            for row in item["snapshot"]["ranking"][:rows]
            if row["entry_id"] in entries
        ]
        result.append(
            AwardResult(
                award_id=item["award"],
                name=item["name"],
                decided_by=item["decided_by"],
                # Snapshots from before awards stated their own used the jury rule.
                tie_break=str(
                    Award.TieBreak(item.get("tie_break", Award.TieBreak.JURY_THEN_EARLIER)).label
                ),
                winner=entries.get(item["winner"]),
                rows=ranked,
                unranked=len(item["snapshot"]["unranked"]),
            )
        )
    return result


def published_award(*, snapshot: ResultSnapshot, award_id: int) -> AwardResult | None:
    for award in snapshot_awards(snapshot=snapshot, rows=PUBLIC_RESULT_ROWS):
        if award.award_id == award_id:
            return award
    return None


def published_finalist(*, snapshot: ResultSnapshot, award_id: int, entry_id: int) -> Entry | None:
    """A finalist of a published award (its first places; the winner is one too), if
    people may still see it."""
    for item in snapshot.data["awards"]:
        if item["award"] == award_id and entry_id in item.get("finalists", []):
            return (
                entries_with_creators(Entry.objects.filter(public_entry_q(), pk=entry_id))
                .select_related("challenge")
                .first()
            )
    return None
