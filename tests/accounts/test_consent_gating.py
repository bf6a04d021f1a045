"""What waits for a guardian's consent: submitting, public pages, the public portfolio."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import AwardFactory, ChallengeFactory, EntryFactory, ParticipantFactory
from tests.transcoding.factories import MediaAssetFactory
from transcoding.models import MediaAsset
from videoawards.accounts import consent as consent_services
from videoawards.accounts.models import GuardianConsent
from videoawards.badges import selectors as badge_selectors
from videoawards.badges import services as badge_services
from videoawards.badges.models import Portfolio
from videoawards.challenges import selectors, services
from videoawards.challenges.models import EntryState, Feature

pytestmark = pytest.mark.django_db


def _young(name: str):
    return ParticipantFactory(display_name=name, birth_year=date.today().year - 14, country="DE")


def _give(user) -> GuardianConsent:
    return GuardianConsent.objects.create(
        user=user, guardian_email=f"guardian-of-{user.pk}@example.org", status="given",
        given_at=timezone.now(),
    )  # fmt: skip


def _draft(*creators):
    return EntryFactory(
        challenge=ChallengeFactory(),
        creators=list(creators),
        media_asset=MediaAssetFactory(owner=creators[0], status=MediaAsset.Status.READY),
        team_name="Lab Rats",
    )


def test_team_entry_cannot_be_submitted_until_every_creator_has_consent_naming_who_is_missing():
    # given
    adult = ParticipantFactory(display_name="Ada", birth_year=2000)
    bo, cy = _young("Bo"), _young("Cy")
    entry = _draft(adult, cy, bo)
    # when
    with pytest.raises(ValidationError) as error:
        services.submit_entry(entry=entry, by=adult)
    # then
    assert error.value.code == "creators_need_consent"
    assert error.value.messages[0].endswith("Still waiting for: Bo, Cy.")
    entry.refresh_from_db()
    assert entry.state == EntryState.DRAFT


def test_team_entry_is_submitted_once_every_young_creator_has_consent():
    # given
    adult, bo = ParticipantFactory(birth_year=2000), _young("Bo")
    entry = _draft(adult, bo)
    _give(bo)
    # when
    services.submit_entry(entry=entry, by=adult)
    # then
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED


def test_submit_button_on_the_entry_page_shows_the_missing_consent(client):
    # given
    bo = _young("Bo")
    entry = _draft(bo)
    client.force_login(bo)
    # when
    response = client.post(
        reverse("challenges:entry_action", args=[entry.challenge.slug, entry.pk, "submit"]),
        follow=True,
    )
    # then
    assert "Still waiting for: Bo." in response.content.decode()


def _public_entry(*creators):
    return EntryFactory(challenge=ChallengeFactory(), creators=list(creators), state="approved")


def test_entry_with_a_creator_lacking_consent_is_nowhere_public(client):
    # given: an approved entry, then the guardian withdraws
    bo = _young("Bo")
    consent = _give(bo)
    entry = _public_entry(ParticipantFactory(birth_year=2000), bo)
    assert client.get(entry.get_absolute_url()).status_code == 200
    # when
    consent_services.withdraw_consent(consent=consent)
    # then
    api = APIClient()
    assert client.get(entry.get_absolute_url()).status_code == 404
    assert entry.title not in client.get(entry.challenge.get_absolute_url()).content.decode()
    assert api.get(f"/api/v1/entries/{entry.pk}/").status_code == 404
    assert api.get("/api/v1/entries/").json()["results"] == []
    assert selectors.visible_entries(user=ParticipantFactory()).count() == 0


def test_creators_still_see_their_hidden_entry(client):
    # given
    bo = _young("Bo")
    entry = _public_entry(bo)
    client.force_login(bo)
    # when
    response = client.get(entry.get_absolute_url())
    # then
    assert response.status_code == 200


def test_homepage_feature_of_an_entry_without_consent_is_not_shown():
    # given
    bo = _young("Bo")
    consent = _give(bo)
    entry = _public_entry(bo)
    feature = Feature.objects.create(award=AwardFactory(challenge=entry.challenge), entry=entry)
    assert selectors.homepage_features() == [feature]
    # when
    consent_services.withdraw_consent(consent=consent)
    # then
    assert selectors.homepage_features() == []


def test_withdrawal_makes_the_portfolio_private(client):
    # given
    bo = _young("Bo")
    consent = _give(bo)
    portfolio = badge_services.set_portfolio_public(user=bo, is_public=True)
    url = reverse("badges:portfolio", args=[portfolio.public_id])
    assert client.get(url).status_code == 200
    # when
    consent_services.withdraw_consent(consent=consent)
    # then
    assert Portfolio.objects.get(user=bo).is_public is False
    assert client.get(url).status_code == 404


def test_portfolio_cannot_be_made_public_before_consent():
    # given
    bo = _young("Bo")
    # when / then
    with pytest.raises(ValidationError):
        badge_services.set_portfolio_public(user=bo, is_public=True)


def test_public_portfolio_lists_only_entries_anyone_may_see():
    # given
    bo, cy = _young("Bo"), _young("Cy")
    _give(bo)
    shared = _public_entry(bo, cy)  # Cy has no consent
    alone = _public_entry(bo)
    # when
    entries = list(badge_selectors.portfolio_entries(user=bo, public_only=True))
    # then
    assert entries == [alone]
    assert shared not in entries


def test_without_a_guardians_ok_a_minor_makes_no_entry_and_no_upload(client):
    # given: a 14-year-old whose guardian has not answered yet
    minor = _young("Mia")
    GuardianConsent.objects.create(user=minor, guardian_email="mum@example.org")
    challenge = ChallengeFactory()
    client.force_login(minor)
    # when
    page = client.get(reverse("challenges:entry_create", args=[challenge.slug]))
    posted = client.post(
        reverse("challenges:entry_create", args=[challenge.slug]),
        {"title": "Rainbow in a glass", "description": ""},
    )
    api = APIClient()
    api.force_authenticate(minor)
    upload = api.post(
        reverse("transcoding-upload-create"),
        {"filename": "film.mp4", "size": 1000, "content_type": "video/mp4"},
        format="json",
    )
    # then: the page says why and what to do, and nothing was made
    assert "Once they agree, you can make entries" in page.content.decode()
    assert "<form" not in page.content.decode().split("<main", 1)[1]
    assert "Once they agree, you can make entries" in posted.content.decode()
    assert upload.status_code == 403
    assert "hasn't said yes yet" in upload.json()["detail"]
    assert not minor.entries.exists()


def test_a_guardians_no_is_said_plainly_and_the_ok_lets_them_in():
    minor = _young("Max")
    GuardianConsent.objects.create(
        user=minor, guardian_email="dad@example.org", status="declined",
        declined_at=timezone.now(),
    )  # fmt: skip
    challenge = ChallengeFactory()
    with pytest.raises(PermissionDenied, match="said no"):
        services.create_entry(
            creator=minor, challenge=challenge, category=None, title="Ice", description=""
        )
    _give(minor)
    entry = services.create_entry(
        creator=minor, challenge=challenge, category=None, title="Ice", description=""
    )
    assert list(entry.creators.all()) == [minor]
