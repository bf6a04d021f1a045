"""Upload sessions: create, store a part (local back end), complete, abort."""

from __future__ import annotations

import math
import re
import unicodedata
import uuid
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from transcoding import storage
from transcoding.models import MAX_PARTS, MediaAsset, UploadPart, UploadSession
from transcoding.selectors import stale_open_uploads, stored_parts
from transcoding.services.processing import queue_waiting_assets
from transcoding.storage import StoredPart
from videoawards.accounts.permissions import is_any_organiser

MIB = 1024 * 1024
_CONTENT_TYPE = re.compile(r"^video/[a-z0-9][a-z0-9.+-]{0,80}$")


def _reject(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _too_big(max_bytes: int) -> ValidationError:
    return _reject(
        "size",
        _("This video is too big. The limit is %(limit)s.") % {"limit": filesizeformat(max_bytes)},
        "too_big",
    )


def clean_filename(filename: str) -> str:
    """The display name: no folders, no control characters, at most 200 characters."""
    name = re.split(r"[/\\]", filename or "")[-1].strip()
    if not name or name in {".", ".."}:
        raise _reject("filename", _("Your video needs a file name."), "bad_filename")
    if len(name) > 200:
        raise _reject(
            "filename", _("The file name is too long (200 characters at most)."), "bad_filename"
        )
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs"} for ch in name):
        raise _reject("filename", _("The file name has characters we can't use."), "bad_filename")
    return name


def part_layout(size: int) -> tuple[int, int]:
    """(part size, part count): at least the configured size (8 MiB), at most 10,000 parts."""
    part_size = max(settings.TRANSCODING_PART_SIZE, storage.store().min_part_size)
    needed = math.ceil(size / MAX_PARTS)
    if needed > part_size:
        part_size = math.ceil(needed / MIB) * MIB
    return part_size, math.ceil(size / part_size)


def _is_exempt(owner) -> bool:
    """Organisers and platform staff import and re-upload for others: no account quota."""
    return bool(
        getattr(owner, "is_superuser", False)
        or getattr(owner, "is_platform_staff", False)
        or is_any_organiser(owner)
    )


def check_quota(*, owner, size: int) -> None:
    """Refuse an upload of `size` bytes that would take the account past its limits: open
    uploads, bytes reserved by them, bytes stored in its videos (settings
    VIDEOAWARDS_MAX_OPEN_UPLOADS, _MAX_RESERVED_BYTES, _MAX_STORED_BYTES). Call with the
    owner's row locked, so two uploads started at once cannot both take the last room."""
    if _is_exempt(owner):
        return
    open_now = UploadSession.objects.filter(
        owner=owner, status=UploadSession.Status.OPEN, expires_at__gt=timezone.now()
    ).aggregate(count=Count("pk"), reserved=Sum("size"))
    if open_now["count"] >= settings.VIDEOAWARDS_MAX_OPEN_UPLOADS:
        raise _reject(
            "upload",
            ngettext(
                "You already have %(count)d upload in progress. Let it finish (or cancel it) "
                "before you start another.",
                "You already have %(count)d uploads in progress. Let one finish (or cancel "
                "it) before you start another.",
                open_now["count"],
            )
            % {"count": open_now["count"]},
            "too_many_uploads",
        )
    reserved = open_now["reserved"] or 0
    if reserved + size > settings.VIDEOAWARDS_MAX_RESERVED_BYTES:
        raise _reject(
            "size",
            _(
                "Your uploads in progress and this one together would be more than "
                "%(limit)s. Let the others finish first."
            )
            % {"limit": filesizeformat(settings.VIDEOAWARDS_MAX_RESERVED_BYTES)},
            "too_much_reserved",
        )
    stored = (
        MediaAsset.objects.filter(owner=owner).aggregate(total=Sum("source_size"))["total"] or 0
    )
    if stored + reserved + size > settings.VIDEOAWARDS_MAX_STORED_BYTES:
        raise _reject(
            "size",
            _(
                "Your videos already take %(used)s of your %(limit)s. Delete a video you "
                "no longer need, or ask an organiser for more room."
            )
            % {
                "used": filesizeformat(stored),
                "limit": filesizeformat(settings.VIDEOAWARDS_MAX_STORED_BYTES),
            },
            "quota",
        )


@transaction.atomic
def create_upload(
    *,
    owner,
    filename: str,
    size: int,
    content_type: str,
    max_bytes: int,
    max_duration_s: int,
) -> UploadSession:
    """Start a resumable upload of one video within the caller's limits."""
    name = clean_filename(filename)
    if size <= 0:
        raise _reject("size", _("This file is empty."), "empty")
    if size > max_bytes:
        raise _too_big(max_bytes)
    content_type = (content_type or "").strip().lower()
    if not _CONTENT_TYPE.match(content_type):
        raise _reject(
            "content_type",
            _("Only video files can be uploaded (for example MP4, MOV or WebM)."),
            "not_video",
        )
    part_size, part_count = part_layout(size)
    if part_count > MAX_PARTS:
        raise _reject("size", _("This video is too big to upload."), "too_many_parts")
    # The owner's row serialises their uploads: the quota is checked and taken at once.
    get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
    check_quota(owner=owner, size=size)
    upload_id = uuid.uuid4()
    key = f"uploads/{upload_id}/source"
    s3_upload_id = storage.store().start_multipart(key=key, content_type=content_type)
    session = UploadSession.objects.create(
        id=upload_id,
        owner=owner,
        filename=name,
        size=size,
        content_type=content_type,
        part_size=part_size,
        part_count=part_count,
        storage_key=key,
        s3_upload_id=s3_upload_id,
        max_bytes=max_bytes,
        max_duration_s=max_duration_s,
        expires_at=timezone.now() + timedelta(seconds=settings.TRANSCODING_UPLOAD_EXPIRY_SECONDS),
    )
    return session


def check_part_number(*, session: UploadSession, number: int) -> None:
    if session.status != UploadSession.Status.OPEN:
        raise _reject("upload", _("This upload is already finished."), "not_open")
    if not 1 <= number <= session.part_count:
        raise _reject(
            "number",
            _("Part %(number)s doesn't exist: this upload has parts 1 to %(count)s.")
            % {"number": number, "count": session.part_count},
            "bad_part_number",
        )


def store_local_part(*, session: UploadSession, number: int, stream) -> StoredPart:
    """Stream one part body to disk (local back end) and record it."""
    check_part_number(session=session, number=number)
    expected = session.expected_part_size(number)
    try:
        part = storage.store().write_part(
            upload_id=session.id, number=number, stream=stream, expected_size=expected
        )
    except ValueError:
        raise _reject(
            "size",
            _("Part %(number)s must be exactly %(size)s bytes.")
            % {"number": number, "size": expected},
            "bad_part_size",
        ) from None
    _record_part(session=session, part=part)
    return part


def _record_part(*, session: UploadSession, part: StoredPart) -> None:
    values = {"size": part.size, "etag": part.etag}
    try:
        with transaction.atomic():
            UploadPart.objects.update_or_create(
                session=session, number=part.number, defaults=values
            )
    except IntegrityError:  # the same part sent twice at once: the last one wins
        UploadPart.objects.filter(session=session, number=part.number).update(**values)


def _check_complete_parts(*, session: UploadSession, parts: list[dict]) -> list[StoredPart]:
    numbers = [int(p["number"]) for p in parts]
    if sorted(numbers) != list(range(1, session.part_count + 1)):
        raise _reject(
            "parts",
            _("Send every part from 1 to %(count)s exactly once.") % {"count": session.part_count},
            "parts_incomplete",
        )
    stored = {p.number: p for p in stored_parts(session=session)}
    missing = [n for n in numbers if n not in stored]
    if missing:
        raise _reject(
            "parts",
            _("Some parts haven't arrived yet: %(numbers)s.")
            % {"numbers": ", ".join(map(str, missing[:20]))},
            "parts_missing",
        )
    for part in parts:
        have = stored[int(part["number"])]
        if storage.normalize_etag(str(part["etag"])) != have.etag:
            raise _reject(
                "parts",
                _("Part %(number)s doesn't match what we received. Send it again.")
                % {"number": have.number},
                "etag_mismatch",
            )
        if have.size != session.expected_part_size(have.number):
            raise _reject(
                "parts",
                _("Part %(number)s has the wrong size. Send it again.") % {"number": have.number},
                "bad_part_size",
            )
    return [stored[n] for n in sorted(numbers)]


def complete_upload(*, session: UploadSession, parts: list[dict]) -> MediaAsset:
    """Assemble the parts, check the real size, create the asset and queue processing.

    Assembling can take a while, so it runs outside any transaction; the state change
    afterwards is atomic and safe to repeat (a second call returns the same asset).
    """
    if session.status == UploadSession.Status.COMPLETED and session.asset_id:
        return cast(MediaAsset, session.asset)
    check_part_number(session=session, number=1)
    ordered = _check_complete_parts(session=session, parts=parts)
    store = storage.store()
    store.assemble(
        upload_id=session.id,
        key=session.storage_key,
        s3_upload_id=session.s3_upload_id,
        parts=ordered,
        size=session.size,
    )
    real_size = store.object_size(session.storage_key)
    if real_size is None or real_size > session.max_bytes or real_size != session.size:
        store.delete(session.storage_key)
        abort_upload(session=session)
        if real_size and real_size > session.max_bytes:
            raise _too_big(session.max_bytes)
        raise _reject(
            "size",
            _("The upload didn't arrive complete. Please upload the video again."),
            "size_mismatch",
        )
    asset = _finish_upload(session_id=session.id, size=real_size)
    store.remove_parts(upload_id=session.id)
    return asset


@transaction.atomic
def add_stored_asset(
    *,
    owner_id,
    source_key: str,
    source_size: int,
    max_duration_s: int,
    asset_id: uuid.UUID | None = None,
    queue: bool = True,
) -> MediaAsset:
    """The media asset for a source already in storage (a finished upload or an import).

    With queue=True it is queued for a worker once the transaction commits (taking its turn
    among the owner's videos). With queue=False the caller processes it in its own process:
    it is marked as handed over, so no worker or sweeper queues it as well.
    """
    asset = MediaAsset.objects.create(
        id=asset_id or uuid.uuid4(),
        owner_id=owner_id,
        source_key=source_key,
        source_size=source_size,
        max_duration_s=max_duration_s,
        queued_at=None if queue else timezone.now(),
    )
    if queue:
        transaction.on_commit(lambda: queue_waiting_assets(owner_id=owner_id))
    return asset


@transaction.atomic
def _finish_upload(*, session_id: uuid.UUID, size: int) -> MediaAsset:
    session = UploadSession.objects.select_for_update().get(pk=session_id)
    if session.status == UploadSession.Status.COMPLETED:
        return cast(MediaAsset, session.asset)  # a completed upload has its asset
    if session.status != UploadSession.Status.OPEN:
        raise _reject("upload", _("This upload was cancelled."), "not_open")
    asset = add_stored_asset(
        owner_id=session.owner_id,
        source_key=session.storage_key,
        source_size=size,
        max_duration_s=session.max_duration_s,
    )
    session.status = UploadSession.Status.COMPLETED
    session.asset = asset
    session.finished_at = timezone.now()
    session.save(update_fields=["status", "asset", "finished_at"])
    UploadPart.objects.filter(session=session).delete()
    return asset


def abort_upload(*, session: UploadSession) -> None:
    """Cancel an upload and remove its parts (harmless to repeat)."""
    with transaction.atomic():
        locked = UploadSession.objects.select_for_update().get(pk=session.pk)
        if locked.status == UploadSession.Status.COMPLETED:
            raise _reject("upload", _("This upload is already finished."), "not_open")
        locked.status = UploadSession.Status.ABORTED
        locked.finished_at = locked.finished_at or timezone.now()
        locked.save(update_fields=["status", "finished_at"])
        UploadPart.objects.filter(session=locked).delete()
    storage.store().abort_multipart(
        upload_id=session.id, key=session.storage_key, s3_upload_id=session.s3_upload_id
    )
    session.status = locked.status


def abort_stale_uploads() -> int:
    """Abort uploads still open after their day; returns how many."""
    count = 0
    for session in stale_open_uploads(now=timezone.now()).iterator():
        abort_upload(session=session)
        count += 1
    return count
