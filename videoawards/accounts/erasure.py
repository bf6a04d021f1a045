"""Deleting an account for good (GDPR Art. 17), including the person's videos in storage.

What goes and what stays:
- Entries the person made alone go, with their media asset. A team entry whose other
  creators remain stays for them: the person leaves the team, and a video they uploaded
  for it passes to the longest-standing remaining creator (it is the team's entry).
- Every other media asset the person uploaded goes: the source, every rendition, poster,
  thumbnail and caption (everything under media/<asset id>/ and the upload's folder).
- Their workshop registrations, badges, portfolio, consent records and API token go
  with the account (database cascades).
- Votes: receivers of accounts.signals.account_erasing keep totals without the voter.

The rows are deleted in one transaction. Storage is cleaned by a Celery task queued on
commit: it gets the list of key prefixes (the rows are gone by then), retries while the
storage is unreachable, and is idempotent (deleting an empty prefix does nothing), so a
redelivery or a second run is harmless. Doing it in the request would make the page wait
for thousands of S3 deletions and lose them on a storage hiccup.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from transcoding import storage
from transcoding.models import MediaAsset, UploadSession
from videoawards.challenges.models import EntryCreator

from .models import User
from .signals import account_erasing


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


def _leave_entries(user: User) -> set:
    """Take the person off their teams; returns the ids of the videos of entries that go."""
    doomed_assets = set()
    for link in EntryCreator.objects.filter(user=user).select_related("entry"):
        entry = link.entry
        if EntryCreator.objects.filter(entry=entry).exclude(user=user).exists():
            link.delete()
            continue
        if entry.media_asset_id:
            doomed_assets.add(entry.media_asset_id)
        entry.delete()
    return doomed_assets


def _hand_over_team_videos(user: User) -> None:
    """Videos the person uploaded for entries that stay pass to a remaining creator."""
    for asset in MediaAsset.objects.filter(owner=user, entry__isnull=False).select_related("entry"):
        heir = (
            EntryCreator.objects.filter(entry=asset.entry)
            .exclude(user=user)
            .order_by("joined_at", "pk")
            .first()
        )
        if heir is not None:
            MediaAsset.objects.filter(pk=asset.pk).update(owner_id=heir.user_id)


def _stored_media(*, user: User, assets: list[MediaAsset]) -> StoredMedia:
    from transcoding.services.processing import time_limits

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


@transaction.atomic
def erase_account(*, user: User) -> StoredMedia:
    """Delete the account and everything of the person's; their stored media goes after
    commit (see the module docstring). Returns what is queued for removal from storage."""
    from .tasks import erase_stored_media

    user = User.objects.select_for_update().get(pk=user.pk)
    doomed_ids = _leave_entries(user)
    _hand_over_team_videos(user)
    assets = list(
        (MediaAsset.objects.filter(pk__in=doomed_ids) | MediaAsset.objects.filter(owner=user))
        .distinct()
        .order_by("created_at")
    )
    media = _stored_media(user=user, assets=assets)
    account_erasing.send(sender=User, user=user)
    # Upload records go before their assets (a completed upload must name its asset).
    UploadSession.objects.filter(Q(owner=user) | Q(asset__in=assets)).delete()
    MediaAsset.objects.filter(pk__in=[asset.pk for asset in assets]).delete()
    user.delete()

    kwargs = media.as_task_kwargs()
    transaction.on_commit(lambda: erase_stored_media.delay(**kwargs))
    if media.second_pass_after:
        countdown = media.second_pass_after
        transaction.on_commit(
            lambda: erase_stored_media.apply_async(kwargs=kwargs, countdown=countdown)
        )
    return media


def remove_stored_media(*, prefixes: list[str], open_uploads: list[tuple[str, str, str]]) -> None:
    """Remove the objects under each prefix and abort unfinished uploads; safe to repeat."""
    for upload_id, key, s3_upload_id in open_uploads:
        storage.abort_multipart(upload_id=uuid.UUID(upload_id), key=key, s3_upload_id=s3_upload_id)
    for prefix in prefixes:
        storage.delete_prefix(prefix)
