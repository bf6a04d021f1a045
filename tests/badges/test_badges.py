"""Open Badges issued on events, hosted for verification, and shown in portfolios."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.test import Client

from tests.factories import EntryFactory, ModeratorFactory, OrganiserFactory, ParticipantFactory
from tests.transcoding.factories import MediaAssetFactory
from transcoding.models import MediaAsset
from videoawards.badges import services
from videoawards.badges.models import Assertion, BadgeKind
from videoawards.challenges import services as challenge_services

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user:
        client.force_login(user)
    return client


@pytest.fixture
def team():
    return [ParticipantFactory(display_name="Ada"), ParticipantFactory(display_name="Grace")]


@pytest.fixture
def entry(team):
    asset = MediaAssetFactory(owner=team[0], status=MediaAsset.Status.READY)
    return EntryFactory(creators=team, media_asset=asset, title="Bubbles in slow motion")


def test_submitting_an_entry_gives_every_creator_a_badge_once(entry, team):
    # when: submitted, sent back to draft and submitted again
    challenge_services.submit_entry(entry=entry, by=team[0])
    challenge_services.transition_entry(entry=entry, to_state="draft", by=team[0])
    challenge_services.submit_entry(entry=entry, by=team[1])
    # then
    badges = Assertion.objects.filter(badge_class__kind=BadgeKind.ENTRY_SUBMITTED)
    assert sorted(b.recipient.display_name for b in badges) == ["Ada", "Grace"]


def test_winning_gives_finalist_and_winner_badges_with_the_entry_as_evidence(entry, team):
    # given
    challenge_services.submit_entry(entry=entry, by=team[0])
    challenge_services.transition_entry(entry=entry, to_state="approved", by=ModeratorFactory())
    organiser = OrganiserFactory()
    # when
    challenge_services.transition_entry(entry=entry, to_state="finalist", by=organiser)
    challenge_services.transition_entry(entry=entry, to_state="winner", by=organiser)
    # then
    kinds = set(team[0].badge_assertions.values_list("badge_class__kind", flat=True))
    assert kinds == {"entry-submitted", "finalist", "winner"}
    winner = team[0].badge_assertions.get(badge_class__kind="winner")
    assert winner.evidence_url == entry.get_absolute_url()


def test_hosted_assertion_is_valid_open_badges_and_names_nobody(team):
    # given
    ada = team[0]
    assertion = services.issue_badge(kind=BadgeKind.JUROR, recipient=ada, source="round:1")
    client = Client()
    # when
    document = client.get(f"/badges/assertions/{assertion.pk}").json()
    badge = client.get(document["badge"].removeprefix("http://127.0.0.1:8000")).json()
    issuer = client.get(badge["issuer"].removeprefix("http://127.0.0.1:8000")).json()
    # then
    salted = hashlib.sha256((ada.email.lower() + assertion.recipient_salt).encode()).hexdigest()
    assert document["recipient"] == {
        "type": "email",
        "hashed": True,
        "salt": assertion.recipient_salt,
        "identity": f"sha256${salted}",
    }
    assert (document["type"], document["verification"]) == ("Assertion", {"type": "hosted"})
    assert document["@context"] == "https://w3id.org/openbadges/v2"
    assert (badge["type"], issuer["type"]) == ("BadgeClass", "Issuer")
    assert badge["id"] == document["badge"]
    text = json.dumps(document)
    assert ada.email not in text
    assert ada.display_name not in text


def test_a_revoked_badge_says_so_when_verified(team):
    # given
    assertion = services.issue_badge(kind=BadgeKind.JUROR, recipient=team[0], source="round:1")
    services.revoke_badge(assertion=assertion, reason="Issued by mistake")
    # when
    document = Client().get(f"/badges/assertions/{assertion.pk}").json()
    # then
    assert (document["revoked"], document["revocationReason"]) == (True, "Issued by mistake")


def test_portfolio_is_private_until_its_owner_opts_in(entry, team):
    # given
    ada = team[0]
    services.issue_badge(kind=BadgeKind.JUROR, recipient=ada, source="round:1")
    portfolio = services.set_portfolio_public(user=ada, is_public=False)
    url = f"/badges/portfolio/{portfolio.public_id}/"
    assert Client().get(url).status_code == 404
    # when
    _client(ada).post("/badges/portfolio/visibility", {"is_public": "1"})
    # then
    page = Client().get(url).content.decode()
    assert "Portfolio of Ada" in page
    assert "Served on a jury" in page
    assert ada.email not in page
    assert entry.title not in page  # a draft is nobody else's business


def test_owner_sees_all_their_entries_and_can_download_their_badges(entry, team):
    # given
    ada = team[0]
    assertion = services.issue_badge(kind=BadgeKind.JUROR, recipient=ada, source="round:1")
    # when
    page = _client(ada).get("/badges/portfolio/").content.decode()
    download = _client(ada).get(f"/badges/assertions/{assertion.pk}?download=1")
    # then
    assert entry.title in page
    assert f"/badges/assertions/{assertion.pk}?download=1" in page
    assert download["Content-Disposition"].startswith("attachment;")


def test_the_public_assertion_of_a_submission_does_not_name_the_unmoderated_entry(entry, team):
    # when
    challenge_services.submit_entry(entry=entry, by=team[0])
    # then: the hosted document names the challenge, not the entry nobody has checked yet
    assertion = Assertion.objects.get(recipient=team[0], badge_class__kind="entry-submitted")
    hosted = _client().get(f"/badges/assertions/{assertion.pk}").content.decode()
    assert entry.title not in hosted
    assert entry.challenge.title in hosted
