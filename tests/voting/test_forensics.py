"""Vote forensics: the attack shapes are flagged with their evidence, genuine crowds are not."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ChallengeFactory, EntryFactory, ParticipantFactory
from videoawards.accounts.models import User
from voting import selectors, services
from voting.models import Vote, VoteFlag, VoteInvalidation
from voting.services import forensics
from voting.services.votes import address_hash, network_hash

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def challenge(judging_challenge):
    """Public voting opened three days ago, so votes can be cast over days."""
    judging_challenge.entries_close_at = NOW - timedelta(days=4)
    judging_challenge.voting_opens_at = NOW - timedelta(days=3)
    judging_challenge.save(update_fields=["entries_close_at", "voting_opens_at"])
    return judging_challenge


def fresh_account(at: datetime) -> User:
    """Made and confirmed half an hour before it votes."""
    return ParticipantFactory(
        date_joined=at - timedelta(minutes=30), email_verified_at=at - timedelta(minutes=25)
    )


def seasoned_account(at: datetime, *, days: int = 40) -> User:
    return ParticipantFactory(
        date_joined=at - timedelta(days=days), email_verified_at=at - timedelta(days=days - 1)
    )


def vote(voter: User, entries, *, address: str, at: datetime) -> list[int]:
    for number, entry in enumerate(entries):
        services.cast_vote(
            voter=voter, entry_id=entry.pk, address=address, now=at + timedelta(seconds=number)
        )
    return list(Vote.objects.filter(voter=voter).values_list("pk", flat=True))


def flagged_ids(flag: VoteFlag) -> set[int]:
    return set(forensics.flagged_votes(flag).values_list("pk", flat=True))


# --- The network block ------------------------------------------------------------------


def test_network_hash_is_keyed_per_block_and_never_the_block():
    # when
    same = {network_hash("198.51.100.7"), network_hash("198.51.100.250")}
    mapped = network_hash("::ffff:198.51.100.9")
    v6 = {network_hash("2001:db8:1:aaaa::1"), network_hash("2001:db8:1:ffff::2")}
    # then: one hash for a /24 (also written as IPv4-mapped IPv6) and one for a /48
    assert len(same) == 1
    assert mapped in same
    assert len(v6) == 1
    assert network_hash("198.51.101.7") not in same
    assert network_hash("2001:db8:2::1") not in v6
    assert same.pop() != address_hash("198.51.100.0/24")
    assert [len(h) for h in v6] == [16]
    assert (network_hash(""), network_hash("not an address")) == ("", "")


def test_a_vote_stores_the_hashes_of_its_address_and_its_block(entries):
    # when
    services.cast_vote(voter=ParticipantFactory(), entry_id=entries[0].pk, address="192.0.2.44")
    # then
    stored = Vote.objects.values_list("address_hash", "network_hash").get()
    assert stored == (address_hash("192.0.2.44"), network_hash("192.0.2.1"))


def test_the_vote_path_stores_the_block_in_its_one_insert(entries):
    # given: the entry's facts are cached by a first vote
    services.cast_vote(voter=ParticipantFactory(), entry_id=entries[0].pk, address="192.0.2.1")
    voter = ParticipantFactory()
    # when
    with CaptureQueriesContext(connection) as captured:
        services.cast_vote(voter=voter, entry_id=entries[0].pk, address="192.0.2.2")
    # then: besides the savepoint, the insert and (on PostgreSQL) the phase lock, nothing
    statements = [
        query["sql"].split()[0]
        for query in captured.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    # (on PostgreSQL the phase lock and the insert travel as one message: one statement
    # string that starts with the lock's SELECT)
    expected = ["SELECT"] if connection.vendor == "postgresql" else ["INSERT"]
    assert statements == expected
    inserts = [q["sql"] for q in captured.captured_queries if "INSERT" in q["sql"]]
    assert len(inserts) == 1 and "network_hash" in inserts[0]


# --- Attacks ----------------------------------------------------------------------------


def test_fresh_accounts_from_one_block_in_a_burst_for_one_entry_are_flagged(challenge, entries):
    # given: 30 fresh accounts in ten minutes from 30 addresses of one /24, for one entry;
    # and a genuine voter from another network voting for the same entry
    start = NOW - timedelta(hours=2)
    attack: set[int] = set()
    for n in range(30):
        at = start + timedelta(seconds=20 * n)
        attack |= set(vote(fresh_account(at), [entries[0]], address=f"203.0.113.{n + 1}", at=at))
    vote(seasoned_account(start), [entries[0]], address="198.51.100.3", at=start)
    # when
    flags = services.flag_suspicious_votes(challenge=challenge)
    # then
    assert [flag.kind for flag in flags] == [VoteFlag.Kind.COORDINATED]
    flag = flags[0]
    assert flagged_ids(flag) == attack
    assert flag.entry == entries[0]
    evidence = flag.evidence
    assert evidence["signals"] == [forensics.YOUNG, forensics.BURST, forensics.SAME_SET]
    assert (evidence["accounts"], evidence["votes"]) == (30, 30)
    assert (evidence["networks"], evidence["addresses"]) == (1, 30)
    assert evidence["entries"] == [entries[0].pk]
    assert evidence["young_accounts"] == 30
    assert evidence["account_age_hours"]["median"] == 0.5
    assert evidence["burst_accounts"] == 30


def test_fresh_accounts_trickling_in_over_two_days_from_three_blocks_are_flagged(
    challenge, entries
):
    # given: 10 fresh accounts per /24 in three /24s, one every hour and a half, all for
    # the same two entries; a real person in one of the blocks votes for something else
    attack: set[int] = set()
    for n in range(30):
        at = NOW - timedelta(days=2) + timedelta(minutes=90 * n)
        block = ["198.18.1", "198.18.7", "100.100.9"][n % 3]
        attack |= set(vote(fresh_account(at), entries[1:3], address=f"{block}.{n + 2}", at=at))
    vote(seasoned_account(NOW), [entries[4]], address="198.18.1.200", at=NOW - timedelta(hours=1))
    # when
    flags = services.flag_suspicious_votes(challenge=challenge)
    # then: no burst, but young accounts in networks that vote for nothing else
    assert len(flags) == 1
    assert flagged_ids(flags[0]) == attack
    evidence = flags[0].evidence
    assert evidence["signals"] == [forensics.YOUNG, forensics.SAME_SET]
    assert (evidence["accounts"], evidence["votes"], evidence["networks"]) == (30, 60, 3)
    assert evidence["entries"] == sorted([entries[1].pk, entries[2].pk])
    assert flags[0].entry is None


def test_one_address_stuffing_inside_a_busy_block_is_flagged_and_the_block_is_not(
    challenge, entries
):
    # given: a university /24 with 40 real voters of varied choices, and 20 fresh accounts
    # voting for one entry from one of its addresses within an hour
    genuine: set[int] = set()
    for n in range(40):
        at = NOW - timedelta(hours=40 - n)
        choice = [entries[n % 6], entries[(n // 6) % 6]] if n % 3 else [entries[n % 6]]
        genuine |= set(vote(seasoned_account(at), set(choice), address=f"192.0.2.{n + 10}", at=at))
    attack: set[int] = set()
    for n in range(20):
        at = NOW - timedelta(minutes=60 - 3 * n)
        attack |= set(vote(fresh_account(at), [entries[5]], address="192.0.2.99", at=at))
    # when
    flags = services.flag_suspicious_votes(challenge=challenge)
    # then
    assert [flagged_ids(flag) for flag in flags] == [attack]
    assert (flags[0].evidence["networks"], flags[0].evidence["addresses"]) == (1, 1)


def test_old_accounts_that_only_just_confirmed_their_email_count_as_young(challenge, entries):
    # given: 20 accounts made months ago, confirmed minutes before they vote, one /24
    attack: set[int] = set()
    for n in range(20):
        at = NOW - timedelta(hours=30) + timedelta(hours=n)
        voter = ParticipantFactory(
            date_joined=at - timedelta(days=120), email_verified_at=at - timedelta(minutes=5)
        )
        attack |= set(vote(voter, [entries[3]], address=f"198.51.100.{n + 1}", at=at))
    # when
    flags = services.flag_suspicious_votes(challenge=challenge)
    # then
    assert [flagged_ids(flag) for flag in flags] == [attack]
    assert flags[0].evidence["young_accounts"] == 20
    assert flags[0].evidence["verified_age_hours_median"] == 0.1


# --- Genuine crowds ---------------------------------------------------------------------


def test_a_school_class_voting_together_from_one_address_is_not_flagged(challenge, entries):
    # given: 25 weeks-old confirmed accounts behind the school's address, in one lesson,
    # each choosing their own one to three entries
    lesson = NOW - timedelta(hours=5)
    for n in range(25):
        choice = {entries[n % 6], entries[(n * 5) % 6], entries[(n // 2) % 6]}
        vote(seasoned_account(lesson, days=21 + n), choice, address="192.0.2.10", at=lesson)
    # when
    flags = services.flag_suspicious_votes(challenge=challenge)
    # then
    assert flags == []


def test_a_school_class_all_voting_for_their_classmate_is_not_flagged(challenge, entries):
    # given: the same class, this time all 25 for one entry within a quarter of an hour:
    # a burst from a network that votes for nothing else, but the accounts are not young
    lesson = NOW - timedelta(hours=5)
    for n in range(25):
        at = lesson + timedelta(seconds=30 * n)
        vote(seasoned_account(at, days=21 + n), [entries[2]], address="192.0.2.10", at=at)
    # when
    flags = services.flag_suspicious_votes(challenge=challenge)
    # then
    assert flags == []


def test_new_voters_after_a_shout_out_from_many_networks_are_not_flagged(challenge, entries):
    # given: 40 accounts made just now, each from its own home network, all for one entry
    # within half an hour (a video shared on social media)
    start = NOW - timedelta(hours=1)
    for n in range(40):
        at = start + timedelta(seconds=45 * n)
        vote(fresh_account(at), [entries[0]], address=f"10.{n}.{n * 3 % 256}.7", at=at)
    # when
    flags = services.flag_suspicious_votes(challenge=challenge)
    # then
    assert flags == []


def test_votes_without_a_voter_or_an_address_are_left_out(challenge, entries):
    # given: 30 fresh accounts without an address, and 30 erased voters' votes
    for n in range(30):
        at = NOW - timedelta(minutes=30 - n)
        vote(fresh_account(at), [entries[0]], address="", at=at)
    Vote.objects.filter(challenge=challenge).update(voter=None)
    for n in range(30):
        at = NOW - timedelta(minutes=30 - n)
        vote(fresh_account(at), [entries[1]], address="", at=at)
    # when
    flags = services.flag_suspicious_votes(challenge=challenge)
    # then
    assert flags == []


# --- Looking again ----------------------------------------------------------------------


def _attack_wave(entries, *, count: int, start: datetime, block: str = "203.0.113") -> set[int]:
    ids: set[int] = set()
    for n in range(count):
        at = start + timedelta(seconds=15 * n)
        ids |= set(vote(fresh_account(at), [entries[0]], address=f"{block}.{n + 1}", at=at))
    return ids


def test_looking_again_adds_new_votes_of_a_pattern_to_its_open_flag(challenge, entries):
    # given: a flagged wave, then more of the same
    first = _attack_wave(entries, count=20, start=NOW - timedelta(hours=3))
    [flag] = services.flag_suspicious_votes(challenge=challenge)
    more = _attack_wave(entries, count=10, start=NOW - timedelta(hours=1), block="203.0.114")
    # when
    again = services.flag_suspicious_votes(challenge=challenge)
    # then: no new flag; the open one names all the votes and counts them
    assert again == []
    flag.refresh_from_db()
    assert flagged_ids(flag) == first | more
    assert (flag.vote_count, flag.evidence["accounts"], flag.evidence["networks"]) == (30, 30, 2)


def test_after_a_flag_is_resolved_only_a_new_wave_is_flagged_again(challenge, entries, organiser):
    # given: an organiser dismissed the first wave's flag
    _attack_wave(entries, count=20, start=NOW - timedelta(hours=3))
    [first] = services.flag_suspicious_votes(challenge=challenge)
    services.votes.resolve_flag(flag=first, by=organiser, invalidate=False)
    assert services.flag_suspicious_votes(challenge=challenge) == []
    # when: a second wave arrives for the same entry
    second = _attack_wave(entries, count=20, start=NOW - timedelta(hours=1), block="203.0.114")
    [flag] = services.flag_suspicious_votes(challenge=challenge)
    # then: a flag of its own, about the new votes only
    assert flagged_ids(flag) == second
    assert flag.key == f"set:{entries[0].pk}~1"


# --- Organisers -------------------------------------------------------------------------


def test_organiser_reads_the_evidence_in_words_on_the_flag_page(
    client, challenge, entries, organiser
):
    # given
    _attack_wave(entries, count=20, start=NOW - timedelta(hours=2))
    [flag] = services.flag_suspicious_votes(challenge=challenge)
    client.force_login(organiser)
    # when
    page = client.get(reverse("voting:flag", args=[challenge.slug, flag.pk]))
    # then
    text = page.content.decode()
    assert page.status_code == 200
    assert (
        f"20 accounts cast 20 votes for exactly these entries and no others: “{entries[0].title}”."
        in text
    )
    assert "They came from 1 network block and 20 addresses." in text
    assert "20 of them were younger than 3 days" in text
    assert "What gave them away: young accounts, a burst of votes" in text
    assert "Don't count all 20 votes of this pattern" in text


def test_organiser_invalidates_several_flags_with_one_reason(client, challenge, entries, organiser):
    # given: two patterns, and one genuine vote
    one = _attack_wave(entries, count=20, start=NOW - timedelta(hours=3))
    two: set[int] = set()
    for n in range(20):
        at = NOW - timedelta(hours=2) + timedelta(seconds=10 * n)
        two |= set(vote(fresh_account(at), entries[3:5], address=f"198.51.100.{n + 1}", at=at))
    vote(seasoned_account(NOW), [entries[0]], address="192.0.2.1", at=NOW - timedelta(hours=1))
    flags = services.flag_suspicious_votes(challenge=challenge)
    client.force_login(organiser)
    assert client.get(reverse("voting:organise", args=[challenge.slug])).status_code == 200
    # when
    response = client.post(
        reverse("voting:invalidate_flags", args=[challenge.slug]),
        {"flags": [flag.pk for flag in flags], "reason": "Bought votes"},
    )
    # then
    assert response.status_code == 302
    invalidation = VoteInvalidation.objects.get()
    assert (invalidation.reason, invalidation.vote_count) == ("Bought votes", 60)
    assert set(invalidation.votes.values_list("pk", flat=True)) == one | two
    assert VoteFlag.objects.filter(resolved_at__isnull=True).count() == 0
    assert selectors.valid_vote_counts(challenge_id=challenge.pk) == {entries[0].pk: 1}


def test_bulk_invalidation_refuses_other_challenges_flags_and_other_people(
    challenge, entries, organiser
):
    # given: a flag of another challenge of the same network
    other = ChallengeFactory(provider_network=challenge.provider_network)
    foreign = VoteFlag.objects.create(
        challenge=other, kind=VoteFlag.Kind.COORDINATED, key="set:1", entry=EntryFactory()
    )
    _attack_wave(entries, count=20, start=NOW - timedelta(hours=3))
    [flag] = services.flag_suspicious_votes(challenge=challenge)
    # then
    with pytest.raises(ValidationError):
        services.invalidate_flags(
            challenge=challenge, flags=[flag, foreign], by=organiser, reason="Bought"
        )
    with pytest.raises(PermissionDenied):
        services.invalidate_flags(
            challenge=challenge, flags=[flag], by=ParticipantFactory(), reason="Bought"
        )
    with pytest.raises(ValidationError):
        services.invalidate_flags(challenge=challenge, flags=[flag], by=organiser, reason=" ")
    assert VoteInvalidation.objects.count() == 0
    assert Vote.objects.filter(invalidation__isnull=False).count() == 0


def test_a_flag_of_an_older_kind_still_names_its_votes(challenge, entries, organiser):
    # given: an open flag from before the forensics looked at blocks (one shared address)
    for _ in range(3):
        vote(fresh_account(NOW), [entries[0]], address="192.0.2.5", at=NOW)
    vote(fresh_account(NOW), [entries[0]], address="192.0.2.6", at=NOW)
    flag = VoteFlag.objects.create(
        challenge=challenge,
        kind=VoteFlag.Kind.SHARED_ADDRESS,
        key=f"address:{address_hash('192.0.2.5')}",
        vote_count=3,
        detail="3 accounts voted from one address.",
    )
    # when
    services.votes.resolve_flag(flag=flag, by=organiser, invalidate=True, reason="One machine")
    # then
    assert forensics.describe_flag(flag) == ["3 accounts voted from one address."]
    assert Vote.objects.filter(invalidation__isnull=False).count() == 3
