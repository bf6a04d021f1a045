import pytest
from django.urls import reverse

from tests.factories import OrganiserFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def test_profile_needs_login(client):
    # when
    response = client.get(reverse("accounts:profile"))
    # then
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_profile_shows_role_and_email_state(client):
    # given
    user = ParticipantFactory(email_verified_at=None)
    client.force_login(user)
    # when
    body = client.get(reverse("accounts:profile")).content.decode()
    # then
    assert "Participant" in body
    assert "Email not confirmed yet" in body
    assert reverse("accounts:password_change") in body


def test_profile_edit_changes_display_name_and_country(client):
    # given
    user = ParticipantFactory(display_name="Old Name", country="DE")
    client.force_login(user)
    # when
    response = client.post(
        reverse("accounts:profile"), {"display_name": "  Comet Kid ", "country": "AT"}
    )
    # then
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.country) == ("Comet Kid", "AT")


def test_profile_edit_cannot_change_role(client):
    # given
    user = ParticipantFactory()
    client.force_login(user)
    # when
    client.post(
        reverse("accounts:profile"),
        {"display_name": "Sneaky", "country": "DE", "role": "organiser"},
    )
    # then
    user.refresh_from_db()
    assert user.role == "participant"


def test_profile_edit_refuses_unknown_country(client):
    # given
    user = OrganiserFactory(country="DE")
    client.force_login(user)
    # when
    response = client.post(reverse("accounts:profile"), {"display_name": "Org", "country": "ZZ"})
    # then
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.country == "DE"
