"""Where media bytes live: one protocol (base.MediaStore), two back ends side by side.

``store()`` is the store settings.STORAGE_BACKEND names, made once from
STORAGES["default"]: ``LocalStore`` (a folder; Django streams parts in and media out) or
``S3Store`` (a bucket; browsers PUT parts and fetch media through presigned URLs). Code in
transcoding asks ``store()``; the module functions below are kept for callers elsewhere.
"""

from __future__ import annotations

import uuid
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver

from transcoding.storage.base import (
    CHUNK_SIZE,
    MediaStore,
    StorageError,
    StoredPart,
    normalize_etag,
)
from transcoding.storage.local import LocalStore, check_file_signature, gateway_path
from transcoding.storage.s3 import S3Store

__all__ = [
    "CHUNK_SIZE",
    "LocalStore",
    "MediaStore",
    "S3Store",
    "StorageError",
    "StoredPart",
    "abort_multipart",
    "check_file_signature",
    "configure_cors",
    "delete",
    "delete_prefix",
    "gateway_path",
    "is_s3",
    "list_keys",
    "normalize_etag",
    "object_size",
    "playback_url",
    "read_text",
    "save_bytes",
    "store",
    "upload",
]


@cache
def store() -> MediaStore:
    """The configured media store (made once; a settings change in tests makes a new one)."""
    default = storages["default"]
    if settings.STORAGE_BACKEND == "s3":
        return S3Store(default)
    if not isinstance(default, FileSystemStorage):
        raise RuntimeError("The local media back end needs FileSystemStorage.")
    return LocalStore(default)


@receiver(setting_changed)
def _forget_store(*, setting: str, **kwargs) -> None:
    if setting in {"STORAGES", "STORAGE_BACKEND"} or setting.startswith("S3_"):
        store.cache_clear()


def is_s3() -> bool:
    return settings.STORAGE_BACKEND == "s3"


# --- The same calls on the configured store, for code outside transcoding ---


def abort_multipart(*, upload_id: uuid.UUID, key: str, s3_upload_id: str) -> None:
    """Remove every stored part (never fails because there was nothing to remove)."""
    store().abort_multipart(upload_id=upload_id, key=key, s3_upload_id=s3_upload_id)


def object_size(key: str) -> int | None:
    """The stored size, or None when there is no such object."""
    return store().object_size(key)


def delete(key: str) -> None:
    store().delete(key)


def delete_prefix(prefix: str) -> None:
    """Remove every object under prefix (which ends with '/' and is at least two deep)."""
    store().delete_prefix(prefix)


def list_keys(prefix: str) -> list[str]:
    """Every key under prefix (which ends with '/')."""
    return store().list_keys(prefix)


def read_text(key: str) -> str:
    """A small text object (a playlist), decoded as UTF-8."""
    return store().read_text(key)


def save_bytes(key: str, content: bytes, *, content_type: str) -> None:
    """Store a small file (a caption) at key, replacing what was there."""
    store().save_bytes(key, content, content_type=content_type)


def upload(source: Path, key: str, *, content_type: str, cache_control: str) -> None:
    """Store a local file at key, replacing what was there, with its HTTP headers."""
    store().upload(source, key, content_type=content_type, cache_control=cache_control)


def configure_cors(*, origins: list[str]) -> bool | None:
    return store().configure_cors(origins=origins)
