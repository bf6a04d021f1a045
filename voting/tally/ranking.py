"""Ranking the entries competing for one award: the method's score, then the tie-breaks.

Every comparison is between integers, so it is exact and the order never depends on
float noise: the jury score rounded to 1e-9 (exactly the value reported), vote counts,
and for a blend the numerator over a denominator shared by the whole field.

A blend puts both sides on the same 0..1 ladder within the field first (best entry 1,
lowest 0, in proportion between), then weighs them: with 70 % jury, an entry that is
best with the jury and lowest with the public gets 0.7.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from voting.tally.data import Id, RankingRow, UnrankedEntry, id_sort_key
from voting.tally.scoring import EntryJury

SCORE_DECIMALS = 9
SCORE_QUANTUM = 10**SCORE_DECIMALS


@dataclass(frozen=True, slots=True)
class _Candidate:
    entry_id: Id
    submitted_at: int | str | None
    jury: EntryJury | None
    jury_units: int | None
    votes: int


def rank_entries(
    *, inputs: dict[str, Any], method: dict[str, Any], jury: dict[Id, EntryJury]
) -> tuple[list[RankingRow], list[UnrankedEntry]]:
    candidates, unranked = _field(inputs=inputs, method=method, jury=jury)
    primary, combined = _primary(candidates, method)
    rules = [_RULES[name] for name in method["tie_breaks"]]
    keys = [
        (-primary[index], *(rule(candidate, primary[index]) for rule in rules))
        for index, candidate in enumerate(candidates)
    ]
    order = sorted(range(len(candidates)), key=keys.__getitem__)
    total_votes = sum(candidate.votes for candidate in candidates)
    threshold = float(method["disagreement_threshold"])
    rows = []
    for position, index in enumerate(order):
        candidate = candidates[index]
        neighbours = order[max(position - 1, 0) : position] + order[position + 1 : position + 2]
        spread = None if candidate.jury is None else round(candidate.jury.spread, SCORE_DECIMALS)
        rows.append(
            RankingRow(
                rank=position + 1,
                entry_id=candidate.entry_id,
                jury_score=None
                if candidate.jury_units is None
                else candidate.jury_units / SCORE_QUANTUM,
                jury_spread=spread,
                n_reviews=0 if candidate.jury is None else candidate.jury.n_reviews,
                disagreement=spread is not None
                and candidate.jury is not None
                and candidate.jury.n_reviews > 1
                and spread > threshold,
                public_votes=candidate.votes,
                public_score=round(candidate.votes / total_votes, SCORE_DECIMALS)
                if total_votes
                else 0.0,
                combined=round(combined[index], SCORE_DECIMALS),
                tie_broken_by=_tie_broken_by(keys, index, neighbours, method["tie_breaks"]),
            )
        )
    return rows, unranked


def _field(
    *, inputs: dict[str, Any], method: dict[str, Any], jury: dict[Id, EntryJury]
) -> tuple[list[_Candidate], list[UnrankedEntry]]:
    """The entries competing for the award (its category) that have enough reviews."""
    votes = dict(inputs["votes"])
    candidates, unranked = [], []
    for entry in inputs["entries"]:
        if method["category"] is not None and entry["category"] != method["category"]:
            continue
        summary = jury.get(entry["id"])
        n_reviews = 0 if summary is None else summary.n_reviews
        if n_reviews < method["min_reviews"]:
            reason = "no_reviews" if n_reviews == 0 else "too_few_reviews"
            unranked.append(UnrankedEntry(entry_id=entry["id"], reason=reason))
            continue
        candidates.append(
            _Candidate(
                entry_id=entry["id"],
                submitted_at=entry["submitted_at"],
                jury=summary,
                jury_units=None if summary is None else round(summary.mean * SCORE_QUANTUM),
                votes=votes.get(entry["id"], 0),
            )
        )
    return candidates, unranked


def _primary(candidates: list[_Candidate], method: dict[str, Any]) -> tuple[list[int], list[float]]:
    """The exact integer each entry is ranked by, and the value reported as combined."""
    votes = [candidate.votes for candidate in candidates]
    total_votes = sum(votes)
    if method["decided_by"] == "public":
        return votes, [count / total_votes if total_votes else 0.0 for count in votes]
    units = [candidate.jury_units or 0 for candidate in candidates]
    if method["decided_by"] == "jury":
        return units, [value / SCORE_QUANTUM for value in units]
    jury_low, jury_range = _ladder(units)
    votes_low, votes_range = _ladder(votes)
    jury_weight = method["jury_weight"]
    primary = [
        jury_weight * (value - jury_low) * votes_range
        + (100 - jury_weight) * (count - votes_low) * jury_range
        for value, count in zip(units, votes, strict=True)
    ]
    denominator = 100 * jury_range * votes_range
    return primary, [value / denominator for value in primary]


def _ladder(values: list[int]) -> tuple[int, int]:
    """Lowest value and range of a field (range 1 when all are equal, so all score 0)."""
    if not values:
        return 0, 1
    low = min(values)
    return low, max(max(values) - low, 1)


def _tie_broken_by(
    keys: list[tuple[Any, ...]], index: int, neighbours: list[int], rules: list[str]
) -> str | None:
    """The rule that ordered this entry against a neighbour it tied with on the score."""
    for other in neighbours:
        if keys[other][0] == keys[index][0]:
            for rule, mine, theirs in zip(rules, keys[index][1:], keys[other][1:], strict=True):
                if mine != theirs:
                    return rule
    return None


_RULES: dict[str, Callable[[_Candidate, int], Any]] = {
    "combined": lambda candidate, primary: -primary,
    "jury_score": lambda candidate, primary: (
        (1, 0) if candidate.jury_units is None else (0, -candidate.jury_units)
    ),
    "public_votes": lambda candidate, primary: -candidate.votes,
    "n_reviews": lambda candidate, primary: (
        0 if candidate.jury is None else -candidate.jury.n_reviews
    ),
    "earlier_submission": lambda candidate, primary: (
        (1, 0) if candidate.submitted_at is None else (0, candidate.submitted_at)
    ),
    "entry_id": lambda candidate, primary: id_sort_key(candidate.entry_id),
}
