"""Organisers run workshops on their own pages: create, edit, cancel, registrations, CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ChallengeFactory,
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from videoawards.core.csvexport import safe_cell
from videoawards.workshops import services
from videoawards.workshops.models import Registration, Workshop

pytestmark = pytest.mark.django_db

WAITLISTED = Registration.Status.WAITLISTED
CANCELLED = Registration.Status.CANCELLED


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _local(when) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def _form_data(**overrides) -> dict:
    starts = timezone.now() + timedelta(days=14)
    data = {
        "title": "Filming under water",
        "description": "Bring a phone and a glass of water.",
        "mode": "on_site",
        "city": "Hamburg",
        "starts_at": _local(starts),
        "ends_at": _local(starts + timedelta(hours=3)),
        "registration_deadline": _local(starts - timedelta(days=2)),
        "capacity": "10",
        "challenge": "",
        "is_published": "on",
    }
    data.update(overrides)
    return data


def _errors(response) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- create and edit -----------------------------------------------------------------


def test_organiser_creates_a_workshop_of_their_network_with_a_slug_from_the_title(
    organiser, network
):
    # given: a workshop of another network already has the slug
    WorkshopFactory(slug="filming-under-water")
    # when
    response = _client(organiser).post(reverse("workshops:new"), _form_data())
    # then
    workshop = Workshop.objects.get(title="Filming under water")
    assert response.status_code == 302
    assert response.url == reverse("workshops:manage", kwargs={"slug": "filming-under-water-2"})
    assert (workshop.slug, workshop.provider_network, workshop.city, workshop.capacity) == (
        "filming-under-water-2",
        network,
        "Hamburg",
        10,
    )


def test_the_form_says_in_plain_words_what_is_wrong(organiser):
    # given
    starts = timezone.now() + timedelta(days=14)
    data = _form_data(
        city="",
        ends_at=_local(starts - timedelta(hours=1)),
        registration_deadline=_local(starts + timedelta(days=1)),
        starts_at=_local(starts),
    )
    # when
    response = _client(organiser).post(reverse("workshops:new"), data)
    # then
    assert response.status_code == 200
    assert _errors(response) == {
        "city": ["Say in which city the workshop takes place."],
        "ends_at": ["The workshop must end after it starts."],
        "registration_deadline": ["Registration must close before the workshop starts."],
    }
    assert Workshop.objects.count() == 0


def test_only_challenges_of_the_organisers_network_can_be_linked(organiser, network):
    # given
    own = ChallengeFactory(provider_network=network)
    elsewhere = ChallengeFactory()
    client = _client(organiser)
    # when
    refused = client.post(reverse("workshops:new"), _form_data(challenge=elsewhere.pk))
    accepted = client.post(reverse("workshops:new"), _form_data(challenge=own.pk))
    # then
    assert list(_errors(refused)) == ["challenge"]
    assert accepted.status_code == 302
    assert Workshop.objects.get().challenge == own


def test_platform_wide_staff_choose_the_network(network):
    # given
    staff = OrganiserFactory()  # no network: platform-wide
    # when
    response = _client(staff).post(
        reverse("workshops:new"), _form_data(provider_network=network.pk)
    )
    # then
    assert response.status_code == 302
    assert Workshop.objects.get().provider_network == network


def test_lowering_places_below_the_confirmed_registrations_is_refused(
    workshop, organiser, confirmed
):
    # given: both places taken
    confirmed(workshop)
    confirmed(workshop)
    data = _form_data(
        title=workshop.title,
        starts_at=_local(workshop.starts_at),
        ends_at=_local(workshop.ends_at),
        registration_deadline=_local(workshop.registration_deadline),
        capacity="1",
    )
    # when
    response = _client(organiser).post(reverse("workshops:edit", args=[workshop.slug]), data)
    # then
    assert _errors(response) == {
        "capacity": [
            "2 people already have a confirmed place, so the workshop needs at least 2 places."
        ]
    }
    workshop.refresh_from_db()
    assert workshop.capacity == 2


def test_the_service_refuses_fewer_places_than_confirmed_too(workshop, organiser, confirmed):
    # given
    confirmed(workshop)
    confirmed(workshop)
    workshop.capacity = 1
    # when / then
    with pytest.raises(ValidationError) as refused:
        services.save_workshop(workshop=workshop, by=organiser)
    assert refused.value.message_dict == {
        "capacity": [
            "2 people already have a confirmed place, so the workshop needs at least 2 places."
        ]
    }


def test_adding_places_moves_the_waitlist_up_in_order(
    workshop, organiser, confirmed, django_capture_on_commit_callbacks
):
    # given: full, two waiting
    confirmed(workshop)
    confirmed(workshop)
    first = services.register(workshop=workshop, participant=ParticipantFactory())
    second = services.register(workshop=workshop, participant=ParticipantFactory())
    data = _form_data(
        title="Renamed",
        starts_at=_local(workshop.starts_at),
        ends_at=_local(workshop.ends_at),
        registration_deadline=_local(workshop.registration_deadline),
        capacity="3",
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(organiser).post(reverse("workshops:edit", args=[workshop.slug]), data)
    # then: the slug stays, the first in line moves up and is emailed
    assert response.url == reverse("workshops:manage", args=[workshop.slug])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Registration.Status.CONFIRMED, WAITLISTED)
    assert [m.to for m in mail.outbox] == [[first.participant.email]]


# --- cancel -------------------------------------------------------------------------


def test_cancelling_mails_everyone_with_a_place_or_on_the_waitlist_once(
    workshop, organiser, confirmed, django_capture_on_commit_callbacks
):
    # given
    a, b = confirmed(workshop).participant, confirmed(workshop).participant
    waiting = services.register(workshop=workshop, participant=ParticipantFactory()).participant
    RegistrationFactory(workshop=workshop, status=CANCELLED)  # gave up earlier: no mail
    client = _client(organiser)
    url = reverse("workshops:cancel_workshop", args=[workshop.slug])
    # when: asked first, then confirmed twice
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"reason": "The room flooded."})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Again"})
    # then
    assert first.url == reverse("workshops:manage", args=[workshop.slug])
    workshop.refresh_from_db()
    assert workshop.is_cancelled
    assert workshop.cancel_reason == "The room flooded."
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.email, b.email, waiting.email])
    assert {m.subject for m in mail.outbox} == {
        "Cancelled: the workshop “Film your first experiment”"
    }
    assert "The room flooded." in mail.outbox[0].body


def test_cancelling_again_changes_nothing_and_mails_nobody(
    workshop, organiser, confirmed, django_capture_on_commit_callbacks
):
    # given
    confirmed(workshop)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cancel_workshop(workshop=workshop, by=organiser, reason="Flood") is True
    cancelled_at = Workshop.objects.get(pk=workshop.pk).cancelled_at
    # when
    with django_capture_on_commit_callbacks(execute=True):
        again = services.cancel_workshop(workshop=workshop, by=organiser, reason="Other")
    # then
    workshop.refresh_from_db()
    assert (again, workshop.cancelled_at, workshop.cancel_reason) == (False, cancelled_at, "Flood")
    assert len(mail.outbox) == 1


def test_a_cancelled_workshop_takes_no_registrations(workshop, organiser, participant):
    # given
    services.cancel_workshop(workshop=workshop, by=organiser)
    # when / then: the service refuses, whichever way in
    with pytest.raises(ValidationError) as refused:
        services.register(workshop=workshop, participant=participant)
    assert refused.value.messages == ["This workshop is cancelled, so it takes no registrations."]
    response = _client(participant).post(
        reverse("workshops:register", args=[workshop.slug]), follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "This workshop is cancelled, so it takes no registrations."
    ]
    assert workshop.registrations.count() == 0


def test_a_cancelled_workshop_says_so_on_its_page_and_in_the_list(workshop, organiser):
    # given
    services.cancel_workshop(workshop=workshop, by=organiser, reason="The trainer is ill.")
    client = Client()
    # when
    page = client.get(workshop.get_absolute_url()).content.decode()
    listing = client.get(reverse("workshops:list")).content.decode()
    # then
    assert "This workshop is cancelled and will not take place. The trainer is ill." in page
    assert "The workshop is cancelled, so it takes no registrations." in page
    assert "Log in to sign up" not in page
    assert 'data-status="cancelled">Cancelled</span>' in listing


# --- the manage page and the CSV ------------------------------------------------------


def test_manage_page_lists_confirmed_waitlist_in_order_and_cancelled(
    workshop, organiser, confirmed
):
    # given
    confirmed(workshop, ParticipantFactory(display_name="Zoe"))
    confirmed(workshop, ParticipantFactory(display_name="Ada"))
    first = services.register(workshop=workshop, participant=ParticipantFactory())
    second = services.register(workshop=workshop, participant=ParticipantFactory())
    gone = RegistrationFactory(workshop=workshop, status=CANCELLED)
    # when
    response = _client(organiser).get(reverse("workshops:manage", args=[workshop.slug]))
    # then
    rows = response.context["registrations"]
    assert [r.participant.display_name for r in rows.confirmed] == ["Ada", "Zoe"]
    assert rows.waitlist == [first, second]
    assert rows.cancelled == [gone]
    page = response.content.decode()
    assert reverse("workshops:attendance", args=[workshop.slug]) in page
    assert reverse("workshops:registrations_csv", args=[workshop.slug]) in page


def test_csv_holds_names_status_time_and_attendance_but_no_email_or_birth_year(
    started_workshop, organiser, confirmed
):
    # given
    came = confirmed(started_workshop, ParticipantFactory(display_name="Nova", birth_year=2011))
    services.mark_attendance(registration=came, attended=True, by=organiser)
    registered = timezone.localtime(came.created_at).strftime("%Y-%m-%d %H:%M")
    # when
    response = _client(organiser).get(
        reverse("workshops:registrations_csv", args=[started_workshop.slug])
    )
    # then
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert _csv_rows(response) == [
        ["Display name", "Status", "Registered at", "Attended"],
        ["Nova", "Confirmed", registered, "yes"],
    ]
    content = response.content.decode("utf-8-sig")
    assert came.participant.email not in content
    assert "2011" not in content


def test_csv_cells_never_start_a_formula(workshop, organiser, confirmed):
    # given
    confirmed(workshop, ParticipantFactory(display_name='=HYPERLINK("http://x")'))
    confirmed(workshop, ParticipantFactory(display_name="@SUM(A1)"))
    # when
    response = _client(organiser).get(reverse("workshops:registrations_csv", args=[workshop.slug]))
    # then
    names = sorted(row[0] for row in _csv_rows(response)[1:])
    assert names == ['\'=HYPERLINK("http://x")', "'@SUM(A1)"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [("=1+1", "'=1+1"), ("+49", "'+49"), ("-2", "'-2"), ("@x", "'@x"), ("Nova", "Nova")],
)
def test_safe_cell_defuses_formulas(value, shown):
    assert safe_cell(value) == shown


# --- who may -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "method"),
    [
        ("workshops:manage", "get"),
        ("workshops:edit", "get"),
        ("workshops:edit", "post"),
        ("workshops:cancel_workshop", "get"),
        ("workshops:cancel_workshop", "post"),
        ("workshops:registrations_csv", "get"),
    ],
)
def test_an_organiser_of_another_network_gets_403(workshop, route, method):
    # given
    elsewhere = OrganiserFactory(provider_network=ProviderNetworkFactory())
    # when
    response = getattr(_client(elsewhere), method)(reverse(route, args=[workshop.slug]))
    # then
    assert response.status_code == 403
    workshop.refresh_from_db()
    assert workshop.cancelled_at is None


def test_organisers_get_the_new_and_edit_forms(workshop, organiser):
    client = _client(organiser)
    assert client.get(reverse("workshops:new")).status_code == 200
    edit = client.get(reverse("workshops:edit", args=[workshop.slug]))
    assert edit.status_code == 200
    assert edit.context["form"].initial["title"] == workshop.title


def test_participants_may_not_create_workshops(participant):
    response = _client(participant).get(reverse("workshops:new"))
    assert response.status_code == 403


def test_organisers_see_a_manage_link_on_the_public_page(workshop, organiser, participant):
    manage_url = reverse("workshops:manage", args=[workshop.slug])
    assert manage_url in _client(organiser).get(workshop.get_absolute_url()).content.decode()
    assert manage_url not in _client(participant).get(workshop.get_absolute_url()).content.decode()
