"""Probe then transcode one local file: the single entry point for callers that just
want a video turned into HLS (the Celery task, ``import_video``, benchmarks, tests)."""

from __future__ import annotations

from pathlib import Path

from transcoding.media import ladder, transcode
from transcoding.media.probe import ProbeLimits, ProbeResult, probe
from transcoding.media.transcode import ProgressCallback, TranscodeOutput


def probe_and_transcode(
    source: Path,
    out_dir: Path,
    *,
    max_duration_s: float,
    on_progress: ProgressCallback | None = None,
) -> tuple[ProbeResult, TranscodeOutput]:
    """Refuse ``source`` (MediaRejected) or write its renditions, master playlist, poster
    and thumbnail into ``out_dir``. Raises MediaProcessingError on trouble worth a retry."""
    result = probe(Path(source), limits=ProbeLimits(max_duration_s=max_duration_s))
    output = transcode.transcode(
        Path(source),
        Path(out_dir),
        probe=result,
        rungs=ladder.rungs_for(result),
        limits=transcode.limits_for(result),
        on_progress=on_progress,
    )
    return result, output
