"""Running ffmpeg and ffprobe on untrusted files: subprocesses under hard limits.

Each process gets its own session (so a timeout kills its whole process group), CPU,
address-space and file-size limits set before exec, a clean environment, and dies with
its parent (a worker killed with SIGKILL leaves no ffmpeg behind). Whatever goes wrong
in the caller, the process is killed and reaped before ``run`` returns or raises.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from transcoding.media.errors import MediaProcessingError

_PR_SET_PDEATHSIG = 1
_STDERR_TAIL_BYTES = 16 * 1024
_MAX_STDOUT_BYTES = 16 * 1024**2
_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


@dataclass(frozen=True)
class ProcessLimits:
    """Ceilings for one ffmpeg/ffprobe run. CPU time counts every thread."""

    wall_seconds: float
    cpu_seconds: int
    memory_bytes: int
    file_size_bytes: int

    @property
    def cpu_rlimit(self) -> int:
        """RLIMIT_CPU takes whole seconds, at least one."""
        return max(int(self.cpu_seconds), 1)


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr_tail: str
    timed_out: bool
    cpu_seconds: float = 0.0  # CPU time the process used, every thread counted
    cpu_limit: float = 0.0

    @property
    def limit_hit(self) -> str:
        """Which limit ended the process: "time", "cpu", "file_size", "killed" (a SIGKILL
        from elsewhere, e.g. the kernel's out-of-memory killer: worth another try), or ""."""
        if self.timed_out:
            return "time"
        if self.returncode == -signal.SIGXCPU:
            return "cpu"
        if self.returncode == -signal.SIGKILL:
            # RLIMIT_CPU kills at the limit; a kill well before it came from outside.
            return "cpu" if self.cpu_seconds >= 0.9 * self.cpu_limit else "killed"
        if self.returncode == -signal.SIGXFSZ:
            return "file_size"
        return ""


def setting(name: str, default: Any) -> Any:
    """A Django setting when Django is configured (the app), else ``default`` (scripts)."""
    return getattr(settings, name, default) if settings.configured else default


def static_build_folder() -> Path:
    """Where `scripts/dev.py` installs the static ffmpeg from PyPI when none is on PATH:
    inside the virtualenv this Python runs from (VIDEOAWARDS_FFMPEG_STATIC_DIR elsewhere)."""
    configured = os.environ.get("VIDEOAWARDS_FFMPEG_STATIC_DIR")
    return Path(configured) if configured else Path(sys.prefix) / "ffmpeg-static"


def _static_build(name: str) -> str | None:
    exe = ".exe" if os.name == "nt" else ""
    for found in sorted(static_build_folder().glob(f"**/{name}{exe}")):
        if found.is_file() and os.access(found, os.X_OK):
            return str(found)
    return None


def binary(name: str) -> str:
    """Path of ffmpeg or ffprobe, found the same way by every process (the web server, a
    worker started by hand, manage.py, pytest): VIDEOAWARDS_FFMPEG/VIDEOAWARDS_FFPROBE,
    else the one on PATH, else the static build `scripts/dev.py` installed in the venv."""
    found = (
        setting(f"VIDEOAWARDS_{name.upper()}", "")
        or os.environ.get(f"VIDEOAWARDS_{name.upper()}")
        or shutil.which(name)
        or _static_build(name)
    )
    if not found:
        raise MediaProcessingError(
            f"{name} is not installed: install ffmpeg (apt-get install ffmpeg), run "
            f"`python3 scripts/dev.py test` once to put a static build into the venv, "
            f"or set VIDEOAWARDS_{name.upper()}"
        )
    return found


def _limit(kind: int, value: int, hard: int | None = None) -> None:
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(kind, (value, value if hard is None else hard))


def _preexec(limits: ProcessLimits) -> Callable[[], None]:
    cpu = limits.cpu_rlimit

    def apply() -> None:  # runs in the child between fork and exec: keep it tiny
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        _limit(resource.RLIMIT_CPU, cpu)  # soft = hard: SIGKILL (ffmpeg would catch SIGXCPU)
        _limit(resource.RLIMIT_AS, int(limits.memory_bytes))
        _limit(resource.RLIMIT_FSIZE, int(limits.file_size_bytes))
        _limit(resource.RLIMIT_CORE, 0)

    return apply


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _environment() -> dict[str, str]:
    """No proxies, no inherited library paths: only what ffmpeg needs to start."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}


def _read_tail(handle) -> str:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(size - _STDERR_TAIL_BYTES, 0))
    return handle.read().decode("utf-8", errors="replace")


def run(
    args: Sequence[str],
    *,
    limits: ProcessLimits,
    on_line: Callable[[str], None] | None = None,
    cwd: Path | None = None,
) -> Completed:
    """Run a command under ``limits``; stdout goes line by line to ``on_line`` (or is
    returned whole). Never leaves the process running, whatever is raised."""
    timed_out = threading.Event()
    stdout_parts: list[str] = []
    deadline = time.monotonic() + limits.wall_seconds
    # Children's CPU time as the kernel reports it for reaped children: the difference
    # across this run is this process's (a worker runs one job at a time).
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            list(args),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=cwd,
            env=_environment(),
            start_new_session=True,
            preexec_fn=_preexec(limits),  # the limits must be set inside the child
            close_fds=True,
        )

        def on_timeout() -> None:
            if process.poll() is None:  # never signal a pid that was already reaped
                timed_out.set()
                _kill_group(process)

        watchdog = threading.Timer(limits.wall_seconds, on_timeout)
        watchdog.daemon = True
        watchdog.start()
        try:
            assert process.stdout is not None
            read = 0
            for raw in process.stdout:
                read += len(raw)
                line = raw.decode("utf-8", errors="replace")
                if on_line is not None:
                    on_line(line.rstrip("\n"))
                elif read <= _MAX_STDOUT_BYTES:
                    stdout_parts.append(line)
            try:
                returncode = process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                on_timeout()
                returncode = process.wait()
        except BaseException:
            if process.poll() is None:
                _kill_group(process)
            process.wait()
            raise
        finally:
            watchdog.cancel()
            if process.stdout is not None:
                process.stdout.close()
        return Completed(
            returncode=returncode,
            stdout="".join(stdout_parts),
            stderr_tail=_read_tail(stderr),
            timed_out=timed_out.is_set(),
            cpu_seconds=_cpu_since(before),
            cpu_limit=limits.cpu_rlimit,
        )


def _cpu_since(before: resource.struct_rusage) -> float:
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def input_url(path: Path) -> str:
    """A local path as an ffmpeg input that cannot be read as any other protocol."""
    return "file:" + str(Path(path).resolve())
