"""What every media store promises (the protocol), and what both back ends share."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File

CHUNK_SIZE = 1024 * 1024


class StorageError(Exception):
    """A storage operation failed in a way that may work when tried again."""


@dataclass(frozen=True)
class StoredPart:
    number: int
    size: int
    etag: str


def normalize_etag(etag: str) -> str:
    return etag.strip().strip('"').lower()


def check_key(key: str) -> str:
    """key when it is a relative path inside the store (no '..', no leading '/')."""
    if not key or key.startswith("/") or ".." in key.split("/") or "\\" in key:
        raise SuspiciousFileOperation(f"not a storage key: {key!r}")
    return key


def check_deletable_prefix(prefix: str) -> None:
    if not prefix.endswith("/") or prefix.count("/") < 2:
        raise ValueError(f"refusing to delete the broad prefix {prefix!r}")


class MediaStore(Protocol):
    """Where media bytes live. Uploads speak S3 multipart terms whatever the store:
    ``s3_upload_id`` is '' on a store without multipart uploads of its own."""

    min_part_size: int  # the smallest part (but the last) the store accepts

    # --- Multipart uploads ---
    def start_multipart(self, *, key: str, content_type: str) -> str: ...
    def part_urls(
        self, *, upload_id: uuid.UUID, key: str, s3_upload_id: str, sizes: dict[int, int]
    ) -> dict[int, str]: ...
    def check_part_signature(
        self, *, upload_id: uuid.UUID, number: int, signature: str
    ) -> bool: ...
    def write_part(
        self, *, upload_id: uuid.UUID, number: int, stream: IO[bytes], expected_size: int
    ) -> StoredPart: ...
    def list_parts(
        self, *, upload_id: uuid.UUID, key: str, s3_upload_id: str
    ) -> list[StoredPart] | None:
        """The parts the store holds; None when it keeps no list (the recorded parts are it)."""
        ...

    def assemble(
        self,
        *,
        upload_id: uuid.UUID,
        key: str,
        s3_upload_id: str,
        parts: list[StoredPart],
        size: int,
    ) -> None: ...
    def abort_multipart(self, *, upload_id: uuid.UUID, key: str, s3_upload_id: str) -> None: ...
    def remove_parts(self, *, upload_id: uuid.UUID) -> None: ...

    # --- Objects ---
    def object_size(self, key: str) -> int | None: ...
    def open(self, key: str) -> File: ...
    def read_text(self, key: str) -> str: ...
    def download(self, key: str, destination: Path) -> None: ...
    def upload(self, source: Path, key: str, *, content_type: str, cache_control: str) -> None: ...
    def save_bytes(self, key: str, content: bytes, *, content_type: str) -> None: ...
    def delete(self, key: str) -> None: ...
    def list_keys(self, prefix: str) -> list[str]: ...
    def delete_prefix(self, prefix: str) -> None: ...

    # --- Browsers ---
    def direct_url(self, key: str, *, expires: int, content_type: str = "") -> str | None:
        """A URL the browser fetches key from without Django; None when Django serves it."""
        ...

    def origin(self) -> str | None:
        """scheme://host[:port] of direct URLs (for the CSP); None when Django serves media."""
        ...

    def configure_cors(self, *, origins: Iterable[str]) -> bool | None:
        """Let the origins PUT parts and play; False where the store keeps CORS itself,
        None when there is nothing to configure (Django serves media)."""
        ...
