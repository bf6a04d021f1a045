import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, ParticipantFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def api():
    return APIClient()


def test_me_shows_own_private_fields(api):
    # given
    user = ParticipantFactory(email="ada@example.org", birth_year=2010, country="SE")
    api.force_authenticate(user)
    # when
    response = api.get(ME)
    # then
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "display_name": user.display_name,
        "country": "SE",
        "role": "participant",
        "email": "ada@example.org",
        "email_verified": True,
        "birth_year": 2010,
        "may_take_part": True,
        "guardian_consent": "not_needed",
        "preferred_language": "",
    }


def test_me_never_shows_another_users_email(api):
    # given
    ParticipantFactory(email="ada@example.org")
    other = ParticipantFactory(email="bob@example.org")
    api.force_authenticate(other)
    # when
    body = api.get(ME).content.decode()
    # then
    assert "ada@example.org" not in body
    assert api.get(ME).json()["email"] == "bob@example.org"


def test_me_needs_authentication(api):
    # when
    response = api.get(ME)
    # then
    assert response.json()["code"] == "not_authenticated"


def test_me_patch_changes_display_name_but_not_role(api):
    # given
    user = ParticipantFactory()
    api.force_authenticate(user)
    # when
    response = api.patch(ME, {"display_name": "Nova", "role": "organiser"}, format="json")
    # then
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.display_name, user.role) == ("Nova", "participant")


def test_me_patch_refuses_unknown_country(api):
    # given
    user = ParticipantFactory(country="DE")
    api.force_authenticate(user)
    # when
    response = api.patch(ME, {"country": "XX"}, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["country"]


def test_token_for_right_password_authenticates_later_requests(api):
    # given
    user = ParticipantFactory(email="ada@example.org")
    # when
    response = api.post(TOKEN, {"email": "ada@example.org", "password": PASSWORD}, format="json")
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = api.get(ME)
    # then
    assert response.status_code == 200
    assert me.json()["id"] == user.pk


def test_token_refused_with_the_same_message_for_wrong_password_and_unknown_email(api):
    # given
    ParticipantFactory(email="ada@example.org")
    # when
    wrong = api.post(TOKEN, {"email": "ada@example.org", "password": "x"}, format="json")
    unknown = api.post(TOKEN, {"email": "no@example.org", "password": "x"}, format="json")
    # then
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json()["detail"] == unknown.json()["detail"] == "Wrong email or password."


def test_token_refused_for_unverified_account(api):
    # given
    ParticipantFactory(email="new@example.org", email_verified_at=None)
    # when
    response = api.post(TOKEN, {"email": "new@example.org", "password": PASSWORD}, format="json")
    # then
    assert response.status_code == 400
    assert Token.objects.count() == 0


def test_token_is_rate_limited(api, settings):
    # given
    settings.ACCOUNTS_LOGIN_RATE_PER_EMAIL = "2/m"
    ParticipantFactory(email="ada@example.org")
    # when
    statuses = [
        api.post(TOKEN, {"email": "ada@example.org", "password": "x"}, format="json").status_code
        for _ in range(3)
    ]
    # then
    assert statuses == [400, 400, 429]


def test_delete_token_revokes_it(api):
    # given
    user = ParticipantFactory()
    token = Token.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    # when
    response = api.delete(TOKEN)
    after = api.get(ME)
    # then
    assert response.status_code == 204
    assert Token.objects.filter(user=user).count() == 0
    assert after.json()["code"] == "authentication_failed"
