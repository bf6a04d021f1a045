"""Guardian consent: who needs it, the emailed links, the guardian's answer, withdrawal."""

import re
from datetime import date

import pytest
from django.db import IntegrityError
from django.urls import reverse

from tests.factories import ParticipantFactory
from videoawards.accounts import consent as consent_services
from videoawards.accounts.age import needs_guardian_consent
from videoawards.accounts.countries import COUNTRIES
from videoawards.accounts.models import GuardianConsent, User
from videoawards.accounts.selectors import may_take_part, users_lacking_consent

# Transactional: mail leaves once the change is committed, as it does in production.
pytestmark = pytest.mark.django_db(transaction=True)

TODAY = date(2026, 6, 1)


def _link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).removeprefix("http://127.0.0.1:8000")


def _young(**kwargs) -> User:
    """13 or 14 in Germany (consent age 16)."""
    kwargs.setdefault("birth_year", date.today().year - 14)
    kwargs.setdefault("country", "DE")
    return ParticipantFactory(**kwargs)


# --- Who needs consent --------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_year", "country", "expected"),
    [
        (2013, "DE", True),  # 12 or 13, Germany 16
        (2010, "DE", True),  # turns 16 this year: may still be 15
        (2009, "DE", False),  # 16 or 17
        (2013, "SE", True),  # turns 13 this year in Sweden (13): may still be 12
        (2012, "SE", False),  # 13 or 14
        (2011, "AT", False),  # 14 or 15, Austria 14
        (2012, "CH", True),  # no rule of its own: the default, 16
        (None, "DE", False),  # staff made by an operator
    ],
)
def test_consent_is_needed_below_the_country_age_counting_the_younger_possible_age(
    birth_year, country, expected
):
    assert needs_guardian_consent(birth_year=birth_year, country=country, today=TODAY) is expected


def test_default_consent_age_comes_from_settings(settings):
    # given
    settings.ACCOUNTS_DEFAULT_CONSENT_AGE = 13
    # when / then: 13 or 14 in Switzerland, which has no rule of its own
    assert needs_guardian_consent(birth_year=2012, country="CH", today=TODAY) is False
    assert needs_guardian_consent(birth_year=2012, country="DE", today=TODAY) is True


def test_database_filter_agrees_with_the_python_rule_for_every_country_and_year():
    # given: one person per country and birth year around every consent age
    year = date.today().year
    people = [
        ParticipantFactory(birth_year=year - age, country=country.code)
        for country in COUNTRIES
        for age in range(11, 19)
    ]
    # when
    lacking = set(users_lacking_consent().values_list("pk", flat=True))
    # then
    expected = {
        p.pk for p in people if needs_guardian_consent(birth_year=p.birth_year, country=p.country)
    }
    assert lacking == expected


def test_may_take_part_needs_a_confirmed_email_and_consent_where_needed():
    # given
    adult = ParticipantFactory(birth_year=2000)
    unconfirmed = ParticipantFactory(birth_year=2000, email_verified_at=None)
    young = _young()
    young_with_consent = _young()
    GuardianConsent.objects.create(
        user=young_with_consent,
        guardian_email="mum@example.org",
        status="given",
        given_at="2026-01-01T00:00Z",
    )
    # when / then
    assert may_take_part(adult) is True
    assert may_take_part(unconfirmed) is False
    assert may_take_part(young) is False
    assert may_take_part(young_with_consent) is True


def test_database_allows_one_open_request_per_participant():
    # given
    young = _young()
    GuardianConsent.objects.create(user=young, guardian_email="mum@example.org")
    # when / then
    with pytest.raises(IntegrityError):
        GuardianConsent.objects.create(user=young, guardian_email="dad@example.org")


# --- Sign-up ------------------------------------------------------------------------


def test_signup_below_consent_age_asks_for_a_guardian_email(client, signup_data):
    # given
    del signup_data["guardian_email"]
    # when
    response = client.post(reverse("accounts:signup"), signup_data)
    # then
    assert response.status_code == 400
    assert response.context["form"].errors["guardian_email"] == [
        "Please type the email of a parent or guardian."
    ]
    assert User.objects.count() == 0


def test_signup_refuses_the_participants_own_email_as_guardian(client, signup_data):
    # given
    signup_data["guardian_email"] = signup_data["email"]
    # when
    response = client.post(reverse("accounts:signup"), signup_data)
    # then
    assert response.context["form"].errors["guardian_email"] == [
        "Please use the email of your parent or guardian, not your own."
    ]


def test_signup_above_consent_age_needs_no_guardian(client, signup_data, mailoutbox):
    # given
    signup_data.update(birth_year="2005", guardian_email="")
    # when
    client.post(reverse("accounts:signup"), signup_data)
    client.get(_link_in(mailoutbox[0]))
    # then
    user = User.objects.get()
    assert GuardianConsent.objects.count() == 0
    assert may_take_part(user) is True
    assert len(mailoutbox) == 1


def test_signup_asks_only_for_email_name_birth_year_country_password_and_guardian(client):
    # when
    form = client.get(reverse("accounts:signup")).context["form"]
    # then
    assert list(form.fields) == [
        "email",
        "display_name",
        "birth_year",
        "country",
        "guardian_email",
        "password1",
        "password2",
    ]


def test_guardian_is_emailed_only_once_the_participant_confirmed_their_address(
    client, signup_data, mailoutbox
):
    # given
    client.post(reverse("accounts:signup"), signup_data)
    consent = GuardianConsent.objects.get()
    assert (consent.status, consent.last_sent_at) == ("requested", None)
    assert [m.to for m in mailoutbox] == [["robin@example.org"]]
    # when
    client.get(_link_in(mailoutbox[0]))
    # then
    assert [m.to for m in mailoutbox] == [["robin@example.org"], ["parent@example.org"]]
    assert "Robin the Rocket" in mailoutbox[1].subject
    assert "/accounts/guardian/" in mailoutbox[1].body
    consent.refresh_from_db()
    assert consent.last_sent_at is not None
    assert may_take_part(User.objects.get()) is False


# --- The guardian's answer -----------------------------------------------------------


@pytest.fixture
def requested(mailoutbox):
    """A 13/14-year-old whose guardian has just been emailed; returns (user, link)."""
    user = _young(display_name="Nova")
    consent_services.request_consent(user=user, guardian_email="Mum@Example.org")
    return user, _link_in(mailoutbox[-1])


def test_opening_the_link_shows_what_the_guardian_agrees_to_and_decides_nothing(client, requested):
    # given
    _user, link = requested
    # when
    response = client.get(link)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nova" in html
    assert "withdraw your consent at any time" in html
    assert "Yes, I agree" in html
    assert GuardianConsent.objects.get().status == "requested"


def test_guardian_agrees_and_gets_a_link_to_withdraw(client, requested, mailoutbox):
    # given
    user, link = requested
    # when
    response = client.post(link, {"decision": "give"})
    # then
    assert response.status_code == 302
    consent = GuardianConsent.objects.get()
    assert consent.status == "given"
    assert consent.given_at is not None
    assert may_take_part(user) is True
    confirmation = mailoutbox[-1]
    assert confirmation.to == ["mum@example.org"]
    assert "/accounts/guardian/manage/" in _link_in(confirmation)
    assert "Nova can now take part" in client.get(link).content.decode()


def test_guardian_declines_and_their_address_is_forgotten(client, requested):
    # given
    user, link = requested
    # when
    client.post(link, {"decision": "decline"})
    # then
    consent = GuardianConsent.objects.get()
    assert (consent.status, consent.guardian_email) == ("declined", "")
    assert consent.declined_at is not None
    assert may_take_part(user) is False


def test_expired_link_says_so_and_decides_nothing(client, requested, settings):
    # given
    _user, link = requested
    settings.ACCOUNTS_GUARDIAN_LINK_MAX_AGE = -1
    # when
    response = client.post(link, {"decision": "give"})
    # then
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert GuardianConsent.objects.get().status == "requested"


def test_tampered_link_does_not_work(client, requested):
    # given
    _user, link = requested
    # when
    response = client.post(link.rstrip("/") + "x/", {"decision": "give"})
    # then
    assert response.status_code == 400
    assert GuardianConsent.objects.get().status == "requested"


def test_changing_the_guardian_email_voids_the_old_link(client, requested, mailoutbox):
    # given
    user, old_link = requested
    client.force_login(user)
    # when
    client.post(reverse("accounts:ask_guardian"), {"guardian_email": "dad@example.org"})
    # then
    assert client.post(old_link, {"decision": "give"}).status_code == 400
    assert mailoutbox[-1].to == ["dad@example.org"]
    client.post(_link_in(mailoutbox[-1]), {"decision": "give"})
    consent = GuardianConsent.objects.get()
    assert (consent.status, consent.guardian_email) == ("given", "dad@example.org")


def test_participant_can_resend_the_request_a_few_times_an_hour(
    client, requested, mailoutbox, settings
):
    # given
    settings.ACCOUNTS_GUARDIAN_EMAIL_RATE = "2/h"
    user, _link = requested
    client.force_login(user)
    sent_before = len(mailoutbox)
    # when
    answers = [client.post(reverse("accounts:resend_guardian")).status_code for _ in range(3)]
    # then
    assert answers == [302, 302, 429]
    assert len(mailoutbox) == sent_before + 2
    assert {m.to[0] for m in mailoutbox[sent_before:]} == {"mum@example.org"}


def test_profile_tells_the_participant_consent_is_missing_and_whom_we_emailed(client, requested):
    # given
    user, _link = requested
    client.force_login(user)
    # when
    html = client.get(reverse("accounts:profile")).content.decode()
    # then
    assert "a parent or guardian needs to agree" in html
    assert "We emailed mum@example.org" in html


@pytest.fixture
def given(client, requested, mailoutbox):
    """Consent given; returns (user, manage link)."""
    user, link = requested
    client.post(link, {"decision": "give"})
    return user, _link_in(mailoutbox[-1])


def test_guardian_withdraws_with_the_link_from_the_confirmation(client, given):
    # given
    user, manage = given
    assert "Withdraw my consent" in client.get(manage).content.decode()
    # when
    response = client.post(manage + "withdraw/")
    # then
    assert response.status_code == 302
    consent = GuardianConsent.objects.get()
    assert (consent.status, consent.guardian_email) == ("withdrawn", "")
    assert may_take_part(user) is False
    assert "You withdrew your consent" in client.get(manage).content.decode()


def test_participant_can_ask_again_after_withdrawal_keeping_the_record(client, given, mailoutbox):
    # given
    user, manage = given
    client.post(manage + "withdraw/")
    client.force_login(user)
    # when
    client.post(reverse("accounts:ask_guardian"), {"guardian_email": "aunt@example.org"})
    # then
    assert list(GuardianConsent.objects.values_list("status", flat=True)) == [
        "requested",
        "withdrawn",
    ]
    assert mailoutbox[-1].to == ["aunt@example.org"]


def test_api_changes_the_guardian_address_and_resends_within_the_rate(mailoutbox, settings):
    # given
    from rest_framework.test import APIClient

    settings.ACCOUNTS_GUARDIAN_EMAIL_RATE = "2/h"
    user = _young()
    api = APIClient()
    api.force_authenticate(user)
    # when
    asked = api.post("/api/v1/me/guardian/", {"guardian_email": "dad@example.org"})
    resent = api.post("/api/v1/me/guardian/", {})
    limited = api.post("/api/v1/me/guardian/", {})
    # then
    assert (asked.status_code, resent.status_code, limited.status_code) == (200, 200, 429)
    assert asked.json()["guardian_consent"] == "requested"
    assert asked.json()["may_take_part"] is False
    assert [m.to for m in mailoutbox] == [["dad@example.org"], ["dad@example.org"]]


def test_api_refuses_a_guardian_request_from_someone_old_enough():
    # given
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(ParticipantFactory(birth_year=2000))
    # when
    response = api.post("/api/v1/me/guardian/", {"guardian_email": "mum@example.org"})
    # then
    assert response.status_code == 400
    assert response.json()["detail"] == "You don't need a guardian's consent."
