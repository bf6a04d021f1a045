"""A person's videos: what the export lists, and what erasure removes from storage."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from transcoding import storage
from transcoding.models import MediaAsset, UploadSession
from transcoding.services.processing import time_limits
from videoawards.accounts.models import User
from videoawards.accounts.personal_data import when


def export_videos(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": str(asset.pk),
            "status": asset.status,
            "size_bytes": asset.source_size,
            "duration_seconds": asset.duration_s,
            "uploaded_at": when(asset.created_at),
        }
        for asset in MediaAsset.objects.filter(owner=user).order_by("created_at")
    ]


@dataclass
class StoredMedia:
    """What to remove from storage once the rows are gone: plain data for a task."""

    prefixes: list[str] = field(default_factory=list)
    # (upload id, key, S3 upload id) of uploads never completed: their parts.
    open_uploads: list[tuple[str, str, str]] = field(default_factory=list)
    # Seconds until a transcode still running for one of the assets has surely ended
    # (it may write outputs after the first pass); 0 when none is running.
    second_pass_after: int = 0

    def as_task_kwargs(self) -> dict:
        return {"prefixes": self.prefixes, "open_uploads": self.open_uploads}


def _source_prefix(source_key: str) -> str | None:
    """The folder an upload's source lives in (uploads/<upload id>/), if it looks like one."""
    folder = source_key.rsplit("/", 1)[0]
    if not folder.startswith("uploads/") or folder.count("/") != 1:
        return None
    return f"{folder}/"


def assets_to_erase(*, user: User, asset_ids: set) -> list[MediaAsset]:
    """The assets that go with the person: those of their entries that go, and their own."""
    return list(
        (MediaAsset.objects.filter(pk__in=asset_ids) | MediaAsset.objects.filter(owner=user))
        .distinct()
        .order_by("created_at")
    )


def stored_media(*, user: User, assets: list[MediaAsset]) -> StoredMedia:
    media = StoredMedia()
    running = {MediaAsset.Status.PROCESSING, MediaAsset.Status.UPLOADED}
    for asset in assets:
        media.prefixes.append(f"media/{asset.pk}/")
        if (source := _source_prefix(asset.source_key)) and source not in media.prefixes:
            media.prefixes.append(source)
        if asset.status in running:
            media.second_pass_after = max(media.second_pass_after, time_limits(asset)[1] + 60)
    kept_sources = {
        prefix
        for asset in MediaAsset.objects.filter(upload_session__owner=user).exclude(owner=user)
        if (prefix := _source_prefix(asset.source_key))
    }
    for session in UploadSession.objects.filter(owner=user):
        folder = f"uploads/{session.pk}/"
        if folder not in kept_sources and folder not in media.prefixes:
            media.prefixes.append(folder)
        if session.status == UploadSession.Status.OPEN:
            media.open_uploads.append((str(session.pk), session.storage_key, session.s3_upload_id))
    return media


def delete_rows(*, user: User, assets: list[MediaAsset]) -> None:
    # Upload records go before their assets (a completed upload must name its asset).
    UploadSession.objects.filter(Q(owner=user) | Q(asset__in=assets)).delete()
    MediaAsset.objects.filter(pk__in=[asset.pk for asset in assets]).delete()


def remove_stored_media(*, prefixes: list[str], open_uploads: list[tuple[str, str, str]]) -> None:
    """Remove the objects under each prefix and abort unfinished uploads; safe to repeat."""
    for upload_id, key, s3_upload_id in open_uploads:
        storage.abort_multipart(upload_id=uuid.UUID(upload_id), key=key, s3_upload_id=s3_upload_id)
    for prefix in prefixes:
        storage.delete_prefix(prefix)
