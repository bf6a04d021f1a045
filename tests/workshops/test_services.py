from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import ParticipantFactory, WorkshopFactory
from videoawards.workshops import selectors, services
from videoawards.workshops.models import Registration

pytestmark = pytest.mark.django_db

CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED
CANCELLED = Registration.Status.CANCELLED


def _register_many(workshop, count):
    return [
        services.register(workshop=workshop, participant=ParticipantFactory()) for _ in range(count)
    ]


def _refusal_code(call) -> str:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.code


# --- register ----------------------------------------------------------------------


def test_register_gives_a_confirmed_place_while_places_are_free(workshop, participant):
    # when
    registration = services.register(workshop=workshop, participant=participant)
    # then
    registration.refresh_from_db()
    assert registration.status == CONFIRMED
    assert registration.confirmed_at is not None
    assert selectors.waitlist_position(registration) is None


def test_full_workshop_puts_registrants_on_the_waitlist_in_order(workshop):
    # given: two places
    _register_many(workshop, 2)
    # when
    third, fourth = _register_many(workshop, 2)
    # then
    assert (third.status, fourth.status) == (WAITLISTED, WAITLISTED)
    assert (selectors.waitlist_position(third), selectors.waitlist_position(fourth)) == (1, 2)
    assert third.confirmed_at is None


def test_register_needs_a_confirmed_email(workshop):
    # given
    unverified = ParticipantFactory(email_verified_at=None)
    # when / then
    with pytest.raises(PermissionDenied):
        services.register(workshop=workshop, participant=unverified)
    assert Registration.objects.count() == 0


def test_register_after_the_deadline_is_refused(participant):
    # given: starts tomorrow, registration closed an hour ago
    starts_at = timezone.now() + timedelta(days=1)
    workshop = WorkshopFactory(
        starts_at=starts_at, registration_deadline=timezone.now() - timedelta(hours=1)
    )
    # when
    code = _refusal_code(lambda: services.register(workshop=workshop, participant=participant))
    # then
    assert code == "deadline_passed"
    assert Registration.objects.count() == 0


def test_register_for_a_workshop_that_started_is_refused(started_workshop, participant):
    # when
    code = _refusal_code(
        lambda: services.register(workshop=started_workshop, participant=participant)
    )
    # then
    assert code == "past"


def test_register_for_an_unpublished_workshop_is_refused(participant):
    # given
    workshop = WorkshopFactory(is_published=False)
    # when
    code = _refusal_code(lambda: services.register(workshop=workshop, participant=participant))
    # then
    assert code == "unpublished"


def test_register_twice_is_refused(workshop, participant):
    # given
    services.register(workshop=workshop, participant=participant)
    # when
    code = _refusal_code(lambda: services.register(workshop=workshop, participant=participant))
    # then
    assert code == "already_registered"
    assert workshop.registrations.count() == 1


# --- cancel and promotion ----------------------------------------------------------------


def test_cancelling_a_place_promotes_the_first_on_the_waitlist_and_emails_them(
    workshop, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    first, _second = _register_many(workshop, 2)
    next_in_line, after = _register_many(workshop, 2)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=first, by=first.participant)
    # then
    statuses = {r.pk: r.status for r in workshop.registrations.all()}
    assert statuses[first.pk] == CANCELLED
    assert statuses[next_in_line.pk] == CONFIRMED
    after.refresh_from_db()
    assert selectors.waitlist_position(after) == 1
    assert [m.to for m in mailoutbox] == [[next_in_line.participant.email]]
    assert mailoutbox[0].subject == "You have a place at “Film your first experiment”"
    assert "a place became free" in mailoutbox[0].body
    assert workshop.get_absolute_url() in mailoutbox[0].body


def test_cancelling_a_waitlist_place_moves_the_others_up_without_promoting(
    workshop, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    _register_many(workshop, 2)
    leaving, staying = _register_many(workshop, 2)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=leaving, by=leaving.participant)
    # then
    staying.refresh_from_db()
    assert staying.status == WAITLISTED
    assert selectors.waitlist_position(staying) == 1
    assert workshop.registrations.filter(status=CONFIRMED).count() == 2
    assert mailoutbox == []


def test_nobody_cancels_someone_elses_registration(workshop, participant):
    # given
    registration = services.register(workshop=workshop, participant=participant)
    # when / then
    with pytest.raises(PermissionDenied):
        services.cancel_registration(registration=registration, by=ParticipantFactory())
    registration.refresh_from_db()
    assert registration.status == CONFIRMED


def test_cancelling_twice_is_refused(workshop, participant):
    # given
    registration = services.register(workshop=workshop, participant=participant)
    services.cancel_registration(registration=registration, by=participant)
    # when
    code = _refusal_code(
        lambda: services.cancel_registration(registration=registration, by=participant)
    )
    # then
    assert code == "cancelled"


def test_cancelling_after_the_start_is_refused(started_workshop, participant, confirmed):
    # given
    registration = confirmed(started_workshop, participant)
    # when
    code = _refusal_code(
        lambda: services.cancel_registration(registration=registration, by=participant)
    )
    # then
    assert code == "started"


def test_registering_again_after_cancelling_joins_the_end_of_the_waitlist(workshop, participant):
    # given: full, with one person waiting
    mine = services.register(workshop=workshop, participant=participant)
    _register_many(workshop, 1)
    (waiting,) = _register_many(workshop, 1)
    services.cancel_registration(registration=mine, by=participant)  # promotes `waiting`
    _register_many(workshop, 1)  # waitlist: 1 person
    # when
    again = services.register(workshop=workshop, participant=participant)
    # then
    waiting.refresh_from_db()
    assert waiting.status == CONFIRMED
    assert again.status == WAITLISTED
    assert selectors.waitlist_position(again) == 2


def test_more_places_promote_from_the_waitlist_in_order(workshop):
    # given
    _register_many(workshop, 2)
    first, second, third = _register_many(workshop, 3)
    workshop.capacity = 4
    workshop.save(update_fields=["capacity"])
    # when
    promoted = services.fill_free_places(workshop=workshop)
    # then
    assert [r.pk for r in promoted] == [first.pk, second.pk]
    third.refresh_from_db()
    assert (third.status, selectors.waitlist_position(third)) == (WAITLISTED, 1)
