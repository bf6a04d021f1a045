import pytest

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
