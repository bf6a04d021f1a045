"""Jury arithmetic: one number per review, per-juror normalisation, one number per entry.

A review's score is the weighted mean of its criteria, each mapped onto 0..1 by its
scale, so it reads as "share of full marks". It is computed exactly (integers over one
common denominator), so equal reviews are equal and no float noise can reorder them.

Normalisation ("zscore", the recommended one) turns each review into "how many of this
juror's own standard deviations above their own average": a harsh juror's 5/10 and a
lenient juror's 8/10 mean the same if each is that juror's usual score. It removes both
offset and stretch (a juror who adds a constant, or multiplies, changes nothing) and keeps
how far apart a juror put entries, which ranks ("rank") throw away; "rank" is offered for
panels that prefer robustness to a single outlier score. A juror with one review, or the
same score for everything, gives no information about their strictness: their reviews
count as exactly average (0 in zscore, the middle 0.5 in rank), still counted in n.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from voting.tally.data import Id, JurorStats, TallyInputError, id_sort_key


@dataclass(frozen=True, slots=True)
class EntryJury:
    n_reviews: int
    mean: float
    spread: float


@dataclass(frozen=True, slots=True)
class ReviewTotals:
    """Each review's share of full marks as an exact fraction: numerators[key] / denominator."""

    numerators: dict[tuple[Id, Id], int]
    denominator: int


def review_totals(inputs: dict[str, Any]) -> ReviewTotals:
    """Weighted share of full marks per review, computed exactly in integers.

    Scores, bounds and weights are decimals; scaled by a power of ten they are integers,
    and over the common denominator sum(weights) * lcm(scale ranges) every review's share is
    an integer too, so equal reviews are equal and differences are exact.
    """
    criteria = inputs["criteria"]
    if inputs["reviews"] and not criteria:
        raise TallyInputError("reviews need at least one criterion")
    score_texts = [text for review in inputs["reviews"] for _, text in review["scores"]]
    bound_texts = [item[bound] for item in criteria for bound in ("scale_min", "scale_max")]
    to_score = _scaler(score_texts + bound_texts)
    to_weight = _scaler([item["weight"] for item in criteria])
    weights = [to_weight(item["weight"]) for item in criteria]
    bounds = [(to_score(item["scale_min"]), to_score(item["scale_max"])) for item in criteria]
    for item, weight, (low, high) in zip(criteria, weights, bounds, strict=True):
        if weight < 0:
            raise TallyInputError(f"criterion {item['id']!r} has a negative weight")
        if not high > low:
            raise TallyInputError(f"criterion {item['id']!r} needs scale_max > scale_min")
    if criteria and sum(weights) <= 0:
        raise TallyInputError("criterion weights must add up to more than 0")
    common_range = math.lcm(*(high - low for low, high in bounds)) if bounds else 1
    plan = [
        (item["id"], weight * (common_range // (high - low)), low, high)
        for item, weight, (low, high) in zip(criteria, weights, bounds, strict=True)
    ]
    numerators = {}
    for review in inputs["reviews"]:
        numerator = 0
        # canonical_inputs lists every criterion once, in the same order as `plan`
        for (criterion_id, factor, low, high), (_, text) in zip(
            plan, review["scores"], strict=True
        ):
            score = to_score(text)
            if not low <= score <= high:
                raise TallyInputError(
                    f"score {text} for criterion {criterion_id!r} is outside its scale"
                )
            numerator += factor * (score - low)
        numerators[review["entry_id"], review["juror_id"]] = numerator
    return ReviewTotals(numerators=numerators, denominator=max(sum(weights), 1) * common_range)


def _scaler(texts: list[str]) -> Callable[[str], int]:
    """Turns canonical decimal strings into integers, all scaled by the same power of ten."""
    places = max((len(text) - text.index(".") - 1 for text in texts if "." in text), default=0)
    if not places:
        return int
    return lambda text: int(Decimal(text).scaleb(places))


def normalise(
    totals: ReviewTotals, *, normalisation: str
) -> tuple[dict[tuple[Id, Id], float], list[JurorStats]]:
    """Per-review values in the method's units, and each juror's strictness."""
    denominator = totals.denominator
    by_juror: dict[Id, list[tuple[Id, int]]] = defaultdict(list)
    for (entry_id, juror_id), numerator in totals.numerators.items():
        by_juror[juror_id].append((entry_id, numerator))
    values: dict[tuple[Id, Id], float] = {}
    stats = []
    for juror_id in sorted(by_juror, key=id_sort_key):
        reviews = by_juror[juror_id]
        n = len(reviews)
        total = sum(numerator for _, numerator in reviews)
        squares = n * sum(numerator * numerator for _, numerator in reviews) - total * total
        stats.append(
            JurorStats(
                juror_id=juror_id,
                n_reviews=n,
                mean=round(total / (n * denominator), 9),
                std=round(math.sqrt(squares) / (n * denominator), 9),
            )
        )
        if normalisation == "zscore":
            values.update(_zscores(juror_id, reviews))
        elif normalisation == "rank":
            values.update(_percentiles(juror_id, reviews))
        else:
            for entry_id, numerator in reviews:
                values[entry_id, juror_id] = numerator / denominator
    return values, stats


def _zscores(juror_id: Id, reviews: list[tuple[Id, int]]) -> dict[tuple[Id, Id], float]:
    """Standard scores, computed so that any shift or stretch of the juror's scores gives
    bit-for-bit the same floats: the scores are first reduced to their smallest integer
    pattern (minus the lowest, divided by the gcd of the differences)."""
    lowest = min(numerator for _, numerator in reviews)
    step = math.gcd(*(numerator - lowest for _, numerator in reviews))
    if not step:  # one review, or the same score for everything: exactly average
        return {(entry_id, juror_id): 0.0 for entry_id, _ in reviews}
    pattern = [(entry_id, (numerator - lowest) // step) for entry_id, numerator in reviews]
    n = len(pattern)
    total = sum(value for _, value in pattern)
    spread = math.sqrt(n * sum(value * value for _, value in pattern) - total * total)
    return {(entry_id, juror_id): (n * value - total) / spread for entry_id, value in pattern}


def _percentiles(juror_id: Id, reviews: list[tuple[Id, int]]) -> dict[tuple[Id, Id], float]:
    """Position in the juror's own list, 0 (lowest) to 1 (highest); ties share a mid-rank."""
    n = len(reviews)
    if n == 1:
        return {(reviews[0][0], juror_id): 0.5}
    ordered = sorted(reviews, key=lambda review: review[1])
    result = {}
    start = 0
    while start < n:
        end = start
        while end + 1 < n and ordered[end + 1][1] == ordered[start][1]:
            end += 1
        percentile = (start + end) / 2 / (n - 1)
        for entry_id, _ in ordered[start : end + 1]:
            result[entry_id, juror_id] = percentile
        start = end + 1
    return result


def entry_jury(values: dict[tuple[Id, Id], float]) -> dict[Id, EntryJury]:
    by_entry: dict[Id, list[float]] = defaultdict(list)
    for (entry_id, _), value in values.items():
        by_entry[entry_id].append(value)
    return {entry_id: _summary(reviews) for entry_id, reviews in by_entry.items()}


def _summary(values: Sequence[float]) -> EntryJury:
    n = len(values)
    return EntryJury(n_reviews=n, mean=math.fsum(values) / n, spread=max(values) - min(values))
