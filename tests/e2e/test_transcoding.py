import os

import pytest
from playwright.sync_api import expect

from tests.factories import ParticipantFactory
from transcoding.models import MediaAsset, UploadSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_uploader_sends_a_video_in_parallel_parts_and_shows_it_waiting(page, log_in, settings):
    # given
    settings.TRANSCODING_PART_SIZE = 64 * 1024
    participant = ParticipantFactory()
    log_in(participant)
    data = os.urandom(300 * 1024)
    page.goto("/media/uploads/new")
    # when
    page.get_by_label("Your video", exact=True).first.set_input_files(
        {"name": "rocket.mp4", "mimeType": "video/mp4", "buffer": data}
    )
    # then
    expect(page.get_by_role("status")).to_contain_text("Uploaded!", timeout=20_000)
    session = UploadSession.objects.get(owner=participant)
    assert (session.part_count, session.status) == (5, "completed")
    asset = MediaAsset.objects.get(owner=participant)
    assert page.locator("input[name=media_asset]").input_value() == str(asset.pk)
