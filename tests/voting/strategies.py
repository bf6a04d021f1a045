"""Hypothesis strategies for small juries: few entries, few score values, so ties are common."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from voting.tally import Criterion, EntryInfo, Review, TallyInput


@dataclass(frozen=True)
class Jury:
    """A tally input plus the ids it uses, for tests that transform one juror or entry."""

    inputs: TallyInput
    juror_ids: tuple[str, ...]


@st.composite
def juries(draw, *, scale_max: int = 10, top_score: int = 10) -> Jury:
    """Entries reviewed by 1..all jurors, with scores between 0 and top_score on 0..scale_max."""
    criteria = [
        Criterion(id=number, weight=draw(st.integers(1, 5)), scale_min=0, scale_max=scale_max)
        for number in range(1, draw(st.integers(1, 3)) + 1)
    ]
    juror_ids = tuple(f"juror-{number}" for number in range(draw(st.integers(2, 5))))
    entries = [
        EntryInfo(
            id=number,
            submitted_at=draw(st.none() | st.integers(0, 3)),
            category=draw(st.sampled_from(["junior", "senior"])),
        )
        for number in range(1, draw(st.integers(2, 8)) + 1)
    ]
    reviews = [
        Review(
            entry_id=entry.id,
            juror_id=juror_id,
            scores={c.id: draw(st.integers(0, top_score)) for c in criteria},
        )
        for entry in entries
        for juror_id in sorted(draw(st.sets(st.sampled_from(juror_ids), min_size=1)))
    ]
    votes = {entry.id: draw(st.integers(0, 6)) for entry in entries}
    return Jury(inputs=TallyInput(criteria, reviews, entries, votes), juror_ids=juror_ids)
