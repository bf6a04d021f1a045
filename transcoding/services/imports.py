"""Importing video files from this machine (videos handed in after a workshop).

The same path as a browser upload from the point where the bytes are in storage: the
file is streamed to a private source key named by the asset's id, then the asset is
made by the service that finishes uploads, and processed by a worker or right here.
"""

from __future__ import annotations

import mimetypes
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from transcoding import storage
from transcoding.models import MediaAsset
from transcoding.services.processing import TransientProcessingError, fail_asset, process_asset
from transcoding.services.uploads import add_stored_asset
from transcoding.storage import StorageError

SOURCE_CACHE = "private, max-age=0, no-store"


def check_import_file(path: Path, *, max_bytes: int | None = None) -> int:
    """The file's size, when it is a regular, readable file within the upload limit."""
    max_bytes = max_bytes or settings.VIDEOAWARDS_MAX_UPLOAD_BYTES
    if not path.exists():
        raise ValidationError(_("There is no file at %(path)s.") % {"path": path}, code="missing")
    if not path.is_file():
        raise ValidationError(
            _("%(path)s is not a regular file.") % {"path": path}, code="not_a_file"
        )
    size = path.stat().st_size
    if size == 0:
        raise ValidationError(_("This file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("This video is too big. The limit is %(limit)s.")
            % {"limit": filesizeformat(max_bytes)},
            code="too_big",
        )
    try:
        with path.open("rb"):
            pass
    except OSError:
        raise ValidationError(
            _("This file can't be read (check its permissions)."), code="unreadable"
        ) from None
    return size


def _content_type(path: Path) -> str:
    guessed, _encoding = mimetypes.guess_type(path.name)
    return guessed if guessed and guessed.startswith("video/") else "application/octet-stream"


def import_file(
    *,
    path: Path,
    owner,
    queue: bool = True,
    max_bytes: int | None = None,
    max_duration_s: int | None = None,
) -> MediaAsset:
    """Store a local video as a new media asset of owner.

    queue=True hands it to a worker (in turn with the owner's other videos); queue=False
    leaves it for process_imported_asset in this process. The file is streamed to storage,
    never read whole; its name is kept out of the storage key.
    """
    size = check_import_file(path, max_bytes=max_bytes)
    asset_id = uuid.uuid4()
    key = f"uploads/{asset_id}/source"
    store = storage.store()
    try:
        store.upload(path, key, content_type=_content_type(path), cache_control=SOURCE_CACHE)
        stored = store.object_size(key)
        if stored != size:
            raise StorageError(f"stored {stored} of {size} bytes at {key}")
        return add_stored_asset(
            asset_id=asset_id,
            owner_id=owner.pk,
            source_key=key,
            source_size=size,
            max_duration_s=max_duration_s or settings.VIDEOAWARDS_MAX_DURATION_SECONDS,
            queue=queue,
        )
    except BaseException:  # Ctrl-C included: leave no half-stored source behind
        store.delete(key)
        raise


def process_imported_asset(*, asset: MediaAsset) -> MediaAsset:
    """Run the worker's pipeline on an asset in this process; it ends ready or failed.

    A worker would retry transient trouble later; here there is nobody to retry, so the
    asset fails with the reason (the original stays stored for a re-transcode).
    """
    task_id = f"import-{uuid.uuid4()}"
    try:
        process_asset(asset_id=asset.pk, task_id=task_id)
    except TransientProcessingError as exc:
        fail_asset(
            asset_id=asset.pk,
            code="processing_failed",
            message=_("Processing stopped: %(reason)s") % {"reason": exc},
            task_id=task_id,
        )
    return MediaAsset.objects.get(pk=asset.pk)
