"""The console's jury page and the invitation link, through the test client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import ChallengeFactory, EntryFactory, OrganiserFactory, UserFactory
from tests.voting.factories import JuryMemberFactory, JuryPanelFactory, RoundFactory
from videoawards.accounts.models import Role
from voting import services as voting_services
from voting.models import Assignment, ConflictOfInterest, JuryMember, JuryPanel, Round
from voting.services.jury import refill_open_rounds

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://[^/\s]+(/voting/jury/invitations/[A-Za-z0-9]+/)")


@pytest.fixture
def challenge(network):
    return ChallengeFactory(provider_network=network)


def _jury(challenge) -> str:
    return reverse("console:jury", args=[challenge.slug])


def test_an_organiser_makes_a_panel_invites_and_the_juror_accepts(
    client, organiser, challenge, django_capture_on_commit_callbacks
):
    # given
    client.force_login(organiser)
    # when: a panel
    response = client.post(_jury(challenge), {"form": "panel", "name": "Main jury"}, follow=True)
    panel = JuryPanel.objects.get(challenge=challenge)
    assert "Panel “Main jury” made" in response.content.decode()
    # when: two invitations, one of them pasted twice
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _jury(challenge),
            {
                "form": "invite",
                "panel": panel.pk,
                "emails": "ada@example.org\nbo@example.org, ada@example.org",
            },
            follow=True,
        )
    page = response.content.decode()
    assert "2 invitations sent." in page
    assert "ada@example.org" in page and "bo@example.org" in page  # waiting for an answer
    # when: Ada opens her link, logs in and accepts
    path = LINK.search(next(m for m in mail.outbox if m.to == ["ada@example.org"]).body).group(1)
    client.logout()
    anonymous = client.get(path).content.decode()
    ada = UserFactory(email="ada@example.org", birth_year=1990, display_name="Ada")
    client.force_login(ada)
    shown = client.get(path)
    accepted = client.post(path, follow=True)
    # then
    assert "The invitation is for ada@example.org" in anonymous
    assert "Accept and join the jury" in shown.content.decode()
    assert "Welcome to the jury!" in accepted.content.decode()
    assert JuryMember.objects.filter(panel=panel, juror=ada).exists()
    ada.refresh_from_db()
    assert ada.role == Role.JUROR
    assert client.get(path).status_code == 404  # used up
    client.force_login(organiser)
    page = client.get(_jury(challenge)).content.decode()
    assert "Ada" in page and "ada@example.org" in page


def test_a_wrong_address_is_named_and_nothing_is_sent(client, organiser, challenge):
    panel = JuryPanelFactory(challenge=challenge)
    client.force_login(organiser)
    response = client.post(
        _jury(challenge), {"form": "invite", "panel": panel.pk, "emails": "ada@, bo@example.org"}
    )
    assert response.status_code == 400
    assert "These are not email addresses: ada@" in response.content.decode()
    assert not mail.outbox


def test_someone_else_opening_the_link_sees_why_and_cannot_accept(
    client, organiser, challenge, django_capture_on_commit_callbacks
):
    panel = JuryPanelFactory(challenge=challenge)
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_jury(challenge), {"form": "invite", "panel": panel.pk, "emails": "a@x.org"})
    path = LINK.search(mail.outbox[0].body).group(1)
    stranger = UserFactory(birth_year=1990)
    client.force_login(stranger)
    response = client.post(path)
    assert response.status_code == 403
    assert "sent to another email address" in response.content.decode()
    assert not JuryMember.objects.filter(juror=stranger).exists()


def test_a_round_is_added_from_the_page_with_errors_in_plain_words(client, organiser, challenge):
    panel = JuryPanelFactory(challenge=challenge)
    client.force_login(organiser)
    start = timezone.localtime() + timedelta(days=1)
    data = {
        "form": "round",
        "name": "First round",
        "panel": panel.pk,
        "category": "",
        "opens_at": start.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "reviews_per_entry": "3",
        "shortlist_to": "public_vote",
        "shortlist_size": "0",
        "normalisation": "none",
    }
    wrong = client.post(_jury(challenge), data)
    data.update(
        closes_at=(start + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"), shortlist_size="10"
    )
    right = client.post(_jury(challenge), data, follow=True)
    page = wrong.content.decode()
    assert wrong.status_code == 400
    assert "The round must close after it opens." in page
    assert "Say how many entries go through" in page
    assert "Round “First round” made." in right.content.decode()
    made = Round.objects.get(challenge=challenge)
    assert (made.shortlist_to, made.shortlist_size, made.state) == ("public_vote", 10, "draft")


def test_taking_a_juror_off_and_reminding_are_buttons(client, organiser, challenge):
    panel = JuryPanelFactory(challenge=challenge)
    member = JuryMemberFactory(panel=panel)
    round_ = RoundFactory(panel=panel, state=Round.State.OPEN)
    client.force_login(organiser)
    dropped = client.post(
        reverse("console:jury_action", args=[challenge.slug, "drop", member.pk]), follow=True
    )
    reminded = client.post(
        reverse("console:jury_action", args=[challenge.slug, "remind", round_.pk]), follow=True
    )
    member.refresh_from_db()
    assert member.dropped_at is not None
    assert "Taken off the panel" in dropped.content.decode()
    assert "0 jurors were reminded." in reminded.content.decode()


def test_another_networks_organiser_reaches_nothing(client, challenge):
    panel = JuryPanelFactory(challenge=challenge)
    member = JuryMemberFactory(panel=panel)
    client.force_login(OrganiserFactory(provider_network=ChallengeFactory().provider_network))
    assert client.get(_jury(challenge)).status_code == 403
    assert (
        client.post(
            reverse("console:jury_action", args=[challenge.slug, "drop", member.pk])
        ).status_code
        == 403
    )
    member.refresh_from_db()
    assert member.dropped_at is None


def test_a_conflict_with_no_spare_juror_is_recorded_and_the_to_do_names_the_entry(
    client, organiser, network
):
    # given: one juror, one review per entry, the juror assigned to the only entry
    now = timezone.now()
    challenge = ChallengeFactory(
        provider_network=network,
        entries_open_at=now - timedelta(days=20),
        entries_close_at=now - timedelta(days=1),
    )
    entry = EntryFactory(challenge=challenge, state="approved", title="Echoes in a tin can")
    panel = JuryPanelFactory(challenge=challenge)
    juror = JuryMemberFactory(panel=panel).juror
    round_ = RoundFactory(panel=panel, reviews_per_entry=1)
    voting_services.assign_jurors(round=round_, by=organiser)
    client.force_login(juror)
    # when: the juror declares a conflict
    answer = client.post(
        reverse("voting:declare_conflict", args=[round_.pk, entry.pk]),
        {"reason": "My cousin made it."},
        follow=True,
    )
    # then: calm words for the juror, the conflict kept, the entry left without a juror
    assert "Thank you, that is noted." in answer.content.decode()
    assert ConflictOfInterest.objects.filter(juror=juror, entry=entry).exists()
    assert not Assignment.objects.filter(round=round_).exists()
    client.force_login(organiser)
    todo = client.get(reverse("console:dashboard")).content.decode()
    assert "“Echoes in a tin can” needs another juror" in todo
    # when: a second juror joins the panel, the entry gets them and the to-do goes
    newcomer = JuryMemberFactory(panel=panel).juror
    refill_open_rounds(panel=panel)
    assert list(Assignment.objects.filter(round=round_).values_list("juror", flat=True)) == [
        newcomer.pk
    ]
    assert "needs another juror" not in client.get(reverse("console:dashboard")).content.decode()
