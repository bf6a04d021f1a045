"""Winners on the homepage: featured when results are published, curated by organisers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import AwardFactory, EntryFactory, OrganiserFactory, ParticipantFactory
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
    organiser, django_assert_num_queries
):
    # given
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
