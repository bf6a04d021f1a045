"""The workshop's rules hold in model validation (for forms) and in the database."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import ParticipantFactory, RegistrationFactory, WorkshopFactory
from videoawards.workshops.models import Registration, Workshop

pytestmark = pytest.mark.django_db


def _errors(workshop: Workshop) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        workshop.full_clean()
    return error.value.message_dict


def test_valid_on_site_and_online_workshops_pass_validation():
    # given
    on_site = WorkshopFactory.build(provider_network=WorkshopFactory().provider_network)
    online = WorkshopFactory.build(
        provider_network=on_site.provider_network, mode=Workshop.Mode.ONLINE, city=""
    )
    # when / then
    on_site.full_clean()
    online.full_clean()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at_offset": timedelta(0)}, "ends_at", "The workshop must end after it starts."),
        (
            {"deadline_offset": timedelta(minutes=1)},
            "registration_deadline",
            "Registration must close before the workshop starts.",
        ),
        ({"capacity": 0}, "capacity", "A workshop needs at least one place."),
        ({"city": "  "}, "city", "Say in which city the workshop takes place."),
        (
            {"mode": Workshop.Mode.ONLINE, "city": "Hamburg"},
            "city",
            "An online workshop has no city. Leave this empty.",
        ),
    ],
)
def test_clean_explains_each_broken_rule_on_its_field(changes, field, message):
    # given
    workshop = WorkshopFactory()
    workshop.ends_at = workshop.starts_at + changes.pop("ends_at_offset", timedelta(hours=3))
    workshop.registration_deadline = workshop.starts_at + changes.pop(
        "deadline_offset", -timedelta(days=1)
    )
    for name, value in changes.items():
        setattr(workshop, name, value)
    # when
    errors = _errors(workshop)
    # then
    assert errors == {field: [message]}


def _ends_at_start(w):
    w.ends_at = w.starts_at


def _deadline_after_start(w):
    w.registration_deadline = w.starts_at + timedelta(minutes=1)


def _no_places(w):
    w.capacity = 0


def _on_site_without_city(w):
    w.city = ""


def _online_with_city(w):
    w.mode = Workshop.Mode.ONLINE


@pytest.mark.parametrize(
    "breaks_rule",
    [_ends_at_start, _deadline_after_start, _no_places, _on_site_without_city, _online_with_city],
)
def test_database_refuses_a_workshop_that_breaks_a_rule(breaks_rule):
    # given
    workshop = WorkshopFactory()
    breaks_rule(workshop)
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        workshop.save()


def test_one_active_registration_per_participant_and_workshop():
    # given
    first = RegistrationFactory()
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(workshop=first.workshop, participant=first.participant)


def test_a_cancelled_registration_does_not_block_a_new_one():
    # given
    cancelled = RegistrationFactory(status=Registration.Status.CANCELLED)
    # when
    again = RegistrationFactory(workshop=cancelled.workshop, participant=cancelled.participant)
    # then
    assert again.pk != cancelled.pk


def test_database_refuses_attendance_on_a_waitlisted_registration():
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(
            status=Registration.Status.WAITLISTED, attended=True, participant=ParticipantFactory()
        )
