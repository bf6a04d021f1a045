"""Deleting an account: rows, teams, and every stored copy of the person's videos.

Storage is real: a local folder in the embedded suite, the S3 server over HTTP in the
services stage (STORAGE_BACKEND=s3; the S3-only tests skip elsewhere).
"""

import io
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, ChallengeFactory, EntryFactory, ParticipantFactory
from transcoding import personal_data as media_data
from transcoding import services as media_services
from transcoding import storage
from transcoding.models import MediaAsset, UploadSession
from videoawards.accounts.models import GuardianConsent, User
from videoawards.accounts.signals import account_erasing
from videoawards.celery import app as celery_app
from videoawards.challenges.models import Entry, EntryCreator
from videoawards.moderation.models import Report
from videoawards.privacy import erasure

pytestmark = pytest.mark.django_db

SOURCE = b"\x00\x00\x00\x18ftypmp42" + bytes(4000)


@pytest.fixture
def eager_tasks():
    """Tasks queued on commit run at once, in this process (the worker test below uses a
    real worker instead)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def _upload(owner, *, complete: bool = True) -> UploadSession:
    """A real upload through the transcoding upload service: one part, then complete."""
    session = media_services.create_upload(
        owner=owner,
        filename="experiment.mp4",
        size=len(SOURCE),
        content_type="video/mp4",
        max_bytes=10**6,
        max_duration_s=180,
    )
    if storage.is_s3():
        etag = storage.store().call(
            "upload_part",
            Key=storage.store().key(session.storage_key),
            UploadId=session.s3_upload_id,
            PartNumber=1,
            Body=SOURCE,
        )["ETag"]
    else:
        etag = media_services.store_local_part(
            session=session, number=1, stream=io.BytesIO(SOURCE)
        ).etag
    if complete:
        media_services.complete_upload(session=session, parts=[{"number": 1, "etag": etag}])
        session.refresh_from_db()
    return session


def _publish_outputs(asset: MediaAsset) -> None:
    """What a transcode leaves: master and rendition playlists, segments, poster, caption."""
    prefix = asset.output_prefix()
    files = {
        "master.m3u8": b"#EXTM3U\n",
        "360p/index.m3u8": b"#EXTM3U\n",
        "360p/seg_00000.m4s": b"seg",
        "720p/index.m3u8": b"#EXTM3U\n",
        "720p/seg_00000.m4s": b"seg",
        "poster.jpg": b"\xff\xd8poster",
    }
    for name, content in files.items():
        storage.save_bytes(prefix + name, content, content_type="application/octet-stream")
    storage.save_bytes(f"media/{asset.pk}/captions/en.vtt", b"WEBVTT\n", content_type="text/vtt")
    MediaAsset.objects.filter(pk=asset.pk).update(status=MediaAsset.Status.READY)


def _video(owner) -> MediaAsset:
    asset = _upload(owner).asset
    _publish_outputs(asset)
    return asset


def _video_stored_directly(owner) -> MediaAsset:
    """Like _video, without the upload service (which queues a transcode on commit)."""
    asset = MediaAsset.objects.create(owner=owner, source_size=len(SOURCE))
    asset.source_key = f"uploads/{asset.pk}/source"
    asset.save(update_fields=["source_key"])
    storage.save_bytes(asset.source_key, SOURCE, content_type="video/mp4")
    _publish_outputs(asset)
    return asset


def _stored(asset_or_session) -> list[str]:
    if isinstance(asset_or_session, MediaAsset):
        folders = [f"media/{asset_or_session.pk}/", asset_or_session.source_key.rsplit("/", 1)[0]]
    else:
        folders = [f"uploads/{asset_or_session.pk}/"]
    return [key for folder in folders for key in storage.list_keys(folder.rstrip("/") + "/")]


def test_erasing_removes_source_renditions_poster_and_captions_from_storage(
    eager_tasks, django_capture_on_commit_callbacks, list_storage_keys
):
    # given
    user = ParticipantFactory()
    asset = _video(user)
    unattached = _video(user)
    other = _video(ParticipantFactory())
    assert len(_stored(asset)) == 8
    # when
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_account(user=user)
    # then
    assert _stored(asset) == []
    assert _stored(unattached) == []
    assert list_storage_keys(f"media/{asset.pk}") == []
    assert len(_stored(other)) == 8
    assert not User.objects.filter(pk=user.pk).exists()
    assert not MediaAsset.objects.filter(pk__in=[asset.pk, unattached.pk]).exists()


def test_erasing_aborts_unfinished_uploads_and_removes_their_parts(
    eager_tasks, django_capture_on_commit_callbacks, list_storage_keys
):
    # given
    user = ParticipantFactory()
    session = _upload(user, complete=False)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        media = erasure.erase_account(user=user)
    # then
    assert media.open_uploads == [(str(session.pk), session.storage_key, session.s3_upload_id)]
    assert list_storage_keys("uploads") == []


def test_storing_is_idempotent_when_the_task_runs_twice(
    eager_tasks, django_capture_on_commit_callbacks
):
    # given
    user = ParticipantFactory()
    asset = _video(user)
    with django_capture_on_commit_callbacks(execute=True):
        media = erasure.erase_account(user=user)
    # when: a redelivery
    media_data.remove_stored_media(prefixes=media.prefixes, open_uploads=media.open_uploads)
    # then
    assert _stored(asset) == []


def test_solo_entry_goes_with_its_video_and_team_entry_stays_for_the_others(
    eager_tasks, django_capture_on_commit_callbacks
):
    # given
    user, teammate = ParticipantFactory(), ParticipantFactory()
    challenge = ChallengeFactory()
    solo_video, team_video = _video(user), _video(user)
    solo = EntryFactory(challenge=challenge, creators=[user], media_asset=solo_video)
    team = EntryFactory(challenge=challenge, creators=[user, teammate], media_asset=team_video)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_account(user=user)
    # then
    assert not Entry.objects.filter(pk=solo.pk).exists()
    assert _stored(solo_video) == []
    team.refresh_from_db()
    assert list(team.creators.all()) == [teammate]
    team_video.refresh_from_db()
    assert team.media_asset == team_video
    assert team_video.owner == teammate
    assert len(_stored(team_video)) == 8


def test_last_creator_leaving_takes_the_entry_and_its_video_even_if_a_former_teammate_uploaded_it(
    eager_tasks, django_capture_on_commit_callbacks
):
    # given
    user, former = ParticipantFactory(), ParticipantFactory()
    video = _video(former)
    entry = EntryFactory(challenge=ChallengeFactory(), creators=[user], media_asset=video)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_account(user=user)
    # then
    assert not Entry.objects.filter(pk=entry.pk).exists()
    assert not MediaAsset.objects.filter(pk=video.pk).exists()
    assert _stored(video) == []
    assert User.objects.filter(pk=former.pk).exists()


def test_apps_hear_about_the_erasure_while_the_account_still_exists(
    eager_tasks, django_capture_on_commit_callbacks
):
    # given: the hook voting uses to keep totals without the voter
    user = ParticipantFactory()
    GuardianConsent.objects.create(user=user, guardian_email="mum@example.org")
    heard = []

    def receiver(sender, *, user, **kwargs):
        heard.append((user.pk, User.objects.filter(pk=user.pk).exists()))

    account_erasing.connect(receiver)
    try:
        # when
        with django_capture_on_commit_callbacks(execute=True):
            erasure.erase_account(user=user)
    finally:
        account_erasing.disconnect(receiver)
    # then
    assert heard == [(user.pk, True)]
    assert GuardianConsent.objects.count() == 0


def test_s3_bucket_lists_nothing_under_the_erased_videos(
    s3_client, s3_bucket, eager_tasks, django_capture_on_commit_callbacks
):
    # given: a source and renditions in the S3 server
    user = ParticipantFactory()
    asset = _video(user)
    open_session = _upload(user, complete=False)
    listed = s3_client.list_objects_v2(Bucket=s3_bucket, Prefix=f"media/{asset.pk}/")
    assert listed["KeyCount"] == 7
    # when
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_account(user=user)
    # then
    for prefix in (f"media/{asset.pk}/", asset.source_key.rsplit("/", 1)[0] + "/", "uploads/"):
        assert s3_client.list_objects_v2(Bucket=s3_bucket, Prefix=prefix)["KeyCount"] == 0
    uploads = s3_client.list_multipart_uploads(Bucket=s3_bucket).get("Uploads", [])
    assert [u for u in uploads if u["UploadId"] == open_session.s3_upload_id] == []


# --- Who may delete ---------------------------------------------------------------------


def test_participant_deletes_their_account_with_their_password(
    client, eager_tasks, django_capture_on_commit_callbacks
):
    # given
    user = ParticipantFactory()
    asset = _video(user)
    client.force_login(user)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})
    # then
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert _stored(asset) == []
    assert "_auth_user_id" not in client.session


def test_wrong_password_deletes_nothing(client):
    # given
    user = ParticipantFactory()
    client.force_login(user)
    # when
    response = client.post(reverse("accounts:delete_account"), {"password": "not-it"})
    # then
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_api_deletes_the_account_with_the_password(eager_tasks, django_capture_on_commit_callbacks):
    # given
    user = ParticipantFactory()
    api = APIClient()
    api.force_authenticate(user)
    # when
    refused = api.post("/api/v1/me/delete/", {"password": "guess"}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        deleted = api.post("/api/v1/me/delete/", {"password": PASSWORD}, format="json")
    # then
    assert refused.status_code == 400
    assert deleted.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()


def test_guardian_downloads_the_data_and_deletes_the_account_by_the_emailed_link(
    client, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    # given: a guardian who agreed and got the manage link
    from datetime import date

    from videoawards.accounts import consent

    user = ParticipantFactory(birth_year=date.today().year - 14, country="DE")
    asset = _video(user)
    given = consent.give_consent(
        consent=consent.request_consent(user=user, guardian_email="mum@example.org")
    )
    manage = consent.manage_link(given).removeprefix("http://127.0.0.1:8000")
    # when
    exported = client.get(manage + "export/")
    refused = client.post(manage + "delete/", {})
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(manage + "delete/", {"confirm": "on"})
    # then
    assert exported.json()["account"]["email"] == user.email
    assert exported.json()["guardian_consents"][0]["status"] == "given"
    assert refused.status_code == 400
    assert done.status_code == 200
    assert not User.objects.filter(pk=user.pk).exists()
    assert _stored(asset) == []
    assert client.get(manage).status_code == 400


# --- Through a real worker --------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_removes_the_erased_videos_from_storage(celery_worker_process):
    # given
    user = ParticipantFactory()
    asset = _video_stored_directly(user)
    EntryFactory(challenge=ChallengeFactory(), creators=[user], media_asset=asset)
    assert len(_stored(asset)) == 8
    # when: the task goes through the broker to the worker process
    erasure.erase_account(user=user)
    # then
    deadline = time.monotonic() + 60
    while _stored(asset) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _stored(asset) == []
    assert EntryCreator.objects.count() == 0
    celery_worker_process.wait_for_log("Task accounts.erase_stored_media")


def test_deleting_a_user_in_the_admin_erases_their_videos_too(
    client, eager_tasks, django_capture_on_commit_callbacks
):
    # given
    from django.contrib.auth import get_user_model

    superuser = get_user_model().objects.create_superuser("root@example.org", PASSWORD)
    user = ParticipantFactory()
    asset = _video(user)
    client.force_login(superuser)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_delete", args=[user.pk]), {"post": "yes"}
        )
    # then
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert _stored(asset) == []


def test_an_organiser_who_published_results_and_invalidated_votes_can_still_leave(
    django_capture_on_commit_callbacks,
):
    from tests.factories import OrganiserFactory
    from voting.models import ResultPublication, ResultSnapshot, VoteInvalidation

    # given
    organiser = OrganiserFactory()
    challenge = ChallengeFactory(provider_network=organiser.provider_network)
    snapshot = ResultSnapshot.objects.create(
        challenge=challenge, created_by=organiser, input_hash="0" * 64, data={"awards": []}
    )
    publication = ResultPublication.objects.create(
        snapshot=snapshot, challenge=challenge, by=organiser
    )
    invalidation = VoteInvalidation.objects.create(challenge=challenge, by=organiser, reason="x")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_account(user=organiser)
    # then: the results and the invalidation stay, without the person
    publication.refresh_from_db()
    invalidation.refresh_from_db()
    assert (publication.by, invalidation.by) == (None, None)
    assert not User.objects.filter(pk=organiser.pk).exists()


@pytest.mark.skipif(
    django_settings.STORAGE_BACKEND != "local", reason="folders exist on local storage only"
)
def test_erasing_leaves_no_folder_named_after_the_videos(
    eager_tasks, django_capture_on_commit_callbacks, settings
):
    # given: a video with its upload folder and its output folder (subfolders included)
    user = ParticipantFactory()
    asset = _video_stored_directly(user)
    root = Path(settings.MEDIA_ROOT)
    folders = [root / "media" / str(asset.pk), root / "uploads" / str(asset.pk)]
    assert all(folder.is_dir() for folder in folders)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_account(user=user)
    # then: not even an empty folder carries the asset's name
    assert [folder for folder in folders if folder.exists()] == []
    assert str(asset.pk) not in " ".join(str(path) for path in root.rglob("*"))


def test_erasing_ends_every_session_and_the_api_token(django_capture_on_commit_callbacks):
    # given: logged in on a phone and a laptop, and an API token
    user = ParticipantFactory()
    phone, laptop = Client(), Client()
    phone.force_login(user)
    laptop.force_login(user)
    token = Token.objects.create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert Session.objects.count() == 2
    # when: the account is deleted through the API (which knows no browser session)
    with django_capture_on_commit_callbacks(execute=True):
        deleted = api.post("/api/v1/me/delete/", {"password": PASSWORD}, format="json")
    # then: no session row is left, and no browser or token gets in any more
    assert deleted.status_code == 204
    assert Session.objects.count() == 0
    assert phone.get(reverse("accounts:profile")).status_code == 302  # to the log-in
    assert laptop.get(reverse("accounts:profile")).status_code == 302
    assert api.get("/api/v1/me/").status_code in (401, 403)


def test_erasing_blanks_what_the_person_wrote_in_reports(django_capture_on_commit_callbacks):
    # given: a report whose free text names the reporter's phone number
    reporter = ParticipantFactory()
    entry = EntryFactory(state="approved")
    report = Report.objects.create(
        entry=entry,
        reason="personal_info",
        details="Call me on 0171 2345678, I'm Anna from class 7b",
        reporter=reporter,
        reporter_key="k" * 64,
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_account(user=reporter)
    # then: the report stays for the moderators, without the person or their words
    report.refresh_from_db()
    assert (report.reporter_id, report.details) == (None, "")
