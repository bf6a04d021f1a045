from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ChallengeFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def test_homepage_shows_open_challenge_and_upcoming_workshop(client):
    # given
    challenge = ChallengeFactory(title="Physics of Skateboards")
    workshop = WorkshopFactory(title="Lights, Camera, Lab Coat")
    # when
    response = client.get("/")
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert challenge.title in body
    assert workshop.title in body


def test_homepage_leaves_out_challenges_that_are_not_open(client):
    # given
    ChallengeFactory(title="Not Yet Physics", entries_open_at=timezone.now() + timedelta(days=3))
    # when
    response = client.get("/")
    # then
    assert list(response.context["challenges"]) == []
    assert "Winners appear here once the first results are published." in response.content.decode()


def test_health_check_answers_ok(client):
    # when
    response = client.get("/healthz")
    # then
    assert response.json() == {"status": "ok"}
