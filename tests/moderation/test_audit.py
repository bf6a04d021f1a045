"""The audit log: what is written, that nobody can change it in the admin, who reads it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ChallengeFactory,
    ModeratorFactory,
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
)
from videoawards.accounts.models import User
from videoawards.core import audit
from videoawards.core.models import AuditEvent

pytestmark = pytest.mark.django_db

AUDIT = reverse("moderation:audit_log")


def test_record_keeps_who_did_what_to_which_object(organiser, challenge):
    # when
    event = audit.record(
        actor=organiser,
        action="results.publish",
        target=challenge,
        reason="Jury and public vote closed",
        data={"awards": 2},
        ip_address="192.0.2.4",
    )
    # then
    event.refresh_from_db()
    assert (
        event.actor,
        event.action,
        event.target_type.model,
        event.target_id,
        event.target_label,
        event.provider_network_id,
        event.reason,
        event.data,
        event.ip_address,
    ) == (
        organiser,
        "results.publish",
        "challenge",
        str(challenge.pk),
        challenge.title,
        challenge.provider_network_id,
        "Jury and public vote closed",
        {"awards": 2},
        "192.0.2.4",
    )


def test_record_refuses_an_action_name_that_is_not_area_dot_verb(organiser, challenge):
    # when / then
    with pytest.raises(ValidationError):
        audit.record(actor=organiser, action="Publish Results", target=challenge)


@pytest.fixture
def event(organiser, challenge):
    return audit.record(actor=organiser, action="entry.approve", target=challenge, reason="ok")


@pytest.fixture
def admin_client(client_for):
    return client_for(OrganiserFactory(provider_network=None))


def test_organisers_read_audit_events_in_the_admin(event, admin_client):
    # when
    changelist = admin_client.get(reverse("admin:moderation_auditevent_changelist"))
    detail = admin_client.get(reverse("admin:moderation_auditevent_change", args=[event.pk]))
    # then
    assert (changelist.status_code, detail.status_code) == (200, 200)
    assert list(changelist.context["cl"].result_list) == [event]
    assert detail.context["has_change_permission"] is False
    assert b'name="_save"' not in detail.content


def test_audit_events_cannot_be_changed_added_or_deleted_in_the_admin(event, client_for):
    # given: even a superuser
    root = User.objects.create_superuser(email="root@example.org", password="x")
    client = client_for(root)
    change_url = reverse("admin:moderation_auditevent_change", args=[event.pk])
    # when
    responses = [
        client.post(change_url, {"action": "entry.reject", "reason": "rewritten"}),
        client.post(
            reverse("admin:moderation_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ),
        client.get(reverse("admin:moderation_auditevent_add")),
        client.post(
            reverse("admin:moderation_auditevent_changelist"),
            {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
        ),
    ]
    # then
    event.refresh_from_db()
    assert [r.status_code for r in responses[:3]] == [403, 403, 403]
    assert (event.action, event.reason, AuditEvent.objects.count()) == ("entry.approve", "ok", 1)


def test_role_change_in_the_admin_is_audited(client_for):
    # given
    organiser = OrganiserFactory(provider_network=None)
    person = ParticipantFactory()
    network = ProviderNetworkFactory()
    # when
    client_for(organiser).post(
        reverse("admin:accounts_user_change", args=[person.pk]),
        {
            "email": person.email,
            "display_name": person.display_name,
            "birth_year": person.birth_year,
            "country": person.country,
            "role": "moderator",
            "provider_network": network.pk,
            "is_active": "on",
        },
    )
    # then
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target_id, event.data) == (
        "account.role_change",
        organiser,
        str(person.pk),
        {"role": ["participant", "moderator"], "provider_network_id": [None, network.pk]},
    )
    assert event.provider_network_id == network.pk


def test_saving_a_user_without_changing_the_role_writes_nothing(client_for):
    # given
    organiser = OrganiserFactory(provider_network=None)
    person = ParticipantFactory()
    # when
    client_for(organiser).post(
        reverse("admin:accounts_user_change", args=[person.pk]),
        {
            "email": person.email,
            "display_name": "New name",
            "birth_year": person.birth_year,
            "country": person.country,
            "role": "participant",
            "is_active": "on",
        },
    )
    # then
    person.refresh_from_db()
    assert (person.display_name, AuditEvent.objects.count()) == ("New name", 0)


@pytest.mark.parametrize(
    ("role", "status"), [("participant", 403), ("moderator", 403), ("organiser", 200)]
)
def test_only_organisers_open_the_audit_log_page(role, status, client_for):
    # given
    user = {
        "participant": ParticipantFactory(),
        "moderator": ModeratorFactory(),
        "organiser": OrganiserFactory(),
    }[role]
    # when
    response = client_for(user).get(AUDIT)
    # then
    assert response.status_code == status


def test_audit_log_page_filters_by_action_person_and_date(client_for, organiser, challenge):
    # given
    mia = ModeratorFactory(display_name="Mia")
    audit.record(actor=mia, action="entry.approve", target=challenge)
    audit.record(actor=mia, action="entry.reject", target=challenge, reason="Music")
    audit.record(actor=organiser, action="entry.reject", target=challenge, reason="Faces")
    old = audit.record(actor=mia, action="entry.reject", target=challenge, reason="Old")
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    client = client_for(organiser)
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    # when
    response = client.get(AUDIT, {"action": "entry.reject", "actor": "mia", "since": since})
    # then
    assert [e.reason for e in response.context["page"].object_list] == ["Music"]


def test_audit_log_page_is_paginated_with_filters_kept(client_for, organiser, challenge):
    # given
    for n in range(55):
        audit.record(actor=organiser, action="entry.approve", target=challenge, reason=f"{n}")
    client = client_for(organiser)
    # when
    first = client.get(AUDIT, {"action": "entry.approve"})
    second = client.get(AUDIT, {"action": "entry.approve", "page": 2})
    # then
    assert len(first.context["page"].object_list) == 50
    assert [e.reason for e in second.context["page"].object_list] == [
        f"{n}" for n in range(4, -1, -1)
    ]
    assert "action=entry.approve&amp;page=2" in first.content.decode()


def test_network_organisers_read_only_their_networks_events(client_for, challenge):
    # given
    own = OrganiserFactory(provider_network=challenge.provider_network)
    audit.record(actor=None, action="entry.hide_by_reports", target=challenge)
    audit.record(actor=None, action="entry.hide_by_reports", target=ChallengeFactory())
    # when
    response = client_for(own).get(AUDIT)
    # then
    assert [e.target_label for e in response.context["page"].object_list] == [challenge.title]


def test_audit_log_page_makes_the_same_number_of_queries_for_many_events(
    client_for, organiser, challenge, django_assert_num_queries
):
    # given
    client = client_for(organiser)
    audit.record(actor=ModeratorFactory(), action="entry.approve", target=challenge)
    client.get(AUDIT)
    with CaptureQueriesContext(connection) as one:
        client.get(AUDIT)
    for _ in range(10):
        audit.record(actor=ModeratorFactory(), action="entry.approve", target=challenge)
    # when / then
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(AUDIT)


def test_approving_in_the_entry_admin_is_audited_too(make_entry, client_for):
    # given
    organiser = OrganiserFactory(provider_network=None)
    entry = make_entry(state="submitted")
    # when
    client_for(organiser).post(
        reverse("admin:challenges_entry_changelist"),
        {"action": "approve", "_selected_action": [entry.pk]},
    )
    # then
    entry.refresh_from_db()
    assert entry.state == "approved"
    assert list(AuditEvent.objects.values_list("action", "actor")) == [
        ("entry.approve", organiser.pk)
    ]
