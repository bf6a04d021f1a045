"""What others may learn about a participant: display names and team names, nothing else.

Looks at real API JSON and page HTML of someone else's entry, as a visitor, another
participant and a juror, for the creators' email addresses and birth years.
"""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import (
    ChallengeFactory,
    EntryFactory,
    JurorFactory,
    ParticipantFactory,
    RegistrationFactory,
)
from videoawards.badges import services as badge_services
from videoawards.challenges.models import Feature

pytestmark = pytest.mark.django_db

# Unusual birth years, so finding one in a page or document means it leaked.
BIRTH_YEARS = (1917, 1923)


@pytest.fixture
def creators():
    return [
        ParticipantFactory(
            email=f"creator{year}@private.example", display_name=f"Maker {i}", birth_year=year
        )
        for i, year in enumerate(BIRTH_YEARS)
    ]


@pytest.fixture
def entry(creators):
    return EntryFactory(
        challenge=ChallengeFactory(), creators=creators, state="approved", team_name="Lab Rats"
    )


def _values(document):
    """Every key and scalar value in a JSON document."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield key
            yield from _values(value)
    elif isinstance(document, list):
        for item in document:
            yield from _values(item)
    else:
        yield document


def _assert_nothing_private(text: str, creators) -> None:
    for creator in creators:
        assert creator.email not in text
        assert creator.email.split("@")[0] not in text
        assert str(creator.birth_year) not in text


def _viewers():
    return {"visitor": None, "participant": ParticipantFactory(), "juror": JurorFactory()}


@pytest.mark.parametrize("viewer", ["visitor", "participant", "juror"])
def test_entry_api_shows_creators_by_display_name_only(entry, creators, viewer):
    # given
    api = APIClient()
    if user := _viewers()[viewer]:
        api.force_authenticate(user)
    # when
    one = api.get(f"/api/v1/entries/{entry.pk}/")
    listed = api.get(f"/api/v1/entries/?challenge={entry.challenge.slug}")
    # then
    assert one.json()["creators"] == ["Maker 0", "Maker 1"]
    assert one.json()["team_name"] == "Lab Rats"
    for response in (one, listed):
        keys_and_values = set(map(str, _values(response.json())))
        assert not {"email", "birth_year", "age", "country"} & keys_and_values
        _assert_nothing_private(response.content.decode(), creators)


@pytest.mark.parametrize("viewer", ["visitor", "participant", "juror"])
def test_entry_and_challenge_pages_show_no_email_or_birth_year(client, entry, creators, viewer):
    # given
    if user := _viewers()[viewer]:
        client.force_login(user)
    # when
    pages = [
        client.get(entry.get_absolute_url()),
        client.get(entry.challenge.get_absolute_url()),
        client.get(reverse("challenges:list")),
    ]
    # then
    assert "Maker 0" in pages[0].content.decode()
    for page in pages:
        assert page.status_code == 200
        _assert_nothing_private(page.content.decode(), creators)


def test_homepage_winners_show_no_email_or_birth_year(client, entry, creators):
    # given
    from tests.factories import AwardFactory

    Feature.objects.create(award=AwardFactory(challenge=entry.challenge), entry=entry)
    # when
    html = client.get("/").content.decode()
    # then
    assert "Lab Rats" in html
    _assert_nothing_private(html, creators)


def test_public_portfolio_shows_no_email_or_birth_year(client, entry, creators):
    # given
    portfolio = badge_services.set_portfolio_public(user=creators[0], is_public=True)
    # when
    html = client.get(reverse("badges:portfolio", args=[portfolio.public_id])).content.decode()
    # then
    assert "Maker 0" in html
    _assert_nothing_private(html, creators)


def test_portfolio_is_private_until_its_owner_opts_in(client, creators):
    # given
    portfolio = badge_services.set_portfolio_public(user=creators[0], is_public=False)
    # when
    response = client.get(reverse("badges:portfolio", args=[portfolio.public_id]))
    # then
    assert response.status_code == 404


def test_own_account_api_shows_own_email_and_birth_year_only_to_oneself(creators):
    # given
    api = APIClient()
    api.force_authenticate(creators[0])
    # when
    me = api.get("/api/v1/me/").json()
    # then
    assert (me["email"], me["birth_year"]) == ("creator1917@private.example", 1917)
    assert me["may_take_part"] is True
    assert me["guardian_consent"] == "not_needed"


# --- Data export ----------------------------------------------------------------------


def test_participant_downloads_their_data_from_the_profile_page(client, entry, creators):
    # given
    me = creators[0]
    RegistrationFactory(participant=me, workshop__title="Filming light")
    RegistrationFactory()  # someone else's
    client.force_login(me)
    # when
    response = client.get(reverse("accounts:export_data"))
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="videoawards-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "creator1917@private.example"
    assert data["account"]["birth_year"] == 1917
    assert [e["title"] for e in data["entries"]] == [entry.title]
    assert data["entries"][0]["team"] == ["Maker 0", "Maker 1"]
    assert [r["workshop"] for r in data["workshop_registrations"]] == ["Filming light"]
    assert data["guardian_consents"] == []
    assert set(data) >= {"badges", "videos", "portfolio"}
    # a teammate's email or birth year is not the participant's data
    assert "creator1923@private.example" not in response.content.decode()
    assert "1923" not in response.content.decode()


def test_export_api_gives_the_same_document(creators):
    # given
    api = APIClient()
    api.force_authenticate(creators[0])
    # when
    data = api.get("/api/v1/me/export/").json()
    # then
    assert data["format"] == "videoawards-personal-data"
    assert data["account"]["display_name"] == "Maker 0"


def test_export_needs_a_login(client):
    # when
    response = client.get(reverse("accounts:export_data"))
    # then
    assert response.status_code == 302
    assert APIClient().get("/api/v1/me/export/").status_code in (401, 403)
