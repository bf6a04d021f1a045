from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ParticipantFactory, RegistrationFactory, WorkshopFactory
from videoawards.workshops import selectors
from videoawards.workshops.models import Registration

pytestmark = pytest.mark.django_db

WAITLISTED = Registration.Status.WAITLISTED


def test_places_left_counts_only_confirmed_registrations(workshop, confirmed):
    # given: two places, one confirmed, one waiting, one cancelled
    confirmed(workshop)
    RegistrationFactory(workshop=workshop, status=WAITLISTED)
    RegistrationFactory(workshop=workshop, status=Registration.Status.CANCELLED)
    # when
    annotated = selectors.published_workshops().get(pk=workshop.pk)
    # then
    assert selectors.places_left(annotated) == 1
    assert selectors.places_left(workshop) == 1
    assert (annotated.confirmed_count, annotated.waitlist_count) == (1, 1)


def test_places_left_is_never_negative_when_capacity_shrinks(workshop, confirmed):
    # given
    confirmed(workshop)
    confirmed(workshop)
    workshop.capacity = 1
    workshop.save(update_fields=["capacity"])
    # when
    annotated = selectors.published_workshops().get(pk=workshop.pk)
    # then
    assert selectors.places_left(annotated) == 0


def test_waitlist_positions_follow_sign_up_order_per_workshop(workshop):
    # given
    other = WorkshopFactory()
    first = RegistrationFactory(workshop=workshop, status=WAITLISTED)
    RegistrationFactory(workshop=other, status=WAITLISTED)
    second = RegistrationFactory(workshop=workshop, status=WAITLISTED)
    # when
    positions = {
        r.pk: r.waitlist_position
        for r in selectors.with_waitlist_position(Registration.objects.filter(workshop=workshop))
    }
    # then
    assert positions == {first.pk: 1, second.pk: 2}


def test_upcoming_workshops_are_the_published_ones_not_ended_soonest_first():
    # given
    now = timezone.now()
    later = WorkshopFactory(starts_at=now + timedelta(days=20))
    sooner = WorkshopFactory(starts_at=now + timedelta(days=2))
    running = WorkshopFactory(
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        registration_deadline=now - timedelta(days=1),
    )
    WorkshopFactory(starts_at=now + timedelta(days=1), is_published=False)
    # when
    upcoming = list(selectors.upcoming_workshops())
    # then
    assert upcoming == [running, sooner, later]
    assert list(selectors.upcoming_workshops(limit=2)) == [running, sooner]


def test_is_open_for_registration_until_the_deadline(workshop, started_workshop):
    # when / then
    assert selectors.is_open_for_registration(workshop) is True
    assert selectors.is_open_for_registration(started_workshop) is False
    after_deadline = workshop.registration_deadline + timedelta(seconds=1)
    assert selectors.is_open_for_registration(workshop, now=after_deadline) is False


def test_active_registration_ignores_cancelled_ones_and_visitors(workshop, participant):
    # given
    RegistrationFactory(
        workshop=workshop, participant=participant, status=Registration.Status.CANCELLED
    )
    current = RegistrationFactory(workshop=workshop, participant=participant, status=WAITLISTED)
    # when
    found = selectors.active_registration(workshop=workshop, user=participant)
    # then
    assert found == current
    assert found.waitlist_position == 1
    assert selectors.active_registration(workshop=workshop, user=ParticipantFactory()) is None
