"""Benchmark the homepage from the public pages' cache against the page rendered each time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_cache \
        CACHE_URL=redis://127.0.0.1:6379/11 .venv/bin/python -m tests.bench.pages

1. Migrates the database and creates a challenge whose vote is over, with WINNERS
   homepage features (so the page has something to read), and counts the homepage's
   queries rendered and on a warm hit, in this process.
2. Starts gunicorn (as tests.bench.votes does) with VIDEOAWARDS_PAGE_CACHE_SECONDS=0 and
   GETs / from --clients concurrent anonymous clients (no cookies) for --seconds; then
   again with the cache on.
3. Prints requests per second and p50/p99 latency of both, and the ratios cached/uncached.
4. Stops gunicorn and deletes everything it created.

With --json the last line printed is one JSON object; --quick is the smoke test's size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

from tests.bench.votes import _free_port, _run_generator, _start_server

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/test_cache"
DEFAULT_CACHE = "redis://127.0.0.1:6379/11"
PREFIX = "bench-pages"
WINNERS = 20


def _make_data(stamp: str) -> None:
    from django.utils import timezone

    from videoawards.challenges.models import Award, Challenge, Entry, Feature

    now = timezone.now()
    challenge = Challenge.objects.create(
        title=f"Benchmark {stamp}",
        slug=f"{PREFIX}-{stamp}",
        brief="Benchmark data; deleted when the benchmark ends.",
        entries_open_at=now - timedelta(days=40),
        entries_close_at=now - timedelta(days=20),
        voting_opens_at=now - timedelta(days=10),
        voting_closes_at=now - timedelta(days=5),
        results_at=now - timedelta(days=4),
    )
    entries = Entry.objects.bulk_create(
        [
            Entry(challenge=challenge, title=f"Bench entry {n}", state="winner", submitted_at=now)
            for n in range(WINNERS)
        ]
    )
    award = Award.objects.create(challenge=challenge, name="Bench award")
    Feature.objects.bulk_create(
        [Feature(award=award, entry=e, place=n) for n, e in enumerate(entries, start=1)]
    )


def _home_queries() -> dict[str, int]:
    """Queries of the homepage rendered (a cold cache) and on a warm hit."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    counts = {}
    for name in ("uncached", "cached"):
        with CaptureQueriesContext(connection) as queries:
            assert Client().get("/", HTTP_HOST="127.0.0.1").status_code == 200
        counts[name] = len(queries)
    return counts


def _cleanup(stamp: str) -> None:
    from videoawards.challenges.models import Challenge

    Challenge.objects.filter(slug=f"{PREFIX}-{stamp}").delete()


def _measure(*, args, cache_seconds: int, database_url: str, static_root: str) -> dict:
    os.environ["VIDEOAWARDS_PAGE_CACHE_SECONDS"] = str(cache_seconds)
    port = _free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finally
    server = _start_server(
        port=port,
        workers=args.workers,
        database_url=database_url,
        log=log,
        static_root=static_root,
        async_commit=False,
    )
    try:
        _run_generator(port=port, plan=[["GET", "/", ""]] * 100, clients=8, seconds=10)
        return _run_generator(
            port=port,
            plan=[["GET", "/", ""]] * args.requests,
            clients=args.clients,
            seconds=args.seconds,
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.seek(0)
        errors = log.read().decode(errors="replace").strip()
        log.close()
        if errors:
            print("gunicorn said:\n" + errors[-3000:], file=sys.stderr)


def _ratio(cached: float, uncached: float) -> float | None:
    return round(cached / uncached, 3) if uncached else None


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--quick", action="store_true", help="a few seconds, 20 clients")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=20_000, help="requests at most")
    parser.add_argument("--seconds", type=float, default=10.0, help="time limit per phase")
    args = parser.parse_args(argv)
    if args.quick:
        args.clients, args.requests, args.seconds, args.workers = 20, 300, 3.0, 2

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE)
    if not database_url.startswith("postgres"):
        parser.error("the pages benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("CACHE_URL", DEFAULT_CACHE)
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)
    # This process renders the page too (the query count): as the server does.
    static_root = tempfile.TemporaryDirectory(prefix="bench-static-")
    os.environ["DJANGO_STATIC_ROOT"] = static_root.name
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "videoawards.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp = str(int(time.time()))
    try:
        _make_data(stamp)
        queries = _home_queries()
        runs = {
            name: _measure(
                args=args,
                cache_seconds=seconds,
                database_url=database_url,
                static_root=static_root.name,
            )
            for name, seconds in (("uncached", 0), ("cached", 60))
        }
    finally:
        _cleanup(stamp)
        static_root.cleanup()
    uncached, cached = runs["uncached"], runs["cached"]
    figures = {
        "benchmark": "pages",
        "page": "/",
        "workers": args.workers,
        "clients": args.clients,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "cache": os.environ["CACHE_URL"].split("://")[0],
        "uncached": {k: uncached[k] for k in ("requests", "requests_per_second", "statuses")}
        | {k: v for k, v in uncached.items() if k.endswith("_ms")},
        "cached": {k: cached[k] for k in ("requests", "requests_per_second", "statuses")}
        | {k: v for k, v in cached.items() if k.endswith("_ms")},
        "queries": queries,
        "ratios_cached_to_uncached": {
            "requests_per_second": _ratio(
                cached["requests_per_second"], uncached["requests_per_second"]
            ),
            "p50_ms": _ratio(cached.get("p50_ms", 0), uncached.get("p50_ms", 0)),
            "p99_ms": _ratio(cached.get("p99_ms", 0), uncached.get("p99_ms", 0)),
            "queries": _ratio(queries["cached"], queries["uncached"]),
        },
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    else:
        for name, value in figures.items():
            print(f"{name:>26}: {value}")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
