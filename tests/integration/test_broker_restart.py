"""Redis restarted under a full queue: it keeps nothing on disk (as on this machine), so
the queued messages are gone; the database knows what is waiting and the worker sends it
again when its broker connection comes back (videoawards.celery)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import CeleryWorkerProcess
from tests.factories import ParticipantFactory
from transcoding import storage
from transcoding.media import samples
from transcoding.models import MediaAsset

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ASSETS = 50
REDIS = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayRedis:
    """A redis-server of this test alone, on a free port, keeping nothing on disk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            str(REDIS), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(self.folder),
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not answer")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()  # like a crash: nothing is saved
            self._process.wait(timeout=10)


class WorkerOnItsOwnBroker(CeleryWorkerProcess):
    """The tests' worker, but on another broker: readiness is read from its log, since
    the test process's Celery app speaks to the tests' broker."""

    def wait_ready(self, timeout: float = 90) -> None:
        self.wait_for_log(" ready.", timeout=timeout)


@pytest.mark.skipif(REDIS is None, reason="needs redis-server (apt-get install redis-server)")
def test_redis_restarted_with_fifty_transcodes_queued_loses_none(celery_worker_process, tmp_path):
    # given: a worker on a Redis of its own, and fifty people's uploads queued there
    redis = ThrowawayRedis(tmp_path)
    redis.start()
    worker = WorkerOnItsOwnBroker(
        env={**celery_worker_process.env, "CELERY_BROKER_URL": redis.url},
        log_path=tmp_path / "worker.log",
        hostname=f"redis-restart-{os.getpid()}@{socket.gethostname()}",
    )
    clip = samples.make_sample_video(tmp_path / "clip.mp4", seconds=1, width=160, height=120)
    assets = []
    for _number in range(ASSETS):
        asset = MediaAsset.objects.create(owner=ParticipantFactory(), max_duration_s=60)
        key = f"uploads/{asset.pk}/source"
        storage.upload(clip, key, content_type="video/mp4", cache_control="private")
        MediaAsset.objects.filter(pk=asset.pk).update(
            source_key=key, source_size=clip.stat().st_size
        )
        assets.append(asset)
    try:
        worker.start()
        queued = worker.manage(
            "shell",
            "-c",
            "from transcoding import services; from transcoding.models import MediaAsset; "
            "[services.queue_waiting_assets(owner_id=o) for o in "
            "MediaAsset.objects.values_list('owner_id', flat=True)]",
        )
        assert queued.returncode == 0, queued.stderr
        rows = MediaAsset.objects.filter(pk__in=[a.pk for a in assets])
        deadline = time.monotonic() + 120
        while rows.filter(status="ready").count() < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        # when: Redis dies with the queue full and comes back empty
        redis.stop()
        lost_with_it = rows.exclude(status="ready").count()
        redis.start()
        # then: all fifty end ready, each claimed once, and the worker said why
        deadline = time.monotonic() + 240
        while rows.filter(status="ready").count() < ASSETS and time.monotonic() < deadline:
            time.sleep(0.2)
        states = sorted(rows.values_list("status", "delivery_count"))
        assert states == [("ready", 1)] * ASSETS, worker.logs()[-4000:]
        assert "queued videos sent again" in worker.logs()
        assert lost_with_it > 10
    finally:
        worker.stop()
        redis.stop()
