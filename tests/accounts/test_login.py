import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, ParticipantFactory

pytestmark = pytest.mark.django_db


def _log_in(client, email, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **extra
    )


def test_login_with_email_and_password(client):
    # given
    user = ParticipantFactory(email="ada@example.org")
    # when
    response = _log_in(client, "ADA@example.org")
    # then
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_wrong_password_says_wrong_email_or_password(client):
    # given
    ParticipantFactory(email="ada@example.org")
    # when
    wrong_password = _log_in(client, "ada@example.org", "nope-nope-nope")
    unknown_email = _log_in(client, "nobody@example.org")
    # then
    assert wrong_password.status_code == 200
    assert "Wrong email or password." in wrong_password.content.decode()
    assert "Wrong email or password." in unknown_email.content.decode()
    assert "_auth_user_id" not in client.session


def test_unverified_account_is_asked_to_confirm_email_first(client):
    # given
    ParticipantFactory(email="new@example.org", email_verified_at=None)
    # when
    response = _log_in(client, "new@example.org")
    # then
    assert "Please confirm your email first" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_rate_limited_per_email(client, settings):
    # given
    settings.ACCOUNTS_LOGIN_RATE_PER_EMAIL = "3/m"
    ParticipantFactory(email="ada@example.org")
    # when
    statuses = [
        _log_in(client, "ada@example.org", "wrong", REMOTE_ADDR=f"10.0.0.{n}").status_code
        for n in range(4)
    ]
    # then
    assert statuses == [200, 200, 200, 429]


def test_login_is_rate_limited_per_ip(client, settings):
    # given
    settings.ACCOUNTS_LOGIN_RATE_PER_IP = "3/m"
    # when
    statuses = [_log_in(client, f"user{n}@example.org", "wrong").status_code for n in range(4)]
    # then
    assert statuses == [200, 200, 200, 429]


def test_logout_needs_post(client):
    # given
    user = ParticipantFactory()
    client.force_login(user)
    # when
    get_response = client.get(reverse("accounts:logout"))
    still_logged_in = "_auth_user_id" in client.session
    post_response = client.post(reverse("accounts:logout"))
    # then
    assert get_response.status_code == 405
    assert still_logged_in
    assert post_response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)  # the mail leaves once the request committed
def test_password_reset_mails_a_link_that_sets_a_new_password(client, mailoutbox, settings):
    # given
    settings.SITE_URL = "https://awards.example"
    user = ParticipantFactory(email="ada@example.org")
    # when
    response = client.post(reverse("accounts:password_reset"), {"email": "ada@example.org"})
    link = re.search(r"https://awards\.example(\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "purple-otter-salad-9", "new_password2": "purple-otter-salad-9"},
    )
    # then
    assert response.status_code == 302
    assert mailoutbox[0].to == ["ada@example.org"]
    assert done.status_code == 302
    assert done.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("purple-otter-salad-9")


def test_password_reset_for_unknown_email_answers_the_same_and_sends_nothing(client, mailoutbox):
    # when
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    # then
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []


def test_password_reset_is_rate_limited(client, settings):
    # given
    settings.ACCOUNTS_EMAIL_RATE_PER_IP = "2/m"
    url = reverse("accounts:password_reset")
    # when
    statuses = [client.post(url, {"email": f"user{n}@example.org"}).status_code for n in range(3)]
    # then
    assert statuses == [302, 302, 429]


def test_password_change_keeps_you_logged_in(client):
    # given
    user = ParticipantFactory()
    client.force_login(user)
    # when
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "purple-otter-salad-9",
            "new_password2": "purple-otter-salad-9",
        },
    )
    # then
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.check_password("purple-otter-salad-9")
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    [
        "accounts:login",
        "accounts:signup",
        "accounts:resend_verification",
        "accounts:password_reset",
    ],
)
def test_public_account_pages_render_with_a_form(client, url_name):
    # when
    response = client.get(reverse(url_name))
    # then
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_broken_password_reset_link_offers_a_new_one(client):
    # when
    response = client.get(
        reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]), follow=True
    )
    # then
    assert "This link doesn't work any more." in response.content.decode()
