"""Deciding an award from plain data: jury reviews, public votes, a ranking and a snapshot.

Pure and deterministic (no ORM, no clock, no randomness): services load the criteria,
submitted reviews, entries and valid vote counts, call ``tally()``, and store the
snapshot; ``manage.py tally`` prints the same snapshot. The same inputs in any order give
the same ranking and the same ``input_hash``; ``load_inputs`` reads a snapshot back so an
auditor can recompute it.
"""

from __future__ import annotations

from voting.tally.canonical import canonical_inputs, canonical_method, input_hash, load_inputs
from voting.tally.data import (
    ALGORITHM,
    DEFAULT_TIE_BREAKS,
    TIE_BREAK_RULES,
    Criterion,
    EntryInfo,
    JurorStats,
    Method,
    RankingRow,
    Review,
    Snapshot,
    TallyInput,
    TallyInputError,
    UnrankedEntry,
    id_sort_key,
)
from voting.tally.ranking import SCORE_DECIMALS, rank_entries
from voting.tally.scoring import entry_jury, normalise, review_totals

__all__ = [
    "ALGORITHM",
    "DEFAULT_TIE_BREAKS",
    "SCORE_DECIMALS",
    "TIE_BREAK_RULES",
    "Criterion",
    "EntryInfo",
    "JurorStats",
    "Method",
    "RankingRow",
    "Review",
    "Snapshot",
    "TallyInput",
    "TallyInputError",
    "UnrankedEntry",
    "id_sort_key",
    "load_inputs",
    "tally",
]


def tally(*, inputs: TallyInput, method: Method) -> Snapshot:
    """Ranks the entries competing for one award; raises TallyInputError on bad inputs."""
    method_data = canonical_method(method)
    data = canonical_inputs(inputs)
    values, jurors = normalise(review_totals(data), normalisation=method_data["normalisation"])
    ranking, unranked = rank_entries(inputs=data, method=method_data, jury=entry_jury(values))
    return Snapshot(
        algorithm=ALGORITHM,
        input_hash=input_hash(data, method_data),
        inputs=data,
        method=method_data,
        ranking=tuple(ranking),
        unranked=tuple(unranked),
        jurors=tuple(jurors),
    )
