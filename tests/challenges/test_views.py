import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AwardFactory,
    ChallengeFactory,
    EntryFactory,
    ParticipantFactory,
    WorkshopFactory,
)
from videoawards.challenges.models import Entry, EntryState

pytestmark = pytest.mark.django_db


def _section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by `heading_id`."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    return match.group(1) if match else ""


def test_challenge_list_shows_each_challenge_in_its_section(client):
    # given
    ChallengeFactory(title="Open Optics")
    ChallengeFactory(title="Future Fusion", entries_open_at=timezone.now() + timedelta(days=3))
    opened = timezone.now() - timedelta(days=60)
    ChallengeFactory(
        title="Past Plasma", entries_open_at=opened, entries_close_at=opened + timedelta(days=1)
    )
    # when
    html = client.get(reverse("challenges:list")).content.decode()
    # then
    sections = {
        key: [
            t for t in ("Open Optics", "Future Fusion", "Past Plasma") if t in _section(html, key)
        ]
        for key in ("open-heading", "upcoming-heading", "past-heading")
    }
    assert sections == {
        "open-heading": ["Open Optics"],
        "upcoming-heading": ["Future Fusion"],
        "past-heading": ["Past Plasma"],
    }


def test_challenge_detail_shows_timeline_with_current_phase_and_limits(client, challenge):
    # given
    challenge.max_duration_seconds = 180
    challenge.save(update_fields=["max_duration_seconds"])
    AwardFactory(challenge=challenge, name="Best Experiment")
    # when
    response = client.get(challenge.get_absolute_url())
    # then
    html = response.content.decode()
    current = re.findall(r'<li class="current" aria-current="step" data-step="(\w+)"', html)
    assert current == ["entries_open"]
    assert "At most 3 minutes long" in html
    assert "File size at most 2.0\xa0GB" in html
    assert "Best Experiment" in html
    assert challenge.rules in html


def test_unpublished_challenge_is_not_found(client):
    # given
    challenge = ChallengeFactory(is_published=False)
    # when
    response = client.get(challenge.get_absolute_url())
    # then
    assert response.status_code == 404


def _fill(challenge, count):
    for _ in range(count):
        EntryFactory(
            challenge=challenge,
            state=EntryState.APPROVED,
            creators=[ParticipantFactory(), ParticipantFactory()],
            category=challenge.categories.first(),
        )
        WorkshopFactory(challenge=challenge)
        AwardFactory(challenge=challenge, category=challenge.categories.first())


def test_challenge_detail_query_count_does_not_grow_with_entries(
    client, challenge, django_assert_num_queries
):
    # given
    _fill(challenge, 1)
    with django_assert_num_queries(6):
        client.get(challenge.get_absolute_url())
    _fill(challenge, 5)
    # when / then
    with django_assert_num_queries(6):
        response = client.get(challenge.get_absolute_url())
    assert response.content.decode().count('href="/challenges/' + challenge.slug + "/entries/") == 6


def test_entry_page_shows_display_names_never_emails(client, make_entry, creator):
    # given
    entry = make_entry(state="approved", team_name="Lab Rats")
    # when
    html = client.get(entry.get_absolute_url()).content.decode()
    # then
    assert "Nova" in html
    assert "Lab Rats" in html
    assert creator.email not in html
    assert str(creator.birth_year) not in html


def test_another_participant_gets_404_for_a_draft_entry(client, make_entry):
    # given
    entry = make_entry(state="draft")
    client.force_login(ParticipantFactory())
    # when
    response = client.get(entry.get_absolute_url())
    # then
    assert response.status_code == 404


def test_creator_sees_their_draft_with_its_video_in_the_uploader(client, make_entry, creator):
    # given
    entry = make_entry(state="draft")
    client.force_login(creator)
    # when
    response = client.get(entry.get_absolute_url())
    # then
    assert response.status_code == 200
    assert f'data-asset-id="{entry.media_asset_id}"' in response.content.decode()


def test_my_entries_lists_only_my_entries(client, make_entry, creator):
    # given
    mine = make_entry(title="Mine")
    make_entry(title="Theirs", creators=[ParticipantFactory()])
    client.force_login(creator)
    # when
    response = client.get(reverse("challenges:my_entries"))
    # then
    assert [e.title for e in response.context["entries"]] == [mine.title]


def test_participant_creates_a_draft_through_the_form(client, challenge, category, creator):
    # given
    client.force_login(creator)
    url = reverse("challenges:entry_create", args=[challenge.slug])
    # when
    response = client.post(
        url,
        {"title": "Bridges", "description": "Spaghetti.", "category": category.pk, "team_name": ""},
    )
    # then
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert (entry.title, entry.state, list(entry.creators.all())) == ("Bridges", "draft", [creator])


def test_entry_form_is_not_offered_for_a_closed_challenge(client, closed_challenge, creator):
    # given
    client.force_login(creator)
    url = reverse("challenges:entry_create", args=[closed_challenge.slug])
    # when
    response = client.post(url, {"title": "Late"})
    # then
    assert response.status_code == 200
    assert Entry.objects.count() == 0
    assert "not taking entries" in response.content.decode()


def test_entry_form_needs_login(client, challenge):
    # when
    response = client.get(reverse("challenges:entry_create", args=[challenge.slug]))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_creator_submits_from_the_entry_page(client, make_entry, creator):
    # given
    entry = make_entry()
    client.force_login(creator)
    # when
    client.post(reverse("challenges:entry_action", args=[entry.challenge.slug, entry.pk, "submit"]))
    # then
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED


def test_stranger_cannot_withdraw_a_public_entry(client, make_entry):
    # given
    entry = make_entry(state="approved")
    client.force_login(ParticipantFactory())
    url = reverse("challenges:entry_action", args=[entry.challenge.slug, entry.pk, "withdraw"])
    # when
    response = client.post(url)
    # then
    entry.refresh_from_db()
    assert (response.status_code, entry.state) == (404, EntryState.APPROVED)


def test_a_creator_adds_captions_on_the_entry_page_and_a_broken_file_is_explained():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from tests.factories import EntryFactory, ParticipantFactory
    from tests.transcoding.factories import published_asset

    # given: an approved entry with a ready video
    creator = ParticipantFactory()
    entry = EntryFactory(
        state="approved", media_asset=published_asset(owner=creator), creators=[creator]
    )
    client = Client()
    client.force_login(creator)
    url = reverse("challenges:entry_captions", args=[entry.challenge.slug, entry.pk])
    page = client.get(entry.get_absolute_url()).content.decode()
    good = b"WEBVTT\n\n00:00.000 --> 00:02.000\nHallo!\n"
    # when
    added = client.post(
        url, {"language": "de", "file": SimpleUploadedFile("de.vtt", good)}, follow=True
    )
    broken = client.post(
        url,
        {"language": "sv", "file": SimpleUploadedFile("sv.vtt", b"just some words")},
        follow=True,
    )
    # then
    assert 'enctype="multipart/form-data"' in page and url in page
    assert "Captions added." in added.content.decode()
    # named in their own language, for every viewer's player
    assert list(entry.media_asset.captions.values_list("language", "label")) == [("de", "Deutsch")]
    assert [str(m) for m in broken.context["messages"]] != []
    assert "WEBVTT" in " ".join(str(m) for m in broken.context["messages"])
