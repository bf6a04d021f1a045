"""The console's homepage page: organisers feature, hide, pin and order what "/" shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AwardFactory,
    ChallengeFactory,
    EntryFactory,
    ModeratorFactory,
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
    voting_challenge,
)
from tests.transcoding.factories import MediaAssetFactory
from videoawards.challenges import services
from videoawards.challenges.models import Entry, Feature

pytestmark = pytest.mark.django_db

PAGE = reverse("console:homepage")


def _action(action: str, pk: int) -> str:
    return reverse("console:homepage_action", args=[action, pk])


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def challenge(network):
    return ChallengeFactory(provider_network=network, title="Light and Sound")


@pytest.fixture
def logged_in(client, organiser):
    client.force_login(organiser)
    return client


def _published(challenge, title: str, age_days: int = 0):
    entry = EntryFactory(challenge=challenge, state="approved", title=title)
    # Newest first means newest entry first in the list and newest feature on "/".
    Entry.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    return entry


def _winner(challenge, organiser, title: str) -> Feature:
    award = AwardFactory(challenge=challenge, name="Jury Prize")
    entry = EntryFactory(challenge=challenge, state="winner", title=title)
    (feature,) = services.feature_winners(award=award, entries=[entry], by=organiser)
    return feature


def _home() -> str:
    """The homepage as the public sees it (a new client: no messages of the organiser's)."""
    return Client().get(reverse("home")).content.decode()


def test_an_organiser_features_a_published_video_and_it_appears_on_the_homepage(
    logged_in, challenge
):
    # given
    entry = _published(challenge, "Soap film colours")
    assert entry.title not in _home()
    page = logged_in.get(PAGE).content.decode()
    assert _action("feature", entry.pk) in page
    # when
    response = logged_in.post(_action("feature", entry.pk))
    # then
    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert _messages(response) == ["“Soap film colours” is featured on the homepage."]
    home = _home()
    assert "Soap film colours" in home
    assert """<p class="badge">Organisers' pick</p>""" in home
    page = logged_in.get(PAGE).content.decode()
    assert _action("feature", entry.pk) not in page  # featured: no longer offered
    assert _action("remove", Feature.objects.get(entry=entry).pk) in page


def test_removing_a_pick_takes_it_off_the_homepage(logged_in, challenge, organiser):
    # given
    entry = _published(challenge, "Soap film colours")
    feature = services.feature_entry(entry=entry, by=organiser)
    # when
    response = logged_in.post(_action("remove", feature.pk))
    # then
    assert _messages(response) == ["“Soap film colours” is no longer featured."]
    assert not Feature.objects.exists()
    assert "Soap film colours" not in _home()
    assert _action("feature", entry.pk) in logged_in.get(PAGE).content.decode()


def test_a_winner_is_hidden_from_the_homepage_and_shown_again(logged_in, challenge, organiser):
    # given
    feature = _winner(challenge, organiser, "Rainbows in a glass")
    page = logged_in.get(PAGE).content.decode()
    assert "Jury Prize" in page and "On the homepage now." in page
    # when
    hidden = logged_in.post(_action("hide", feature.pk))
    home_hidden = _home()
    page_hidden = logged_in.get(PAGE).content.decode()
    shown = logged_in.post(_action("show", feature.pk))
    # then
    assert _messages(hidden) == [
        "“Rainbows in a glass” is hidden from the homepage. You can show it again."
    ]
    assert "Rainbows in a glass" not in home_hidden
    assert "Hidden from the homepage." in page_hidden
    assert _action("show", feature.pk) in page_hidden
    assert _messages(shown) == ["“Rainbows in a glass” is shown on the homepage again."]
    assert "Rainbows in a glass" in _home()
    assert Feature.objects.filter(pk=feature.pk).exists()  # a winner is never deleted


def _order_on(html: str, titles: list[str]) -> list[str]:
    return sorted(titles, key=html.index)


def test_pinning_and_moving_set_the_order_the_homepage_shows(logged_in, challenge, organiser):
    # given: three picks, newest first by date
    titles = ["Newest", "Middle", "Oldest"]
    features = {}
    for age, title in enumerate(titles):
        features[title] = services.feature_entry(
            entry=_published(challenge, title, age_days=age), by=organiser
        )
        Feature.objects.filter(pk=features[title].pk).update(
            published_at=timezone.now() - timedelta(days=age)
        )
    assert _order_on(_home(), titles) == ["Newest", "Middle", "Oldest"]
    # when: pin the oldest, then the middle one (after it)
    logged_in.post(_action("pin", features["Oldest"].pk))
    logged_in.post(_action("pin", features["Middle"].pk))
    pinned = _order_on(_home(), titles)
    page = logged_in.get(PAGE).content.decode()
    moved = logged_in.post(_action("up", features["Middle"].pk))
    after_move = _order_on(_home(), titles)
    logged_in.post(_action("unpin", features["Middle"].pk))
    after_unpin = _order_on(_home(), titles)
    # then
    assert pinned == ["Oldest", "Middle", "Newest"]
    assert _order_on(page, titles) == pinned  # the console lists them in homepage order
    assert _action("up", features["Oldest"].pk) not in page  # first of the pinned
    assert _action("up", features["Middle"].pk) in page
    assert _action("down", features["Oldest"].pk) in page
    assert _action("up", features["Newest"].pk) not in page  # not pinned: no moving
    assert _messages(moved) == ["“Middle” moved up."]
    assert after_move == ["Middle", "Oldest", "Newest"]
    assert after_unpin == ["Oldest", "Newest", "Middle"]


def test_a_video_the_public_cannot_see_is_not_featured_and_the_organiser_is_told(
    logged_in, challenge
):
    submitted = EntryFactory(challenge=challenge, state="submitted", title="Still waits")
    hidden = EntryFactory(
        challenge=challenge, state="approved", hidden_at=timezone.now(), title="Reported"
    )
    page = logged_in.get(PAGE).content.decode()
    assert "Still waits" not in page and "Reported" not in page  # not offered
    for entry in (submitted, hidden):
        response = logged_in.post(_action("feature", entry.pk), follow=True)
        assert response.redirect_chain == [(PAGE, 302)]
        (message,) = response.context["messages"]
        assert message.level_tag == "error"
        assert str(message).startswith("Only a video everyone can see can go on the homepage.")
    assert not Feature.objects.exists()


def test_the_page_shows_posters_and_why_a_feature_is_not_on_the_homepage(
    logged_in, challenge, organiser
):
    # given: a winner with a poster, whose video was then hidden after reports
    feature = _winner(challenge, organiser, "Rainbows in a glass")
    asset = MediaAssetFactory(thumbnail_key="media/1/thumbnail.jpg")
    Entry.objects.filter(pk=feature.entry_id).update(media_asset=asset, hidden_at=timezone.now())
    # when
    page = logged_in.get(PAGE).content.decode()
    # then
    assert reverse("transcoding:thumbnail", args=[asset.pk]) in page
    assert "Not on the homepage: the video is not public at the moment." in page


def test_the_list_to_feature_from_can_be_narrowed_to_one_challenge(logged_in, challenge, network):
    other = ChallengeFactory(provider_network=network, title="Tiny Machines")
    _published(challenge, "Soap film colours")
    _published(other, "Paper gears")
    page = logged_in.get(PAGE, {"challenge": other.pk}).content.decode()
    assert "Paper gears" in page and "Soap film colours" not in page
    everything = logged_in.get(PAGE).content.decode()
    assert "Paper gears" in everything and "Soap film colours" in everything


def test_another_networks_organiser_sees_nothing_of_ours_and_gets_404(client, challenge, organiser):
    # given
    feature = _winner(challenge, organiser, "Rainbows in a glass")
    entry = _published(challenge, "Soap film colours")
    client.force_login(OrganiserFactory(provider_network=ProviderNetworkFactory()))
    # when
    page = client.get(PAGE).content.decode()
    # then
    assert "Rainbows in a glass" not in page and "Soap film colours" not in page
    for action, pk in [("hide", feature.pk), ("pin", feature.pk), ("feature", entry.pk)]:
        assert client.post(_action(action, pk)).status_code == 404
    feature.refresh_from_db()
    assert (feature.is_hidden, feature.is_pinned) == (False, False)
    assert Feature.objects.count() == 1


def test_platform_staff_curate_every_network(client, challenge, organiser):
    feature = _winner(challenge, organiser, "Rainbows in a glass")
    client.force_login(OrganiserFactory())  # no network: platform staff
    assert "Rainbows in a glass" in client.get(PAGE).content.decode()
    client.post(_action("pin", feature.pk))
    feature.refresh_from_db()
    assert feature.is_pinned


def test_only_organisers_open_the_page(client, challenge, organiser, network):
    feature = _winner(challenge, organiser, "Rainbows in a glass")
    assert client.get(PAGE).status_code == 302  # to the log-in
    for user in (ParticipantFactory(), ModeratorFactory(provider_network=network)):
        client.force_login(user)
        assert client.get(PAGE).status_code == 403
        assert client.post(_action("hide", feature.pk)).status_code == 403
    feature.refresh_from_db()
    assert not feature.is_hidden


def test_an_unknown_action_is_404_and_get_is_refused(logged_in, challenge, organiser):
    feature = _winner(challenge, organiser, "Rainbows in a glass")
    assert logged_in.post(_action("delete", feature.pk)).status_code == 404
    assert logged_in.get(_action("hide", feature.pk)).status_code == 405


def test_the_dashboard_links_to_the_page(logged_in):
    assert PAGE in logged_in.get(reverse("console:dashboard")).content.decode()


def test_the_page_reads_the_same_number_of_queries_however_many_features(
    logged_in, challenge, organiser, django_assert_num_queries
):
    # given
    _winner(challenge, organiser, "Rainbows in a glass")
    _published(challenge, "Soap film colours")
    logged_in.get(PAGE)  # warm caches out of the count
    with CaptureQueriesContext(connection) as few:
        logged_in.get(PAGE)
    for n in range(4):
        services.feature_entry(entry=_published(challenge, f"Pick {n}"), by=organiser)
        _published(challenge, f"Unpicked {n}")
    # when / then
    with django_assert_num_queries(len(few.captured_queries)):
        logged_in.get(PAGE)


def test_a_video_in_a_running_public_vote_cannot_be_featured(client, network, organiser):
    # given: an approved entry of a challenge whose public vote is open
    challenge = voting_challenge(provider_network=network)
    entry = EntryFactory(challenge=challenge, state="approved", title="Vote for me")
    client.force_login(organiser)
    # when
    page = client.get(reverse("console:homepage")).content.decode()
    response = client.post(
        reverse("console:homepage_action", args=["feature", entry.pk]), follow=True
    )
    # then: not offered, and refused in plain words when asked anyway
    assert "Vote for me" not in page
    assert "Feature it once voting has closed" in response.content.decode()
    assert not Feature.objects.filter(entry=entry).exists()
