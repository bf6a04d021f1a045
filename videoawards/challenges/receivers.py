"""What challenges do when the media pipeline reports on a video (it knows no entries)."""

from __future__ import annotations

from django.dispatch import receiver

from transcoding.signals import asset_failed, asset_ready

from . import services


@receiver(asset_ready, dispatch_uid="challenges.video_ready")
def video_ready(sender, *, asset, **kwargs) -> None:
    services.tell_creators_about_video(asset=asset, ready=True)


@receiver(asset_failed, dispatch_uid="challenges.video_failed")
def video_failed(sender, *, asset, **kwargs) -> None:
    services.tell_creators_about_video(asset=asset, ready=False)
