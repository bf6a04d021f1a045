"""The media pipeline: upload sessions, media assets, ffmpeg, renditions, playback.

It knows nothing about challenges; it reports "asset ready / failed" through signals.
"""
