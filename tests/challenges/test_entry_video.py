"""An entry's video: uploading within the challenge's limits, attaching, and who may play it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.factories import EntryFactory, ModeratorFactory, ParticipantFactory
from tests.transcoding.conftest import complete, send_parts
from tests.transcoding.factories import MediaAssetFactory, published_asset
from videoawards.challenges import services

pytestmark = pytest.mark.django_db

KIB = 1024


@pytest.fixture(autouse=True)
def _small_parts(settings):
    settings.TRANSCODING_PART_SIZE = 64 * KIB


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_entry_upload_uses_the_challenges_limits_not_the_sites(make_entry, creator, settings):
    # given
    entry = make_entry(video=None)
    entry.challenge.max_duration_seconds = 90
    entry.challenge.max_file_size_bytes = 50 * 1024**2
    entry.challenge.save()
    # when
    session = services.start_entry_upload(
        entry=entry, by=creator, filename="lab.mp4", size=10 * KIB, content_type="video/mp4"
    )
    # then
    assert (session.max_bytes, session.max_duration_s) == (50 * 1024**2, 90)


def test_entry_upload_refuses_a_file_bigger_than_the_challenge_allows(make_entry, creator):
    # given
    entry = make_entry(video=None)
    entry.challenge.max_file_size_bytes = 1024**2
    entry.challenge.save()
    # when / then
    with pytest.raises(ValidationError):
        services.start_entry_upload(
            entry=entry, by=creator, filename="lab.mp4", size=2 * 1024**2, content_type="video/mp4"
        )


def test_someone_else_cannot_start_an_upload_for_the_entry(make_entry):
    # given
    entry = make_entry(video=None)
    # when / then
    with pytest.raises(PermissionDenied):
        services.start_entry_upload(
            entry=entry,
            by=ParticipantFactory(),
            filename="x.mp4",
            size=KIB,
            content_type="video/mp4",
        )


def test_a_submitted_entry_takes_no_new_video(make_entry, creator):
    # given
    entry = make_entry(state="submitted")
    asset = MediaAssetFactory(owner=creator)
    # when / then
    with pytest.raises(ValidationError):
        services.attach_video(entry=entry, asset=asset, by=creator)


def test_a_video_of_another_person_cannot_be_attached(make_entry, creator):
    # given
    entry = make_entry(video=None)
    asset = MediaAssetFactory()
    # when / then
    with pytest.raises(ValidationError) as caught:
        services.attach_video(entry=entry, asset=asset, by=creator)
    assert caught.value.code == "not_your_video"


def test_a_video_uploaded_with_looser_limits_cannot_be_attached(make_entry, creator):
    # given
    entry = make_entry(video=None)
    asset = MediaAssetFactory(
        owner=creator, max_duration_s=entry.challenge.max_duration_seconds + 1
    )
    # when / then
    with pytest.raises(ValidationError) as caught:
        services.attach_video(entry=entry, asset=asset, by=creator)
    assert caught.value.code == "other_limits"


def test_one_video_belongs_to_one_entry(make_entry, creator):
    # given
    first = make_entry(video=None)
    second = make_entry(video=None)
    asset = MediaAssetFactory(owner=creator, max_duration_s=60)
    services.attach_video(entry=first, asset=asset, by=creator)
    # when / then
    with pytest.raises(ValidationError) as caught:
        services.attach_video(entry=second, asset=asset, by=creator)
    assert caught.value.code == "video_in_use"


def test_api_upload_then_attach_gives_the_entry_its_video(make_entry, creator):
    # given
    entry = make_entry(video=None)
    client = _client(creator)
    data = b"\x00" * (150 * KIB)
    # when
    response = client.post(
        f"/api/v1/entries/{entry.pk}/upload/",
        {"filename": "lab.mp4", "size": len(data), "content_type": "video/mp4"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    upload = response.json()
    asset = complete(client, upload["id"], send_parts(client, upload, data)).json()
    attached = client.post(
        f"/api/v1/entries/{entry.pk}/video/",
        {"media_asset": asset["id"]},
        content_type="application/json",
    )
    # then
    assert attached.status_code == 200, attached.json()
    entry.refresh_from_db()
    assert str(entry.media_asset_id) == asset["id"]
    assert upload["max_duration_s"] == entry.challenge.max_duration_seconds


def test_api_attach_of_an_unknown_video_is_a_clear_400(make_entry, creator):
    # given
    entry = make_entry(video=None)
    # when
    response = _client(creator).post(
        f"/api/v1/entries/{entry.pk}/video/",
        {"media_asset": str(MediaAssetFactory().pk)},
        content_type="application/json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["fields"] == {"media_asset": ["No video of yours has this id."]}


def test_api_upload_for_another_persons_entry_is_not_found(make_entry):
    # given
    entry = make_entry(video=None)
    # when
    response = _client(ParticipantFactory()).post(
        f"/api/v1/entries/{entry.pk}/upload/",
        {"filename": "lab.mp4", "size": KIB, "content_type": "video/mp4"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 404


def _entry_with_published_video(creator, state):
    asset = published_asset(owner=creator)
    return EntryFactory(state=state, media_asset=asset, creators=[creator]), asset


@pytest.mark.parametrize(
    ("state", "who", "status"),
    [
        ("approved", "anonymous", 200),
        ("approved", "stranger", 200),
        ("submitted", "anonymous", 404),
        ("submitted", "stranger", 404),
        ("submitted", "creator", 200),
        ("submitted", "moderator", 200),
        ("draft", "moderator", 200),
    ],
)
def test_an_entrys_video_plays_for_whoever_may_see_the_entry(creator, state, who, status):
    # given
    _entry, asset = _entry_with_published_video(creator, state)
    users = {
        "anonymous": None,
        "stranger": ParticipantFactory(),
        "creator": creator,
        "moderator": ModeratorFactory(),
    }
    client = _client(users[who]) if users[who] else Client()
    # when
    response = client.get(f"/media/assets/{asset.pk}/master.m3u8")
    # then
    assert response.status_code == status


def test_creator_sees_the_uploader_and_visitor_sees_the_player(creator):
    # given
    draft_asset = MediaAssetFactory(owner=creator, max_duration_s=60)
    draft = EntryFactory(state="draft", media_asset=draft_asset, creators=[creator])
    public, asset = _entry_with_published_video(creator, "approved")
    # when
    own_page = _client(creator).get(draft.get_absolute_url()).content.decode()
    public_page = Client().get(public.get_absolute_url()).content.decode()
    # then
    assert f'data-attach-url="/api/v1/entries/{draft.pk}/video/"' in own_page
    assert f'data-create-url="/api/v1/entries/{draft.pk}/upload/"' in own_page
    assert f'data-src="/media/assets/{asset.pk}/master.m3u8"' in public_page
    assert "data-uploader" not in public_page


@pytest.mark.slow
def test_creators_get_an_email_when_their_video_is_ready_or_failed(
    tmp_path, django_capture_on_commit_callbacks, mailoutbox
):
    from transcoding import services as media_services
    from transcoding import storage
    from transcoding.media import samples
    from transcoding.models import MediaAsset

    # given: a team entry whose video a worker prepares, and one whose file is broken
    team = [ParticipantFactory(display_name="Ada"), ParticipantFactory(display_name="Linus")]

    def entry_with_upload(content: bytes, title: str):
        asset = MediaAsset.objects.create(owner=team[0], source_key="", max_duration_s=60)
        key = f"uploads/{asset.pk}/source"
        storage.save_bytes(key, content, content_type="video/mp4")
        MediaAsset.objects.filter(pk=asset.pk).update(source_key=key, source_size=len(content))
        EntryFactory(title=title, media_asset=asset, creators=team)
        return asset

    clip = samples.make_sample_video(tmp_path / "clip.mp4", seconds=2, width=320, height=180)
    good = entry_with_upload(clip.read_bytes(), "Rainbow in a glass")
    broken = entry_with_upload(b"this is a shopping list, not a video", "Lava lamp")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        media_services.process_asset(asset_id=good.pk)
    with django_capture_on_commit_callbacks(execute=True):
        media_services.process_asset(asset_id=broken.pk)
    # then
    subjects = sorted((m.to[0], m.subject) for m in mailoutbox)
    assert subjects == sorted(
        [(u.email, "Your video for “Rainbow in a glass” is ready") for u in team]
        + [(u.email, "We could not prepare your video for “Lava lamp”") for u in team]
    )
    failed = next(m for m in mailoutbox if "Lava lamp" in m.subject)
    broken.refresh_from_db()
    assert broken.error_message in failed.body
    assert failed.body.startswith("Hi ")


def test_a_re_transcode_tells_nobody(mailoutbox):
    # given: a video on its second version (an organiser re-transcoded after a ladder change)
    asset = published_asset(owner=ParticipantFactory())
    asset.version = 2
    EntryFactory(media_asset=asset, creators=[asset.owner])
    # when
    sent = services.tell_creators_about_video(asset=asset, ready=True)
    # then
    assert (sent, mailoutbox) == (0, [])
