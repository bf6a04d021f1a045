"""Processing media assets: fair queueing, the transcode pipeline, re-transcodes, sweeping.

Every step is safe to run twice: outputs go to deterministic keys under
media/<asset>/v<version>/, partial outputs of the same version are removed before
publishing, and state changes are fenced by the asset's version and task id.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any, cast

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from transcoding import storage
from transcoding.models import MediaAsset, Rendition
from transcoding.signals import asset_failed, asset_ready

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 2.0
PLAYLIST_CACHE = "private, max-age=60"
SEGMENT_CACHE = "private, max-age=31536000, immutable"


class TransientProcessingError(Exception):
    """Processing failed for a reason that may go away (storage, a crashed ffmpeg): retry."""


# --- Fair queueing ---

TRANSCODE_TASK = "transcoding.transcode_asset"  # registered under this name in tasks.py


def _in_flight(owner_id: Any) -> QuerySet[MediaAsset]:
    return MediaAsset.objects.filter(owner_id=owner_id).filter(
        Q(status=MediaAsset.Status.PROCESSING)
        | Q(status=MediaAsset.Status.UPLOADED, queued_at__isnull=False)
    )


def time_limits(asset: MediaAsset) -> tuple[int, int]:
    """(soft, hard) task time limits in seconds, scaled by the video's length."""
    seconds = asset.duration_s or asset.max_duration_s or settings.VIDEOAWARDS_MAX_DURATION_SECONDS
    soft = int(300 + 8 * seconds)
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout")
    if visibility:  # the broker must not hand a running job to a second worker
        soft = min(soft, int(cast(int, visibility)) - 900)
    return soft, soft + 120


def send_to_worker(asset: MediaAsset, *, task_id: str | None = None) -> None:
    """Queue the transcode task by its stable name (tasks.py imports services, not back)."""
    soft, hard = time_limits(asset)
    current_app.signature(TRANSCODE_TASK, args=[str(asset.pk)]).apply_async(
        task_id=task_id, soft_time_limit=soft, time_limit=hard
    )


@transaction.atomic
def queue_waiting_assets(*, owner_id: Any) -> list[uuid.UUID]:
    """Queue the owner's oldest waiting assets, keeping at most N of theirs in flight.

    So one participant's twenty uploads take turns instead of filling the queue.
    """
    # Serialise per owner, so two completions can't both take the last slot.
    get_user_model().objects.select_for_update().filter(pk=owner_id).first()
    free = settings.TRANSCODING_MAX_QUEUED_PER_OWNER - _in_flight(owner_id).count()
    if free <= 0:
        return []
    waiting = list(
        MediaAsset.objects.filter(
            owner_id=owner_id, status=MediaAsset.Status.UPLOADED, queued_at__isnull=True
        ).order_by("created_at")[:free]
    )
    if not waiting:
        return []
    MediaAsset.objects.filter(pk__in=[a.pk for a in waiting]).update(queued_at=timezone.now())
    for asset in waiting:
        transaction.on_commit(partial(send_to_worker, asset))
    return [a.pk for a in waiting]


# --- The pipeline ---

_WORK_DIR = re.compile(r"^asset-[0-9a-f-]+-pid(\d+)-")


def work_root() -> Path:
    """Where jobs keep their temporary files (the source copy and ffmpeg's outputs)."""
    root = Path(settings.TRANSCODING_WORK_DIR or Path(tempfile.gettempdir()) / "videoawards")
    root.mkdir(parents=True, exist_ok=True)
    return root


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed process nobody has reaped yet (a container's init may never) is a zombie:
    # it still answers signal 0 but will not come back for its folder.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in {"Z", "X"}


def remove_orphaned_work_dirs() -> int:
    """Delete the temporary folders of jobs whose process is gone (a worker killed with
    SIGKILL cannot clean up after itself); runs when a worker starts."""
    removed = 0
    for folder in work_root().iterdir():
        match = _WORK_DIR.match(folder.name)
        if match and folder.is_dir() and not _pid_alive(int(match.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _give_up_message() -> str:
    return _(
        "We tried several times but couldn't process this video. Try saving it again "
        "from your phone or editing app, then upload it once more."
    )


@transaction.atomic
def begin_processing(*, asset_id: uuid.UUID, task_id: str) -> MediaAsset | None:
    """Claim the asset for this task delivery; None when there is nothing to do."""
    asset = MediaAsset.objects.select_for_update().filter(pk=asset_id).first()
    if asset is None or asset.status in {MediaAsset.Status.READY, MediaAsset.Status.FAILED}:
        return None
    now = timezone.now()
    if (
        asset.status == MediaAsset.Status.PROCESSING
        and asset.processing_task_id != task_id
        and asset.heartbeat_at
        and asset.heartbeat_at > now - timedelta(seconds=settings.TRANSCODING_STALE_SECONDS)
    ):
        return None  # another live worker has it
    MediaAsset.objects.filter(pk=asset.pk).update(delivery_count=F("delivery_count") + 1)
    asset.refresh_from_db(fields=["delivery_count"])
    if asset.delivery_count > settings.TRANSCODING_MAX_DELIVERIES:
        _fail_locked(asset, code="gave_up", message=_give_up_message())
        return None
    asset.status = MediaAsset.Status.PROCESSING
    asset.processing_task_id = task_id
    asset.processing_started_at = now
    asset.heartbeat_at = now
    asset.progress = 0.0
    asset.save(
        update_fields=[
            "status",
            "processing_task_id",
            "processing_started_at",
            "heartbeat_at",
            "progress",
            "updated_at",
        ]
    )
    return asset


def _claimed(asset: MediaAsset, task_id: str) -> QuerySet[MediaAsset]:
    """The asset row, only while this task still holds it (fences a presumed-dead worker)."""
    return MediaAsset.objects.filter(
        pk=asset.pk,
        version=asset.version,
        status=MediaAsset.Status.PROCESSING,
        processing_task_id=task_id,
    )


class ProgressWriter:
    """Writes progress (and a heartbeat) at most every couple of seconds."""

    def __init__(self, asset: MediaAsset, task_id: str) -> None:
        self._rows = _claimed(asset, task_id)
        self._last = 0.0

    def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self._last < PROGRESS_INTERVAL_S and fraction < 1.0:
            return
        self._last = now
        self.beat(progress=min(max(float(fraction), 0.0), 0.99))

    def beat(self, **fields: Any) -> None:
        self._rows.update(heartbeat_at=timezone.now(), **fields)


class Heartbeat:
    """Beats from a thread while a job runs, whatever the job is doing (a long download, a
    probe, an encode that prints nothing): a heartbeat that stops means the worker died.

    It writes through the claim, so a job fenced out by a newer delivery stops beating.
    """

    def __init__(self, asset: MediaAsset, task_id: str) -> None:
        self._rows = _claimed(asset, task_id)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{asset.pk}", daemon=True)

    def __enter__(self) -> Heartbeat:
        # Inside a transaction (a job run inline by a test) no other process could see a
        # beat, and the thread would wait on the row lock this thread holds.
        if not connection.in_atomic_block:
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stop.wait(settings.TRANSCODING_HEARTBEAT_SECONDS):
                try:
                    self._rows.update(heartbeat_at=timezone.now())
                except DatabaseError:  # the next beat tries again; a gap only risks a duplicate
                    logger.warning("heartbeat: could not write", exc_info=True)
        finally:
            connection.close()  # this thread's own connection


def _media() -> Any:
    """The ffmpeg package, imported lazily so the web process never needs it."""
    # Lazy on purpose (PLC0415): ffmpeg-python loads only in processes that transcode.
    from transcoding.media import errors, pipeline

    return errors, pipeline


def _cache_control(relative_path: str) -> str:
    return PLAYLIST_CACHE if relative_path.endswith(".m3u8") else SEGMENT_CACHE


def _publish(*, asset: MediaAsset, out_dir: Path, output: Any, heartbeat: ProgressWriter) -> None:
    prefix = asset.output_prefix()
    store = storage.store()
    store.delete_prefix(prefix)  # partial outputs of an earlier attempt at this version
    for item in output.files:
        store.upload(
            out_dir / item.relative_path,
            prefix + item.relative_path,
            content_type=item.content_type,
            cache_control=_cache_control(item.relative_path),
        )
        heartbeat.beat()


def _relative(path: Any) -> str:
    return str(path) if path else ""


@transaction.atomic
def _mark_ready(*, asset: MediaAsset, task_id: str, probe: Any, output: Any) -> bool:
    locked = _claimed(asset, task_id).select_for_update().first()
    if locked is None:
        return False
    prefix = locked.output_prefix()
    previous = locked.ready_version
    Rendition.objects.filter(asset=locked, version=locked.version).delete()
    Rendition.objects.bulk_create(
        Rendition(
            asset=locked,
            version=locked.version,
            name=r.name,
            width=r.width,
            height=r.height,
            bandwidth=r.bandwidth,
            codecs=r.codecs or "",
            frame_rate=r.frame_rate,
            playlist_key=prefix + _relative(r.playlist),
        )
        for r in output.renditions
    )
    locked.status = MediaAsset.Status.READY
    locked.error_code = ""
    locked.error_message = ""
    locked.progress = 1.0
    locked.ready_version = locked.version
    locked.master_playlist_key = prefix + _relative(output.master_playlist)
    locked.poster_key = prefix + _relative(output.poster) if output.poster else ""
    locked.thumbnail_key = prefix + _relative(output.thumbnail) if output.thumbnail else ""
    locked.duration_s = probe.duration_s
    locked.width = probe.width
    locked.height = probe.height
    locked.ready_at = timezone.now()
    locked.save()
    owner_id = locked.owner_id

    def after_commit() -> None:
        if previous and previous != locked.version:
            storage.store().delete_prefix(locked.output_prefix(previous))
            Rendition.objects.filter(asset=locked, version=previous).delete()
        _announce(asset_ready, locked)
        queue_waiting_assets(owner_id=owner_id)

    transaction.on_commit(after_commit)
    return True


def _announce(signal: Any, asset: MediaAsset) -> None:
    for receiver, result in signal.send_robust(sender=MediaAsset, asset=asset):
        if isinstance(result, Exception):
            logger.error("receiver %r of %s failed", receiver, asset, exc_info=result)


def _fail_locked(asset: MediaAsset, *, code: str, message: str) -> None:
    asset.status = MediaAsset.Status.FAILED
    asset.error_code = code[:40] or "failed"
    asset.error_message = message
    asset.progress = 0.0
    asset.save(update_fields=["status", "error_code", "error_message", "progress", "updated_at"])
    owner_id = asset.owner_id

    def after_commit() -> None:
        _announce(asset_failed, asset)
        queue_waiting_assets(owner_id=owner_id)

    transaction.on_commit(after_commit)


@transaction.atomic
def fail_asset(*, asset_id: uuid.UUID, code: str, message: str, task_id: str | None = None) -> bool:
    """Mark an asset failed with a message its owner can understand (no more retries)."""
    rows = MediaAsset.objects.select_for_update().filter(pk=asset_id)
    if task_id is not None:
        rows = rows.filter(processing_task_id=task_id)
    asset = rows.exclude(status__in=[MediaAsset.Status.READY, MediaAsset.Status.FAILED]).first()
    if asset is None:
        return False
    _fail_locked(asset, code=code, message=message)
    return True


def process_asset(*, asset_id: uuid.UUID, task_id: str | None = None) -> MediaAsset | None:
    """Download, probe, transcode and publish one asset. Safe to run twice.

    Bad input ends the asset as failed; transient trouble raises
    TransientProcessingError for the task to retry.
    """
    task_id = task_id or f"inline-{uuid.uuid4()}"
    asset = begin_processing(asset_id=asset_id, task_id=task_id)
    if asset is None:
        return None
    errors, pipeline = _media()
    heartbeat = ProgressWriter(asset, task_id)
    max_duration = asset.max_duration_s or settings.VIDEOAWARDS_MAX_DURATION_SECONDS
    try:
        with (
            Heartbeat(asset, task_id),
            tempfile.TemporaryDirectory(
                prefix=f"asset-{asset.pk}-pid{os.getpid()}-", dir=work_root()
            ) as work,
        ):
            source = Path(work) / "source"
            out_dir = Path(work) / "out"
            out_dir.mkdir()
            storage.store().download(asset.source_key, source)
            heartbeat.beat()
            probe, output = pipeline.probe_and_transcode(
                source, out_dir, max_duration_s=max_duration, on_progress=heartbeat
            )
            _publish(asset=asset, out_dir=out_dir, output=output, heartbeat=heartbeat)
    except errors.MediaRejected as exc:
        fail_asset(asset_id=asset.pk, code=exc.code, message=str(exc.user_message), task_id=task_id)
        return MediaAsset.objects.get(pk=asset.pk)
    except (errors.MediaProcessingError, storage.StorageError, OSError) as exc:
        raise TransientProcessingError(str(exc)) from exc
    _mark_ready(asset=asset, task_id=task_id, probe=probe, output=output)
    return MediaAsset.objects.get(pk=asset.pk)


def fail_after_retries(*, asset_id: uuid.UUID, task_id: str | None) -> None:
    """The task ran out of retries: end the asset failed instead of leaving it processing."""
    fail_asset(
        asset_id=asset_id,
        code="processing_failed",
        message=_give_up_message(),
        task_id=task_id,
    )


# --- Re-transcodes and the sweeper ---


@transaction.atomic
def retranscode_assets(*, assets: QuerySet[MediaAsset]) -> int:
    """Make a new version of each asset from its kept original (after a ladder change).

    The current version stays playable until the new one is ready.
    """
    rows = MediaAsset.objects.filter(pk__in=assets.values("pk")).exclude(source_key="")
    owners = set(rows.values_list("owner_id", flat=True))
    count = rows.update(
        version=F("version") + 1,
        status=MediaAsset.Status.UPLOADED,
        progress=0.0,
        delivery_count=0,
        queued_at=None,
        processing_task_id="",
        error_code="",
        error_message="",
        updated_at=timezone.now(),
    )
    for owner_id in owners:
        transaction.on_commit(partial(queue_waiting_assets, owner_id=owner_id))
    return count


def retranscode_asset(*, asset: MediaAsset) -> None:
    retranscode_assets(assets=MediaAsset.objects.filter(pk=asset.pk))


def resend_queued_assets() -> int:
    """Send the task again for every asset that is queued but not started: for when the
    broker lost its messages (Redis restarted without keeping anything on disk). The
    database, not the broker, knows what is waiting. A duplicate is harmless: the first
    delivery claims the asset, later ones find it claimed or done. Returns how many."""
    queued = MediaAsset.objects.filter(status=MediaAsset.Status.UPLOADED, queued_at__isnull=False)
    count = 0
    for asset in queued.order_by("queued_at").iterator(chunk_size=500):
        send_to_worker(asset)
        count += 1
    return count


def sweep_stale_assets() -> int:
    """Queue again the assets whose worker vanished (its heartbeat stopped) or whose message
    was lost, and fill free per-owner slots. Returns how many were queued again.

    Beat runs it every minute, and every worker runs it when it starts and once more when
    the heartbeats of the jobs killed just before have had time to go stale
    (transcoding.tasks), so a killed job runs again within a minute of a worker being back,
    on every broker: kombu's filesystem broker loses the message of a killed job, and
    Redis returns it only after its visibility timeout.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.TRANSCODING_STALE_SECONDS)
    stale = list(
        MediaAsset.objects.filter(status=MediaAsset.Status.PROCESSING, heartbeat_at__lt=cutoff)
    )
    for asset in stale:
        # The new task takes over the claim (a zombie worker is fenced out by the task
        # id) and a fresh heartbeat keeps the next sweep from queueing it again.
        task_id = str(uuid.uuid4())
        updated = MediaAsset.objects.filter(
            pk=asset.pk, status=MediaAsset.Status.PROCESSING, heartbeat_at__lt=cutoff
        ).update(heartbeat_at=timezone.now(), processing_task_id=task_id)
        if updated:
            send_to_worker(asset, task_id=task_id)
    # Queued long ago and never started: the message was lost (the broker was down when
    # it was sent, or it went with a worker before the job began). Sending it again is
    # safe: a second delivery of a job that did start finds its claim and does nothing.
    lost_cutoff = timezone.now() - timedelta(seconds=settings.TRANSCODING_LOST_MESSAGE_SECONDS)
    lost = list(
        MediaAsset.objects.filter(status=MediaAsset.Status.UPLOADED, queued_at__lt=lost_cutoff)
    )
    for asset in lost:
        updated = MediaAsset.objects.filter(
            pk=asset.pk, status=MediaAsset.Status.UPLOADED, queued_at__lt=lost_cutoff
        ).update(queued_at=timezone.now())
        if updated:
            send_to_worker(asset)
    waiting_owners = (
        MediaAsset.objects.filter(status=MediaAsset.Status.UPLOADED, queued_at__isnull=True)
        .values_list("owner_id", flat=True)
        .distinct()
    )
    for owner_id in list(waiting_owners):
        queue_waiting_assets(owner_id=owner_id)
    return len(stale) + len(lost)


def revoke_playback(*, asset_ids) -> int:
    """Void every media URL handed out for these assets: the video must not be seen any
    more by those who had the page open (hidden, withdrawn, unpublished, a guardian said
    no). Pages opened from now on get new URLs if the viewer may still play it."""
    ids = [asset_id for asset_id in asset_ids if asset_id]
    if not ids:
        return 0
    return MediaAsset.objects.filter(pk__in=ids).update(access_version=F("access_version") + 1)
