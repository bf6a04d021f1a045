"""Public votes: the lean vote path and un-voting (flags and invalidation live in
voting.services.forensics and are re-exported here).

The vote path does no work beyond authenticate, check, insert-or-ignore: the facts about
an entry (window, policy, creators, shortlist) are cached in the process for a few
seconds, but the insert itself re-checks in the same statement that the entry is still
public and the vote still open, so hiding, withdrawing, unpublishing or closing counts
from the moment it commits; the database's unique constraint makes a second vote
impossible however many requests race. A per-challenge allowance of N votes is
serialised per voter by locking that voter's Ballot row.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from videoawards.accounts.models import User
from videoawards.accounts.permissions import is_verified
from videoawards.accounts.selectors import may_take_part
from videoawards.challenges import phases
from videoawards.challenges import services as challenge_services
from videoawards.challenges.models import PUBLIC_ENTRY_STATES, Challenge, Entry, Phase
from videoawards.challenges.selectors import public_entry_q
from videoawards.core.client import network_of
from voting import selectors
from voting.models import Ballot, RoundEntry, Vote, VotePolicy
from voting.services.forensics import (
    flag_suspicious_votes as flag_suspicious_votes,
)
from voting.services.forensics import (
    flagged_votes as flagged_votes,
)
from voting.services.forensics import (
    invalidate_votes as invalidate_votes,
)
from voting.services.forensics import (
    resolve_flag as resolve_flag,
)

# How long a process trusts what it read about an entry (window, policy, shortlist).
FACTS_SECONDS = 5.0


class EntryNotVotable(ObjectDoesNotExist):
    """No such entry, or it is not in a public vote: pages answer 404."""


@dataclass(frozen=True, slots=True)
class EntryFacts:
    entry_id: int
    challenge_id: int
    stage: str
    on_schedule: bool
    timeline: phases.Timeline
    creator_ids: frozenset[int]
    kind: str
    votes_per_account: int
    scope: int  # the ballot the vote counts against: category id or 0


@dataclass(frozen=True, slots=True)
class VoteOutcome:
    entry_id: int
    voted: bool
    changed: bool  # False when the request repeated what was already so


_facts_cache: dict[int, tuple[float, EntryFacts | None]] = {}


def forget_cached_facts() -> None:
    """Drop what this process cached about entries (tests, and after an organiser's change)."""
    _facts_cache.clear()


def entry_facts(entry_id: int) -> EntryFacts | None:
    """What the vote path needs about an entry, or None if it is not in a public vote."""
    now = time.monotonic()
    cached = _facts_cache.get(entry_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    facts = _load_facts(entry_id)
    if len(_facts_cache) > 50_000:
        _facts_cache.clear()
    _facts_cache[entry_id] = (now + FACTS_SECONDS, facts)
    return facts


def _load_facts(entry_id: int) -> EntryFacts | None:
    entry = (
        # Public entries only: not hidden after reports, every creator may appear in public.
        Entry.objects.filter(public_entry_q(), pk=entry_id).select_related("challenge").first()
    )
    if entry is None or not entry.challenge.has_public_voting:
        return None
    challenge = entry.challenge
    shortlist_round = selectors.public_vote_round(challenge_id=challenge.pk)
    if (
        shortlist_round is not None
        and not RoundEntry.objects.filter(
            round=shortlist_round, entry_id=entry_id, shortlisted=True
        ).exists()
    ):
        return None
    policy = selectors.vote_policy(challenge=challenge)
    per_challenge = policy.kind == VotePolicy.Kind.PER_CHALLENGE
    return EntryFacts(
        entry_id=entry.pk,
        challenge_id=challenge.pk,
        stage=challenge.stage,
        on_schedule=challenge.on_schedule,
        timeline=challenge.timeline,
        creator_ids=frozenset(entry.creator_links.values_list("user_id", flat=True)),
        kind=policy.kind,
        votes_per_account=policy.votes_per_account,
        scope=(entry.category_id or 0) if per_challenge and policy.per_category else 0,
    )


def _check_may_vote(user: User) -> None:
    """Who may vote at all: accounts.selectors.may_take_part (a confirmed email, and a
    guardian's consent below the consent age)."""
    if not is_verified(user):
        raise PermissionDenied(_("Confirm your email address before you vote."))
    if not may_take_part(user):
        raise PermissionDenied(
            _("A parent or guardian needs to agree before you can vote. See your profile.")
        )


def _checked_facts(*, voter: User, entry_id: int, now: datetime | None) -> EntryFacts:
    _check_may_vote(voter)
    facts = entry_facts(entry_id)
    if facts is None:
        raise EntryNotVotable(_("This video is not in a public vote."))
    now = now or timezone.now()
    phase = phases.current_phase(
        stage=facts.stage, on_schedule=facts.on_schedule, timeline=facts.timeline, now=now
    )
    if phase != Phase.PUBLIC_VOTING:
        raise _voting_closed()
    if voter.pk in facts.creator_ids:
        raise ValidationError(_("You can't vote for your own video."), code="own_entry")
    return facts


def _voting_closed() -> ValidationError:
    return ValidationError(_("Voting is not open right now."), code="voting_closed")


def address_hash(address: str) -> str:
    """A keyed hash of a network address: lets us count accounts per address, not store it."""
    if not address:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]


def network_hash(address: str) -> str:
    """A keyed hash of the address's network block (core.client.network_of: /24 for IPv4,
    /48 for IPv6; an IPv4-mapped IPv6 address counts as IPv4): lets us count accounts per
    block, never storing the block. Empty for no address or one that does not parse."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"block:{network_of(str(ip))}".encode(), hashlib.sha256).hexdigest()[:16]


_INSERT_SQL = None


def _insert_sql() -> str:
    """INSERT ... SELECT ... WHERE the challenge's confirmed stage still allows votes and
    the entry is still public: closing, publishing, hiding, withdrawing, a moderator's
    rejection and unpublishing the challenge take effect in the same statement, whatever
    a process cached about the entry."""
    global _INSERT_SQL  # built once per process
    if _INSERT_SQL is None:
        quote = connection.ops.quote_name
        votes, challenges = quote(Vote._meta.db_table), quote(Challenge._meta.db_table)
        entries = quote(Entry._meta.db_table)
        over = ", ".join(f"'{phase.value}'" for phase in phases.VOTING_OVER)
        public = ", ".join(f"'{state}'" for state in sorted(PUBLIC_ENTRY_STATES))
        _INSERT_SQL = (
            f"INSERT INTO {votes} (voter_id, entry_id, challenge_id, scope, address_hash, "  # noqa: S608
            "network_hash, created_at) SELECT %s, %s, %s, %s, %s, %s, %s WHERE EXISTS ("
            f"SELECT 1 FROM {challenges} c JOIN {entries} e ON e.challenge_id = c.id "
            f"WHERE c.id = %s AND e.id = %s AND c.is_published AND e.hidden_at IS NULL "
            f"AND e.state IN ({public}) AND (c.stage = '{Phase.PUBLIC_VOTING.value}'"
            f" OR (c.on_schedule AND c.stage NOT IN ({over})))) "
            "ON CONFLICT (voter_id, entry_id) DO NOTHING RETURNING id"
        )
    return _INSERT_SQL


def _insert_vote(*, voter: User, facts: EntryFacts, address: str, now: datetime) -> bool:
    """Insert-or-ignore, only while the challenge's stage allows votes and the entry is
    public: True if this call made the vote, False if it existed already. Raises
    ValidationError when voting was closed meanwhile, EntryNotVotable when the entry left
    the vote meanwhile (the process forgets what it cached about it).

    On PostgreSQL it holds the challenge's phase lock shared (challenges.services.hold_phase)
    so that a close waits for the votes in flight and no vote commits after it.
    """
    params: list[Any] = [
        voter.pk,
        facts.entry_id,
        facts.challenge_id,
        facts.scope,
        address_hash(address),
        network_hash(address),
        now,
        facts.challenge_id,
        facts.entry_id,
    ]
    if connection.vendor == "postgresql":
        inserted = _insert_on_postgresql(params, challenge_id=facts.challenge_id)
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_insert_sql(), params)
            inserted = cursor.fetchone() is not None
    if inserted:
        return True
    # Nothing inserted (the rare path): a vote already there, voting closed, or the entry
    # left the vote since this process cached it.
    if _stage_refuses_votes(facts.challenge_id):
        raise _voting_closed()
    if Vote.objects.filter(voter=voter, entry_id=facts.entry_id).exists():
        return False
    _facts_cache.pop(facts.entry_id, None)
    raise EntryNotVotable(_("This video is not in a public vote."))


def _insert_on_postgresql(params: list[Any], *, challenge_id: int) -> bool:
    """The phase lock (challenges.services.hold_phase, shared) and the insert, sent as one
    message: one round trip instead of BEGIN, lock, insert, COMMIT.

    PostgreSQL runs the statements of one simple-query message as one transaction (outside
    an explicit one; inside one, as part of it), so the lock is held until the insert
    commits, and the insert, a statement of its own, reads the stage after the lock was
    granted: a close still waits for the votes in flight and no vote commits after it.
    Django's psycopg cursors bind parameters on the client, which allows several
    statements in one execute().
    """
    statements = []
    if settings.VOTING_ASYNC_COMMIT:
        # Acknowledge before the WAL reaches the disk: a PostgreSQL crash may lose the
        # last moment of votes (never corrupts); opt-in for spikes (see settings).
        statements.append("SET LOCAL synchronous_commit TO OFF")
    lock, lock_params = challenge_services.hold_phase_statement(challenge_id, shared=True)
    statements += [lock, _insert_sql()]
    with connection.cursor() as cursor:
        cursor.execute("; ".join(statements), [*lock_params, *params])
        while cursor.nextset():  # the insert's result is the last one
            pass
        return cursor.fetchone() is not None


def _stage_refuses_votes(challenge_id: int) -> bool:
    challenge = Challenge.objects.only("stage", "on_schedule").get(pk=challenge_id)
    if challenge.stage == Phase.PUBLIC_VOTING:
        return False
    return not challenge.on_schedule or challenge.stage in phases.VOTING_OVER


def _locked_ballot(*, voter: User, facts: EntryFacts) -> Ballot:
    Ballot.objects.bulk_create(
        [Ballot(voter=voter, challenge_id=facts.challenge_id, scope=facts.scope)],
        ignore_conflicts=True,
    )
    return Ballot.objects.select_for_update().get(
        voter=voter, challenge_id=facts.challenge_id, scope=facts.scope
    )


def cast_vote(
    *, voter: User, entry_id: int, address: str = "", now: datetime | None = None
) -> VoteOutcome:
    """Votes for an entry; voting again for the same entry changes nothing.

    Raises PermissionDenied (not verified), EntryNotVotable, or ValidationError (window
    closed, own entry, no votes left).
    """
    facts = _checked_facts(voter=voter, entry_id=entry_id, now=now)
    now = now or timezone.now()
    if facts.kind == VotePolicy.Kind.PER_ENTRY:
        created = _insert_vote(voter=voter, facts=facts, address=address, now=now)
        return VoteOutcome(entry_id=entry_id, voted=True, changed=created)
    with transaction.atomic():
        ballot = _locked_ballot(voter=voter, facts=facts)
        if Vote.objects.filter(voter=voter, entry_id=entry_id).exists():
            return VoteOutcome(entry_id=entry_id, voted=True, changed=False)
        if ballot.used >= facts.votes_per_account:
            raise ValidationError(
                ngettext(
                    "You have used your %(count)d vote. Take it back from another video to "
                    "vote for this one.",
                    "You have used all your %(count)d votes. Take one back from another video "
                    "to vote for this one.",
                    facts.votes_per_account,
                )
                % {"count": facts.votes_per_account},
                code="no_votes_left",
            )
        _insert_vote(voter=voter, facts=facts, address=address, now=now)
        Ballot.objects.filter(pk=ballot.pk).update(used=F("used") + 1)
    return VoteOutcome(entry_id=entry_id, voted=True, changed=True)


def withdraw_vote(*, voter: User, entry_id: int, now: datetime | None = None) -> VoteOutcome:
    """Takes a vote back while voting is open; taking back a vote not given changes nothing.

    An invalidated vote stays (it is part of the audit trail) and frees no allowance.
    """
    facts = _checked_facts(voter=voter, entry_id=entry_id, now=now)
    valid = Vote.objects.filter(voter=voter, entry_id=entry_id, invalidation__isnull=True)
    with transaction.atomic():
        challenge_services.hold_phase(facts.challenge_id, shared=True)
        if _stage_refuses_votes(facts.challenge_id):
            raise _voting_closed()
        if facts.kind == VotePolicy.Kind.PER_ENTRY:
            deleted, _rows = valid.delete()
            return VoteOutcome(entry_id=entry_id, voted=False, changed=bool(deleted))
        ballot = _locked_ballot(voter=voter, facts=facts)
        deleted, _rows = valid.delete()
        if deleted:
            Ballot.objects.filter(pk=ballot.pk).update(used=F("used") - 1)
    return VoteOutcome(entry_id=entry_id, voted=False, changed=bool(deleted))
