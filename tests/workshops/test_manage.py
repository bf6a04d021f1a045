"""Organisers run workshops: places and cancellation."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

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
