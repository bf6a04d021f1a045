"""Reads of the media pipeline: who may see what, and an upload's state."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from transcoding import storage
from transcoding.models import Caption, MediaAsset, Rendition, UploadSession
from transcoding.rules import CAPTION_ASSET, PLAY_ASSET
from transcoding.storage import StoredPart


def may_play(*, user, asset: MediaAsset) -> bool:
    """The access policy's transcoding.play_asset (apps above widen it: transcoding/rules.py)."""
    return user.has_perm(PLAY_ASSET, asset)


def may_edit_captions(*, user, asset: MediaAsset) -> bool:
    return user.has_perm(CAPTION_ASSET, asset)


def upload_for_owner(*, upload_id: uuid.UUID, owner) -> UploadSession | None:
    """The upload when owner started it; None for everyone else (they get a 404)."""
    if not owner.is_authenticated:
        return None
    return UploadSession.objects.filter(pk=upload_id, owner=owner).first()


def asset_with_outputs(*, asset_id: uuid.UUID) -> MediaAsset | None:
    return (
        MediaAsset.objects.filter(pk=asset_id)
        .prefetch_related(
            Prefetch("renditions", queryset=Rendition.objects.order_by("height")),
            Prefetch("captions", queryset=Caption.objects.order_by("language")),
        )
        .first()
    )


def playable_renditions(asset: MediaAsset) -> list[Rendition]:
    """Renditions of the version being played (uses the prefetch when there is one)."""
    return [r for r in asset.renditions.all() if r.version == asset.ready_version]


def stored_parts(*, session: UploadSession) -> list[StoredPart]:
    """The parts the storage holds, so a client can resume where it stopped."""
    if session.status != UploadSession.Status.OPEN:
        return []
    listed = storage.store().list_parts(
        upload_id=session.id, key=session.storage_key, s3_upload_id=session.s3_upload_id
    )
    if listed is not None:
        return listed
    return [
        StoredPart(number=p.number, size=p.size, etag=p.etag)
        for p in session.parts.order_by("number")
    ]


@dataclass(frozen=True)
class UploadState:
    session: UploadSession
    parts: list[StoredPart]
    part_urls: dict[int, str] = field(default_factory=dict)


def upload_state(*, session: UploadSession) -> UploadState:
    """Stored parts plus fresh URLs for the next batch of missing ones."""
    parts = stored_parts(session=session)
    if session.status != UploadSession.Status.OPEN:
        return UploadState(session=session, parts=parts)
    have = {p.number for p in parts if p.size == session.expected_part_size(p.number)}
    missing = [n for n in range(1, session.part_count + 1) if n not in have]
    batch = missing[: settings.TRANSCODING_PART_URL_BATCH]
    urls = storage.store().part_urls(
        upload_id=session.id,
        key=session.storage_key,
        s3_upload_id=session.s3_upload_id,
        sizes={number: session.expected_part_size(number) for number in batch},
    )
    return UploadState(session=session, parts=parts, part_urls=urls)


def stale_open_uploads(*, now) -> QuerySet[UploadSession]:
    return UploadSession.objects.filter(status=UploadSession.Status.OPEN, expires_at__lt=now)


def access_version(*, asset_id) -> int | None:
    """The asset's current link version (None when there is no such asset any more)."""
    return MediaAsset.objects.filter(pk=asset_id).values_list("access_version", flat=True).first()
