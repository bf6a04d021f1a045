"""Benchmark the pure tally and juror assignment (figures, not a test: nothing is asserted).

    .venv/bin/python -m tests.bench.tally --json

Tallies 5,000 entries x 3 reviews x 5 criteria plus 100,000 public votes (goal: < 1 s on
the project's 2-core machine) and assigns 50 jurors to 5,000 entries with k = 3. The data
comes from a fixed seed, so runs are comparable. With --json the last line printed is one
JSON object with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import sys
import time
from collections import Counter
from collections.abc import Callable

from voting.assignment import assign, loads
from voting.tally import Criterion, EntryInfo, Method, Review, TallyInput, tally

ENTRIES = 5_000
JURORS = 50
REVIEWS_PER_ENTRY = 3
CRITERIA = 5
VOTES = 100_000
CONFLICT_SHARE = 0.01
SEED = 20_250_301
REPEAT = 5
GOAL_SECONDS = 1.0

METHODS = {
    "blended_zscore": Method(decided_by="blended", jury_weight=50, normalisation="zscore"),
    "jury_plain": Method(decided_by="jury"),
    "jury_rank": Method(decided_by="jury", normalisation="rank"),
    "public": Method(decided_by="public"),
}


def build_dataset(
    rng: random.Random,
) -> tuple[list[int], list[str], set[tuple[str, int]], list[Criterion], list[EntryInfo], list[int]]:
    entry_ids = list(range(1, ENTRIES + 1))
    juror_ids = [f"juror-{number:02d}" for number in range(JURORS)]
    conflicts = {
        (rng.choice(juror_ids), rng.choice(entry_ids))
        for _ in range(int(ENTRIES * JURORS * CONFLICT_SHARE))
    }
    criteria = [
        Criterion(id=number, weight=number, scale_min=1, scale_max=10)
        for number in range(1, CRITERIA + 1)
    ]
    opened = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    entries = [
        EntryInfo(
            id=entry_id,
            submitted_at=opened + dt.timedelta(seconds=rng.randrange(30 * 86_400)),
            category=rng.choice(("junior", "senior", "team")),
        )
        for entry_id in entry_ids
    ]
    popularity = [rng.paretovariate(1.2) for _ in entry_ids]
    ballots = rng.choices(entry_ids, weights=popularity, k=VOTES)
    return entry_ids, juror_ids, conflicts, criteria, entries, ballots


def build_reviews(rng: random.Random, assignment: dict[int, list[str]]) -> list[Review]:
    """Scores = entry quality + the juror's leniency + noise, on 1..10."""
    leniency = {juror_id: rng.gauss(0, 1.5) for panel in assignment.values() for juror_id in panel}
    reviews = []
    for entry_id, panel in assignment.items():
        quality = rng.gauss(0, 1.5)
        for juror_id in panel:
            scores = {
                number: min(10, max(1, round(5.5 + quality + leniency[juror_id] + rng.gauss(0, 1))))
                for number in range(1, CRITERIA + 1)
            }
            reviews.append(Review(entry_id=entry_id, juror_id=juror_id, scores=scores))
    return reviews


def best_of(repeat: int, run: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args(argv)

    rng = random.Random(SEED)
    entry_ids, juror_ids, conflicts, criteria, entries, ballots = build_dataset(rng)

    def run_assignment() -> dict[int, list[str]]:
        return assign(entry_ids, juror_ids, k=REVIEWS_PER_ENTRY, conflicts=conflicts, seed=SEED)

    assignment = run_assignment()
    assignment_seconds = best_of(args.repeat, run_assignment)
    juror_loads = loads(assignment).values()
    reviews = build_reviews(rng, assignment)

    def run_tally(method: Method) -> None:
        votes = Counter(ballots)  # what a GROUP BY over the vote rows would return
        tally(inputs=TallyInput(criteria, reviews, entries, votes), method=method)

    method_seconds = {
        name: round(best_of(args.repeat, lambda method=method: run_tally(method)), 4)
        for name, method in METHODS.items()
    }
    snapshot = tally(
        inputs=TallyInput(criteria, reviews, entries, Counter(ballots)),
        method=METHODS["blended_zscore"],
    )
    tally_seconds = method_seconds["blended_zscore"]
    figures: dict[str, object] = {
        "benchmark": "tally",
        "entries": ENTRIES,
        "reviews": len(reviews),
        "criteria": CRITERIA,
        "votes": len(ballots),
        "jurors": JURORS,
        "conflicts": len(conflicts),
        "repeat": args.repeat,
        "tally_seconds": tally_seconds,
        "tally_seconds_by_method": method_seconds,
        "goal_seconds": GOAL_SECONDS,
        "meets_goal": tally_seconds < GOAL_SECONDS,
        "assignment_seconds": round(assignment_seconds, 4),
        "assignment_load_min": min(juror_loads),
        "assignment_load_max": max(juror_loads),
        "snapshot_bytes": len(snapshot.to_json()),
        "input_hash": snapshot.input_hash,
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    else:
        for name, value in figures.items():
            print(f"{name:>24}: {value}")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
