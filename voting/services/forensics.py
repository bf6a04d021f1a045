"""Vote forensics: finding ballot stuffing, recording its evidence, and not counting it.

A real attack spreads over the addresses of a network block, comes from fresh accounts,
often in a burst, and votes for one entry or a small set and nothing else. So voters are
grouped by the exact set of entries they voted for, then by the block (/24, /48) and the
address of their first vote. A network whose accounts with one small set score enough
evidence (young accounts 2, a burst 1, a network that votes for nothing else 1; see the
VOTE_FLAG_* settings) fires, and the fired networks of one set become one flag naming
exactly its votes. A school class behind one address (weeks-old confirmed accounts,
varied choices) scores at most a burst and is not flagged.
"""

from __future__ import annotations

import hashlib
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from videoawards.accounts.models import User
from videoawards.challenges.models import Challenge, Entry
from videoawards.core import audit
from voting.models import Vote, VoteFlag, VoteInvalidation
from voting.services.jury import require_organiser

# Evidence and its weight; a network needs settings.VOTE_FLAG_SCORE points.
YOUNG, BURST, SAME_SET = "young_accounts", "burst", "nothing_else"
WEIGHTS = {YOUNG: 2, BURST: 1, SAME_SET: 1}


@dataclass(frozen=True, slots=True)
class Thresholds:
    max_entries: int
    min_accounts_per_network: int
    min_accounts: int
    young: timedelta
    young_share: float
    burst: timedelta
    burst_share: float
    same_set_share: float
    score: int

    @classmethod
    def from_settings(cls) -> Thresholds:
        return cls(
            max_entries=settings.VOTE_FLAG_MAX_ENTRIES,
            min_accounts_per_network=settings.VOTE_FLAG_MIN_ACCOUNTS_PER_NETWORK,
            min_accounts=settings.VOTE_FLAG_MIN_ACCOUNTS,
            young=timedelta(hours=settings.VOTE_FLAG_YOUNG_ACCOUNT_HOURS),
            young_share=settings.VOTE_FLAG_YOUNG_PERCENT / 100,
            burst=timedelta(minutes=settings.VOTE_FLAG_BURST_MINUTES),
            burst_share=settings.VOTE_FLAG_BURST_PERCENT / 100,
            same_set_share=settings.VOTE_FLAG_SAME_SET_PERCENT / 100,
            score=settings.VOTE_FLAG_SCORE,
        )


@dataclass(slots=True)
class _Voter:
    """One account's valid votes in the challenge, and where and when it first voted."""

    first: datetime
    last: datetime
    address: str
    network: str
    joined: datetime | None
    verified: datetime | None
    entries: set[int] = field(default_factory=set)
    vote_ids: list[int] = field(default_factory=list)

    def age(self) -> timedelta | None:
        return None if self.joined is None else self.first - self.joined

    def verified_age(self) -> timedelta | None:
        return None if self.verified is None else self.first - self.verified

    def is_young(self, young: timedelta) -> bool:
        ages = [age for age in (self.age(), self.verified_age()) if age is not None]
        return any(age < young for age in ages)


def _load_voters(challenge: Challenge) -> dict[int, _Voter]:
    rows = (
        Vote.objects.filter(challenge=challenge, invalidation__isnull=True, voter__isnull=False)
        .order_by("created_at", "pk")
        .values_list(
            "pk",
            "voter_id",
            "entry_id",
            "address_hash",
            "network_hash",
            "created_at",
            "voter__date_joined",
            "voter__email_verified_at",
        )
    )
    voters: dict[int, _Voter] = {}
    for vote_id, voter_id, entry_id, address, network, at, joined, verified in rows.iterator(
        chunk_size=5000
    ):
        voter = voters.get(voter_id)
        if voter is None:
            voter = voters[voter_id] = _Voter(at, at, address, network, joined, verified)
        voter.last = at
        voter.entries.add(entry_id)
        voter.vote_ids.append(vote_id)
    return voters


def _busiest(times: list[datetime], window: timedelta) -> tuple[int, datetime | None]:
    """The most of these moments within `window` of each other, and when that began."""
    times = sorted(times)
    best, start, low = 0, None, 0
    for high, moment in enumerate(times):
        while moment - times[low] > window:
            low += 1
        if high - low + 1 > best:
            best, start = high - low + 1, times[low]
    return best, start


def _signals(group: list[_Voter], *, network_voters: int, limits: Thresholds) -> set[str]:
    """The evidence against the accounts of one network that voted for one set."""
    fired = set()
    if sum(voter.is_young(limits.young) for voter in group) >= limits.young_share * len(group):
        fired.add(YOUNG)
    busiest, _start = _busiest([voter.first for voter in group], limits.burst)
    if busiest >= limits.burst_share * len(group):
        fired.add(BURST)
    if len(group) >= limits.same_set_share * network_voters:
        fired.add(SAME_SET)
    return fired


@dataclass(slots=True)
class _Finding:
    entries: tuple[int, ...]
    voters: dict[int, _Voter]
    signals: set[str]
    score: int


def _findings(voters: dict[int, _Voter], limits: Thresholds) -> list[_Finding]:
    """Per small set of entries: the accounts of the networks whose evidence adds up."""
    per_network: Counter[tuple[str, str]] = Counter()
    by_set: dict[tuple[int, ...], dict[int, _Voter]] = defaultdict(dict)
    for voter_id, voter in voters.items():
        for unit in (("block", voter.network), ("address", voter.address)):
            if unit[1]:
                per_network[unit] += 1
        if len(voter.entries) <= limits.max_entries:
            by_set[tuple(sorted(voter.entries))][voter_id] = voter
    findings = []
    for entries, members in sorted(by_set.items()):
        if len(members) < limits.min_accounts:
            continue
        units: dict[tuple[str, str], dict[int, _Voter]] = defaultdict(dict)
        for voter_id, voter in members.items():
            for unit in (("block", voter.network), ("address", voter.address)):
                if unit[1]:
                    units[unit][voter_id] = voter
        flagged: dict[int, _Voter] = {}
        signals: set[str] = set()
        score = 0
        for unit, group in units.items():
            if len(group) < limits.min_accounts_per_network:
                continue
            fired = _signals(list(group.values()), network_voters=per_network[unit], limits=limits)
            points = sum(WEIGHTS[signal] for signal in fired)
            if points >= limits.score:
                flagged.update(group)
                signals |= fired
                score = max(score, points)
        if len(flagged) >= limits.min_accounts:
            findings.append(_Finding(entries, flagged, signals, score))
    return findings


def _hours(delta: timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 3600, 1)


def _median_hours(hours: list[float]) -> float | None:
    return round(statistics.median(hours), 1) if hours else None


def _evidence(finding: _Finding, voters: Iterable[_Voter], limits: Thresholds) -> dict[str, Any]:
    """What an organiser needs to judge a flag, as numbers (put into words when shown)."""
    group = list(voters)
    ages = sorted(hours for voter in group if (hours := _hours(voter.age())) is not None)
    verified = [hours for voter in group if (hours := _hours(voter.verified_age())) is not None]
    firsts = [voter.first for voter in group]
    busiest, busiest_from = _busiest(firsts, limits.burst)
    return {
        "signals": [signal for signal in WEIGHTS if signal in finding.signals],
        "score": finding.score,
        "entries": list(finding.entries),
        "accounts": len(group),
        "votes": sum(len(voter.vote_ids) for voter in group),
        "networks": len({voter.network for voter in group if voter.network}),
        "addresses": len({voter.address for voter in group if voter.address}),
        "young_accounts": sum(voter.is_young(limits.young) for voter in group),
        "young_hours": int(limits.young.total_seconds() // 3600),
        "account_age_hours": {
            "min": ages[0] if ages else None,
            "median": _median_hours(ages),
            "max": ages[-1] if ages else None,
        },
        "verified_age_hours_median": _median_hours(verified),
        "first_vote": min(firsts).isoformat(),
        "last_vote": max(voter.last for voter in group).isoformat(),
        "burst_minutes": int(limits.burst.total_seconds() // 60),
        "burst_accounts": busiest,
        "burst_from": busiest_from.isoformat() if busiest_from else None,
    }


def _set_key(entries: Sequence[int]) -> str:
    named = "set:" + ",".join(str(entry) for entry in entries)
    if len(named) <= 70:
        return named
    return "set:#" + hashlib.sha256(named.encode()).hexdigest()[:40]


def _summary(evidence: dict[str, Any]) -> str:
    # A pattern has many accounts (VIDEOAWARDS_VOTE_FLAG_MIN_ACCOUNTS), so the networks
    # decide the grammar.
    return ngettext(
        "%(accounts)d accounts voted for exactly the same entries from one network.",
        "%(accounts)d accounts voted for exactly the same entries from %(networks)d networks.",
        evidence["networks"],
    ) % {"accounts": evidence["accounts"], "networks": evidence["networks"]}


@transaction.atomic
def flag_suspicious_votes(*, challenge: Challenge) -> list[VoteFlag]:
    """Looks for coordinated votes and records each pattern once. Returns the new flags.

    Running again adds newly found votes of a pattern to its open flag; votes already in
    a flag an organiser resolved are not flagged again.
    """
    Challenge.objects.select_for_update().filter(pk=challenge.pk).first()  # one run at a time
    limits = Thresholds.from_settings()
    voters = _load_voters(challenge)
    flags = list(VoteFlag.objects.filter(challenge=challenge, kind=VoteFlag.Kind.COORDINATED))
    through = VoteFlag.votes.through
    in_flag: dict[int, set[int]] = defaultdict(set)
    for flag_id, vote_id in through.objects.filter(voteflag__challenge=challenge).values_list(
        "voteflag_id", "vote_id"
    ):
        in_flag[flag_id].add(vote_id)
    new: list[VoteFlag] = []
    for finding in _findings(voters, limits):
        base = _set_key(finding.entries)
        mine = [flag for flag in flags if flag.key.partition("~")[0] == base]
        open_flag = next((flag for flag in mine if flag.resolved_at is None), None)
        elsewhere = set().union(*(in_flag[f.pk] for f in flags if f is not open_flag))
        fresh = {
            voter_id: voter
            for voter_id, voter in finding.voters.items()
            if not elsewhere.intersection(voter.vote_ids)
        }
        if open_flag is None and len(fresh) < limits.min_accounts:
            continue
        evidence = _evidence(finding, fresh.values(), limits)
        if open_flag is None:
            key = base if not mine else f"{base}~{len(mine)}"
            flag = VoteFlag.objects.create(
                challenge=challenge,
                kind=VoteFlag.Kind.COORDINATED,
                key=key,
                entry_id=finding.entries[0] if len(finding.entries) == 1 else None,
                vote_count=evidence["votes"],
                detail=_summary(evidence)[:300],
                evidence=evidence,
            )
            new.append(flag)
        else:
            flag = open_flag
            flag.vote_count, flag.evidence = evidence["votes"], evidence
            flag.detail = _summary(evidence)[:300]
            flag.save(update_fields=["vote_count", "evidence", "detail"])
        through.objects.bulk_create(
            [
                through(voteflag_id=flag.pk, vote_id=vote_id)
                for voter in fresh.values()
                for vote_id in voter.vote_ids
            ],
            ignore_conflicts=True,
        )
    return new


# --- Flags found before the forensics looked at blocks (their votes follow from the key) ---

BUCKET = timedelta(minutes=10)
NEW_ACCOUNT_AGE = timedelta(days=1)


def _bucket_start(bucket: int) -> datetime:
    return datetime.fromtimestamp(
        bucket * BUCKET.total_seconds(), tz=timezone.get_current_timezone()
    )


def _older_flag_votes(flag: VoteFlag, votes: QuerySet[Vote]) -> QuerySet[Vote]:
    _kind, _sep, rest = flag.key.partition(":")
    if flag.kind == VoteFlag.Kind.SHARED_ADDRESS:
        return votes.filter(address_hash=rest)
    start = _bucket_start(int(rest.rsplit(":", 1)[-1]))
    votes = votes.filter(created_at__gte=start, created_at__lt=start + BUCKET)
    if flag.kind == VoteFlag.Kind.ENTRY_SPIKE:
        return votes.filter(entry_id=flag.entry_id)  # type: ignore[misc]  # spikes name one
    return votes.filter(voter__date_joined__gt=F("created_at") - NEW_ACCOUNT_AGE)


def flagged_votes(flag: VoteFlag) -> QuerySet[Vote]:
    """Exactly the votes a flag is about."""
    votes = Vote.objects.filter(challenge_id=flag.challenge_id)
    if flag.kind == VoteFlag.Kind.COORDINATED:
        return votes.filter(flags=flag)
    return _older_flag_votes(flag, votes)


# --- The evidence in words --------------------------------------------------------------


def _duration_words(hours: float | None) -> str:
    if hours is None:
        return _("unknown")
    if hours < 1:
        minutes = max(round(hours * 60), 0)
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    if hours < 48:
        whole = round(hours)
        return ngettext("%(count)d hour", "%(count)d hours", whole) % {"count": whole}
    days = round(hours / 24)
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def _moment(iso: str | None) -> str:
    moment = parse_datetime(iso) if iso else None
    if moment is None:
        return _("unknown")
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def describe_flag(flag: VoteFlag) -> list[str]:
    """A flag's evidence in plain words, in the reader's language; the older kinds had
    only their one-line detail."""
    evidence = flag.evidence
    if not evidence:
        return [flag.detail] if flag.detail else []
    titles = dict(Entry.objects.filter(pk__in=evidence["entries"]).values_list("pk", "title"))
    entries = ", ".join(f"“{titles.get(pk, '?')}”" for pk in evidence["entries"])
    ages = evidence["account_age_hours"]
    lines = [
        ngettext(
            "%(accounts)d account cast %(votes)d votes for exactly these entries and no "
            "others: %(entries)s.",
            "%(accounts)d accounts cast %(votes)d votes for exactly these entries and no "
            "others: %(entries)s.",
            evidence["accounts"],
        )
        % {"accounts": evidence["accounts"], "votes": evidence["votes"], "entries": entries},
        ngettext(
            "They came from %(networks)d network block",
            "They came from %(networks)d network blocks",
            evidence["networks"],
        )
        % {"networks": evidence["networks"]}
        + " "
        + ngettext(
            "and %(addresses)d address.",
            "and %(addresses)d addresses.",
            evidence["addresses"],
        )
        % {"addresses": evidence["addresses"]},
        _(
            "%(young)d of them were younger than %(limit)s or had just confirmed their email "
            "when they voted. Account age when voting: youngest %(min)s, typical %(median)s, "
            "oldest %(max)s; email confirmed typically %(verified)s before voting."
        )
        % {
            "young": evidence["young_accounts"],
            "limit": _duration_words(evidence["young_hours"]),
            "min": _duration_words(ages["min"]),
            "median": _duration_words(ages["median"]),
            "max": _duration_words(ages["max"]),
            "verified": _duration_words(evidence["verified_age_hours_median"]),
        },
        _(
            "They voted between %(first)s and %(last)s; %(burst)d of the accounts voted "
            "within %(minutes)d minutes from %(from)s."
        )
        % {
            "first": _moment(evidence["first_vote"]),
            "last": _moment(evidence["last_vote"]),
            "burst": evidence["burst_accounts"],
            "minutes": evidence["burst_minutes"],
            "from": _moment(evidence["burst_from"]),
        },
    ]
    words = {
        YOUNG: _("young accounts"),
        BURST: _("a burst of votes"),
        SAME_SET: _("networks whose voters voted for these entries and nothing else"),
    }
    fired = [words[signal] for signal in evidence["signals"] if signal in words]
    lines.append(_("What gave them away: %(signals)s.") % {"signals": ", ".join(fired)})
    return lines


# --- Organisers: invalidation -----------------------------------------------------------


@transaction.atomic
def invalidate_votes(
    *, challenge: Challenge, votes: QuerySet[Vote], by: User, reason: str
) -> VoteInvalidation:
    """Stops counting these votes, recording who did it, when and why. Already invalid
    votes keep their first invalidation."""
    require_organiser(challenge=challenge, user=by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why these votes should not count.")})
    invalidation = VoteInvalidation.objects.create(challenge=challenge, by=by, reason=reason[:300])
    count = Vote.objects.filter(
        pk__in=votes.values("pk"), challenge=challenge, invalidation__isnull=True
    ).update(invalidation=invalidation)
    invalidation.vote_count = count
    invalidation.save(update_fields=["vote_count"])
    audit.record(
        actor=by,
        action="votes.invalidate",
        target=challenge,
        reason=invalidation.reason,
        data={"invalidation": invalidation.pk, "votes": count},
    )
    return invalidation


@transaction.atomic
def invalidate_flags(
    *, challenge: Challenge, flags: Sequence[VoteFlag], by: User, reason: str
) -> VoteInvalidation:
    """Stops counting every vote of these flags, with one reason, and resolves them."""
    require_organiser(challenge=challenge, user=by)
    if not flags or any(flag.challenge_id != challenge.pk for flag in flags):
        raise ValidationError({"flags": _("Choose the patterns whose votes should not count.")})
    votes = Vote.objects.none()
    for flag in flags:
        votes = votes | flagged_votes(flag)
    invalidation = invalidate_votes(challenge=challenge, votes=votes, by=by, reason=reason)
    VoteFlag.objects.filter(pk__in=[flag.pk for flag in flags], resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    return invalidation


@transaction.atomic
def resolve_flag(*, flag: VoteFlag, by: User, invalidate: bool, reason: str = "") -> VoteFlag:
    """An organiser looked at a flag: dismiss it, or invalidate its votes with a reason."""
    require_organiser(challenge=flag.challenge, user=by)
    if invalidate:
        invalidate_flags(challenge=flag.challenge, flags=[flag], by=by, reason=reason)
    flag.resolved_at = flag.resolved_at or timezone.now()
    flag.save(update_fields=["resolved_at"])
    return flag
