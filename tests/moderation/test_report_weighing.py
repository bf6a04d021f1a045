"""Reports count distinct, trusted people: one per network, new accounts and visitors
together once at most, and never enough on their own to pull an entry out of a running
public vote (issue 12, finding 1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ParticipantFactory, SeasonedParticipantFactory, voting_challenge
from videoawards.core.models import AuditEvent
from videoawards.moderation.models import Report
from videoawards.moderation.weighing import network_labels, weigh
from voting import services as voting_services

pytestmark = pytest.mark.django_db

ADDRESSES = ("192.0.2.10", "198.51.100.20", "203.0.113.30")  # three networks
SCHOOL = ("192.0.2.11", "192.0.2.12", "192.0.2.13")  # one network, three machines


def _report(client, entry):
    url = reverse("moderation:report", args=[entry.pk])
    return client.post(url, {"reason": "inappropriate"})


def _hidden(entry) -> bool:
    entry.refresh_from_db()
    return entry.hidden_at is not None


def test_one_visitor_and_two_fresh_accounts_from_one_address_cannot_hide_a_video(
    make_entry, client_for
):
    # given: the attack that worked before: a visitor's report, then two new accounts
    entry = make_entry(state="approved")
    attacker = "198.51.100.66"
    reporters = [
        client_for(REMOTE_ADDR=attacker),
        client_for(ParticipantFactory(), REMOTE_ADDR=attacker),
        client_for(ParticipantFactory(), REMOTE_ADDR=attacker),
    ]
    # when
    for reporter in reporters:
        _report(reporter, entry)
    # then: three reports, one person
    assert Report.objects.filter(entry=entry).count() == 3
    assert weigh(Report.objects.filter(entry=entry)).people == 1
    assert not _hidden(entry)


FIVE_NETWORKS = ("192.0.2.1", "198.51.100.1", "203.0.113.1", "100.64.0.1", "10.9.8.7")


@pytest.mark.parametrize(
    ("make_reporter", "addresses", "people", "hidden"),
    [
        # one attacker's new accounts, even from many networks, are one cluster
        (ParticipantFactory, FIVE_NETWORKS, 1, False),
        # a class reporting from their school counts once, however trusted
        (SeasonedParticipantFactory, SCHOOL, 1, False),
        # three trusted people in three places: hidden until a moderator decides
        (SeasonedParticipantFactory, ADDRESSES, 3, True),
    ],
    ids=["fresh-accounts-many-networks", "trusted-one-school", "trusted-three-places"],
)
def test_reports_count_as_trusted_people_per_network(
    make_entry, client_for, make_reporter, addresses, people, hidden
):
    entry = make_entry(state="approved")
    for address in addresses:
        _report(client_for(make_reporter(), REMOTE_ADDR=address), entry)
    assert weigh(Report.objects.filter(entry=entry)).people == people
    assert _hidden(entry) is hidden


def test_reports_during_a_public_vote_never_pull_the_video_out_of_it(
    make_entry, client_for, network, moderator
):
    # given: an entry in a running public vote
    entry = make_entry(state="approved", challenge=voting_challenge(provider_network=network))
    # when: three trusted people report it from three places
    for address in ADDRESSES:
        _report(client_for(SeasonedParticipantFactory(), REMOTE_ADDR=address), entry)
    # then: it stays public and in the vote ...
    assert not _hidden(entry)
    assert voting_services.cast_vote(voter=ParticipantFactory(), entry_id=entry.pk).changed
    # ... and waits on top of the moderators' queue, marked urgent, recorded once
    page = client_for(moderator).get(reverse("moderation:queue")).content.decode()
    assert "urgent" in page
    assert "It stays public and in the vote until you decide." in page
    assert AuditEvent.objects.filter(action="entry.urgent_by_reports").count() == 1


def test_moderators_see_who_reported_from_where_without_an_address(
    make_entry, client_for, moderator
):
    # given: two reports from one network and one from another
    entry = make_entry(state="approved")
    fresh = ParticipantFactory(display_name="Fresh Fox")
    old = SeasonedParticipantFactory(display_name="Old Owl")
    _report(client_for(fresh, REMOTE_ADDR="192.0.2.10"), entry)
    _report(client_for(REMOTE_ADDR="192.0.2.99"), entry)
    _report(client_for(old, REMOTE_ADDR="203.0.113.30"), entry)
    # when
    page = client_for(moderator).get(reverse("moderation:queue")).content.decode()
    # then
    assert "Fresh Fox, new account" in page
    assert "visitor without an account" in page
    assert "Old Owl, account" in page
    assert page.count("network A") == 2 and page.count("network B") == 1
    assert "192.0.2" not in page and "203.0.113" not in page
    assert "They count as 2 people." in page


def test_network_labels_name_each_network_once_in_order():
    class Stub:
        def __init__(self, network_key, reporter_key="r"):
            self.network_key, self.reporter_key, self.trusted = network_key, reporter_key, True

    reports = [Stub("x"), Stub("y"), Stub("x"), Stub("", "solo")]
    assert network_labels(reports) == ["A", "B", "A", "C"]
