from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ParticipantFactory,
    ProviderNetworkFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from videoawards.badges.models import Assertion
from videoawards.workshops import services
from videoawards.workshops.models import Registration, Workshop

pytestmark = pytest.mark.django_db


def _admin(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(workshop_kwargs: dict) -> dict:
    starts = timezone.localtime() + timedelta(days=10)
    data = {
        "title": "Stop motion science",
        "slug": "stop-motion-science",
        "description": "",
        "is_published": "on",
        "mode": "on_site",
        "city": "Hamburg",
        "starts_at_0": starts.strftime("%Y-%m-%d"),
        "starts_at_1": "10:00:00",
        "ends_at_0": starts.strftime("%Y-%m-%d"),
        "ends_at_1": "13:00:00",
        "registration_deadline_0": (starts - timedelta(days=1)).strftime("%Y-%m-%d"),
        "registration_deadline_1": "10:00:00",
        "capacity": "12",
        "challenge": "",
    }
    data.update(workshop_kwargs)
    return data


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:workshops_workshop_changelist",
        "admin:workshops_workshop_add",
        "admin:workshops_registration_changelist",
    ],
)
def test_admin_pages_load_for_an_organiser(organiser, workshop, confirmed, url_name):
    # given
    confirmed(workshop)
    # when
    response = _admin(organiser).get(reverse(url_name))
    # then
    assert response.status_code == 200


def test_admin_search_and_filters_find_registrations(organiser, workshop, confirmed):
    # given
    confirmed(workshop, ParticipantFactory(display_name="Quark Quinn"))
    confirmed(workshop, ParticipantFactory(display_name="Pixel Pia"))
    url = reverse("admin:workshops_registration_changelist")
    # when
    found = _admin(organiser).get(url, {"q": "quark", "status__exact": "confirmed"})
    # then
    names = [r.participant.display_name for r in found.context["cl"].result_list]
    assert names == ["Quark Quinn"]


def test_network_organiser_publishes_a_workshop_for_their_network(organiser, network):
    # when
    response = _admin(organiser).post(
        reverse("admin:workshops_workshop_add"),
        _form({"provider_network": str(network.pk)}),
    )
    # then
    assert response.status_code == 302
    assert Workshop.objects.get().provider_network == network


def test_admin_form_explains_an_on_site_workshop_without_a_city(organiser, network):
    # when
    response = _admin(organiser).post(
        reverse("admin:workshops_workshop_add"),
        _form({"provider_network": str(network.pk), "city": ""}),
    )
    # then
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "city": ["Say in which city the workshop takes place."]
    }


def test_network_organiser_sees_only_their_networks_workshops(organiser, workshop):
    # given
    WorkshopFactory(provider_network=ProviderNetworkFactory(), title="Someone else's")
    # when
    response = _admin(organiser).get(reverse("admin:workshops_workshop_changelist"))
    # then
    assert list(response.context["cl"].result_list) == [workshop]


def test_participant_cannot_open_the_admin(participant):
    # when
    response = _admin(participant).get(reverse("admin:workshops_workshop_changelist"))
    # then
    assert response.status_code == 302


def test_admin_action_marks_attendance_and_issues_badges(organiser, started_workshop, confirmed):
    # given
    registrations = [confirmed(started_workshop) for _ in range(2)]
    # when
    response = _admin(organiser).post(
        reverse("admin:workshops_registration_changelist"),
        {"action": "mark_attended", "_selected_action": [str(r.pk) for r in registrations]},
        follow=True,
    )
    # then
    assert response.status_code == 200
    assert list(Registration.objects.values_list("attended", flat=True)) == [True, True]
    assert Assertion.objects.count() == 2


def test_admin_action_explains_why_a_registration_was_not_marked(organiser, workshop, confirmed):
    # given: the workshop has not started
    registration = confirmed(workshop)
    # when
    response = _admin(organiser).post(
        reverse("admin:workshops_registration_changelist"),
        {"action": "mark_attended", "_selected_action": [str(registration.pk)]},
        follow=True,
    )
    # then
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"{registration}: You can mark attendance once the workshop has started."]
    registration.refresh_from_db()
    assert registration.attended is None


def test_raising_capacity_in_the_admin_promotes_from_the_waitlist(organiser, workshop):
    # given: two places taken, one person waiting
    for _ in range(3):
        services.register(workshop=workshop, participant=ParticipantFactory())
    waiting = workshop.registrations.get(status=Registration.Status.WAITLISTED)
    data = _form(
        {
            "provider_network": str(workshop.provider_network_id),
            "title": workshop.title,
            "slug": workshop.slug,
            "capacity": "3",
        }
    )
    # when
    response = _admin(organiser).post(
        reverse("admin:workshops_workshop_change", args=[workshop.pk]), data
    )
    # then
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_organisers_cannot_add_or_delete_registrations(organiser, workshop):
    # given
    registration = RegistrationFactory(workshop=workshop)
    client = _admin(organiser)
    # when
    add = client.get(reverse("admin:workshops_registration_add"))
    delete = client.get(reverse("admin:workshops_registration_delete", args=[registration.pk]))
    # then
    assert (add.status_code, delete.status_code) == (403, 403)
