"""Canonical form of tally inputs and methods, their hash, and reading them back.

Canonical means: every list sorted by id, numbers as normalised decimal strings
(3, 3.0 and Decimal("3.00") are all "3"; floats through their shortest repr), datetimes
in UTC, zero vote counts dropped. The same inputs in any order, from any source, give
the same JSON and therefore the same sha256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
from collections.abc import Mapping
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from voting.tally.data import (
    ALGORITHM,
    DEFAULT_DISAGREEMENT_THRESHOLD,
    TIE_BREAK_RULES,
    Criterion,
    EntryInfo,
    Id,
    Method,
    Review,
    TallyInput,
    TallyInputError,
    canonical_json,
    id_sort_key,
)

_WIDE = Context(prec=60)


def canonical_number(value: Any, *, what: str) -> str:
    if type(value) is int:
        return str(value)
    if isinstance(value, bool):
        raise TallyInputError(f"{what} must be a number, not {value!r}")
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TallyInputError(f"{what} must be a finite number, not {value!r}")
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise TallyInputError(f"{what} must be a finite number, not {value!r}")
        number = value
    else:
        raise TallyInputError(f"{what} must be a number, not {value!r}")
    text = format(number.normalize(_WIDE), "f")
    return "0" if text == "-0" else text


def parse_number(text: str) -> int | Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise TallyInputError(f"not a canonical number: {text!r}") from error
    return int(number) if "." not in text else number


def check_id(value: Any, *, what: str) -> Id:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TallyInputError(f"{what} must be an int or a str, not {value!r}")
    return value


def canonical_moment(value: Any, *, entry_id: Id) -> int | str | None:
    """The sortable form of submitted_at: aware datetimes become UTC ISO strings."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            raise TallyInputError(f"entry {entry_id!r}: submitted_at must be timezone-aware")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TallyInputError(
        f"entry {entry_id!r}: submitted_at must be a datetime, an int or a str, not {value!r}"
    )


def canonical_method(method: Method) -> dict[str, Any]:
    """The method as it is applied: defaults filled in, irrelevant knobs fixed."""
    if method.decided_by not in ("jury", "public", "blended"):
        raise TallyInputError(f"decided_by must be jury, public or blended: {method.decided_by!r}")
    if method.normalisation not in DEFAULT_DISAGREEMENT_THRESHOLD:
        raise TallyInputError(
            f"normalisation must be none, zscore or rank: {method.normalisation!r}"
        )
    weight = method.jury_weight
    if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 100:
        raise TallyInputError(f"jury_weight must be a whole percent 0..100: {weight!r}")
    if method.decided_by != "blended":
        weight = 100 if method.decided_by == "jury" else 0
    min_reviews = method.min_reviews
    if isinstance(min_reviews, bool) or not isinstance(min_reviews, int) or min_reviews < 1:
        raise TallyInputError(f"min_reviews must be a whole number >= 1: {min_reviews!r}")
    if method.decided_by == "public":
        min_reviews = 0
    if isinstance(method.tie_breaks, str):
        raise TallyInputError("tie_breaks must be a list of rule names, not one string")
    tie_breaks: list[str] = []
    for rule in method.tie_breaks:
        if rule not in TIE_BREAK_RULES:
            raise TallyInputError(
                f"unknown tie-break rule {rule!r}; choose from {', '.join(TIE_BREAK_RULES)}"
            )
        if rule not in tie_breaks:
            tie_breaks.append(rule)
        if rule == "entry_id":
            break  # entry ids are unique: nothing after this rule can matter
    if tie_breaks[-1:] != ["entry_id"]:
        tie_breaks.append("entry_id")
    threshold = method.disagreement_threshold
    if threshold is None:
        threshold = DEFAULT_DISAGREEMENT_THRESHOLD[method.normalisation]
    threshold_text = canonical_number(threshold, what="disagreement_threshold")
    if threshold_text.startswith("-"):
        raise TallyInputError(f"disagreement_threshold must not be negative: {threshold!r}")
    category = method.category
    if category is not None:
        check_id(category, what="category")
    return {
        "decided_by": method.decided_by,
        "jury_weight": weight,
        "category": category,
        "normalisation": method.normalisation,
        "tie_breaks": tie_breaks,
        "disagreement_threshold": threshold_text,
        "min_reviews": min_reviews,
    }


def canonical_inputs(inputs: TallyInput) -> dict[str, Any]:
    """Inputs as sorted plain data; raises TallyInputError on duplicates or unknown ids."""
    criteria = sorted(
        (
            {
                "id": check_id(criterion.id, what="criterion id"),
                "weight": canonical_number(criterion.weight, what="criterion weight"),
                "scale_min": canonical_number(criterion.scale_min, what="scale_min"),
                "scale_max": canonical_number(criterion.scale_max, what="scale_max"),
            }
            for criterion in inputs.criteria
        ),
        key=lambda item: id_sort_key(item["id"]),
    )
    _refuse_duplicates([item["id"] for item in criteria], what="criterion")
    entries: list[dict[str, Any]] = sorted(
        (
            {
                "id": check_id(entry.id, what="entry id"),
                "submitted_at": canonical_moment(entry.submitted_at, entry_id=entry.id),
                "category": None
                if entry.category is None
                else check_id(entry.category, what="category"),
            }
            for entry in inputs.entries
        ),
        key=lambda item: id_sort_key(item["id"]),
    )
    entry_ids = [item["id"] for item in entries]
    _refuse_duplicates(entry_ids, what="entry")
    moments = {type(item["submitted_at"]) for item in entries} - {type(None)}
    if len(moments) > 1:
        raise TallyInputError("submitted_at must be of one kind (all datetimes, ints or strs)")
    known = set(entry_ids)
    criterion_ids = [item["id"] for item in criteria]
    reviews: list[dict[str, Any]] = []
    for review in inputs.reviews:
        entry_id = check_id(review.entry_id, what="review entry id")
        juror_id = check_id(review.juror_id, what="juror id")
        if entry_id not in known:
            raise TallyInputError(f"review of unknown entry {entry_id!r}")
        given = review.scores
        if len(given) != len(criterion_ids) or not all(c in given for c in criterion_ids):
            raise TallyInputError(
                f"review of entry {entry_id!r} by juror {juror_id!r} "
                "must score every criterion, and only those"
            )
        scores = [[c, canonical_number(given[c], what="score")] for c in criterion_ids]
        reviews.append({"entry_id": entry_id, "juror_id": juror_id, "scores": scores})
    reviews.sort(key=lambda item: (id_sort_key(item["entry_id"]), id_sort_key(item["juror_id"])))
    for before, after in itertools.pairwise(reviews):
        if (before["entry_id"], before["juror_id"]) == (after["entry_id"], after["juror_id"]):
            raise TallyInputError(
                f"juror {after['juror_id']!r} reviewed entry {after['entry_id']!r} twice"
            )
    votes = []
    for entry_id, count in inputs.votes.items():
        if entry_id not in known:
            raise TallyInputError(f"votes for unknown entry {entry_id!r}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise TallyInputError(f"vote count for entry {entry_id!r} must be >= 0: {count!r}")
        if count:
            votes.append([entry_id, count])
    votes.sort(key=lambda pair: id_sort_key(pair[0]))
    return {"criteria": criteria, "entries": entries, "reviews": reviews, "votes": votes}


def input_hash(canonical_inputs: dict[str, Any], canonical_method: dict[str, Any]) -> str:
    payload = {"algorithm": ALGORITHM, "inputs": canonical_inputs, "method": canonical_method}
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def load_inputs(snapshot: Mapping[str, Any]) -> tuple[TallyInput, Method]:
    """Reads inputs and method back from a snapshot's dict, to recompute and compare hashes."""
    if snapshot.get("algorithm") != ALGORITHM:
        raise TallyInputError(
            f"snapshot was made by {snapshot.get('algorithm')!r}, not {ALGORITHM}"
        )
    data, method = snapshot["inputs"], snapshot["method"]
    inputs = TallyInput(
        criteria=[
            Criterion(
                id=item["id"],
                weight=parse_number(item["weight"]),
                scale_min=parse_number(item["scale_min"]),
                scale_max=parse_number(item["scale_max"]),
            )
            for item in data["criteria"]
        ],
        entries=[
            EntryInfo(id=item["id"], submitted_at=item["submitted_at"], category=item["category"])
            for item in data["entries"]
        ],
        reviews=[
            Review(
                entry_id=item["entry_id"],
                juror_id=item["juror_id"],
                scores={
                    criterion_id: parse_number(value) for criterion_id, value in item["scores"]
                },
            )
            for item in data["reviews"]
        ],
        votes={entry_id: count for entry_id, count in data["votes"]},
    )
    return inputs, Method(
        decided_by=method["decided_by"],
        jury_weight=method["jury_weight"] if method["decided_by"] == "blended" else 100,
        category=method["category"],
        normalisation=method["normalisation"],
        tie_breaks=tuple(method["tie_breaks"]),
        disagreement_threshold=parse_number(method["disagreement_threshold"]),
        min_reviews=max(method["min_reviews"], 1),
    )


def _refuse_duplicates(ids: list[Id], *, what: str) -> None:
    for before, after in itertools.pairwise(ids):
        if before == after:
            raise TallyInputError(f"{what} {after!r} appears twice")
