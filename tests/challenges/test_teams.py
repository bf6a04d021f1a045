"""Teams by invitation: invite by email or display name, answer, withdraw, remove."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrganiserFactory, ParticipantFactory
from videoawards.accounts.models import GuardianConsent
from videoawards.challenges import services
from videoawards.challenges.models import TeamInvitation

pytestmark = pytest.mark.django_db


def test_invitee_joins_only_after_accepting(
    make_entry, creator, django_capture_on_commit_callbacks
):
    entry = make_entry()
    friend = ParticipantFactory(display_name="Łucja Øre")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_team_mate(entry=entry, by=creator, query="Łucja Øre")
    assert list(entry.creators.all()) == [creator]
    assert mail.outbox[-1].to == [friend.email] and "Nova" in mail.outbox[-1].body
    services.accept_team_invitation(invitation=invitation, by=friend)
    assert set(entry.creators.all()) == {creator, friend}
    assert TeamInvitation.objects.get().status == "accepted"


def test_invitations_refuse_in_plain_words(make_entry, creator, settings):
    entry = make_entry()
    with pytest.raises(ValidationError) as error:
        services.invite_team_mate(entry=entry, by=creator, query="nobody@example.org")
    assert error.value.code == "not_found"
    ParticipantFactory(display_name="Sam")
    ParticipantFactory(display_name="Sam")
    with pytest.raises(ValidationError):  # a shared display name needs the email
        services.invite_team_mate(entry=entry, by=creator, query="Sam")
    with pytest.raises(ValidationError) as error:
        services.invite_team_mate(entry=entry, by=creator, query=creator.email)
    assert error.value.code == "duplicate"
    settings.VIDEOAWARDS_MAX_TEAM_SIZE = 2
    services.invite_team_mate(entry=entry, by=creator, query=ParticipantFactory().email)
    with pytest.raises(ValidationError) as error:
        services.invite_team_mate(entry=entry, by=creator, query=ParticipantFactory().email)
    assert error.value.code == "team_full"
    with pytest.raises(PermissionDenied):
        services.invite_team_mate(entry=entry, by=ParticipantFactory(), query=creator.email)


def test_a_minor_accepts_once_their_guardian_said_yes(make_entry, creator):
    entry = make_entry()
    young = ParticipantFactory(birth_year=date.today().year - 13, country="DE")
    consent = GuardianConsent.objects.create(user=young, guardian_email="mum@example.org")
    invitation = services.invite_team_mate(entry=entry, by=creator, query=young.email)
    with pytest.raises(ValidationError):
        services.accept_team_invitation(invitation=invitation, by=young)
    assert young not in entry.creators.all()
    consent.status = "given"
    consent.given_at = timezone.now()
    consent.save()
    services.accept_team_invitation(invitation=invitation, by=young)
    assert young in entry.creators.all()


def test_only_the_invitee_answers_and_the_team_stays_while_sent_in(make_entry, creator):
    entry = make_entry()
    friend = ParticipantFactory()
    invitation = services.invite_team_mate(entry=entry, by=creator, query=friend.email)
    with pytest.raises(PermissionDenied):
        services.accept_team_invitation(invitation=invitation, by=ParticipantFactory())
    entry.state = "submitted"
    entry.save()
    with pytest.raises(ValidationError):
        services.accept_team_invitation(invitation=invitation, by=friend)
    services.decline_team_invitation(invitation=invitation, by=friend)
    with pytest.raises(ValidationError):
        services.decline_team_invitation(invitation=invitation, by=friend)


def test_creators_only_invite_and_organisers_add_through_the_same_rules(
    make_entry, creator, challenge
):
    entry = make_entry()
    with pytest.raises(PermissionDenied):
        services.add_creator(entry=entry, user=ParticipantFactory(), by=creator)
    organiser = OrganiserFactory(provider_network=challenge.provider_network)
    services.add_creator(entry=entry, user=ParticipantFactory(), by=organiser)
    assert entry.creators.count() == 2
    entry.state = "submitted"
    entry.save()
    with pytest.raises(ValidationError):
        services.add_creator(entry=entry, user=ParticipantFactory(), by=organiser)


def test_team_pages_invite_answer_and_leave(client, make_entry, creator):
    entry = make_entry()
    friend = ParticipantFactory(display_name="Rosa")
    client.force_login(creator)
    url = reverse("challenges:team_invite", args=[entry.challenge.slug, entry.pk])
    page = client.post(url, {"who": friend.email}, follow=True)
    assert "Invitation sent to Rosa" in page.content.decode()
    assert "waiting for an answer" in page.content.decode()
    client.force_login(friend)
    listing = client.get(reverse("challenges:team_invitations")).content.decode()
    assert entry.title in listing and friend.email not in listing
    invitation = TeamInvitation.objects.get()
    client.post(reverse("challenges:team_answer", args=[invitation.pk, "accept"]))
    assert friend in entry.creators.all()
    leave = reverse("challenges:team_remove", args=[entry.challenge.slug, entry.pk, friend.pk])
    client.post(leave)
    assert friend not in entry.creators.all()
