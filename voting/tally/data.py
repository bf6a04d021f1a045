"""The plain data that goes into a tally and the snapshot that comes out.

Services build these from the database; nothing here knows about models. Ids are ints or
strings, numbers are ints, floats or Decimals (as a DecimalField gives them).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

Id = int | str
Number = int | float | Decimal
DecidedBy = Literal["jury", "public", "blended"]
Normalisation = Literal["none", "zscore", "rank"]

ALGORITHM = "videoawards-tally/1"

TIE_BREAK_RULES = (
    "combined",
    "jury_score",
    "public_votes",
    "n_reviews",
    "earlier_submission",
    "entry_id",
)
DEFAULT_TIE_BREAKS = ("jury_score", "public_votes", "earlier_submission", "entry_id")

# How far apart (max - min) the reviews of one entry may be before it is flagged, in the
# units of the per-review scores: share of the scale ("none"), juror standard deviations
# ("zscore"), or share of the juror's own list ("rank").
DEFAULT_DISAGREEMENT_THRESHOLD = {"none": 0.3, "zscore": 2.0, "rank": 0.5}


class TallyInputError(ValueError):
    """The inputs or the method do not describe a tally that can be computed."""


def id_sort_key(value: Id) -> tuple[bool, Id]:
    """Orders ids of mixed types without comparing an int to a str."""
    return (isinstance(value, str), value)


@dataclass(frozen=True, slots=True)
class Criterion:
    id: Id
    weight: Number
    scale_min: Number
    scale_max: Number


@dataclass(frozen=True, slots=True)
class Review:
    """One juror's complete, submitted scores for one entry (drafts are never tallied)."""

    entry_id: Id
    juror_id: Id
    scores: Mapping[Id, Number]


@dataclass(frozen=True, slots=True)
class EntryInfo:
    """What the tally needs to know about an entry besides its scores and votes.

    ``submitted_at`` is a timezone-aware datetime, an int or a str (one kind per tally);
    it only matters for the "earlier_submission" tie-break.
    """

    id: Id
    submitted_at: dt.datetime | int | str | None = None
    category: Id | None = None


@dataclass(frozen=True)
class TallyInput:
    criteria: Sequence[Criterion]
    reviews: Sequence[Review]
    entries: Sequence[EntryInfo]
    # Valid public votes per entry (invalidated votes already left out); missing means 0.
    votes: Mapping[Id, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Method:
    """How one award is decided; mirrors challenges.Award (decided_by, jury_weight %)."""

    decided_by: DecidedBy = "jury"
    jury_weight: int = 100
    category: Id | None = None
    normalisation: Normalisation = "none"
    tie_breaks: Sequence[str] = DEFAULT_TIE_BREAKS
    disagreement_threshold: Number | None = None
    min_reviews: int = 1


@dataclass(frozen=True, slots=True)
class RankingRow:
    rank: int
    entry_id: Id
    jury_score: float | None
    jury_spread: float | None
    n_reviews: int
    disagreement: bool
    public_votes: int
    public_score: float
    combined: float
    tie_broken_by: str | None


@dataclass(frozen=True, slots=True)
class UnrankedEntry:
    entry_id: Id
    reason: str


@dataclass(frozen=True, slots=True)
class JurorStats:
    """A juror's strictness: mean and spread of their raw review scores (0..1)."""

    juror_id: Id
    n_reviews: int
    mean: float
    std: float


@dataclass(frozen=True)
class Snapshot:
    """A frozen result: canonical inputs and method, their hash, and the ranking."""

    algorithm: str
    input_hash: str
    inputs: dict[str, Any]
    method: dict[str, Any]
    ranking: tuple[RankingRow, ...]
    unranked: tuple[UnrankedEntry, ...]
    jurors: tuple[JurorStats, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "input_hash": self.input_hash,
            "inputs": self.inputs,
            "method": self.method,
            "ranking": [asdict(row) for row in self.ranking],
            "unranked": [asdict(item) for item in self.unranked],
            "jurors": [asdict(item) for item in self.jurors],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        return canonical_json(self.as_dict(), indent=indent)


def canonical_json(value: Any, *, indent: int | None = None) -> str:
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(
        value, sort_keys=True, separators=separators, ensure_ascii=False, indent=indent
    )
