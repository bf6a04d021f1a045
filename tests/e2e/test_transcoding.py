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


def test_upload_interrupted_by_a_dropped_connection_resumes_after_a_reload(page, log_in, settings):
    # given: the connection dies for good after two parts
    settings.TRANSCODING_PART_SIZE = 64 * 1024
    participant = ParticipantFactory()
    log_in(participant)
    data = os.urandom(6 * 64 * 1024 + 1000)  # 7 parts
    file = {"name": "volcano.mp4", "mimeType": "video/mp4", "buffer": data}
    sent = []

    def drop_after_two(route):
        if len(sent) >= 2:
            route.abort("connectionreset")
            return
        sent.append(route.request.url)
        route.continue_()

    page.route("**/parts/**", drop_after_two)
    page.goto("/media/uploads/new")
    # Retries without waiting, so the test does not sit through the real backoff.
    page.evaluate("() => { window.setTimeout = (fn) => Promise.resolve().then(fn); }")
    page.get_by_label("Your video", exact=True).first.set_input_files(file)
    expect(page.get_by_role("alert")).to_contain_text("did not work", timeout=20_000)
    page.goto("about:blank")  # the page and its pending retries are gone
    session = UploadSession.objects.get(owner=participant)
    stored_before = session.parts.count()
    assert (stored_before, session.status) == (2, "open")
    # when: the page is opened again and the same file picked, on a working connection
    page.unroute("**/parts/**")
    resent = []
    page.on("request", lambda r: resent.append(r.url) if "/parts/" in r.url else None)
    page.goto("/media/uploads/new")
    expect(page.get_by_role("status")).to_contain_text("Pick the same file again")
    page.get_by_label("Your video", exact=True).first.set_input_files(file)
    # then: only the five missing parts travel, and the upload completes
    expect(page.get_by_role("status")).to_contain_text("Uploaded!", timeout=20_000)
    session.refresh_from_db()
    assert (session.status, len(resent)) == ("completed", 5)
    assert MediaAsset.objects.get(owner=participant).source_size == len(data)
