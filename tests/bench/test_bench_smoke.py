"""The pipeline benchmark still runs end to end (tiny sizes; its figures are not judged here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("transcoding.media.samples", reason="transcoding.media not there yet")

REPO_ROOT = Path(__file__).resolve().parents[2]


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
