"""The ffmpeg core of the media pipeline, free of the ORM: local paths and plain values in,
so the Celery task, the ``import_video`` command, benchmarks and tests call the same code.

- ``pipeline.probe_and_transcode``: the one call most callers need.
- ``probe``: ffprobe under limits; refuses what we won't transcode (``MediaRejected``).
- ``ladder``: which renditions a source gets. ``transcode``: one ffmpeg, every rendition.
- ``captions``: WebVTT checks. ``samples``: generated test videos.
- ``sandbox``: how ffmpeg/ffprobe run on untrusted files (local files only, allow-listed
  demuxers, CPU/memory/file-size/wall-clock limits, killed with their worker).
"""
