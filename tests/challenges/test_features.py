"""The homepage's features: winners featured when results are published, organisers'
picks, and the order organisers give them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    AwardFactory,
    EntryFactory,
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
)
from videoawards.challenges import selectors, services
from videoawards.challenges.models import Feature

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return OrganiserFactory()


def _winners(award, count, state="winner"):
    return [
        EntryFactory(challenge=award.challenge, state=state, title=f"{award.name}, winner {n}")
        for n in range(count)
    ]


def test_publishing_winners_features_them_in_order_of_place(organiser):
    # given
    award = AwardFactory(name="Jury Prize")
    first, second = _winners(award, 2)
    # when
    services.feature_winners(award=award, entries=[first, second], by=organiser)
    # then
    assert [(f.entry, f.place) for f in selectors.homepage_features()] == [(first, 1), (second, 2)]


def test_publishing_again_keeps_the_organisers_curation(organiser):
    # given
    award = AwardFactory()
    first, second = _winners(award, 2)
    services.feature_winners(award=award, entries=[first, second], by=organiser)
    feature = Feature.objects.get(entry=second)
    services.curate_feature(feature=feature, by=organiser, is_pinned=True)
    # when
    services.feature_winners(award=award, entries=[first, second], by=organiser)
    # then
    assert [f.entry for f in selectors.homepage_features()] == [second, first]


def test_only_organisers_publish_or_curate_winners(organiser):
    # given
    award = AwardFactory()
    (winner,) = _winners(award, 1)
    participant = ParticipantFactory()
    # when / then
    with pytest.raises(PermissionDenied):
        services.feature_winners(award=award, entries=[winner], by=participant)
    (feature,) = services.feature_winners(award=award, entries=[winner], by=organiser)
    with pytest.raises(PermissionDenied):
        services.curate_feature(feature=feature, by=participant, is_hidden=True)


def test_homepage_shows_newest_awards_first_without_hidden_or_withdrawn_ones(organiser):
    # given
    old_award, new_award, hidden_award, gone_award = AwardFactory.create_batch(4)
    old = _winners(old_award, 1)
    new = _winners(new_award, 1)
    hidden = _winners(hidden_award, 1)
    withdrawn = _winners(gone_award, 1, state="withdrawn")
    for award, entries in [(old_award, old), (new_award, new), (hidden_award, hidden)]:
        services.feature_winners(award=award, entries=entries, by=organiser)
    services.feature_winners(award=gone_award, entries=withdrawn, by=organiser)
    Feature.objects.filter(award=old_award).update(published_at=timezone.now() - timedelta(days=30))
    services.curate_feature(
        feature=Feature.objects.get(award=hidden_award), by=organiser, is_hidden=True
    )
    # when
    page = Client().get("/").content.decode()
    # then
    assert [f.entry for f in selectors.homepage_features()] == [*new, *old]
    assert page.index(new[0].title) < page.index(old[0].title)
    assert hidden[0].title not in page
    assert withdrawn[0].title not in page


def test_homepage_reads_the_same_number_of_queries_however_many_winners(
    organiser, django_assert_num_queries, settings
):
    # given: the page rendered each time (a cached page reads nothing; see test_pagecache)
    settings.VIDEOAWARDS_PAGE_CACHE_SECONDS = 0
    award = AwardFactory()
    services.feature_winners(award=award, entries=_winners(award, 1), by=organiser)
    client = Client()
    client.get("/")  # warm caches (content types, sessions) out of the count
    with CaptureQueriesContext(connection) as one_winner:
        client.get("/")
    services.feature_winners(award=award, entries=_winners(award, 6), by=organiser)
    # when / then
    with django_assert_num_queries(len(one_winner.captured_queries)):
        response = client.get("/")
    assert response.content.decode().count('class="card feature"') == 6


def test_curating_the_homepage_is_audited_with_what_changed(organiser):
    from videoawards.core.models import AuditEvent

    # given
    award = AwardFactory()
    (entry,) = _winners(award, 1)
    (feature,) = services.feature_winners(award=award, entries=[entry], by=organiser)
    # when
    services.curate_feature(feature=feature, by=organiser, is_pinned=True, position=3)
    services.curate_feature(feature=feature, by=organiser, is_pinned=True)  # no change
    # then
    (event,) = AuditEvent.objects.filter(action="homepage.curate")
    assert event.actor == organiser
    assert event.data == {
        "feature": feature.pk,
        "entry": entry.pk,
        "is_pinned": True,
        "position": 3,
    }


def test_a_position_moves_a_winner_up_before_the_newest_and_clearing_it_moves_it_back(
    organiser,
):
    # given: three awards published a day apart, newest first
    awards = AwardFactory.create_batch(3)
    winners = []
    for age, award in enumerate(awards):
        (entry,) = _winners(award, 1)
        services.feature_winners(award=award, entries=[entry], by=organiser)
        Feature.objects.filter(award=award).update(
            published_at=timezone.now() - timedelta(days=age)
        )
        winners.append(entry)
    newest, middle, oldest = winners
    oldest_feature = Feature.objects.get(entry=oldest)
    # when: the oldest gets position 1
    services.curate_feature(feature=oldest_feature, by=organiser, position=1)
    moved = [f.entry for f in selectors.homepage_features()]
    services.curate_feature(feature=oldest_feature, by=organiser, position=None)
    back = [f.entry for f in selectors.homepage_features()]
    # then
    assert moved == [oldest, newest, middle]
    assert back == [newest, middle, oldest]


# --- Organisers' picks and the pinned order ---


def test_an_organisers_pick_goes_on_the_homepage_once(organiser):
    # given
    entry = EntryFactory(state="approved", title="Soap film colours")
    # when
    first = services.feature_entry(entry=entry, by=organiser)
    again = services.feature_entry(entry=entry, by=organiser)
    # then
    assert first == again
    assert first.award is None
    assert [f.entry for f in selectors.homepage_features()] == [entry]
    page = Client().get("/").content.decode()
    assert '<p class="badge">Organisers\' pick</p>' in page
    assert "Featured videos" in page


def test_featuring_a_hidden_winner_shows_it_again_instead_of_picking_it(organiser):
    # given
    award = AwardFactory()
    (winner,) = _winners(award, 1)
    (feature,) = services.feature_winners(award=award, entries=[winner], by=organiser)
    services.unfeature(feature=feature, by=organiser)
    assert selectors.homepage_features() == []
    # when
    shown = services.feature_entry(entry=winner, by=organiser)
    # then
    assert shown == feature
    assert Feature.objects.filter(entry=winner).count() == 1
    assert selectors.homepage_features() == [feature]


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "submitted"},
        {"state": "approved", "hidden_at": timezone.now()},
        {"state": "approved", "challenge__is_published": False},
    ],
    ids=["not approved", "hidden after reports", "unpublished challenge"],
)
def test_only_an_entry_everyone_can_see_can_be_picked(organiser, fields):
    entry = EntryFactory(**fields)
    with pytest.raises(ValidationError, match="Only a video everyone can see"):
        services.feature_entry(entry=entry, by=organiser)
    assert not Feature.objects.exists()


def test_unfeaturing_deletes_a_pick_and_hides_a_winner(organiser):
    # given
    award = AwardFactory()
    (winner,) = _winners(award, 1)
    (won,) = services.feature_winners(award=award, entries=[winner], by=organiser)
    picked = services.feature_entry(entry=EntryFactory(state="approved"), by=organiser)
    # when
    services.unfeature(feature=won, by=organiser)
    services.unfeature(feature=picked, by=organiser)
    # then
    assert list(Feature.objects.all()) == [won]
    won.refresh_from_db()
    assert won.is_hidden


def test_only_organisers_of_the_entrys_network_pick_or_unfeature(organiser):
    entry = EntryFactory(state="approved")
    elsewhere = OrganiserFactory(provider_network=ProviderNetworkFactory())
    with pytest.raises(PermissionDenied):
        services.feature_entry(entry=entry, by=elsewhere)
    feature = services.feature_entry(entry=entry, by=organiser)
    with pytest.raises(PermissionDenied):
        services.unfeature(feature=feature, by=elsewhere)
    with pytest.raises(PermissionDenied):
        services.pin_feature(feature=feature, by=ParticipantFactory())


def _picks(organiser, count):
    features = []
    for age in range(count):
        feature = services.feature_entry(
            entry=EntryFactory(state="approved", title=f"Pick {age}"), by=organiser
        )
        Feature.objects.filter(pk=feature.pk).update(
            published_at=timezone.now() - timedelta(days=age)
        )
        features.append(feature)
    return features  # newest first


def _order():
    return [f.entry.title for f in selectors.homepage_features()]


def test_pinned_come_first_in_the_order_pinned_and_unpinning_puts_back_by_date(organiser):
    # given
    _newest, middle, oldest = _picks(organiser, 3)
    # when
    services.pin_feature(feature=oldest, by=organiser)
    services.pin_feature(feature=middle, by=organiser)
    pinned = _order()
    services.unpin_feature(feature=oldest, by=organiser)
    unpinned = _order()
    # then
    assert pinned == ["Pick 2", "Pick 1", "Pick 0"]
    assert unpinned == ["Pick 1", "Pick 0", "Pick 2"]
    oldest.refresh_from_db()
    assert (oldest.is_pinned, oldest.position) == (False, None)


def test_moving_swaps_with_the_neighbouring_pinned_feature_and_numbers_them_densely(
    organiser,
):
    # given: three pinned with gaps in their positions
    first, second, third = _picks(organiser, 3)
    for feature, position in ((first, 4), (second, 9), (third, 20)):
        services.curate_feature(feature=feature, by=organiser, is_pinned=True, position=position)
    # when
    services.move_feature(feature=third, by=organiser, up=True)  # first, third, second
    services.move_feature(feature=first, by=organiser, up=False)  # third, first, second
    services.move_feature(feature=third, by=organiser, up=True)  # at the top: no change
    # then
    assert _order() == ["Pick 2", "Pick 0", "Pick 1"]
    assert sorted(Feature.objects.values_list("position", flat=True)) == [1, 2, 3]


def test_only_pinned_features_move(organiser):
    (feature,) = _picks(organiser, 1)
    with pytest.raises(ValidationError, match="Only pinned videos can be moved"):
        services.move_feature(feature=feature, by=organiser, up=True)


def test_making_and_removing_a_pick_is_audited(organiser):
    from videoawards.core.models import AuditEvent

    # given
    entry = EntryFactory(state="approved")
    # when
    feature = services.feature_entry(entry=entry, by=organiser)
    pk = feature.pk
    services.unfeature(feature=feature, by=organiser)
    # then
    events = AuditEvent.objects.filter(action="homepage.curate").order_by("pk")
    assert [event.data for event in events] == [
        {"feature": pk, "entry": entry.pk, "featured": True},
        {"feature": pk, "entry": entry.pk, "featured": False},
    ]
    assert {event.actor for event in events} == {organiser}
