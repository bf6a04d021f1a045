"""Benchmark the vote forensics on a seeded election (figures: detection quality, seconds).

    .venv/bin/python -m tests.bench.forensics --json

1. Uses DATABASE_URL if set, else a fresh SQLite file in a temporary folder (migrated).
2. Seeds, with bulk_create and a fixed seed, a week of public voting: GENUINE voters from
   varied networks (homes on IPv4 and IPv6, mobile carriers' shared blocks, schools behind
   one address each; accounts from minutes to years old; choices from one entry to six,
   popular entries more often), one more school class of 25 voting together (weeks-old
   confirmed accounts, varied choices), and two attacks: 300 fresh accounts in ten minutes
   from one /24 for one entry, and 150 fresh accounts over two days from three /24s for a
   pair of entries.
3. Runs voting.services.forensics.flag_suspicious_votes once and prints the share of
   attack votes flagged (goal >= 95 %) and of genuine votes flagged (goal <= 1 %), per
   group, with the seconds it took to seed and to look.
4. Deletes what it created (or the temporary database).

--quick seeds 300 genuine voters instead of 2,000 (the attacks and the class stay whole).
With --json the last line printed is one JSON object. tests/bench/test_bench_smoke.py
runs the same scenario, small, inside the test database.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

PREFIX = "bench-forensics"
GENUINE = 2_000
QUICK_GENUINE = 300
ENTRIES = 40
SEED = 20_240_822  # the Hugo Awards' 2024 report on voided ballots
GOALS = {"attack_flagged_share_min": 0.95, "genuine_flagged_share_max": 0.01}


@dataclass
class Voter:
    group: str  # "genuine", "school_class", "attack_fast", "attack_slow"
    address: str
    first_vote: datetime
    joined: datetime
    verified: datetime
    entries: list[int]
    spread: timedelta = timedelta(minutes=5)  # from the first vote to the last


@dataclass
class Scenario:
    challenge: Any
    votes_by_group: dict[str, set[int]] = field(default_factory=dict)


def _weighted_sample(rng: random.Random, weights: list[float], k: int) -> list[int]:
    chosen: list[int] = []
    indices = list(range(len(weights)))
    pool = list(weights)
    for _ in range(min(k, len(indices))):
        pick = rng.choices(range(len(indices)), weights=pool)[0]
        chosen.append(indices.pop(pick))
        pool.pop(pick)
    return chosen


def _set_size(rng: random.Random) -> int:
    return rng.choices([1, 2, 3, 4, 5, 6], weights=[45, 25, 15, 7, 5, 3])[0]


def _account_age(rng: random.Random) -> timedelta:
    """How long before their first vote genuine voters made their account: many sign up
    to vote (a quarter within two days), the rest days to years before."""
    kind = rng.random()
    if kind < 0.25:
        return timedelta(minutes=rng.uniform(5, 48 * 60))
    if kind < 0.60:
        return timedelta(days=rng.uniform(3, 30))
    return timedelta(days=rng.uniform(30, 900))


def _confirmed_after(rng: random.Random, age: timedelta) -> timedelta:
    """How long after sign-up the email was confirmed (some old accounts only lately)."""
    if rng.random() < 0.05 and age > timedelta(days=10):
        return age - timedelta(hours=rng.uniform(1, 48))
    return min(age, timedelta(minutes=rng.uniform(1, 60 * 24)))


def _daytime(rng: random.Random, opens: datetime, days: float = 7.0) -> datetime:
    """A moment in the week, more often in the afternoon and evening."""
    day = int(rng.uniform(0, days))
    hour = rng.choices(range(24), weights=[1] * 7 + [3] * 5 + [5] * 6 + [6] * 4 + [2] * 2)[0]
    return opens + timedelta(days=day, hours=hour, minutes=rng.uniform(0, 60))


def plan_voters(*, genuine: int, rng: random.Random, opens: datetime) -> list[Voter]:
    """Who votes, from where, when and for what (entries as 0-based indices)."""
    popularity = [1 / (rank + 1) ** 0.9 for rank in range(ENTRIES)]
    voters: list[Voter] = []

    def genuine_voter(group: str, address: str, at: datetime, age: timedelta | None = None):
        age = age if age is not None else _account_age(rng)
        joined = at - age
        voters.append(
            Voter(
                group=group,
                address=address,
                first_vote=at,
                joined=joined,
                verified=joined + _confirmed_after(rng, age),
                entries=_weighted_sample(rng, popularity, _set_size(rng)),
                spread=timedelta(minutes=rng.uniform(0, 20)),
            )
        )

    carriers = [f"100.{64 + n}.{rng.randrange(256)}" for n in range(6)]  # shared mobile blocks
    schools = 0
    while len(voters) < genuine:
        kind = rng.random()
        if kind < 0.12 and schools < 12:  # a school: one address, a class votes together
            schools += 1
            address = f"141.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            lesson = _daytime(rng, opens)
            for _ in range(rng.randint(18, 32)):
                at = lesson + timedelta(minutes=rng.uniform(0, 40))
                genuine_voter("genuine", address, at, timedelta(days=rng.uniform(14, 400)))
        elif kind < 0.40:  # a phone behind a carrier's shared addresses
            block = rng.choice(carriers)
            genuine_voter("genuine", f"{block}.{rng.randrange(1, 9)}", _daytime(rng, opens))
        elif kind < 0.55:  # a home on IPv6, its own /48
            prefix = f"2a02:{rng.randrange(0x10000):x}:{rng.randrange(0x10000):x}"
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                address = f"{prefix}:{rng.randrange(0x10000):x}::{rng.randrange(1, 0xFFFF):x}"
                genuine_voter("genuine", address, _daytime(rng, opens))
        else:  # a home on IPv4, one address for the family
            address = f"{rng.randrange(80, 95)}.{rng.randrange(256)}.{rng.randrange(256)}."
            address += str(rng.randrange(1, 255))
            evening = _daytime(rng, opens)
            for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
                genuine_voter("genuine", address, evening + timedelta(minutes=rng.uniform(0, 90)))
    voters = voters[:genuine]

    # One more school class: 25 accounts behind one address, voting together.
    lesson = opens + timedelta(days=3, hours=10)
    for _ in range(25):
        at = lesson + timedelta(minutes=rng.uniform(0, 15))
        genuine_voter("school_class", "141.30.7.20", at, timedelta(days=rng.uniform(21, 120)))

    target, pair = ENTRIES // 4, [ENTRIES // 3, ENTRIES // 2]

    def attacker(group: str, address: str, at: datetime, entries: list[int]) -> None:
        joined = at - timedelta(minutes=rng.uniform(2, 90))
        verified = joined + timedelta(seconds=rng.uniform(20, 120))
        voters.append(Voter(group, address, at, joined, verified, entries, timedelta(0)))

    burst = opens + timedelta(days=5, hours=22)
    for _ in range(300):  # 300 accounts in ten minutes from one /24, for one entry
        address = f"185.220.101.{rng.randrange(1, 255)}"
        attacker("attack_fast", address, burst + timedelta(minutes=rng.uniform(0, 10)), [target])
    slow_from = opens + timedelta(days=2)
    blocks = ["45.134.22", "45.134.27", "91.92.251"]
    for n in range(150):  # 150 accounts over two days from three /24s, for a pair
        at = slow_from + timedelta(hours=rng.uniform(0, 48))
        attacker("attack_slow", f"{blocks[n % 3]}.{rng.randrange(1, 255)}", at, pair)
    for block in blocks:  # a few real people share those blocks
        for _ in range(2):
            genuine_voter("genuine", f"{block}.{rng.randrange(1, 255)}", _daytime(rng, opens))
    return voters


def seed(*, genuine: int, rng: random.Random, stamp: str) -> Scenario:
    """Creates the challenge, entries, accounts and votes in a few bulk inserts."""
    from django.utils import timezone

    from videoawards.accounts.models import User
    from videoawards.challenges.models import Challenge, Entry
    from voting.models import Vote
    from voting.services.votes import address_hash, network_hash

    now = timezone.now().replace(microsecond=0)
    opens = now - timedelta(days=7)
    challenge = Challenge.objects.create(
        title=f"Forensics benchmark {stamp}",
        slug=f"{PREFIX}-{stamp}",
        brief="Benchmark data; deleted when the benchmark ends.",
        entries_open_at=now - timedelta(days=40),
        entries_close_at=opens - timedelta(days=2),
        voting_opens_at=opens,
        voting_closes_at=now + timedelta(hours=1),
        results_at=now + timedelta(days=2),
    )
    entries = Entry.objects.bulk_create(
        [
            Entry(challenge=challenge, title=f"Entry {n}", state="approved", submitted_at=opens)
            for n in range(ENTRIES)
        ]
    )
    planned = plan_voters(genuine=genuine, rng=rng, opens=opens)
    users = User.objects.bulk_create(
        [
            User(
                email=f"{PREFIX}-{stamp}-{n}@bench.invalid",
                display_name=f"Voter {n}",
                date_joined=voter.joined,
                email_verified_at=voter.verified,
                password="!",
            )
            for n, voter in enumerate(planned)
        ],
        batch_size=500,
    )
    votes, groups = [], []
    for user, voter in zip(users, planned, strict=True):
        hashed, block = address_hash(voter.address), network_hash(voter.address)
        for number, index in enumerate(voter.entries):
            step = voter.spread * number / max(len(voter.entries) - 1, 1)
            votes.append(
                Vote(
                    voter=user,
                    entry=entries[index],
                    challenge=challenge,
                    address_hash=hashed,
                    network_hash=block,
                    created_at=voter.first_vote + step,
                )
            )
            groups.append(voter.group)
    Vote.objects.bulk_create(votes, batch_size=1000)
    scenario = Scenario(challenge=challenge)
    ids = Vote.objects.filter(challenge=challenge).values_list("voter__email", "pk", "entry_id")
    group_of = {user.email: voter.group for user, voter in zip(users, planned, strict=True)}
    for email, pk, _entry in ids:
        scenario.votes_by_group.setdefault(group_of[email], set()).add(pk)
    return scenario


def measure(scenario: Scenario) -> dict[str, Any]:
    """Runs the forensics once and says which share of each group's votes it flagged."""
    from voting.models import VoteFlag
    from voting.services.forensics import flag_suspicious_votes

    began = time.perf_counter()
    flags = flag_suspicious_votes(challenge=scenario.challenge)
    seconds = time.perf_counter() - began
    flagged = set(
        VoteFlag.votes.through.objects.filter(voteflag__in=flags).values_list("vote_id", flat=True)
    )
    groups = scenario.votes_by_group

    def share(names: list[str]) -> tuple[int, int, float]:
        votes = set().union(*(groups.get(name, set()) for name in names))
        hit = len(votes & flagged)
        return len(votes), hit, round(hit / len(votes), 4) if votes else 0.0

    attack_votes, attack_hit, attack_share = share(["attack_fast", "attack_slow"])
    genuine_votes, genuine_hit, genuine_share = share(["genuine", "school_class"])
    return {
        "attack_votes": attack_votes,
        "attack_votes_flagged": attack_hit,
        "attack_flagged_share": attack_share,
        "genuine_votes": genuine_votes,
        "genuine_votes_flagged": genuine_hit,
        "genuine_flagged_share": genuine_share,
        "by_group": {
            name: dict(zip(("votes", "flagged", "share"), share([name]), strict=True))
            for name in groups
        },
        "flags": [
            {"key": flag.key, "votes": flag.vote_count, "signals": flag.evidence["signals"]}
            for flag in flags
        ],
        "detect_seconds": round(seconds, 3),
    }


def run(*, genuine: int, seed_value: int = SEED) -> dict[str, Any]:
    """Seeds the scenario, measures it and removes it (Django must be set up)."""
    from videoawards.accounts.models import User
    from videoawards.challenges.models import Challenge

    stamp = f"{int(time.time())}-{seed_value}"
    began = time.perf_counter()
    scenario = seed(genuine=genuine, rng=random.Random(seed_value), stamp=stamp)
    seeded = time.perf_counter() - began
    try:
        figures = measure(scenario)
    finally:
        Challenge.objects.filter(slug=f"{PREFIX}-{stamp}").delete()
        User.objects.filter(email__startswith=f"{PREFIX}-{stamp}-").delete()
    return {
        "benchmark": "forensics",
        "genuine_voters": genuine,
        "seed_seconds": round(seeded, 3),
    } | figures


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_GENUINE} genuine voters")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    folder = None
    if "DATABASE_URL" not in os.environ:
        folder = tempfile.TemporaryDirectory(prefix="bench-forensics-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder.name}/forensics.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "videoawards.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - began
    try:
        figures = run(genuine=QUICK_GENUINE if args.quick else GENUINE, seed_value=args.seed)
    finally:
        connection.close()
        if folder is not None:
            folder.cleanup()
    figures |= {
        "database": connection.vendor,
        "migrate_seconds": round(migrated, 3),
        "goals": GOALS,
        "cpus": os.cpu_count(),
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
