"""Benchmark the media pipeline (figures, not a test: nothing is asserted).

    .venv/bin/python -m tests.bench.pipeline --json [--seconds 30] [--rounds 2] [--quick]

Generates a 1080p clip with sound once, then alternates (A B C A B C ...) and reports
medians of:

- A, the whole pipeline as a worker runs it: create the asset, store the source,
  process_asset in this machine's storage (probe, one ffmpeg process for the whole
  ladder, stills, publish), in a child process;
- B, the bare ffmpeg command line our transcode builds for the same ladder
  (transcode.build_command), run by subprocess into a temporary folder;
- C, one ffmpeg process per rendition, run one after the other, each decoding the source.

pipeline_vs_ffmpeg = A / B (goal <= 1.05: the pipeline adds little to ffmpeg's work);
separate_vs_single = C / B (goal >= 1.25: decoding once pays). upload_local_mb_s is the
throughput (MiB/s) of the local upload endpoint for a 1 GiB upload over loopback: create
the upload, PUT 8 MiB parts four at a time like the browser, complete; against gunicorn
started here on a free port, with a SQLite database in a temporary folder.
worker_peak_rss_mb is the peak resident memory of the pipeline's process tree (python
plus its largest ffmpeg/ffprobe child, both from getrusage), measured for two source
sizes to show it does not grow with the file. Everything runs on the embedded default
(SQLite, local storage) in a temporary folder. With --json the last line printed is one
JSON object with the figures, raw timings and machine info.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
MIB = 1024**2
GOAL_PIPELINE_VS_FFMPEG = 1.05
GOAL_SEPARATE_VS_SINGLE = 1.25
UPLOAD_PARALLEL = 4  # parts in flight, like the browser's uploader
SERVER_WORKERS = 4
SERVER_READY_SECONDS = 60
OWNER_EMAIL = "bench@videoawards.invalid"

FULL = {"seconds": 30, "width": 1920, "height": 1080, "upload_mib": 1024, "rounds": 2}
QUICK = {"seconds": 2, "width": 640, "height": 360, "upload_mib": 16, "rounds": 1}


_STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[bench {time.monotonic() - _STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


# --- The embedded default in a temporary folder ---


def use_private_site(work: Path) -> None:
    """Point this process (and every child it starts) at a fresh database and storage."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "videoawards.settings",
            "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "VIDEOAWARDS_VAR_DIR": str(work / "var"),
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_FILESYSTEM_BROKER_DIR": str(work / "var" / "broker"),
            "STORAGE_BACKEND": "local",
            "TRANSCODING_WORK_DIR": str(work / "jobs"),
        }
    )
    os.environ.pop("CACHE_URL", None)


def setup_django() -> None:
    import django

    django.setup()


def bench_owner() -> Any:
    from django.utils import timezone

    from videoawards.accounts.models import Role, User

    # A confirmed adult, as uploads need (accounts.selectors.take_part_problem).
    user, _created = User.objects.get_or_create(
        email=OWNER_EMAIL,
        defaults={
            "display_name": "Bench",
            "role": Role.ORGANISER,
            "email_verified_at": timezone.now(),
        },
    )
    return user


# --- A: the pipeline, in a child process so its memory can be measured ---


def run_pipeline_child(source: Path) -> dict[str, Any]:
    """What the child prints: timings, the asset's status and the tree's peak memory."""
    setup_django()
    from transcoding.services import import_file, process_imported_asset

    owner = bench_owner()
    started = time.perf_counter()
    asset = import_file(path=source, owner=owner, queue=False)
    stored = time.perf_counter()
    asset = process_imported_asset(asset=asset)
    finished = time.perf_counter()
    return {
        "seconds": finished - started,
        "store_seconds": stored - started,
        "process_seconds": finished - stored,
        "status": asset.status,
        "error": asset.error_message,
        "renditions": sorted(r.height for r in asset.renditions.all()),
        # ru_maxrss is in KiB on Linux: the largest waited-for child is ffmpeg or ffprobe.
        "python_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "ffmpeg_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def pipeline_in_child(source: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.pipeline", "--child-pipeline", str(source)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the pipeline child failed:\n{result.stderr[-4000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    if figures["status"] != "ready":
        raise RuntimeError(f"the pipeline did not make the video ready: {figures['error']}")
    return figures


# --- B and C: bare ffmpeg ---


def ffmpeg_commands(source: Path) -> tuple[list[str], list[list[str]], list[str]]:
    """(the single command for the whole ladder, one command per rung, rung names)."""
    from django.conf import settings

    from transcoding.media import ladder, probe, transcode

    probed = probe.probe(
        source, limits=probe.ProbeLimits(max_duration_s=settings.VIDEOAWARDS_MAX_DURATION_SECONDS)
    )
    rungs = ladder.rungs_for(probed)
    rate = transcode.output_frame_rate(probed)
    single = transcode.build_command(probed, source, rungs, rate)
    separate = [transcode.build_command(probed, source, [rung], rate) for rung in rungs]
    return single, separate, [rung.name for rung in rungs]


def run_ffmpeg(argv: list[str], names: list[str], scratch: Path) -> float:
    """Seconds one command takes, writing into a fresh folder (removed afterwards)."""
    out = Path(tempfile.mkdtemp(dir=scratch))
    for name in names:
        (out / name).mkdir()
    try:
        started = time.perf_counter()
        subprocess.run(argv, cwd=out, stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - started
    finally:
        shutil.rmtree(out, ignore_errors=True)


# --- The local upload endpoint against a real server ---


def free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


@contextlib.contextmanager
def web_server(log: Path) -> Iterator[str]:
    import requests

    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "videoawards.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(SERVER_WORKERS), "--timeout", "600",
        "--preload",  # import the app once, then fork: quicker to start
    ]  # fmt: skip
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_READY_SECONDS
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-4000:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer:\n{log.read_text()[-4000:]}")
            time.sleep(0.2)
        with ThreadPoolExecutor(max_workers=SERVER_WORKERS * 2) as pool:  # every worker warm
            list(pool.map(lambda _: requests.get(f"{base}/healthz", timeout=30), range(16)))
        say("gunicorn is up")
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGINT)  # quick shutdown
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def upload_through_server(base: str, *, size: int, token: str) -> dict[str, Any]:
    """Upload `size` bytes as the browser does; returns seconds and what the server said."""
    import requests

    api = requests.Session()
    api.headers["Authorization"] = f"Token {token}"
    body = os.urandom(8 * MIB)
    started = time.perf_counter()
    response = api.post(
        f"{base}/api/v1/uploads/",
        json={"filename": "bench.mp4", "size": size, "content_type": "video/mp4"},
    )
    response.raise_for_status()
    upload = response.json()
    created = time.perf_counter()
    part_size = upload["part_size"]
    if part_size > len(body):
        body = os.urandom(part_size)
    sessions: dict[int, requests.Session] = {}

    def put(part: dict[str, Any]) -> dict[str, Any]:
        session = sessions.setdefault(threading.get_ident(), requests.Session())
        number = part["number"]
        length = min(part_size, size - (number - 1) * part_size)
        answer = session.put(part["url"], data=body[:length], timeout=120)
        answer.raise_for_status()
        return {"number": number, "etag": answer.headers["ETag"]}

    sent: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max_workers=UPLOAD_PARALLEL) as pool:
        batch = upload["part_urls"]
        while batch:  # URLs come signed in batches, like the browser gets them
            sent.extend(pool.map(put, batch))
            detail = api.get(f"{base}/api/v1/uploads/{upload['id']}/")
            detail.raise_for_status()
            batch = detail.json()["part_urls"]
    parts_sent = time.perf_counter()
    done = api.post(f"{base}/api/v1/uploads/{upload['id']}/complete/", json={"parts": sent})
    done.raise_for_status()
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "phases_seconds": {
            "create": round(created - started, 3),
            "parts": round(parts_sent - created, 3),
            "complete": round(time.perf_counter() - parts_sent, 3),
        },
        "bytes": size,
        "part_size": part_size,
        "parts": len(sent),
        "asset_status": done.json()["status"],
        "mib_s": size / MIB / seconds,
    }


def bench_upload(work: Path, *, size: int) -> dict[str, Any]:
    from rest_framework.authtoken.models import Token

    token, _created = Token.objects.get_or_create(user=bench_owner())
    with web_server(work / "gunicorn.log") as base:
        result = upload_through_server(base, size=size, token=token.key)
    shutil.rmtree(work / "var" / "media" / "uploads", ignore_errors=True)
    return result


# --- Putting it together ---


def machine_info() -> dict[str, Any]:
    from django.conf import settings

    from transcoding.media import sandbox

    ffmpeg = sandbox.binary("ffmpeg")
    version = subprocess.run([ffmpeg, "-version"], capture_output=True, text=True, check=False)
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gib": round(memory / 1024**3, 1),
        "ffmpeg": version.stdout.splitlines()[0] if version.stdout else ffmpeg,
        "x264_preset": getattr(settings, "TRANSCODING_X264_PRESET", "veryfast"),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def make_clip(path: Path, config: dict[str, Any], seconds: int) -> Path:
    from transcoding.media import samples

    say(f"making a {seconds} s {config['width']}x{config['height']} clip with sound")
    return samples.make_sample_video(
        path, seconds=seconds, width=config["width"], height=config["height"], faststart=True
    )


def alternate(source: Path, scratch: Path, rounds: int) -> dict[str, Any]:
    """A B C A B C ...: the pipeline, bare ffmpeg, one ffmpeg per rendition."""
    single, separate, names = ffmpeg_commands(source)
    timings: dict[str, list[float]] = {"pipeline": [], "ffmpeg": [], "separate": []}
    runs: list[dict[str, Any]] = []
    for number in range(1, rounds + 1):
        say(f"round {number}/{rounds}: pipeline")
        runs.append(pipeline_in_child(source))
        timings["pipeline"].append(runs[-1]["seconds"])
        say(f"round {number}/{rounds}: ffmpeg, one process for the ladder")
        timings["ffmpeg"].append(run_ffmpeg(single, names, scratch))
        say(f"round {number}/{rounds}: ffmpeg, one process per rendition")
        per_rung = zip(separate, names, strict=True)
        timings["separate"].append(sum(run_ffmpeg(a, [name], scratch) for a, name in per_rung))
    return {"timings": timings, "runs": runs, "argv": single, "renditions": names}


def peak_memory(run: dict[str, Any], source: Path, seconds: int) -> dict[str, Any]:
    return {
        "source_seconds": seconds,
        "source_mb": round(source.stat().st_size / MIB, 1),
        "python_mb": round(run["python_peak_rss_mb"], 1),
        "ffmpeg_mb": round(run["ffmpeg_peak_rss_mb"], 1),
    }


def figures_from(
    *,
    config: dict[str, Any],
    source: Path,
    measured: dict[str, Any],
    memory: list[dict[str, Any]],
    upload: dict[str, Any],
    machine: dict[str, Any],
) -> dict[str, Any]:
    timings = measured["timings"]
    medians = {name: median(values) for name, values in timings.items()}
    main_memory = memory[-1]
    return {
        "benchmark": "pipeline",
        "source": {
            "seconds": config["seconds"],
            "width": config["width"],
            "height": config["height"],
            "audio": True,
            "mb": round(source.stat().st_size / MIB, 1),
            "renditions": measured["renditions"],
        },
        "rounds": config["rounds"],
        "pipeline_vs_ffmpeg": round(medians["pipeline"] / medians["ffmpeg"], 3),
        "pipeline_vs_ffmpeg_goal": GOAL_PIPELINE_VS_FFMPEG,
        "separate_vs_single": round(medians["separate"] / medians["ffmpeg"], 3),
        "separate_vs_single_goal": GOAL_SEPARATE_VS_SINGLE,
        "upload_local_mb_s": round(upload["mib_s"], 1),
        "worker_peak_rss_mb": round(main_memory["python_mb"] + main_memory["ffmpeg_mb"], 1),
        "worker_peak_rss_python_mb": main_memory["python_mb"],
        "worker_peak_rss_ffmpeg_mb": main_memory["ffmpeg_mb"],
        "worker_peak_rss_by_source": memory,
        "median_seconds": medians,
        "timings_seconds": {
            name: [round(value, 3) for value in values] for name, values in timings.items()
        },
        "pipeline_parts_seconds": [
            {"store": round(run["store_seconds"], 3), "process": round(run["process_seconds"], 3)}
            for run in measured["runs"]
        ],
        "upload": {
            "bytes": upload["bytes"],
            "seconds": round(upload["seconds"], 3),
            "phases_seconds": upload["phases_seconds"],
            "part_size": upload["part_size"],
            "parts": upload["parts"],
            "parallel": UPLOAD_PARALLEL,
            "server": f"gunicorn, {SERVER_WORKERS} sync workers, SQLite, local storage",
            "asset_status": upload["asset_status"],
        },
        "ffmpeg_argv": measured["argv"],
        "machine": machine,
    }


def run(config: dict[str, Any]) -> dict[str, Any]:
    small_seconds = max(1, config["seconds"] // 3)
    with tempfile.TemporaryDirectory(prefix="videoawards-bench-") as folder:
        work = Path(folder)
        use_private_site(work)
        setup_django()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        machine = machine_info()
        source = make_clip(work / "source.mp4", config, config["seconds"])
        small = make_clip(work / "small.mp4", config, small_seconds)
        (work / "ffmpeg").mkdir()
        measured = alternate(source, work / "ffmpeg", config["rounds"])
        say(f"memory with a {small_seconds} s source")
        small_run = pipeline_in_child(small)
        biggest = max(measured["runs"], key=lambda r: r["python_peak_rss_mb"])
        memory = [
            peak_memory(small_run, small, small_seconds),
            peak_memory(biggest, source, config["seconds"]),
        ]
        say(f"upload of {config['upload_mib']} MiB through gunicorn")
        upload = bench_upload(work, size=config["upload_mib"] * MIB)
        say("done")
        machine["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        return figures_from(
            config=config,
            source=source,
            measured=measured,
            memory=memory,
            upload=upload,
            machine=machine,
        )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--quick", action="store_true", help="small sizes, one round (smoke run)")
    parser.add_argument("--seconds", type=int, help="length of the clip (default 30)")
    parser.add_argument("--rounds", type=int, help="rounds of A B C (default 2)")
    parser.add_argument("--upload-mib", type=int, help="size of the upload (default 1024)")
    parser.add_argument("--child-pipeline", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_pipeline:
        print(json.dumps(run_pipeline_child(args.child_pipeline)))
        return {}
    config = dict(QUICK if args.quick else FULL)
    for key in ("seconds", "rounds", "upload_mib"):
        if getattr(args, key) is not None:
            config[key] = max(1, getattr(args, key))
    figures = {**run(config), "quick": args.quick}
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    else:
        for name, value in figures.items():
            print(f"{name:>28}: {value}")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
