"""Real concurrent sign-ups against PostgreSQL: the workshop's row lock keeps capacity.

Run with DATABASE_URL=postgres://... (skipped on SQLite, which serialises writers anyway).
Each request is a real HTTP request to the live server, handled in its own thread with
its own database connection.
"""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import requests
from rest_framework.authtoken.models import Token

from tests.factories import ParticipantFactory, WorkshopFactory
from videoawards.workshops import selectors
from videoawards.workshops.models import Registration

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

URL = "/api/v1/workshop-registrations/"


def _race(live_server, tokens: list[str], slug: str) -> list[requests.Response]:
    """Every token POSTs a registration at the same moment."""
    start = Barrier(len(tokens))

    def sign_up(token: str) -> requests.Response:
        start.wait(timeout=30)
        return requests.post(
            live_server.url + URL,
            json={"workshop": slug},
            headers={"Authorization": f"Token {token}"},
            timeout=60,
        )

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return list(pool.map(sign_up, tokens))


def test_twenty_people_racing_for_five_places_get_five_places_and_a_waitlist(live_server):
    # given
    workshop = WorkshopFactory(capacity=5)
    people = [ParticipantFactory() for _ in range(20)]
    tokens = [Token.objects.create(user=person).key for person in people]
    # when
    responses = _race(live_server, tokens, workshop.slug)
    # then
    assert [r.status_code for r in responses] == [201] * 20
    statuses = [r.json()["status"] for r in responses]
    assert statuses.count("confirmed") == 5
    assert statuses.count("waitlisted") == 15
    assert workshop.registrations.filter(status=Registration.Status.CONFIRMED).count() == 5
    waiting = selectors.with_waitlist_position(selectors.waitlist(workshop=workshop))
    assert [r.waitlist_position for r in waiting] == list(range(1, 16))
    positions = sorted(
        r.json()["waitlist_position"] for r in responses if r.json()["waitlist_position"]
    )
    assert positions == list(range(1, 16))


def test_one_person_double_clicking_gets_one_registration(live_server):
    # given
    workshop = WorkshopFactory(capacity=5)
    token = Token.objects.create(user=ParticipantFactory()).key
    # when
    responses = _race(live_server, [token] * 5, workshop.slug)
    # then
    assert sorted(r.status_code for r in responses) == [201, 400, 400, 400, 400]
    refused = [r.json() for r in responses if r.status_code == 400]
    assert {r["detail"] for r in refused} == {"You are already signed up for this workshop."}
    assert workshop.registrations.count() == 1
