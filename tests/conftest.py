"""Fixtures shared by the whole suite, and the harness for real services.

The same tests run embedded (SQLite, a local media folder, kombu's filesystem broker)
and against services (PostgreSQL, Redis, an S3 server), chosen by the environment as
the app itself is. The harness gives tests a real Celery worker process that sees the
test database, the broker and the storage, and helpers to look into that storage.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import rules
from django.conf import settings as django_settings
from rules.permissions import permissions as access_permissions

from voting.services.votes import forget_cached_facts

REPO_ROOT = Path(__file__).resolve().parent.parent
WORKER_QUEUES = ("default", "transcode")
WORKER_READY_SECONDS = 90

# pytest-django imports the settings before any conftest (its pytest_load_initial_conftests
# runs before pytest loads conftests), so the settings that must differ per test session
# are changed here, once, and handed to worker processes through their environment.
SESSION_DIR = Path(tempfile.mkdtemp(prefix="videoawards-pytest-"))
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_MAIL_DIR = SESSION_DIR / "worker-mail"


def _use_private_filesystem_broker() -> None:
    """Each session gets its own broker folders, so no stale or foreign message reaches it."""
    if not django_settings.CELERY_BROKER_URL.startswith("filesystem://"):
        return
    broker_dir = SESSION_DIR / "broker"
    folders = {name: broker_dir / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    django_settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        **django_settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
    }
    os.environ["CELERY_FILESYSTEM_BROKER_DIR"] = str(broker_dir)
    from videoawards.celery import app

    app.conf.broker_transport_options = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS


def _s3_options() -> dict | None:
    if django_settings.STORAGE_BACKEND != "s3":
        return None
    return django_settings.STORAGES["default"]["OPTIONS"]


def _s3_is_disposable() -> bool:
    """Only a test server on this machine may have its bucket emptied between tests."""
    options = _s3_options()
    host = urlsplit(options["endpoint_url"] or "").hostname if options else None
    return host in {"localhost", "::1"} or (host or "").startswith("127.")


def _use_private_bucket_per_xdist_worker() -> None:
    if _XDIST_WORKER and _s3_is_disposable():
        options = _s3_options()
        options["bucket_name"] = f"{options['bucket_name']}-{_XDIST_WORKER}"


_use_private_filesystem_broker()
_use_private_bucket_per_xdist_worker()


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(SESSION_DIR, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` (row locks, real concurrency) are skipped on SQLite."""
    if django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """SQLite test databases are files, not memory, so a worker process can open them."""
    for alias, database in django_settings.DATABASES.items():
        test = database.setdefault("TEST", {})
        if database["ENGINE"] == "django.db.backends.sqlite3" and not test.get("NAME"):
            test["NAME"] = str(SESSION_DIR / f"test-{alias}.sqlite3")


# --- Every test -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _site_language_after_each_test():
    """A request in another language (Accept-Language: de) leaves Django's locale
    middleware's choice active in the thread; the next test starts in the site's."""
    yield
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_cached_pages():
    """Ids and versions come back after a test's rollback: no test sees another's pages.
    (A test's own changes never commit, so within it the pages cache is cleared by hand
    or its changes run their on-commit callbacks; see tests/core/test_pagecache.py.)"""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_vote_facts():
    """The vote path caches entry facts per process by entry id; ids come back after a
    test's rollback, so every test starts and ends with an empty cache."""
    forget_cached_facts()
    yield
    forget_cached_facts()


# Tasks whose work tests read straight away (the mail outbox): outside the worker tests
# they run in the test's own process when queued, as Celery's eager mode runs a task.
# tests/integration/test_mail.py sends mail through the real broker and worker instead.
@pytest.fixture(autouse=True)
def _mail_tasks_run_here(request, monkeypatch):
    if request.node.get_closest_marker("worker") or request.node.get_closest_marker("queued_mail"):
        yield
        return
    from videoawards.core.tasks import send_mail
    from voting.tasks import tell_participants_about_results

    for task in (send_mail, tell_participants_about_results):
        monkeypatch.setattr(
            task,
            "apply_async",
            lambda args=None, kwargs=None, _task=task, **options: _task.apply(args, kwargs),
        )
    yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path, request):
    """Each test gets its own local media folder, or an empty bucket on a test S3 server."""
    if settings.STORAGE_BACKEND == "local":
        _use_local_media(settings, tmp_path / "media")
    elif _s3_is_disposable():
        client = request.getfixturevalue("_s3_session_client")
        _empty_bucket(client, _s3_options()["bucket_name"])


# --- Storage ------------------------------------------------------------------------


def _use_local_media(settings, folder: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    settings.MEDIA_ROOT = str(folder)


def _make_s3_client():
    import boto3
    from botocore.config import Config

    options = _s3_options()
    return boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
        region_name=options["region_name"],
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


@pytest.fixture(scope="session")
def _s3_session_client():
    """The client the harness itself uses; creates the session's bucket on a test server."""
    if _s3_options() is None:
        pytest.skip("needs STORAGE_BACKEND=s3")
    client = _make_s3_client()
    bucket = _s3_options()["bucket_name"]
    if _s3_is_disposable():
        existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
        if bucket not in existing:
            client.create_bucket(Bucket=bucket)
    return client


def _empty_bucket(client, bucket: str) -> None:
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        objects = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if objects:
            client.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    for upload in client.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])


@pytest.fixture
def s3_bucket() -> str:
    """The bucket the default storage writes to (skips the test unless STORAGE_BACKEND=s3)."""
    if _s3_options() is None:
        pytest.skip("needs STORAGE_BACKEND=s3")
    return _s3_options()["bucket_name"]


@pytest.fixture
def s3_client(s3_bucket, _s3_session_client):
    """A boto3 client for the configured S3 endpoint, with the storage's own keys."""
    return _s3_session_client


def list_storage_keys(prefix: str = "") -> list[str]:
    """Every file name in the default storage under the folder `prefix`, sorted.

    Goes through the storage API, so it reads a local folder and an S3 bucket alike.
    """
    from django.core.files.storage import default_storage

    def walk(folder: str) -> list[str]:
        try:
            dirs, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return []
        join = (lambda name: f"{folder}/{name}") if folder else (lambda name: name)
        names = [join(name) for name in files]
        for name in dirs:
            names += walk(join(name))
        return names

    return sorted(walk(prefix.strip("/")))


@pytest.fixture(name="list_storage_keys")
def list_storage_keys_fixture() -> Callable[[str], list[str]]:
    """`list_storage_keys(prefix)`: the file names left in storage under a folder."""
    return list_storage_keys


# --- A real Celery worker ---------------------------------------------------------------


def _database_url(database: dict) -> str:
    """A DATABASE_URL naming the same database as Django's connection settings."""
    engine = database["ENGINE"]
    name = str(database["NAME"])
    if engine == "django.db.backends.sqlite3":
        if name == ":memory:" or name.startswith("file:"):
            raise RuntimeError("A worker process cannot open an in-memory SQLite database.")
        return f"sqlite:///{Path(name).resolve()}"
    if engine == "django.db.backends.postgresql":
        user = quote(database.get("USER") or "", safe="")
        password = quote(database.get("PASSWORD") or "", safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        port = f":{database['PORT']}" if database.get("PORT") else ""
        return f"postgres://{auth}{database.get('HOST') or ''}{port}/{quote(name, safe='')}"
    raise RuntimeError(f"The worker harness does not know how to reach {engine}.")


def purge_broker_queues() -> None:
    """Drop the messages waiting on the worker queues (and, on Redis, unacked ones)."""
    from videoawards.celery import app

    with app.connection_for_write() as connection:
        channel = connection.default_channel
        for queue in WORKER_QUEUES:
            channel.queue_purge(queue)
        if hasattr(channel, "unacked_key"):
            channel.client.delete(channel.unacked_key, channel.unacked_index_key)


class CeleryWorkerProcess:
    """A real `celery worker` subprocess on the test database, the broker and the storage.

    `kill(signal.SIGKILL)` ends it and its pool at once, like a machine dying;
    `kill(signal.SIGTERM)` asks for Celery's warm shutdown. `restart()` starts a new one.
    """

    def __init__(self, *, env: dict[str, str], log_path: Path, hostname: str) -> None:
        self.env = env
        self.log_path = log_path
        self.hostname = hostname
        self.media_root = Path(env["VIDEOAWARDS_VAR_DIR"]) / "media"
        self._process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None, "the worker was never started"
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        command = [
            sys.executable, "-m", "celery", "-A", "videoawards", "worker",
            "-Q", ",".join(WORKER_QUEUES), "--pool", "prefork", "--concurrency", "1",
            "-l", "info", "-n", self.hostname,
            "--without-mingle", "--without-gossip", "--without-heartbeat",
        ]  # fmt: skip
        with self.log_path.open("a") as log:
            log.write(f"\n--- starting worker {self.hostname} ---\n")
            log.flush()
            self._process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready()

    def wait_ready(self, timeout: float = WORKER_READY_SECONDS) -> None:
        """Return once the worker answers a remote-control ping over the broker."""
        from videoawards.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive:
                raise RuntimeError(f"The Celery worker exited while starting:\n{self.logs()}")
            if app.control.ping(destination=[self.hostname], timeout=1.0):
                return
        self.stop()
        raise RuntimeError(f"The Celery worker did not answer in {timeout}s:\n{self.logs()}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig`: SIGKILL goes to the worker and its pool processes, others to the worker."""
        if not self.alive:
            return
        if sig == signal.SIGKILL:
            os.killpg(self.pid, sig)
        else:
            os.kill(self.pid, sig)

    def wait(self, timeout: float = 30) -> int:
        """Wait for the worker to exit and return its exit code."""
        assert self._process is not None, "the worker was never started"
        return self._process.wait(timeout=timeout)

    def stop(self) -> None:
        """Cold shutdown (running tasks are not waited for), then a kill if it takes too long.

        No pool process is left behind.
        """
        if self._process is None:
            return
        if self.alive:
            self.kill(signal.SIGQUIT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.wait(timeout=20)

    def restart(self) -> None:
        self.stop()
        self.start()

    def logs(self) -> str:
        """Everything the worker processes of this session printed, oldest first."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for_log(self, text: str, timeout: float = 60) -> str:
        """Wait until `text` appears in the worker's output and return that output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            logs = self.logs()
            if text in logs:
                return logs
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared in the worker's output:\n{self.logs()}")

    def manage(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run `manage.py <args>` with the worker's environment (its database and storage)."""
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup, django_db_blocker) -> Iterator[CeleryWorkerProcess]:
    """One worker per test session (per xdist process: with Redis, run worker tests without -n,
    as every session's worker consumes the same queues)."""
    from django.db import connections

    var_dir = SESSION_DIR / "worker-var"
    (var_dir / "media").mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "videoawards.settings",
        # The same key as this process (tokens the worker signs verify here), whether it
        # came from the environment or from the embedded default's var/secret_key.
        "DJANGO_SECRET_KEY": django_settings.SECRET_KEY,
        "DATABASE_URL": _database_url(connections["default"].settings_dict),
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "VIDEOAWARDS_VAR_DIR": str(var_dir),
        # The worker's mail lands in files a test can read (tests/integration/test_mail.py).
        "EMAIL_URL": f"filemail:///{WORKER_MAIL_DIR}",
        "DJANGO_LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        # A killed job is presumed dead after 5 s without a beat (production: 30 s).
        "TRANSCODING_HEARTBEAT_SECONDS": "1",
        "TRANSCODING_STALE_SECONDS": "5",
    }
    if _s3_options() is not None:
        env["S3_BUCKET"] = _s3_options()["bucket_name"]
    worker = CeleryWorkerProcess(
        env=env,
        log_path=SESSION_DIR / "celery-worker.log",
        hostname=f"pytest-{os.getpid()}{_XDIST_WORKER}@{socket.gethostname()}",
    )
    purge_broker_queues()
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker_process(
    request, _celery_worker_session, settings
) -> Iterator[CeleryWorkerProcess]:
    """A running worker with empty queues, sharing this test's database and storage.

    The test must be `@pytest.mark.worker` and `@pytest.mark.django_db(transaction=True)`:
    the worker is another process and only sees committed rows.
    """
    db_marker = request.node.get_closest_marker("django_db")
    transaction = db_marker is not None and (
        db_marker.kwargs.get("transaction") or (db_marker.args and db_marker.args[0])
    )
    if request.node.get_closest_marker("worker") is None or not transaction:
        pytest.fail(
            "A test with a real worker needs @pytest.mark.worker and "
            "@pytest.mark.django_db(transaction=True)."
        )
    worker = _celery_worker_session
    if not worker.alive:  # an earlier test killed it
        worker.restart()
    purge_broker_queues()
    if settings.STORAGE_BACKEND == "local":
        shutil.rmtree(worker.media_root, ignore_errors=True)
        worker.media_root.mkdir()
        _use_local_media(settings, worker.media_root)
    yield worker
    purge_broker_queues()


@pytest.fixture
def widen_permission() -> Iterator[Callable]:
    """widen(permission, predicate): core.access.widen for one test, taken back after it."""
    from videoawards.core import access

    saved: dict[str, object] = {}

    def widen(permission: str, predicate) -> None:
        saved.setdefault(permission, access_permissions[permission])
        access.widen(permission, predicate)

    yield widen
    for permission, rule in saved.items():
        rules.set_perm(permission, rule)
