"""Media assets with published outputs, written to the real storage (no ffmpeg needed)."""

from __future__ import annotations

import uuid

import factory
from django.utils import timezone

from tests.factories import ParticipantFactory
from transcoding import storage
from transcoding.models import Caption, MediaAsset, Rendition

MASTER = """#EXTM3U
#EXT-X-VERSION:7
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",FRAME-RATE=30.000
360p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2800000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",FRAME-RATE=30.000
720p/index.m3u8
"""

MEDIA = """#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init.mp4"
#EXTINF:4.000,
seg_00000.m4s
#EXTINF:2.000,
seg_00001.m4s
#EXT-X-ENDLIST
"""

SEGMENT = bytes(range(256)) * 40  # 10,240 bytes with a recognisable pattern


class MediaAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaAsset

    id = factory.LazyFunction(uuid.uuid4)
    owner = factory.SubFactory(ParticipantFactory)
    source_key = factory.LazyAttribute(lambda o: f"uploads/{o.id}/source")
    max_duration_s = 180


def published_asset(**kwargs) -> MediaAsset:
    """A ready asset whose HLS outputs (two renditions, a poster) are in storage."""
    asset = MediaAssetFactory(**kwargs)
    prefix = asset.output_prefix()
    storage.save_bytes(
        f"{prefix}master.m3u8", MASTER.encode(), content_type="application/x-mpegurl"
    )
    for name, (width, height) in {"360p": (640, 360), "720p": (1280, 720)}.items():
        storage.save_bytes(f"{prefix}{name}/index.m3u8", MEDIA.encode(), content_type="text/plain")
        storage.save_bytes(f"{prefix}{name}/init.mp4", b"init", content_type="video/mp4")
        for segment in ("seg_00000.m4s", "seg_00001.m4s"):
            storage.save_bytes(
                f"{prefix}{name}/{segment}", SEGMENT, content_type="video/iso.segment"
            )
        Rendition.objects.create(
            asset=asset,
            version=asset.version,
            name=name,
            width=width,
            height=height,
            bandwidth=800_000 if height == 360 else 2_800_000,
            codecs="avc1.64001e,mp4a.40.2",
            frame_rate=30.0,
            playlist_key=f"{prefix}{name}/index.m3u8",
        )
    storage.save_bytes(f"{prefix}poster.jpg", b"\xff\xd8poster", content_type="image/jpeg")
    MediaAsset.objects.filter(pk=asset.pk).update(
        status=MediaAsset.Status.READY,
        ready_version=asset.version,
        master_playlist_key=f"{prefix}master.m3u8",
        poster_key=f"{prefix}poster.jpg",
        duration_s=6.0,
        width=1280,
        height=720,
        progress=1.0,
        ready_at=timezone.now(),
    )
    asset.refresh_from_db()
    return asset


def add_stored_caption(
    asset: MediaAsset, *, language: str = "en", label: str = "English"
) -> Caption:
    key = f"media/{asset.pk}/captions/{language}.vtt"
    storage.save_bytes(key, b"WEBVTT\n\n00:00.000 --> 00:02.000\nHello\n", content_type="text/vtt")
    return Caption.objects.create(asset=asset, language=language, label=label, key=key)
