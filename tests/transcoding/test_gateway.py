"""The playback gateway: who may play, rewritten playlists, short-lived file URLs, Range."""

from __future__ import annotations

import pytest
import rules
from django.conf import settings

from tests.factories import OrganiserFactory, ParticipantFactory
from tests.transcoding.factories import SEGMENT, add_stored_caption, published_asset
from transcoding import storage
from transcoding.models import MediaAsset

pytestmark = pytest.mark.django_db

local_only = pytest.mark.skipif(
    settings.STORAGE_BACKEND != "local", reason="local storage is served by the gateway itself"
)


def everyone_may_play(user, asset) -> bool:
    return True


def _uri_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def _fetch(client, url: str, **headers) -> tuple[int, bytes, dict]:
    if url.startswith("http"):
        import requests

        response = requests.get(url, headers=headers, timeout=30)
        return response.status_code, response.content, dict(response.headers)
    django_headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    response = client.get(url, **django_headers)
    if response.status_code == 302 and response["Location"].startswith("http"):
        # On S3 the gateway sends the browser on to a short presigned URL, as hls.js follows.
        return _fetch(client, response["Location"], **headers)
    return response.status_code, b"".join(response), dict(response.items())


@pytest.fixture
def asset(participant):
    return published_asset(owner=participant)


def test_owner_gets_a_master_playlist_pointing_at_the_gateway(asset, participant_client):
    # when
    response = participant_client.get(f"/media/assets/{asset.pk}/master.m3u8")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apple.mpegurl"
    assert response["Cache-Control"].startswith("private")
    assert _uri_lines(response.content.decode()) == [
        f"/media/assets/{asset.pk}/playlists/v1/360p/index.m3u8",
        f"/media/assets/{asset.pk}/playlists/v1/720p/index.m3u8",
    ]


def test_media_playlist_points_segments_and_init_at_short_lived_urls(asset, participant_client):
    # given
    master = participant_client.get(f"/media/assets/{asset.pk}/master.m3u8").content.decode()
    # when
    response = participant_client.get(_uri_lines(master)[0])
    # then
    text = response.content.decode()
    segments = _uri_lines(text)
    assert len(segments) == 2
    assert all("seg_0000" in url for url in segments)
    map_line = next(line for line in text.splitlines() if line.startswith("#EXT-X-MAP:"))
    init_url = map_line.split('URI="')[1].rstrip('"')
    assert _fetch(participant_client, segments[1])[:2] == (200, SEGMENT)
    assert _fetch(participant_client, init_url)[:2] == (200, b"init")


@pytest.mark.parametrize("who", ["stranger", "anonymous"])
def test_others_cannot_play_a_private_asset(asset, client, client_for, who):
    # given
    viewer = client_for(ParticipantFactory()) if who == "stranger" else client
    # when
    responses = [
        viewer.get(f"/media/assets/{asset.pk}/master.m3u8"),
        viewer.get(f"/media/assets/{asset.pk}/playlists/v1/360p/index.m3u8"),
        viewer.get(f"/media/assets/{asset.pk}/poster.jpg"),
        viewer.get(f"/api/v1/media-assets/{asset.pk}/"),
    ]
    # then
    assert [r.status_code for r in responses[:3]] == [404, 404, 404]
    assert responses[3].status_code in {403, 404}


def test_staff_may_play_any_asset(asset, client_for):
    # when
    response = client_for(OrganiserFactory()).get(f"/media/assets/{asset.pk}/master.m3u8")
    # then
    assert response.status_code == 200


def test_the_playback_rule_is_pluggable(asset, client, widen_permission):
    # given
    widen_permission("transcoding.play_asset", rules.predicate(everyone_may_play))
    # when
    response = client.get(f"/media/assets/{asset.pk}/master.m3u8")
    # then
    assert response.status_code == 200


def test_an_asset_without_outputs_has_no_playlist(participant, participant_client):
    # given
    asset = MediaAsset.objects.create(owner=participant, source_key="uploads/x/source")
    # when
    response = participant_client.get(f"/media/assets/{asset.pk}/master.m3u8")
    # then
    assert response.status_code == 404


def test_playlist_paths_cannot_climb_out_of_the_asset(asset, participant_client):
    # given
    other = published_asset()
    # when
    responses = [
        participant_client.get(
            f"/media/assets/{asset.pk}/playlists/v1/../../{other.pk}/v1/360p/index.m3u8"
        ),
        participant_client.get(f"/media/assets/{asset.pk}/playlists/v1/360p/init.mp4"),
        participant_client.get(f"/media/assets/{asset.pk}/playlists/v2/360p/index.m3u8"),
    ]
    # then
    assert [r.status_code for r in responses] == [404, 404, 404]


@local_only
def test_a_segment_url_signed_for_one_asset_does_not_open_another(asset, participant_client):
    # given
    other = published_asset()
    master = participant_client.get(f"/media/assets/{asset.pk}/master.m3u8").content.decode()
    segment = _uri_lines(participant_client.get(_uri_lines(master)[0]).content.decode())[0]
    # when
    forged = segment.replace(str(asset.pk), str(other.pk))
    tampered = segment.replace("seg_00000", "seg_00001")
    # then
    assert participant_client.get(forged).status_code == 404
    assert participant_client.get(tampered).status_code == 404


@local_only
@pytest.mark.parametrize(
    ("range_header", "status", "body", "content_range"),
    [
        ("bytes=0-99", 206, SEGMENT[:100], f"bytes 0-99/{len(SEGMENT)}"),
        ("bytes=10000-", 206, SEGMENT[10000:], f"bytes 10000-10239/{len(SEGMENT)}"),
        ("bytes=-40", 206, SEGMENT[-40:], f"bytes 10200-10239/{len(SEGMENT)}"),
        ("bytes=10200-99999", 206, SEGMENT[10200:], f"bytes 10200-10239/{len(SEGMENT)}"),
        ("bytes=20000-", 416, b"", f"bytes */{len(SEGMENT)}"),
    ],
)
def test_segments_are_served_with_range_support(
    asset, participant_client, range_header, status, body, content_range
):
    # given
    url = storage.gateway_path(
        asset_id=asset.pk,
        relative="v1/360p/seg_00000.m4s",
        expires=60,
        version=asset.access_version,
    )
    # when
    got_status, got_body, headers = _fetch(participant_client, url, Range=range_header)
    # then
    assert (got_status, got_body, headers["Content-Range"]) == (status, body, content_range)


@local_only
def test_a_whole_segment_is_served_without_range(asset, client):
    # given
    url = storage.gateway_path(
        asset_id=asset.pk,
        relative="v1/360p/seg_00000.m4s",
        expires=60,
        version=asset.access_version,
    )
    # when
    status, body, headers = _fetch(client, url)
    # then
    assert (status, body, headers["Accept-Ranges"]) == (200, SEGMENT, "bytes")
    assert headers["Content-Length"] == str(len(SEGMENT))


def test_poster_goes_through_the_same_authorisation(asset, participant_client):
    # when
    response = participant_client.get(f"/media/assets/{asset.pk}/poster.jpg")
    # then
    if storage.is_s3():
        assert response.status_code == 302
        assert _fetch(participant_client, response["Location"])[:2] == (200, b"\xff\xd8poster")
    else:
        assert (response.status_code, b"".join(response)) == (200, b"\xff\xd8poster")


def test_captions_are_offered_as_a_subtitles_group(asset, participant_client):
    # given
    add_stored_caption(asset, language="de", label="Deutsch")
    # when
    master = participant_client.get(f"/media/assets/{asset.pk}/master.m3u8").content.decode()
    subtitles = participant_client.get(f"/media/assets/{asset.pk}/captions/de.m3u8")
    # then
    media_lines = [line for line in master.splitlines() if line.startswith("#EXT-X-MEDIA:")]
    assert media_lines == [
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Deutsch",LANGUAGE="de",'
        f'DEFAULT=YES,AUTOSELECT=YES,URI="/media/assets/{asset.pk}/captions/de.m3u8"'
    ]
    assert all(
        line.endswith(',SUBTITLES="subs"')
        for line in master.splitlines()
        if line.startswith("#EXT-X-STREAM-INF:")
    )
    vtt_url = _uri_lines(subtitles.content.decode())[0]
    status, body, _headers = _fetch(participant_client, vtt_url)
    assert (status, body.startswith(b"WEBVTT")) == (200, True)


def test_asset_status_api_gives_renditions_and_playback_url(asset, participant_client):
    # when
    response = participant_client.get(f"/api/v1/media-assets/{asset.pk}/")
    # then
    body = response.json()
    assert body["status"] == "ready"
    assert body["playback_url"] == f"http://testserver/media/assets/{asset.pk}/master.m3u8"
    assert [(r["name"], r["height"]) for r in body["renditions"]] == [("360p", 360), ("720p", 720)]
    assert body["poster_url"] == f"http://testserver/media/assets/{asset.pk}/poster.jpg"


def test_asset_status_api_reads_few_queries(
    asset, participant_client, django_assert_max_num_queries
):
    # when / then
    with django_assert_max_num_queries(6):
        participant_client.get(f"/api/v1/media-assets/{asset.pk}/")
