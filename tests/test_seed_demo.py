from io import StringIO

import pytest
from django.core.management import call_command

from videoawards.accounts.models import ProviderNetwork, Role, User
from videoawards.challenges.management.commands.seed_demo import (
    DEMO_CHALLENGE_SLUG,
    DEMO_PASSWORD,
)
from videoawards.challenges.models import Award, Category, Challenge, Phase
from videoawards.workshops.models import Registration, Workshop

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, ProviderNetwork, Challenge, Category, Award, Workshop, Registration)
    }


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_twice_creates_the_same_rows_once():
    # given
    _seed()
    first = _counts()
    # when
    _seed()
    # then
    assert _counts() == first
    assert first == {
        "User": 5,
        "ProviderNetwork": 1,
        "Challenge": 1,
        "Category": 2,
        "Award": 2,
        "Workshop": 2,
        "Registration": 2,
    }


def test_seed_demo_opens_the_challenge_for_entries_with_two_categories():
    # when
    _seed()
    # then
    challenge = Challenge.objects.get(slug=DEMO_CHALLENGE_SLUG)
    assert challenge.phase() == Phase.ENTRIES_OPEN
    names = list(challenge.categories.values_list("name", flat=True))
    assert names == ["12–15", "16–19"]  # noqa: RUF001


def test_seed_demo_gives_every_role_a_verified_login_with_the_demo_password():
    # when
    output = _seed()
    # then
    users = User.objects.order_by("email")
    assert sorted(users.values_list("role", flat=True)) == sorted(
        [Role.JUROR, Role.MODERATOR, Role.ORGANISER, Role.PARTICIPANT, Role.PARTICIPANT]
    )
    assert [u.is_email_verified for u in users] == [True] * 5
    assert [u.check_password(DEMO_PASSWORD) for u in users] == [True] * 5
    assert [u.email in output for u in users] == [True] * 5


def test_seed_demo_has_an_on_site_and_an_online_workshop_one_nearly_full():
    # when
    _seed()
    # then
    on_site = Workshop.objects.get(mode=Workshop.Mode.ON_SITE)
    online = Workshop.objects.get(mode=Workshop.Mode.ONLINE)
    confirmed = on_site.registrations.filter(status=Registration.Status.CONFIRMED).count()
    assert on_site.capacity - confirmed == 1
    assert on_site.city == "Hamburg"
    assert online.city == ""


def test_homepage_shows_the_demo_challenge_and_workshops(client):
    # given
    _seed()
    # when
    response = client.get("/")
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "Science in 90 Seconds" in body
    assert "Film your first experiment" in body
    assert "Editing on your phone" in body
