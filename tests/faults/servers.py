"""Throwaway servers for the fault tests: each on a free loopback port, in a temp folder,
gone when the test ends. The shared PostgreSQL, Redis and S3 of the machine are never
touched.

- ``postgres()``: a fresh PostgreSQL cluster (initdb) that a test may restart or stop.
- ``web_server(env)``: the app under gunicorn (the production server) in a subprocess.
- ``moto_server()``: an S3 server (moto's) in a subprocess.
- ``FaultProxy``: an HTTP proxy in front of a server that answers errors or stalls on
  request, then passes through.

Each helper skips the test, saying why, when the binary it needs is missing.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def need(path: str | Path | None, what: str) -> str:
    """``path`` if it is an executable file, else skip the test saying what is missing."""
    if not path or not os.access(path, os.X_OK):
        pytest.skip(f"needs {what}")
    return str(path)


def _wait_for_port(port: int, *, process: subprocess.Popen, log: Path, name: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited ({process.returncode}):\n{_tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not listen on {port} within {START_SECONDS}s:\n{_tail(log)}")


def _tail(log: Path, size: int = 4000) -> str:
    try:
        return log.read_text(errors="replace")[-size:]
    except OSError:
        return ""


def _stop(process: subprocess.Popen, *, timeout: float = 10) -> None:
    """Stop a server started in its own session, and whatever it started."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, 15)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)
        process.wait(timeout=timeout)


# --- PostgreSQL ---------------------------------------------------------------------------


def _postgres_bin_dir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: p.parts[-3])
    if found:
        return found[-1].parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    pytest.skip("needs PostgreSQL's initdb and pg_ctl (/usr/lib/postgresql/*/bin or PATH)")


@dataclass
class Postgres:
    """A PostgreSQL cluster of its own: ``url`` for DATABASE_URL, ``restart()`` and ``stop()``."""

    bin_dir: Path
    data_dir: Path
    port: int
    log: Path
    as_user: list[str]

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str, timeout: float = 60) -> None:
        # pg_ctl's own output goes to a file: a pipe would be inherited by the server it
        # starts and never reach its end.
        with (self.log.parent / "pg_ctl.log").open("ab") as output:
            subprocess.run(
                [*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *args],
                check=True,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
                timeout=timeout,
            )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data_dir} "
            # A throwaway cluster on a busy disk: no flushes (a clean restart loses nothing
            # either way, the kernel keeps what was written).
            "-c fsync=off -c full_page_writes=off -c max_connections=50"
        )
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.log), "-o", options)

    def restart(self, *, down_seconds: float = 0.0) -> None:
        """A fast restart (``pg_ctl restart -m fast``): open connections are cut, the
        server is back when it returns; with ``down_seconds`` it stays down that long."""
        if not down_seconds:
            self._pg_ctl("restart", "-m", "fast", "-w", "-t", "60", "-l", str(self.log))
            return
        self._pg_ctl("stop", "-m", "fast", "-w", "-t", "60")
        time.sleep(down_seconds)
        self.start()

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "immediate", "-w", "-t", "30")


@contextlib.contextmanager
def postgres() -> Iterator[Postgres]:
    """initdb a cluster in a temp folder, start it on a free port; stop and delete it after."""
    bin_dir = _postgres_bin_dir()
    need(bin_dir / "initdb", "PostgreSQL's initdb")
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="videoawards-faults-pg-"))
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        runuser = need(shutil.which("runuser"), "runuser (to run PostgreSQL as postgres)")
        as_user = [runuser, "-u", "postgres", "--"]
        shutil.chown(folder, user="postgres")
    server = Postgres(
        bin_dir=bin_dir,
        data_dir=folder / "data",
        port=free_port(),
        log=folder / "postgres.log",
        as_user=as_user,
    )
    started = False
    try:
        subprocess.run(
            [
                *as_user, str(bin_dir / "initdb"), "-D", str(server.data_dir), "-U", "postgres",
                "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions",
            ],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        server.start()
        started = True
        yield server
    finally:
        if started:
            with contextlib.suppress(subprocess.SubprocessError):
                server.stop()
        shutil.rmtree(folder, ignore_errors=True)


# --- The app under gunicorn ---------------------------------------------------------------


def app_environment(**overrides: str) -> dict[str, str]:
    """The environment of a production-like app process (DEBUG off, a real secret)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "videoawards.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "faults-only-" + "k" * 40,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        **overrides,
    }


def manage(*args: str, env: Mapping[str, str], timeout: float = 180) -> str:
    """Run manage.py in a subprocess; its output, or an error with what it said."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@dataclass
class WebServer:
    port: int
    log: Path

    def output(self) -> str:
        return _tail(self.log, 20_000)


@contextlib.contextmanager
def web_server(
    env: Mapping[str, str], *, workers: int = 2, threads: int = 4
) -> Iterator[WebServer]:
    """gunicorn with the app on a free port (threaded workers, as production may run it)."""
    try:
        import gunicorn  # noqa: F401 -- only to know whether it is installed
    except ImportError:
        pytest.skip("needs gunicorn in the virtualenv")
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="videoawards-faults-web-"))
    log = folder / "gunicorn.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "videoawards.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                "--threads", str(threads), "--timeout", "30", "--graceful-timeout", "5",
                "--log-level", "warning",
            ],
            cwd=REPO_ROOT, env=dict(env), stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        _wait_for_port(port, process=process, log=log, name="gunicorn")
        yield WebServer(port=port, log=log)
    finally:
        _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


# --- S3 -----------------------------------------------------------------------------------


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """moto's S3 server in a subprocess on a free port; yields its endpoint URL."""
    binary = need(Path(sys.executable).parent / "moto_server", "moto_server (moto[server])")
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="videoawards-faults-moto-"))
    log = folder / "moto.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [binary, "-H", "127.0.0.1", "-p", str(port)],
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for_port(port, process=process, log=log, name="moto_server")
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


_S3_ERRORS = {
    500: ("InternalError", "We encountered an internal error. Please try again."),
    503: ("SlowDown", "Please reduce your request rate."),
}
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


class FaultProxy:
    """An HTTP proxy in front of ``upstream`` that misbehaves on purpose.

    ``plan("503", "503", "pass", "stall")`` decides the next requests one by one: answer
    with that status (an S3-style error body), pass through, or stall (hold the request
    for ``stall_seconds`` and then drop the connection without an answer, as a hung
    server would). Requests beyond the plan pass through. ``seen`` lists what each
    request got, in order, as (method, path, outcome).
    """

    def __init__(self, upstream: str, *, stall_seconds: float = 5.0) -> None:
        host, _colon, port = upstream.removeprefix("http://").partition(":")
        self.upstream = (host, int(port or 80))
        self.stall_seconds = stall_seconds
        self._plan: list[str] = []
        self._lock = threading.Lock()
        self.seen: list[tuple[str, str, str]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def plan(self, *steps: str) -> None:
        with self._lock:
            self._plan = list(steps)

    def faults_left(self) -> int:
        with self._lock:
            return sum(step != "pass" for step in self._plan)

    def outcomes(self) -> list[str]:
        with self._lock:
            return [outcome for _method, _path, outcome in self.seen]

    def _next(self, method: str, path: str) -> str:
        with self._lock:
            step = self._plan.pop(0) if self._plan else "pass"
            self.seen.append((method, path, step))
            return step

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while size := int(self.rfile.readline().split(b";")[0], 16):
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    self.rfile.readline()
                    return b"".join(chunks)
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _answer(self) -> None:
                body = self._body()
                step = proxy._next(self.command, self.path)
                if step == "stall":
                    time.sleep(proxy.stall_seconds)
                    self.close_connection = True
                    return
                if step != "pass":
                    self._error(int(step))
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    headers["Content-Length"] = str(len(body))
                upstream = http.client.HTTPConnection(*proxy.upstream, timeout=60)
                try:
                    upstream.request(self.command, self.path, body=body or None, headers=headers)
                    response = upstream.getresponse()
                    content = response.read()
                    self.send_response(response.status, response.reason)
                    for key, value in response.getheaders():
                        if key.lower() not in _HOP_BY_HOP and key.lower() != "content-length":
                            self.send_header(key, value)
                    length = response.getheader("Content-Length")
                    if self.command == "HEAD" and length is not None:
                        self.send_header("Content-Length", length)
                    else:
                        self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(content)
                finally:
                    upstream.close()

            def _error(self, status: int) -> None:
                code, message = _S3_ERRORS.get(status, ("InternalError", "Injected error."))
                body = (
                    '<?xml version="1.0" encoding="UTF-8"?>\n'
                    f"<Error><Code>{code}</Code><Message>{message}</Message>"
                    "<RequestId>fault-proxy</RequestId></Error>"
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def handle_one_request(self) -> None:
                try:
                    super().handle_one_request()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer

        return Handler


# --- A tiny filesystem --------------------------------------------------------------------


@contextlib.contextmanager
def tiny_filesystem(size: str = "2m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on a temp folder (root only); unmounted after."""
    binary = need(shutil.which("mount"), "mount")
    folder = Path(tempfile.mkdtemp(prefix="videoawards-faults-disk-"))
    mounted = subprocess.run(
        [binary, "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip(f"needs to mount a tmpfs (root): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def fill(folder: Path, *, leave: int) -> Path:
    """Fill the filesystem of ``folder`` until only about ``leave`` bytes are free."""
    filler = folder / "filler"
    free = shutil.disk_usage(folder).free
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(free - leave, 0))
    return filler
