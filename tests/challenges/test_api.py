from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import AwardFactory, ChallengeFactory, ModeratorFactory, ParticipantFactory
from videoawards.challenges.models import Entry, EntryState

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_challenge_list_filters_by_phase(api, challenge):
    # given
    ChallengeFactory(slug="later", entries_open_at=timezone.now() + timedelta(days=2))
    # when
    open_slugs = [c["slug"] for c in api.get("/api/v1/challenges/?phase=open").json()["results"]]
    upcoming = [c["slug"] for c in api.get("/api/v1/challenges/?phase=upcoming").json()["results"]]
    # then
    assert (open_slugs, upcoming) == ([challenge.slug], ["later"])


def test_challenge_list_refuses_an_unknown_phase(api):
    # when
    response = api.get("/api/v1/challenges/?phase=someday")
    # then
    assert response.status_code == 400


def test_challenge_detail_has_phase_timeline_limits_categories_and_awards(api, challenge):
    # given
    AwardFactory(challenge=challenge, name="Jury Prize")
    # when
    data = api.get(f"/api/v1/challenges/{challenge.slug}/").json()
    # then
    assert data["phase"] == "entries_open"
    assert set(data["timeline"]) == {
        "entries_open_at",
        "entries_close_at",
        "voting_opens_at",
        "voting_closes_at",
        "results_at",
    }
    assert data["limits"] == {"max_duration_seconds": 180, "max_file_size_bytes": 2 * 1024**3}
    assert [c["slug"] for c in data["categories"]] == ["12-15"]
    assert [a["name"] for a in data["awards"]] == ["Jury Prize"]


def test_participant_creates_a_draft_entry(api, challenge, creator):
    # given
    api.force_authenticate(creator)
    # when
    response = api.post(
        "/api/v1/entries/",
        {"challenge": challenge.slug, "category": "12-15", "title": "Magnets", "team_name": "Pole"},
        format="json",
    )
    # then
    assert response.status_code == 201
    assert response.json()["state"] == "draft"
    assert response.json()["creators"] == ["Nova"]
    assert Entry.objects.get().creators.get() == creator


def test_create_entry_with_an_unknown_category_is_refused(api, challenge, creator):
    # given
    api.force_authenticate(creator)
    # when
    response = api.post(
        "/api/v1/entries/",
        {"challenge": challenge.slug, "category": "nope", "title": "Magnets"},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["category"]


def test_create_entry_needs_login(api, challenge):
    # when
    response = api.post("/api/v1/entries/", {"challenge": challenge.slug, "title": "X"})
    # then
    assert response.status_code in (401, 403)
    assert Entry.objects.count() == 0


def test_creator_submits_an_entry_with_a_ready_video(api, make_entry, creator):
    # given
    entry = make_entry()
    api.force_authenticate(creator)
    # when
    response = api.post(f"/api/v1/entries/{entry.pk}/submit/")
    # then
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"


def test_submit_without_a_ready_video_is_a_400_with_a_plain_message(api, make_entry, creator):
    # given
    entry = make_entry(video="processing")
    api.force_authenticate(creator)
    # when
    response = api.post(f"/api/v1/entries/{entry.pk}/submit/")
    # then
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Upload your video and wait until it is ready before you submit."
    )


def test_creator_withdraws_an_entry(api, make_entry, creator):
    # given
    entry = make_entry(state="approved")
    api.force_authenticate(creator)
    # when
    response = api.post(f"/api/v1/entries/{entry.pk}/withdraw/")
    # then
    assert response.json()["state"] == EntryState.WITHDRAWN


def test_another_participant_gets_404_for_a_draft_by_id(api, make_entry):
    # given
    entry = make_entry()
    api.force_authenticate(ParticipantFactory())
    # when
    responses = [
        api.get(f"/api/v1/entries/{entry.pk}/").status_code,
        api.patch(f"/api/v1/entries/{entry.pk}/", {"title": "Mine"}, format="json").status_code,
        api.post(f"/api/v1/entries/{entry.pk}/submit/").status_code,
    ]
    # then
    assert responses == [404, 404, 404]


def test_patch_of_a_public_entry_by_a_non_creator_is_404(api, make_entry):
    # given
    entry = make_entry(state="approved")
    api.force_authenticate(ParticipantFactory())
    # when
    response = api.patch(f"/api/v1/entries/{entry.pk}/", {"title": "Mine"}, format="json")
    # then
    entry.refresh_from_db()
    assert (response.status_code, entry.title) == (404, entry.title)


def test_creator_patches_the_title_of_a_draft(api, make_entry, creator):
    # given
    entry = make_entry()
    api.force_authenticate(creator)
    # when
    response = api.patch(f"/api/v1/entries/{entry.pk}/", {"title": "Better"}, format="json")
    # then
    assert response.status_code == 200
    assert response.json()["title"] == "Better"


def test_entry_list_shows_what_the_user_may_see_filtered_by_challenge(api, make_entry, creator):
    # given
    draft = make_entry()
    approved = make_entry(state="approved")
    elsewhere = make_entry(state="approved", challenge=ChallengeFactory())
    api.force_authenticate(ParticipantFactory())
    # when
    all_ids = [e["id"] for e in api.get("/api/v1/entries/").json()["results"]]
    filtered = api.get(f"/api/v1/entries/?challenge={draft.challenge.slug}").json()["results"]
    # then
    assert sorted(all_ids) == sorted([approved.pk, elsewhere.pk])
    assert [e["id"] for e in filtered] == [approved.pk]


def test_entry_json_carries_display_names_only(api, make_entry, creator):
    # given
    make_entry(state="approved")
    api.force_authenticate(ModeratorFactory())
    # when
    body = api.get("/api/v1/entries/").content.decode()
    # then
    assert creator.email not in body
    assert '"creators":["Nova"]' in body


def test_an_approval_note_stays_internal_while_a_rejection_reason_reaches_the_creators(
    api, make_entry, creator
):
    # given
    approved = make_entry(state="approved")
    Entry.objects.filter(pk=approved.pk).update(moderation_reason="Checked the music licence.")
    rejected = make_entry(state="rejected")
    Entry.objects.filter(pk=rejected.pk).update(moderation_reason="Please remove the faces.")
    # when
    public = APIClient().get(f"/api/v1/entries/{approved.pk}/").json()
    api.force_authenticate(creator)
    own = api.get(f"/api/v1/entries/{rejected.pk}/").json()
    # then
    assert public["moderation_reason"] == ""
    assert own["moderation_reason"] == "Please remove the faces."
