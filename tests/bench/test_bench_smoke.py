"""The pipeline benchmark still runs end to end (tiny sizes; its figures are not judged here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("transcoding.media.samples", reason="transcoding.media not there yet")

REPO_ROOT = Path(__file__).resolve().parents[2]


def _scratch_database(name: str) -> str:
    """A PostgreSQL database of the benchmark's own beside the tests' (made if missing):
    the benchmarks migrate and fill it, so they touch neither the tests' database nor the
    one DATABASE_URL names."""
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found is None:
            admin.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


@pytest.mark.slow
def test_quick_pipeline_benchmark_ends_with_one_json_line_of_figures():
    # when
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.pipeline", "--quick", "--json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # then
    assert result.returncode == 0, result.stderr[-4000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    expected = {
        "pipeline_vs_ffmpeg",
        "separate_vs_single",
        "upload_local_mb_s",
        "worker_peak_rss_mb",
        "worker_peak_rss_python_mb",
        "worker_peak_rss_ffmpeg_mb",
        "worker_peak_rss_by_source",
        "timings_seconds",
        "machine",
    }
    assert expected <= set(figures)
    headline = ["pipeline_vs_ffmpeg", "separate_vs_single", "upload_local_mb_s"]
    headline += ["worker_peak_rss_mb"]
    assert [isinstance(figures[key], float) and figures[key] > 0 for key in headline] == [True] * 4
    assert len(figures["worker_peak_rss_by_source"]) == 2
    assert figures["upload"]["asset_status"] == "uploaded"


@pytest.mark.django_db
def test_forensics_benchmark_scenario_flags_the_attacks_and_not_the_genuine_voters():
    # given: the benchmark's election, small (300 genuine voters, the whole attacks and class)
    from tests.bench import forensics

    # when
    figures = forensics.run(genuine=forensics.QUICK_GENUINE)
    # then: detection quality on a seeded scenario (no timing is judged)
    assert figures["attack_votes"] == 600
    assert figures["attack_flagged_share"] >= forensics.GOALS["attack_flagged_share_min"]
    assert figures["genuine_flagged_share"] <= forensics.GOALS["genuine_flagged_share_max"]
    assert figures["by_group"]["school_class"]["flagged"] == 0
    assert sorted(figures["by_group"]) == ["attack_fast", "attack_slow", "genuine", "school_class"]


@pytest.mark.slow
def test_quick_forensics_benchmark_ends_with_one_json_line_of_figures(tmp_path):
    # when: on a fresh SQLite database of its own
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/bench.sqlite3"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.forensics", "--quick", "--json"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # then
    assert result.returncode == 0, result.stderr[-4000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    expected = {"attack_flagged_share", "genuine_flagged_share", "by_group", "flags"}
    assert expected <= set(figures)


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the pages benchmark runs gunicorn on PostgreSQL",
)
def test_quick_pages_benchmark_prints_cached_and_uncached_figures():
    # given: the benchmark's own database beside the test database
    database_url = _scratch_database("videoawards_bench_pages")
    # when
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.pages", "--quick", "--json"],
        cwd=REPO_ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # then: figures of both runs, and a warm hit reads nothing (no timing is judged)
    assert result.returncode == 0, result.stderr[-4000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"uncached", "cached", "ratios_cached_to_uncached"} <= set(figures)
    assert figures["queries"]["cached"] == 0
    assert [figures[run]["statuses"].keys() == {"200"} for run in ("uncached", "cached")] == [
        True,
        True,
    ]


@pytest.mark.slow
def test_quick_vote_benchmark_measures_each_path_on_one_server():
    # given: the vote benchmark needs PostgreSQL (it runs on the database the tests name)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        pytest.skip("the vote benchmark needs PostgreSQL (DATABASE_URL=postgres://...)")
    # when
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.votes", "--quick", "--json"],
        cwd=REPO_ROOT,
        env={**os.environ, "DATABASE_URL": _scratch_database("videoawards_bench_votes")},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # then: every path answered and every accepted vote is stored (no timing is judged)
    assert result.returncode == 0, result.stderr[-4000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert sorted(figures["phases"]) == ["ceiling", "drf", "lean"]
    for name in ("drf", "lean", "ceiling"):
        phase = figures["phases"][name]
        assert phase["accepted"] > 0 and set(phase["statuses"]) == {"201"}, (name, phase)
    assert figures["votes_in_database_by_phase"] == {
        "drf": figures["phases"]["drf"]["accepted"],
        "lean": figures["phases"]["lean"]["accepted"],
    }
    assert {"lean_vs_drf", "lean_vs_ceiling"} <= set(figures)
