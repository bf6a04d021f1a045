"""WebVTT captions: the validator, and an upload through the API reaching the player's
master playlist as an HLS SUBTITLES group."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.transcoding.factories import published_asset
from transcoding import storage
from transcoding.media.captions import validate_webvtt
from transcoding.media.errors import MediaRejected

GOOD = (
    "\ufeffWEBVTT - made in class\r\n\r\n"
    "1\r\n00:00.000 --> 00:02.500\r\nA balloon full of water\r\n\r\n"
    "NOTE timings from the editor\r\n\r\n"
    "01:00:02.500 --> 01:00:04.000 align:start\r\n<v Mia>does not pop!\r\n"
)


def test_a_webvtt_file_comes_back_as_clean_utf8_text():
    # when
    cleaned = validate_webvtt(GOOD.encode("utf-8"))
    # then
    assert cleaned == GOOD.removeprefix("\ufeff").replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (
            b"1\n00:00:01,000 --> 00:00:02,000\nHello\n",
            "caption_not_webvtt",
            "This isn't a WebVTT caption file: its first line must be WEBVTT. If you have an "
            ".srt file, convert it to .vtt first.",
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\nGrüße\n".encode("latin-1"),
            "caption_encoding",
            "Save your caption file as UTF-8 text (most editors offer this under “Save as”).",
        ),
        (
            b"WEBVTT\n\n00:01,000 --> 00:02,000\nHello\n",
            "caption_bad_timing",
            "Line 3: the cue time should look like 00:01.000 --> 00:04.000 "
            "(minutes:seconds.milliseconds).",
        ),
        (
            b"WEBVTT\n\n00:05.000 --> 00:02.000\nHello\n",
            "caption_bad_timing",
            "Line 3: the caption ends before it starts.",
        ),
        (
            b"WEBVTT\n\nJust some words\n",
            "caption_empty",
            "This caption file has no captions in it (no lines like 00:01.000 --> 00:04.000).",
        ),
        (b"WEBVTT\n\x00\x01binary", "caption_not_text", "This caption file isn't plain text."),
    ],
    ids=["srt", "latin-1", "comma-times", "backwards", "no-cues", "binary"],
)
def test_a_broken_caption_file_is_refused_in_plain_words(content, code, message):
    # when
    with pytest.raises(MediaRejected) as refused:
        validate_webvtt(content)
    # then
    assert (refused.value.code, str(refused.value.user_message)) == (code, message)


@pytest.mark.django_db
def test_captions_uploaded_through_the_api_are_offered_to_the_player(
    participant, participant_client
):
    # given
    asset = published_asset(owner=participant)
    upload = SimpleUploadedFile("captions.vtt", GOOD.encode(), content_type="text/vtt")
    # when
    response = participant_client.post(
        f"/api/v1/media-assets/{asset.pk}/captions/",
        {"language": "en", "label": "English", "file": upload},
    )
    master = participant_client.get(f"/media/assets/{asset.pk}/master.m3u8").content.decode()
    # then
    assert response.status_code == 201, response.content
    assert storage.read_text(f"media/{asset.pk}/captions/en.vtt").startswith("WEBVTT - made")
    assert (
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=YES,'
        f'AUTOSELECT=YES,URI="/media/assets/{asset.pk}/captions/en.m3u8"'
    ) in master.splitlines()


@pytest.mark.django_db
def test_a_broken_caption_upload_is_answered_with_the_plain_message(
    participant, participant_client
):
    # given
    asset = published_asset(owner=participant)
    upload = SimpleUploadedFile("captions.srt", b"1\n00:00:01,000 --> 00:00:02,000\nHi\n")
    # when
    response = participant_client.post(
        f"/api/v1/media-assets/{asset.pk}/captions/",
        {"language": "en", "label": "English", "file": upload},
    )
    # then
    assert response.status_code == 400
    assert "its first line must be WEBVTT" in str(response.json())
    assert asset.captions.count() == 0


@pytest.mark.django_db
def test_a_teammate_adds_captions_but_an_organiser_of_another_network_may_not(participant):
    from rest_framework.test import APIClient

    from tests.factories import (
        EntryFactory,
        OrganiserFactory,
        ParticipantFactory,
        ProviderNetworkFactory,
    )

    # given: a published team entry whose video the participant uploaded
    teammate = ParticipantFactory()
    asset = published_asset(owner=participant)
    entry = EntryFactory(state="approved", media_asset=asset, creators=[participant, teammate])
    outsider = OrganiserFactory(provider_network=ProviderNetworkFactory())
    own_organiser = OrganiserFactory(provider_network=entry.challenge.provider_network)

    def post(user):
        client = APIClient()
        client.force_authenticate(user)
        upload = SimpleUploadedFile("c.vtt", GOOD.encode(), content_type="text/vtt")
        return client.post(
            f"/api/v1/media-assets/{asset.pk}/captions/", {"language": "de", "file": upload}
        ).status_code

    # then
    assert post(teammate) == 201
    assert post(own_organiser) == 201
    assert post(outsider) == 404
