import os
import re
import time
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from playwright.sync_api import expect

from tests.factories import EntryFactory, ParticipantFactory
from transcoding import selectors, services, storage
from transcoding.media import samples
from transcoding.models import MediaAsset, UploadSession
from transcoding.storage.s3 import S3_MIN_PART_SIZE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _uploader_constant(name: str) -> int:
    """A number uploader.js declares (`var NAME = 4;`), so the test follows the script."""
    source = Path(finders.find("js/uploader.js")).read_text()
    return int(re.search(rf"var {name} = (\d+);", source).group(1))


# Parts in flight at once, and attempts at one part before the uploader gives up.
UPLOADER_PARALLEL = _uploader_constant("PARALLEL")
UPLOADER_MAX_TRIES = _uploader_constant("MAX_TRIES")


def _part_number(url: str) -> int:
    """The part a PUT carries: /parts/<n> on the local endpoint, ?partNumber=<n> on S3."""
    match = re.search(r"(?:/parts/|[?&]partNumber=)(\d+)", url)
    assert match, url
    return int(match.group(1))


def _wait_until(page, condition, *, seconds: float = 20) -> None:
    """Lets the page run (and the route handlers answer) until condition() holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the page did not get there in time"
        page.wait_for_timeout(20)


@pytest.fixture
def part_size(settings) -> int:
    """Small parts on local storage; S3's smallest on S3, where parts go to the bucket."""
    settings.TRANSCODING_PART_SIZE = 64 * 1024
    return S3_MIN_PART_SIZE if storage.is_s3() else settings.TRANSCODING_PART_SIZE


def test_uploader_sends_a_video_in_parallel_parts_and_shows_it_waiting(page, log_in, part_size):
    # given
    participant = ParticipantFactory()
    log_in(participant)
    data = os.urandom(4 * part_size + 1000)
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


def test_upload_interrupted_by_a_dropped_connection_resumes_after_a_reload(
    page, context, log_in, part_size
):
    # given: parts 1 and 2 get through, then the connection dies for good
    participant = ParticipantFactory()
    log_in(participant)
    data = os.urandom(6 * part_size + 1000)  # 7 parts
    file = {"name": "volcano.mp4", "mimeType": "video/mp4", "buffer": data}
    held, refused = [], []
    connection = {"dead": False}

    def interrupt(route):
        if route.request.method != "PUT":  # parts are PUT, to Django or to the bucket
            route.continue_()
        elif connection["dead"]:
            refused.append(route.request.url)
            route.abort("connectionreset")
        elif _part_number(route.request.url) in (1, 2):
            route.continue_()
        else:  # held, unanswered, until the test drops the connection
            held.append(route)

    page.route("**/*", interrupt)
    page.goto("/media/uploads/new")
    # Retries without waiting, so the test does not sit through the real backoff.
    page.evaluate("() => { window.setTimeout = (fn) => Promise.resolve().then(fn); }")
    page.get_by_label("Your video", exact=True).first.set_input_files(file)
    # Every one of the uploader's parallel slots waits on a held part: parts 1 and 2 are
    # stored and nothing else can start.
    _wait_until(page, lambda: len(held) == UPLOADER_PARALLEL)
    connection["dead"] = True
    for route in held:
        refused.append(route.request.url)
        route.abort("connectionreset")
    expect(page.get_by_role("alert")).to_contain_text("did not work", timeout=20_000)
    # Each slot tries its part MAX_TRIES times before it gives up: once they all have, no
    # request is left that the tab could still send when it goes.
    _wait_until(page, lambda: len(refused) == UPLOADER_PARALLEL * UPLOADER_MAX_TRIES)
    page.goto("about:blank")
    page.close()
    page = context.new_page()
    session = UploadSession.objects.get(owner=participant)
    stored_before = len(selectors.stored_parts(session=session))
    assert (stored_before, session.status) == (2, "open")
    # when: the page is opened again and the same file picked, on a working connection
    resent = []
    page.on("request", lambda r: resent.append(r.url) if r.method == "PUT" else None)
    page.goto("/media/uploads/new")
    expect(page.get_by_role("status")).to_contain_text("Pick the same file again")
    page.get_by_label("Your video", exact=True).first.set_input_files(file)
    # then: only the five missing parts travel, and the upload completes
    expect(page.get_by_role("status")).to_contain_text("Uploaded!", timeout=20_000)
    session.refresh_from_db()
    assert (session.status, len(resent)) == ("completed", 5)
    assert MediaAsset.objects.get(owner=participant).source_size == len(data)


@pytest.fixture
def processed_entry(tmp_path):
    """An approved entry whose video went through the real pipeline (probe, ffmpeg, HLS)."""
    source = samples.make_sample_video(
        tmp_path / "experiment.mp4", seconds=6, width=640, height=360
    )
    owner = ParticipantFactory()
    asset = MediaAsset.objects.create(owner=owner, source_key="", max_duration_s=180)
    key = f"uploads/{asset.pk}/source"
    storage.upload(source, key, content_type="video/mp4", cache_control="private")
    MediaAsset.objects.filter(pk=asset.pk).update(source_key=key)
    services.process_asset(asset_id=asset.pk)
    asset.refresh_from_db()
    assert asset.status == "ready", asset.error_message
    services.add_caption(
        asset=asset,
        language="en",
        label="English",
        content=b"WEBVTT\n\n00:00.000 --> 00:05.000\nMilk makes the torch light orange\n",
    )
    return EntryFactory(
        title="Sunset in a glass", state="approved", media_asset=asset, creators=[owner]
    )


def test_a_visitor_plays_a_processed_video_with_captions_on_the_entry_page(page, processed_entry):
    # given: the browser can decode what the pipeline makes
    segments = []
    page.on("response", lambda r: segments.append(r.status) if ".m4s" in r.url else None)
    page.goto(processed_entry.get_absolute_url())
    assert page.evaluate("MediaSource.isTypeSupported('video/mp4; codecs=\"avc1.64001e\"')")
    video = page.get_by_label("Sunset in a glass")
    # when
    video.evaluate("v => { v.muted = true; return v.play(); }")
    # then: hls.js plays it, time moves on, and the English captions are showing
    page.wait_for_function(
        "() => document.querySelector('video[data-hls-player]').currentTime > 1.5",
        timeout=30_000,
    )
    assert video.evaluate("v => Boolean(v.hls) && v.videoWidth") == 640
    # (on S3 each segment is a 302 from the gateway to a presigned URL, then the bytes)
    assert set(segments) & {200, 206} and set(segments) <= {200, 206, 302}
    page.wait_for_function(
        "() => { const t = document.querySelector('video[data-hls-player]').textTracks;"
        " return t.length > 0 && t[0].mode === 'showing' && t[0].cues && t[0].cues.length > 0; }",
        timeout=15_000,
    )
    assert video.evaluate("v => [v.textTracks[0].label, v.textTracks[0].cues[0].text]") == [
        "English",
        "Milk makes the torch light orange",
    ]
    assert page.get_by_role("alert").is_hidden()


# Counts the part PUTs in flight and samples both progress bars, from the page's start.
WATCH_THE_UPLOADER = """
window.__seen = {inFlight: 0, maxInFlight: 0, bytes: [], processing: [], preparing: false};
const open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
XMLHttpRequest.prototype.open = function (method, ...rest) {
  this.__method = method;
  return open.call(this, method, ...rest);
};
XMLHttpRequest.prototype.send = function (...args) {
  if (this.__method === "PUT") {
    const seen = window.__seen;
    seen.inFlight += 1;
    seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
    this.addEventListener("loadend", () => { seen.inFlight -= 1; });
  }
  return send.apply(this, args);
};
setInterval(() => {
  const bytes = document.querySelector("[data-bytes]");
  const processing = document.querySelector("[data-processing-progress]");
  if (bytes) window.__seen.bytes.push(bytes.value);
  if (processing && !processing.hidden) {
    window.__seen.preparing = true;
    window.__seen.processing.push(document.querySelector("[data-processing]").value);
  }
}, 25);
"""


@pytest.mark.worker
@pytest.mark.slow
def test_participant_uploads_on_the_entry_page_watches_it_prepared_and_plays_it(
    page, log_in, part_size, celery_worker_process, tmp_path
):
    # given: a draft entry and a real phone-like clip; a real worker prepares it
    participant = ParticipantFactory()
    entry = EntryFactory(state="draft", title="Oobleck", creators=[participant])
    source = samples.make_sample_video(tmp_path / "oobleck.mp4", seconds=8, width=640, height=360)
    data = source.read_bytes()
    parts = -(-len(data) // part_size)
    log_in(participant)
    page.add_init_script(WATCH_THE_UPLOADER)
    page.goto(entry.get_absolute_url())
    # when
    page.locator("input[type=file]").set_input_files(
        {"name": "IMG_0042.MOV", "mimeType": "video/quicktime", "buffer": data}
    )
    # then: the upload bar fills, the preparing bar shows, and the player appears and plays
    player = page.locator("[data-player] video")
    expect(player).to_be_visible(timeout=120_000)
    expect(page.get_by_role("status")).to_contain_text("Your video is ready.")
    player.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        "() => document.querySelector('[data-player] video').currentTime > 1", timeout=30_000
    )
    seen = page.evaluate("window.__seen")
    assert max(seen["bytes"]) == 100
    assert seen["preparing"] is True
    if parts > 1:
        assert seen["maxInFlight"] > 1  # parts travel side by side
    entry.refresh_from_db()
    assert entry.media_asset.status == "ready"
    assert entry.media_asset.source_size == len(data)
    assert UploadSession.objects.get(owner=participant).part_count == parts
