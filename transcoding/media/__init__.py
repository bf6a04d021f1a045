"""The ffmpeg core of the media pipeline: probe, ladder, transcode, captions, samples.

Pure of the ORM: functions take local paths and plain values, so the Celery task, the
``import_video`` command, benchmarks and tests all call the same code. ffmpeg and ffprobe
run as sandboxed subprocesses (see ``sandbox``): local files only, allow-listed demuxers,
CPU, memory, file-size and wall-clock limits.
"""
