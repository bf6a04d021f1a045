"""Whatever people do in whatever order, the places and the waitlist stay consistent."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ParticipantFactory, WorkshopFactory
from videoawards.workshops import selectors, services
from videoawards.workshops.models import Registration

pytestmark = pytest.mark.django_db

PEOPLE = 5
actions = st.lists(
    st.tuples(st.sampled_from(["register", "cancel"]), st.integers(0, PEOPLE - 1)), max_size=25
)


def _act(workshop, person, action: str) -> None:
    try:
        if action == "register":
            services.register(workshop=workshop, participant=person)
        else:
            mine = workshop.registrations.exclude(status=Registration.Status.CANCELLED)
            registration = mine.filter(participant=person).first()
            if registration:
                services.cancel_registration(registration=registration, by=person)
    except ValidationError:
        pass  # e.g. already signed up: refused, nothing changes


def _check_invariants(workshop, people) -> None:
    active = workshop.registrations.exclude(status=Registration.Status.CANCELLED)
    confirmed = active.filter(status=Registration.Status.CONFIRMED).count()
    waiting = selectors.with_waitlist_position(selectors.waitlist(workshop=workshop))
    assert confirmed <= workshop.capacity
    assert not waiting.exists() or confirmed == workshop.capacity  # no free place while waiting
    assert [r.waitlist_position for r in waiting] == list(range(1, waiting.count() + 1))
    for person in people:
        assert active.filter(participant=person).count() <= 1


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(capacity=st.integers(1, 3), steps=actions)
def test_any_sequence_of_sign_ups_and_cancellations_keeps_places_and_waitlist_consistent(
    capacity, steps
):
    # given
    workshop = WorkshopFactory(capacity=capacity)
    people = [ParticipantFactory() for _ in range(PEOPLE)]
    for action, who in steps:
        # when
        _act(workshop, people[who], action)
        # then
        _check_invariants(workshop, people)
