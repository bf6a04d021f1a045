"""Setting a jury up without the admin: panels, invitations by email, rounds, reminders,
and what happens to entries when a juror declares a conflict on a small panel."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import JurorFactory, OrganiserFactory, ParticipantFactory, UserFactory
from tests.voting.factories import RoundFactory
from videoawards.accounts.models import Role
from videoawards.privacy import erasure
from voting import selectors, services
from voting.models import Assignment, ConflictOfInterest, JuryInvitation, JuryMember, Round
from voting.services import panels

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/voting/jury/invitations/([A-Za-z0-9]+)/")


def invite(panel, organiser, *emails, capture):
    with capture(execute=True):
        return panels.invite_jurors(panel=panel, emails=list(emails), by=organiser)


def token_in(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def test_addresses_are_read_from_what_an_organiser_pastes():
    # when
    emails = panels.parse_addresses("Ada@Example.org, grace@example.org;\n<ada@example.org>")
    # then
    assert emails == ["ada@example.org", "grace@example.org"]


def test_an_address_that_is_not_one_is_named():
    with pytest.raises(ValidationError) as error:
        panels.parse_addresses("ada@example.org, not-an-address")
    assert "not-an-address" in error.value.message_dict["emails"][0]


def test_a_panel_name_is_used_once_per_challenge(panel, organiser):
    with pytest.raises(ValidationError) as error:
        panels.create_panel(challenge=panel.challenge, name="main  JURY", by=organiser)
    assert "already has a panel" in error.value.message_dict["name"][0]


def test_invitations_are_emailed_once_per_address_with_a_link_only_they_hold(
    panel, organiser, jurors, django_capture_on_commit_callbacks
):
    # when: one address is already on the panel
    invited, skipped = invite(
        panel,
        organiser,
        "ada@example.org",
        jurors[0].email,
        capture=django_capture_on_commit_callbacks,
    )
    again = invite(panel, organiser, "ada@example.org", capture=django_capture_on_commit_callbacks)
    # then
    assert (invited, skipped) == (1, 1)
    assert again == (0, 1)
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert "Join the jury of" in mail.outbox[0].subject
    token = token_in(mail.outbox[0])
    stored = JuryInvitation.objects.get(email="ada@example.org")
    assert token not in stored.token_hash  # only a hash is kept
    assert panels.invitation_for_token(token) == stored


def test_only_the_challenges_organisers_invite(panel, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        invite(
            panel,
            OrganiserFactory(provider_network=None, is_platform_staff=False),
            "a@example.org",
            capture=django_capture_on_commit_callbacks,
        )
    assert not JuryInvitation.objects.exists()


def test_a_new_account_with_the_invited_address_accepts_and_becomes_a_juror(
    panel, organiser, django_capture_on_commit_callbacks
):
    # given
    invite(panel, organiser, "ada@example.org", capture=django_capture_on_commit_callbacks)
    token = token_in(mail.outbox[0])
    ada = UserFactory(email="ada@example.org", birth_year=1990, role=Role.PARTICIPANT)
    # when
    membership = panels.accept_invitation(token=token, user=ada)
    # then
    ada.refresh_from_db()
    assert membership.panel == panel and membership.is_active
    assert ada.role == Role.JUROR
    assert JuryInvitation.objects.get().accepted_by == ada
    assert panels.invitation_for_token(token) is None  # the link is used up


@pytest.mark.parametrize(
    ("who", "problem"),
    [
        ({"email": "someone-else@example.org", "birth_year": 1990}, "another email address"),
        ({"email": "ada@example.org", "birth_year": 1990, "email_verified_at": None}, "Confirm"),
        ({"email": "ada@example.org", "birth_year": timezone.now().year - 15}, "adults"),
    ],
    ids=["forwarded link", "unverified address", "a minor"],
)
def test_only_the_invited_verified_adult_may_accept(
    panel, organiser, django_capture_on_commit_callbacks, who, problem
):
    # given
    invite(panel, organiser, "ada@example.org", capture=django_capture_on_commit_callbacks)
    token = token_in(mail.outbox[0])
    user = UserFactory(**who)
    # when
    with pytest.raises(PermissionDenied) as error:
        panels.accept_invitation(token=token, user=user)
    # then
    assert problem in str(error.value)
    assert not JuryMember.objects.filter(juror=user).exists()


def test_someone_with_an_entry_in_the_challenge_cannot_judge_it(
    panel, organiser, make_approved_entry, django_capture_on_commit_callbacks
):
    adult = UserFactory(email="ada@example.org", birth_year=1990)
    make_approved_entry(creators=[adult])
    invite(panel, organiser, "ada@example.org", capture=django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied, match="entry in this challenge"):
        panels.accept_invitation(token=token_in(mail.outbox[0]), user=adult)


def test_sending_again_replaces_the_link_and_withdrawing_ends_it(
    panel, organiser, django_capture_on_commit_callbacks
):
    # given: sent two hours ago
    invite(panel, organiser, "ada@example.org", capture=django_capture_on_commit_callbacks)
    first = token_in(mail.outbox[0])
    invitation = JuryInvitation.objects.get()
    JuryInvitation.objects.filter(pk=invitation.pk).update(
        sent_at=timezone.now() - timedelta(hours=2)
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        panels.resend_invitation(invitation=invitation, by=organiser)
    second = token_in(mail.outbox[1])
    # then
    assert panels.invitation_for_token(first) is None
    assert panels.invitation_for_token(second) == invitation
    with pytest.raises(ValidationError, match="less than an hour"):
        panels.resend_invitation(invitation=invitation, by=organiser)
    panels.withdraw_invitation(invitation=invitation, by=organiser)
    assert panels.invitation_for_token(second) is None


def test_an_old_invitation_expires(panel, organiser, django_capture_on_commit_callbacks):
    invite(panel, organiser, "ada@example.org", capture=django_capture_on_commit_callbacks)
    JuryInvitation.objects.update(sent_at=timezone.now() - timedelta(days=31))
    assert panels.invitation_for_token(token_in(mail.outbox[0])) is None


def test_a_round_is_added_after_the_others_in_plain_words_when_wrong(panel, organiser):
    # given
    challenge = panel.challenge
    now = timezone.now()
    RoundFactory(panel=panel, position=1)
    # when
    with pytest.raises(ValidationError) as error:
        panels.create_round(
            challenge=challenge,
            by=organiser,
            panel=panel,
            name="Final",
            opens_at=now,
            closes_at=now - timedelta(days=1),
            reviews_per_entry=3,
        )
    created = panels.create_round(
        challenge=challenge,
        by=organiser,
        panel=panel,
        name=" Final  round ",
        opens_at=now,
        closes_at=now + timedelta(days=7),
        reviews_per_entry=3,
    )
    # then
    assert "close after it opens" in error.value.message_dict["closes_at"][0]
    assert (created.name, created.position, created.state) == ("Final round", 2, Round.State.DRAFT)


def test_jurors_with_open_reviews_are_reminded_at_most_twice_a_day(
    jury_round, jurors, organiser, django_capture_on_commit_callbacks
):
    # given: one juror has submitted everything
    services.assign_jurors(round=jury_round, by=organiser)
    done = jurors[0]
    for assignment in Assignment.objects.filter(round=jury_round, juror=done):
        services.save_review(
            juror=done,
            assignment=assignment,
            scores={c.pk: 5 for c in jury_round.challenge.criteria.all()},
            comment="",
            submit=True,
        )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        count = panels.remind_jurors(round=jury_round, by=organiser)
    # then
    assert count == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(j.email for j in jurors[1:])
    assert "3 entries" in mail.outbox[0].body
    assert reverse("voting:jury_round", args=[jury_round.pk]) in mail.outbox[0].body
    with pytest.raises(ValidationError, match="less than 12 hours"):
        panels.remind_jurors(round=jury_round, by=organiser)


def test_a_conflict_is_recorded_on_a_small_panel_and_a_new_juror_fills_the_gap(
    panel, criteria, jurors, entries, organiser, django_capture_on_commit_callbacks
):
    # given: every one of the 4 jurors reviews every entry, so nobody can step in
    round_ = RoundFactory(panel=panel, reviews_per_entry=4)
    services.assign_jurors(round=round_, by=organiser)
    entry = entries[0]
    # when
    services.declare_conflict(juror=jurors[0], entry=entry, reason="My niece made it")
    # then: recorded, the assignment gone, the entry short of a juror
    assert ConflictOfInterest.objects.filter(juror=jurors[0], entry=entry).exists()
    assert len(selectors.assignment_map(round=round_)[entry.pk]) == 3
    # when: a fifth juror accepts an invitation
    invite(panel, organiser, "fifth@example.org", capture=django_capture_on_commit_callbacks)
    fifth = JurorFactory(email="fifth@example.org")
    panels.accept_invitation(token=token_in(mail.outbox[0]), user=fifth)
    # then
    assert fifth.pk in selectors.assignment_map(round=round_)[entry.pk]
    assert len(selectors.assignment_map(round=round_)[entry.pk]) == 4


def test_a_participant_is_not_made_a_juror_by_someone_elses_link(
    panel, organiser, django_capture_on_commit_callbacks
):
    invite(panel, organiser, "ada@example.org", capture=django_capture_on_commit_callbacks)
    teen = ParticipantFactory()
    with pytest.raises(PermissionDenied):
        panels.accept_invitation(token=token_in(mail.outbox[0]), user=teen)
    teen.refresh_from_db()
    assert teen.role == Role.PARTICIPANT


def test_erasing_an_account_takes_the_invitations_to_its_address(
    panel, organiser, django_capture_on_commit_callbacks
):
    # given: one invitation accepted, one still open, both to Ada's address
    invite(panel, organiser, "ada@example.org", capture=django_capture_on_commit_callbacks)
    ada = UserFactory(email="ada@example.org", birth_year=1990)
    panels.accept_invitation(token=token_in(mail.outbox[0]), user=ada)
    other_panel = panels.create_panel(challenge=panel.challenge, name="Second", by=organiser)
    invite(other_panel, organiser, "ada@example.org", capture=django_capture_on_commit_callbacks)
    invite(other_panel, organiser, "bo@example.org", capture=django_capture_on_commit_callbacks)
    # when
    erasure.erase_account(user=ada)
    # then
    assert list(JuryInvitation.objects.values_list("email", flat=True)) == ["bo@example.org"]
