"""The moderation queue: who may open it, what it lists, approve / reject / resubmit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ChallengeFactory,
    JurorFactory,
    ModeratorFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
)
from videoawards.challenges.models import EntryState
from videoawards.core.models import AuditEvent

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")


def _waiting_titles(response) -> list[str]:
    return [entry.title for entry in response.context["waiting"]]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("participant", 403),
        ("juror", 403),
        ("moderator", 200),
        ("organiser", 200),
    ],
)
def test_only_moderators_and_organisers_open_the_queue(
    role, status, client_for, moderator, organiser
):
    # given
    user = {
        "anonymous": None,
        "participant": ParticipantFactory(),
        "juror": JurorFactory(),
        "moderator": moderator,
        "organiser": organiser,
    }[role]
    # when
    response = client_for(user).get(QUEUE)
    # then
    assert response.status_code == status


def test_queue_lists_submitted_entries_longest_waiting_first(make_entry, moderator, client_for):
    # given
    now = timezone.now()
    make_entry(state="submitted", title="Newer", submitted_at=now - timedelta(hours=1))
    make_entry(state="submitted", title="Older", submitted_at=now - timedelta(days=2))
    make_entry(state="draft", title="Draft")
    make_entry(state="approved", title="Approved")
    # when
    response = client_for(moderator).get(QUEUE)
    # then
    assert _waiting_titles(response) == ["Older", "Newer"]
    assert b"data-hls-player" in response.content


def test_network_moderator_sees_only_their_networks_entries(make_entry, moderator, client_for):
    # given
    make_entry(state="submitted", title="Ours")
    make_entry(
        state="submitted",
        title="Theirs",
        challenge=ChallengeFactory(provider_network=ProviderNetworkFactory()),
    )
    # when
    response = client_for(moderator).get(QUEUE)
    # then
    assert _waiting_titles(response) == ["Ours"]


def test_a_moderator_does_not_see_their_own_entry_in_the_queue(make_entry, network, client_for):
    # given
    moderator = ModeratorFactory(provider_network=network)
    make_entry(state="submitted", title="Mine", creators=[moderator])
    make_entry(state="submitted", title="Someone else's")
    # when
    response = client_for(moderator).get(QUEUE)
    # then
    assert _waiting_titles(response) == ["Someone else's"]


def test_queue_page_makes_the_same_number_of_queries_for_many_entries(
    make_entry, moderator, client_for, django_assert_num_queries
):
    # given
    client = client_for(moderator)
    make_entry(state="submitted")
    make_entry(state="approved").reports.create(reason="spam", reporter_key="a")
    client.get(QUEUE)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    for n in range(4):
        make_entry(state="submitted")
        make_entry(state="approved").reports.create(reason="spam", reporter_key=f"k{n}")
    # when
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(QUEUE)
    # then
    assert len(_waiting_titles(response)) == 5
    assert len(response.context["reported"]) == 5


def test_approving_makes_the_entry_public_and_is_audited(make_entry, moderator, client_for, client):
    # given
    entry = make_entry(state="submitted")
    # when
    response = client_for(moderator).post(reverse("moderation:approve", args=[entry.pk]))
    # then
    entry.refresh_from_db()
    assert (response.status_code, entry.state) == (302, EntryState.APPROVED)
    assert client.get(entry.get_absolute_url()).status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target_label, event.target_id) == (
        "entry.approve",
        moderator,
        entry.title,
        str(entry.pk),
    )
    assert event.provider_network_id == entry.challenge.provider_network_id


def test_rejecting_needs_a_reason(make_entry, moderator, client_for):
    # given
    entry = make_entry(state="submitted")
    # when
    response = client_for(moderator).post(
        reverse("moderation:reject", args=[entry.pk]), {"reason": "   "}, follow=True
    )
    # then
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED
    assert "Tell the creators what to change." in response.content.decode()
    assert AuditEvent.objects.count() == 0


def test_participant_sees_the_reason_fixes_and_resubmits_into_the_queue(
    make_entry, moderator, creator, client_for
):
    # given
    entry = make_entry(state="submitted")
    moderator_client = client_for(moderator)
    moderator_client.post(
        reverse("moderation:reject", args=[entry.pk]),
        {"reason": "Your full name is on the whiteboard at 0:42."},
    )
    creator_client = client_for(creator)
    # when
    page = creator_client.get(entry.get_absolute_url()).content.decode()
    creator_client.post(
        reverse("challenges:entry_edit", args=[entry.challenge.slug, entry.pk]),
        {"title": "Blue sky, no names", "description": "Fixed.", "team_name": ""},
    )
    creator_client.post(
        reverse("challenges:entry_action", args=[entry.challenge.slug, entry.pk, "submit"])
    )
    # then
    entry.refresh_from_db()
    assert "Your full name is on the whiteboard at 0:42." in page
    assert (entry.state, entry.title) == (EntryState.SUBMITTED, "Blue sky, no names")
    assert _waiting_titles(moderator_client.get(QUEUE)) == ["Blue sky, no names"]
    assert list(AuditEvent.objects.values_list("action", "reason")) == [
        ("entry.reject", "Your full name is on the whiteboard at 0:42.")
    ]


def test_participants_and_jurors_cannot_approve(make_entry, challenge, client_for, jury):
    # given
    entry = make_entry(state="submitted")
    # when
    statuses = [
        client_for(user).post(reverse("moderation:approve", args=[entry.pk])).status_code
        for user in (ParticipantFactory(), jury(challenge=challenge))
    ]
    # then
    entry.refresh_from_db()
    assert (statuses, entry.state) == ([403, 403], EntryState.SUBMITTED)


def test_moderator_of_another_network_cannot_approve(make_entry, client_for):
    # given
    entry = make_entry(state="submitted")
    outsider = ModeratorFactory(provider_network=ProviderNetworkFactory())
    # when
    response = client_for(outsider).post(reverse("moderation:approve", args=[entry.pk]))
    # then
    entry.refresh_from_db()
    assert (response.status_code, entry.state) == (404, EntryState.SUBMITTED)


def test_approving_an_entry_twice_explains_instead_of_failing(make_entry, moderator, client_for):
    # given
    entry = make_entry(state="approved")
    # when
    response = client_for(moderator).post(
        reverse("moderation:approve", args=[entry.pk]), follow=True
    )
    # then
    assert "cannot become" in response.content.decode()
    assert AuditEvent.objects.count() == 0
