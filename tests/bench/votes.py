"""Benchmark the vote endpoint and the homepage under gunicorn on PostgreSQL (figures only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_voting \
        .venv/bin/python -m tests.bench.votes --json

1. Migrates the database, creates a challenge with public voting open, ENTRIES entries,
   VOTERS verified accounts with API tokens, and WINNERS homepage features.
2. Starts gunicorn (--workers, sync workers) on a free loopback port with the benchmark's
   settings (tests.bench.vote_settings: the site's URLs plus two of the benchmark's), the
   vote rate limits raised so the load is not refused (each account votes many times).
3. A separate load-generating process (threads, http.client, one connection per request
   as gunicorn's sync workers close it) POSTs from --clients concurrent clients, bounded
   by --votes and --seconds, one phase per path on the same server:
   - "drf": bench/drf-vote/<id>/, the vote through DRF as before the lean path;
   - "lean": /api/v1/entries/<id>/vote/, the site's endpoint (the lean path);
   - "ceiling": bench/ceiling/<id>/, a trivial Django view behind the same middleware.
   The two vote phases use distinct (account, entry) pairs, so every vote is a new one.
   Then it GETs / from --home-clients concurrent clients.
4. Prints accepted votes per second and latency percentiles per phase, lean/drf and
   lean/ceiling (goals: >= 1500 votes/s and p99 < 50 ms for votes, p99 < 30 ms for the
   homepage at 200 clients, on 2 cores) and the homepage's query count with 1 and with
   WINNERS winners (it must not grow). The top-level vote figures are the lean path's.
5. Stops gunicorn and deletes everything it created.

With --json the last line printed is one JSON object. --quick runs tiny phases (a smoke
test, figures meaningless).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/wt_voting"
PREFIX = "bench-votes"
ENTRIES = 200
VOTERS = 1000
WINNERS = 20
GOALS = {"votes_per_second": 1500, "vote_p99_ms": 50, "home_p99_ms": 30}
# Each phase's path, and the entries its votes go to (distinct pairs per vote phase).
PHASES = {
    "drf": ("/bench/drf-vote/{}/", slice(0, ENTRIES // 2)),
    "lean": ("/api/v1/entries/{}/vote/", slice(ENTRIES // 2, ENTRIES)),
    "ceiling": ("/bench/ceiling/{}/", slice(0, ENTRIES)),
}


# --- The load generator (runs as its own process) -----------------------------------------


def _percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {}
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {
        "p50_ms": pick(0.50),
        "p90_ms": pick(0.90),
        "p99_ms": pick(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def generate(*, port: int, plan: list[list], clients: int, seconds: float) -> dict:
    """Sends the planned requests from `clients` threads; stops when done or out of time."""
    lock = threading.Lock()
    cursor = iter(range(len(plan)))
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    deadline = time.monotonic() + seconds
    start = threading.Barrier(clients + 1)

    def worker() -> None:
        mine_lat, mine_status = [], {}
        start.wait()
        while time.monotonic() < deadline:
            with lock:
                index = next(cursor, None)
            if index is None:
                break
            method, path, token = plan[index]
            headers = {"Authorization": f"Token {token}"} if token else {}
            began = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request(method, path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = str(response.status)
                conn.close()
            except OSError as error:
                status = type(error).__name__
            mine_lat.append(time.perf_counter() - began)
            mine_status[status] = mine_status.get(status, 0) + 1
        with lock:
            latencies.extend(mine_lat)
            for key, value in mine_status.items():
                statuses[key] = statuses.get(key, 0) + value

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 3),
        "statuses": statuses,
        "requests_per_second": round(len(latencies) / elapsed, 1) if elapsed else 0,
        **_percentiles(latencies),
    }


def _run_generator(*, port: int, plan: list[list], clients: int, seconds: float) -> dict:
    """Runs generate() in a separate Python process and returns its figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(plan, handle)
        plan_path = handle.name
    try:
        done = subprocess.run(
            [
                sys.executable, "-m", "tests.bench.votes", "--generate", plan_path,
                "--port", str(port), "--clients", str(clients), "--seconds", str(seconds),
            ],
            cwd=REPO, capture_output=True, text=True, check=True, timeout=seconds + 120,
        )  # fmt: skip
    finally:
        os.unlink(plan_path)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- Set-up, server, figures ----------------------------------------------------------------


def _vote_plan(path: str, entries: list, tokens: list, limit: int) -> list[list]:
    """Distinct (account, entry) pairs, accounts interleaved so requests spread out."""
    plan = [["POST", path.format(e.pk), t.key] for e in entries for t in tokens][:limit]
    return plan[::2] + plan[1::2]


def _phase_figures(figures: dict) -> dict:
    accepted = figures["statuses"].get("201", 0)
    seconds = figures["seconds"]
    return {
        "requests": figures["requests"],
        "accepted": accepted,
        "accepted_per_second": round(accepted / seconds, 1) if seconds else 0,
        "latency": {k: v for k, v in figures.items() if k.endswith("_ms")},
        "statuses": figures["statuses"],
    }


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _make_data(stamp: str):
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from videoawards.accounts.models import User
    from videoawards.challenges.models import Award, Challenge, Entry, EntryCreator, Feature

    now = timezone.now()
    challenge = Challenge.objects.create(
        title=f"Benchmark {stamp}",
        slug=f"{PREFIX}-{stamp}",
        brief="Benchmark data; deleted when the benchmark ends.",
        entries_open_at=now - timedelta(days=30),
        entries_close_at=now - timedelta(days=2),
        voting_opens_at=now - timedelta(days=1),
        voting_closes_at=now + timedelta(days=1),
        results_at=now + timedelta(days=2),
    )
    users = User.objects.bulk_create(
        [
            User(
                email=f"{PREFIX}-{stamp}-{n}@bench.invalid",
                display_name=f"Bench {n}",
                email_verified_at=now - timedelta(days=30),
                date_joined=now - timedelta(days=30),
                password="!",
            )
            for n in range(VOTERS + ENTRIES)
        ]
    )
    makers, voters = users[:ENTRIES], users[ENTRIES:]
    entries = Entry.objects.bulk_create(
        [
            Entry(challenge=challenge, title=f"Bench entry {n}", state="approved", submitted_at=now)
            for n in range(ENTRIES)
        ]
    )
    EntryCreator.objects.bulk_create(
        [EntryCreator(entry=e, user=u) for e, u in zip(entries, makers, strict=True)]
    )
    tokens = Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in voters])
    award = Award.objects.create(challenge=challenge, name="Bench award")
    return challenge, entries, tokens, award, Feature


def _home_queries(*, challenge, entries, award, feature_model, winners: int) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    feature_model.objects.filter(award=award).delete()
    for place, entry in enumerate(entries[:winners], start=1):
        feature_model.objects.create(award=award, entry=entry, place=place)
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/", HTTP_HOST="127.0.0.1").status_code == 200
    return len(queries)


def _cleanup(stamp: str) -> None:
    from videoawards.accounts.models import User
    from videoawards.challenges.models import Challenge

    Challenge.objects.filter(slug=f"{PREFIX}-{stamp}").delete()
    User.objects.filter(email__startswith=f"{PREFIX}-{stamp}-").delete()


def _start_server(
    *, port: int, workers: int, database_url: str, log, static_root: str, async_commit: bool
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "tests.bench.vote_settings",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "VIDEOAWARDS_VOTE_RATE_PER_ACCOUNT": "100000/m",
        "VIDEOAWARDS_VOTE_RATE_PER_ADDRESS": "10000000/m",
        "DJANGO_STATIC_ROOT": static_root,
        "VIDEOAWARDS_VOTE_ASYNC_COMMIT": "true" if async_commit else "false",
    }
    # Production serves hashed static files from a manifest: collect them first.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=REPO, env=env, check=True, timeout=300,
    )  # fmt: skip
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "videoawards.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--backlog", "2048", "--log-level", "warning", "--graceful-timeout", "5",
        ],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("gunicorn did not start (see its log)")


def main(argv: list[str] | None = None) -> dict | None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=32, help="concurrent vote clients")
    parser.add_argument("--votes", type=int, default=20_000, help="vote requests at most")
    parser.add_argument("--seconds", type=float, default=20.0, help="time limit per phase")
    parser.add_argument("--home-clients", type=int, default=200)
    parser.add_argument("--home-requests", type=int, default=4_000)
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="run the server with VIDEOAWARDS_VOTE_ASYNC_COMMIT=true",
    )
    parser.add_argument("--quick", action="store_true", help="tiny phases (a smoke test)")
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.workers, args.clients, args.votes, args.seconds = 2, 4, 200, 5.0
        args.home_clients, args.home_requests = 10, 100

    if args.generate:  # the load-generating process
        plan = json.loads(Path(args.generate).read_text())
        print(
            json.dumps(
                generate(port=args.port, plan=plan, clients=args.clients, seconds=args.seconds)
            )
        )
        return None

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE)
    if not database_url.startswith("postgres"):
        parser.error("the vote benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    os.environ["DATABASE_URL"] = database_url
    # This process only builds the data and counts the homepage's queries (no collected
    # static files, test host names); the server gets production-like settings.
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "videoawards.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    stamp = str(int(time.time()))
    server = None
    server_log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finally
    static_root = tempfile.TemporaryDirectory(prefix="bench-static-")
    try:
        challenge, entries, tokens, award, feature_model = _make_data(stamp)
        home_queries = {
            str(n): _home_queries(
                challenge=challenge,
                entries=entries,
                award=award,
                feature_model=feature_model,
                winners=n,
            )
            for n in (1, WINNERS)
        }
        port = _free_port()
        server = _start_server(
            port=port,
            workers=args.workers,
            database_url=database_url,
            log=server_log,
            static_root=static_root.name,
            async_commit=args.async_commit,
        )
        warm = _run_generator(
            port=port, plan=[["GET", "/healthz", ""]] * 200, clients=8, seconds=10
        )
        phases = {
            name: _run_generator(
                port=port,
                plan=_vote_plan(path, entries[chosen], tokens, args.votes),
                clients=args.clients,
                seconds=args.seconds,
            )
            for name, (path, chosen) in PHASES.items()
        }
        home = _run_generator(
            port=port,
            plan=[["GET", "/", ""]] * args.home_requests,
            clients=args.home_clients,
            seconds=args.seconds,
        )
        from voting.models import Vote

        stored = Vote.objects.filter(challenge=challenge).count()
        stored_by_phase = {
            name: Vote.objects.filter(entry__in=entries[chosen]).count()
            for name, (_path, chosen) in PHASES.items()
            if name != "ceiling"
        }
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        _cleanup(stamp)
        server_log.seek(0)
        errors = server_log.read().decode(errors="replace").strip()
        server_log.close()
        static_root.cleanup()
        if errors:
            print("gunicorn said:\n" + errors[-3000:], file=sys.stderr)
    by_phase = {name: _phase_figures(figures) for name, figures in phases.items()}
    lean, drf, top = by_phase["lean"], by_phase["drf"], by_phase["ceiling"]
    figures = {
        "benchmark": "votes",
        "workers": args.workers,
        "async_commit": args.async_commit,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "vote_clients": args.clients,
        "vote_requests": lean["requests"],
        "accepted_votes": lean["accepted"],
        "votes_in_database": stored,
        "votes_in_database_by_phase": stored_by_phase,
        "accepted_votes_per_second": lean["accepted_per_second"],
        "vote_latency": lean["latency"],
        "vote_statuses": lean["statuses"],
        "phases": by_phase,
        "lean_vs_drf": _ratio(lean["accepted_per_second"], drf["accepted_per_second"]),
        "lean_vs_ceiling": _ratio(lean["accepted_per_second"], top["accepted_per_second"]),
        "home_clients": args.home_clients,
        "home_requests": home["requests"],
        "home_requests_per_second": home["requests_per_second"],
        "home_latency": {k: v for k, v in home.items() if k.endswith("_ms")},
        "home_statuses": home["statuses"],
        "home_queries_by_winners": home_queries,
        "warm_up_requests": warm["requests"],
        "goals": GOALS,
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    else:
        for name, value in figures.items():
            print(f"{name:>28}: {value}")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
