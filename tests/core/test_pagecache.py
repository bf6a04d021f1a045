"""The public pages' cache: warm hits touch no database, every change shows at once, and
nobody's page reaches anyone else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ChallengeFactory,
    EntryFactory,
    OrganiserFactory,
    ParticipantFactory,
    voting_challenge,
)
from videoawards.challenges import services
from videoawards.challenges.models import EntryState

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    challenge = voting_challenge()
    return EntryFactory(challenge=challenge, state=EntryState.APPROVED, title="Milk and light")


def _public_urls(entry) -> list[str]:
    slug = entry.challenge.slug
    return [
        reverse("home"),
        reverse("challenges:list"),
        reverse("challenges:detail", args=[slug]),
        reverse("challenges:entry", args=[slug, entry.pk]),
        reverse("voting:vote_page", args=[slug]),
        reverse("voting:results", args=[slug]),
    ]


def test_warm_hit_on_each_public_page_makes_no_database_query(
    client, entry, django_assert_num_queries
):
    for url in _public_urls(entry):
        # given: a visitor filled the cache
        first = client.get(url)
        client.cookies.clear()
        # when
        with django_assert_num_queries(0):
            again = client.get(url)
        # then
        assert (url, first.status_code, again["X-Page-Cache"]) == (url, 200, "hit")
        assert (
            again.content.split(b"csrfmiddlewaretoken")[0]
            == first.content.split(b"csrfmiddlewaretoken")[0]
        )
        assert set(again["Vary"].replace(" ", "").split(",")) >= {"Cookie", "Accept-Language"}


def test_cached_page_carries_each_visitors_own_csrf_token(client, entry):
    # given
    client.get("/")
    first_cookie = client.cookies["csrftoken"].value
    client.cookies.clear()
    # when
    response = client.get("/")
    # then: a token of the new visitor's cookie, which the language form accepts
    assert response["X-Page-Cache"] == "hit"
    assert client.cookies["csrftoken"].value != first_cookie
    token = response.content.split(b'name="csrfmiddlewaretoken" value="')[1].split(b'"')[0].decode()
    strict = type(client)(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    answer = strict.post(reverse("set_language"), {"language": "de", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302


def test_logged_in_name_never_reaches_a_visitor_and_the_other_way(client, entry):
    # given: a logged-in participant looks first
    user = ParticipantFactory(display_name="Ada Secretname")
    client.force_login(user)
    mine = client.get("/")
    # when: a visitor comes next, then the participant again
    visitor = type(client)()
    public = visitor.get("/")
    public_again = visitor.get("/")
    mine_again = client.get("/")
    # then
    assert b"Ada Secretname" in mine.content
    assert b"Ada Secretname" not in public.content + public_again.content
    assert (public_again["X-Page-Cache"], "X-Page-Cache" in mine_again) == ("hit", False)
    assert b"Ada Secretname" in mine_again.content


def test_languages_are_cached_apart(client, entry):
    # given
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    # when
    german = type(client)().get("/", HTTP_ACCEPT_LANGUAGE="de")
    german_again = type(client)().get("/", HTTP_ACCEPT_LANGUAGE="de")
    # then
    assert (english["Content-Language"], german["Content-Language"]) == ("en", "de")
    assert german["X-Page-Cache"] == "miss"
    assert german_again["X-Page-Cache"] == "hit"
    assert german_again.content != english.content


def _warm(client, url):
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_featuring_and_unfeaturing_show_on_the_homepage_at_once(client):
    # given: a challenge whose vote is over
    challenge = ChallengeFactory(entries_open_at=timezone.now() - timedelta(days=60))
    entry = EntryFactory(challenge=challenge, state=EntryState.APPROVED, title="Milk and light")
    organiser = OrganiserFactory(provider_network=entry.challenge.provider_network)
    _warm(client, "/")
    # when
    feature = services.feature_entry(entry=entry, by=organiser)
    featured = client.get("/")
    services.unfeature(feature=feature, by=organiser)
    unfeatured = client.get("/")
    # then
    assert (b"Milk and light" in featured.content, featured["X-Page-Cache"]) == (True, "miss")
    assert b"Milk and light" not in unfeatured.content


def test_withdrawal_takes_the_entry_off_the_challenge_and_its_page(client, entry):
    # given
    entry_url = reverse("challenges:entry", args=[entry.challenge.slug, entry.pk])
    vote_url = reverse("voting:vote_page", args=[entry.challenge.slug])
    _warm(client, entry_url)
    _warm(client, vote_url)
    assert b"Milk and light" in client.get(vote_url).content
    # when
    services.withdraw_entry(entry=entry, by=entry.creators.first())
    # then
    assert client.get(entry_url).status_code == 404
    assert b"Milk and light" not in client.get(vote_url).content


def test_an_edit_of_the_challenge_shows_at_once(client):
    # given
    challenge = ChallengeFactory(title="Before the edit")
    url = reverse("challenges:detail", args=[challenge.slug])
    _warm(client, url)
    # when
    challenge.title = "After the edit"
    challenge.save(update_fields=["title"])
    # then
    assert b"After the edit" in client.get(url).content


def test_change_counts_once_committed(client, entry, django_capture_on_commit_callbacks):
    # given: the version moves at once and again on commit
    from videoawards.core import pagecache

    before = pagecache.version()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.public_pages_changed()
    # then
    assert pagecache.version() == before + 2


def test_pages_are_not_cached_when_the_timeout_is_zero(client, entry, settings):
    # given
    settings.VIDEOAWARDS_PAGE_CACHE_SECONDS = 0
    client.get("/")
    # when
    response = client.get("/")
    # then
    assert "X-Page-Cache" not in response


def test_a_phase_recorded_by_the_schedule_forgets_the_pages(client):
    # given: a challenge on schedule whose entries closed, not yet recorded
    challenge = voting_challenge(on_schedule=True)
    url = reverse("challenges:detail", args=[challenge.slug])
    _warm(client, url)
    # when
    moved = services.follow_schedule(challenge=challenge)
    # then
    assert (moved, client.get(url)["X-Page-Cache"]) == (True, "miss")


def test_erasure_takes_the_persons_name_off_the_entry_page(client, entry):
    from videoawards.privacy.erasure import erase_account

    # given
    creator = entry.creators.get()
    creator.display_name = "Nova Erasable"
    creator.save(update_fields=["display_name"])
    url = reverse("challenges:entry", args=[entry.challenge.slug, entry.pk])
    _warm(client, url)
    assert b"Nova Erasable" in client.get(url).content
    # when
    erase_account(user=creator)
    # then
    response = client.get(url)
    assert b"Nova Erasable" not in response.content
    assert response.get("X-Page-Cache") != "hit"
