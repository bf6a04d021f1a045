import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from tests.factories import ParticipantFactory
from videoawards.accounts.models import User
from videoawards.accounts.services import make_verification_token

# Transactional: mail leaves once the change is committed, as it does in production.
pytestmark = pytest.mark.django_db(transaction=True)


def _link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_signup_creates_unverified_account_and_mails_a_verification_link(
    client, mailoutbox, signup_data, settings
):
    # given
    settings.SITE_URL = "https://awards.example"
    # when
    response = client.post(reverse("accounts:signup"), signup_data)
    # then
    assert response.status_code == 302
    assert response.url == reverse("accounts:signup_done")
    user = User.objects.get()
    assert user.email == "robin@example.org"
    assert user.email_verified_at is None
    assert user.birth_year == 2011
    assert "_auth_user_id" not in client.session
    assert [m.to for m in mailoutbox] == [["robin@example.org"]]
    assert _link_in(mailoutbox[0]).startswith("https://awards.example/accounts/verify/")


def test_verification_link_verifies_and_logs_in(client, mailoutbox, signup_data):
    # given
    client.post(reverse("accounts:signup"), signup_data)
    link = _link_in(mailoutbox[0]).removeprefix("http://127.0.0.1:8000")
    # when
    response = client.get(link)
    # then
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email_verified_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)


def test_opening_the_link_twice_keeps_first_verification_and_does_not_log_in_again(client):
    # given
    user = ParticipantFactory(email_verified_at=None)
    link = reverse("accounts:verify_email", args=[make_verification_token(user=user)])
    client.get(link)
    first_verified_at = User.objects.get(pk=user.pk).email_verified_at
    client.logout()
    # when
    response = client.get(link)
    # then
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert User.objects.get(pk=user.pk).email_verified_at == first_verified_at
    assert "_auth_user_id" not in client.session


def test_expired_link_is_refused_with_a_clear_message(client, settings):
    # given
    user = ParticipantFactory(email_verified_at=None)
    token = make_verification_token(user=user)
    settings.EMAIL_VERIFICATION_MAX_AGE = -1
    # when
    response = client.get(reverse("accounts:verify_email", args=[token]))
    # then
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert User.objects.get(pk=user.pk).email_verified_at is None


def test_tampered_link_is_refused(client):
    # given
    user = ParticipantFactory(email_verified_at=None)
    other = ParticipantFactory(email_verified_at=None)
    token = make_verification_token(user=user)
    forged = signing.dumps({"user": other.pk, "email": other.email}, salt="wrong-salt")
    # when
    responses = [
        client.get(reverse("accounts:verify_email", args=[token[:-2] + "xx"])),
        client.get(reverse("accounts:verify_email", args=[forged])),
    ]
    # then
    assert [r.status_code for r in responses] == [400, 400]
    assert User.objects.filter(email_verified_at__isnull=False).count() == 0


def test_link_stops_working_when_the_email_changed(client):
    # given
    user = ParticipantFactory(email_verified_at=None)
    token = make_verification_token(user=user)
    User.objects.filter(pk=user.pk).update(email="new@example.org")
    # when
    response = client.get(reverse("accounts:verify_email", args=[token]))
    # then
    assert response.status_code == 400
    assert User.objects.get(pk=user.pk).email_verified_at is None


def test_signup_with_registered_email_answers_the_same_and_warns_the_owner(
    client, mailoutbox, signup_data
):
    # given
    owner = ParticipantFactory(email="robin@example.org", display_name="Original Robin")
    # when
    response = client.post(reverse("accounts:signup"), signup_data)
    # then
    assert response.status_code == 302
    assert response.url == reverse("accounts:signup_done")
    assert User.objects.count() == 1
    assert User.objects.get().display_name == owner.display_name
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["robin@example.org"]
    assert mailoutbox[0].subject == "Someone tried to sign up with your email"


def test_signup_refuses_children_under_eight(client, mailoutbox, signup_data):
    # given
    signup_data["birth_year"] = str(timezone.localdate().year - 5)
    # when
    response = client.post(reverse("accounts:signup"), signup_data)
    # then
    assert response.status_code == 400
    assert "at least 8 years old" in response.content.decode()
    assert User.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.parametrize("birth_year", ["1899", "3000"])
def test_signup_refuses_implausible_birth_years(client, signup_data, birth_year):
    # given
    signup_data["birth_year"] = birth_year
    # when
    response = client.post(reverse("accounts:signup"), signup_data)
    # then
    assert response.status_code == 400
    assert "Please pick a birth year between 1900" in response.content.decode()
    assert User.objects.count() == 0


def test_signup_refuses_mismatched_and_weak_passwords(client, signup_data):
    # given
    mismatched = {**signup_data, "password2": "something-else-entirely"}
    weak = {**signup_data, "password1": "12345678", "password2": "12345678"}
    # when
    responses = [client.post(reverse("accounts:signup"), data) for data in (mismatched, weak)]
    # then
    assert [r.status_code for r in responses] == [400, 400]
    assert "The two passwords are not the same." in responses[0].content.decode()
    assert "This password is too common." in responses[1].content.decode()
    assert User.objects.count() == 0


def test_signup_refuses_unknown_country(client, signup_data):
    # given
    signup_data["country"] = "XX"
    # when
    response = client.post(reverse("accounts:signup"), signup_data)
    # then
    assert response.status_code == 400
    assert User.objects.count() == 0


def test_resend_sends_new_link_only_to_unverified_accounts_and_answers_the_same(client, mailoutbox):
    # given
    unverified = ParticipantFactory(email_verified_at=None)
    verified = ParticipantFactory()
    url = reverse("accounts:resend_verification")
    # when
    responses = [
        client.post(url, {"email": email})
        for email in (unverified.email, verified.email, "nobody@example.org")
    ]
    # then
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert [m.to for m in mailoutbox] == [[unverified.email]]


def test_resend_is_rate_limited_per_email(client, settings):
    # given
    settings.ACCOUNTS_EMAIL_RATE_PER_EMAIL = "2/m"
    user = ParticipantFactory(email_verified_at=None)
    url = reverse("accounts:resend_verification")
    # when
    statuses = [client.post(url, {"email": user.email}).status_code for _ in range(3)]
    # then
    assert statuses == [302, 302, 429]


def test_sign_up_is_rate_limited_per_address(client, settings, signup_data, mailoutbox):
    # given: two sign-ups an hour from one address
    settings.ACCOUNTS_EMAIL_RATE_PER_IP = "2/h"
    url = reverse("accounts:signup")
    # when
    statuses = [
        client.post(url, {**signup_data, "email": f"robin{n}@example.org"}).status_code
        for n in range(3)
    ]
    # then: the third is refused and sends nothing
    assert statuses == [302, 302, 429]
    assert len([m for m in mailoutbox if "robin2@example.org" in m.to]) == 0
