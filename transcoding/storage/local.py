"""Media on local disk (Django's FileSystemStorage). Upload parts are streamed to disk by
views.upload_part; playback goes through the gateway's signed URLs."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.signing import BadSignature, TimestampSigner
from django.urls import reverse

from transcoding.storage.base import (
    CHUNK_SIZE,
    StorageError,
    StoredPart,
    check_deletable_prefix,
    check_key,
)

_SIGNING_SALT = "transcoding.storage.url"


def gateway_path(*, asset_id: uuid.UUID, relative: str, expires: int, version: int = 1) -> str:
    """A signed URL of the playback gateway for one file of the asset. The lifetime and
    the asset's link version travel inside the signed value: the view enforces both."""
    signer = TimestampSigner(salt=_SIGNING_SALT)
    path = reverse("transcoding:asset-file", kwargs={"asset_id": asset_id, "path": relative})
    return f"{path}?sig={signer.sign(f'file:{asset_id}:{version}:{relative}:{expires}')}"


def check_file_signature(
    *, asset_id: uuid.UUID, relative: str, signature: str, version: int = 1
) -> bool:
    """Whether signature is a live gateway signature for this file of the asset at its
    current link version (a bumped version voids every URL signed before)."""
    signer = TimestampSigner(salt=_SIGNING_SALT)
    try:
        value = signer.unsign(signature)
        prefix = f"file:{asset_id}:{version}:{relative}:"
        if not value.startswith(prefix):
            return False
        signer.unsign(signature, max_age=int(value[len(prefix) :]))
    except (BadSignature, ValueError):
        return False
    return True


class _PartTooBig(Exception):
    pass


class _ChunkFile(File):
    """A File over an iterator of chunks, so storage.save streams instead of loading."""

    def __init__(self, chunks: Iterator[bytes], size: int) -> None:
        super().__init__(None, name="source")
        self._chunks = chunks
        self._size = size

    @property
    def size(self) -> int:  # type: ignore[override]
        return self._size

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        yield from self._chunks

    def multiple_chunks(self, chunk_size: int | None = None) -> bool:
        return True

    def read(self, *args: Any) -> bytes:  # only used by back ends that do not call chunks()
        return next(self._chunks, b"")


class LocalStore:
    """The embedded back end: one folder, Django serves every byte."""

    min_part_size = 1

    def __init__(self, storage: FileSystemStorage) -> None:
        self.storage = storage
        self.root = Path(storage.location)

    def _parts_dir(self, upload_id: uuid.UUID) -> Path:
        return self.root / "uploads" / str(upload_id) / "parts"

    # --- Multipart uploads ---

    def start_multipart(self, *, key: str, content_type: str) -> str:
        return ""

    def part_urls(
        self, *, upload_id: uuid.UUID, key: str, s3_upload_id: str, sizes: dict[int, int]
    ) -> dict[int, str]:
        """Signed URLs of the local part endpoint (which checks each part's length)."""
        signer = TimestampSigner(salt=_SIGNING_SALT)
        urls = {}
        for number in sorted(sizes):
            path = reverse(
                "transcoding:upload-part", kwargs={"upload_id": upload_id, "number": number}
            )
            urls[number] = f"{path}?sig={signer.sign(f'part:{upload_id}:{number}')}"
        return urls

    def check_part_signature(self, *, upload_id: uuid.UUID, number: int, signature: str) -> bool:
        signer = TimestampSigner(salt=_SIGNING_SALT)
        try:
            value = signer.unsign(signature, max_age=settings.TRANSCODING_PART_URL_SECONDS)
        except BadSignature:
            return False
        return value == f"part:{upload_id}:{number}"

    def write_part(
        self, *, upload_id: uuid.UUID, number: int, stream: IO[bytes], expected_size: int
    ) -> StoredPart:
        """Stream one part body to disk in 1 MiB chunks, never holding it in memory.

        Reads at most expected_size + 1 bytes, so an oversized body is refused early.
        Raises ValueError when the body is not exactly expected_size bytes long.
        """
        folder = self._parts_dir(upload_id)
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f"{number}.{uuid.uuid4().hex}.tmp"
        md5 = hashlib.md5(usedforsecurity=False)
        size = 0
        try:
            with temporary.open("wb") as out:
                while True:
                    chunk = stream.read(min(CHUNK_SIZE, expected_size + 1 - size))
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > expected_size:
                        raise _PartTooBig
                    md5.update(chunk)
                    out.write(chunk)
            if size != expected_size:
                raise ValueError(size)
            os.replace(temporary, folder / str(number))
        except _PartTooBig:
            temporary.unlink(missing_ok=True)
            raise ValueError(size) from None
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return StoredPart(number=number, size=size, etag=md5.hexdigest())

    def list_parts(
        self, *, upload_id: uuid.UUID, key: str, s3_upload_id: str
    ) -> list[StoredPart] | None:
        return None  # the upload's UploadPart rows, written with each part, are the list

    def _part_chunks(self, upload_id: uuid.UUID, numbers: Iterable[int]) -> Iterator[bytes]:
        folder = self._parts_dir(upload_id)
        for number in numbers:
            with (folder / str(number)).open("rb") as part:
                while chunk := part.read(CHUNK_SIZE):
                    yield chunk

    def assemble(
        self,
        *,
        upload_id: uuid.UUID,
        key: str,
        s3_upload_id: str,
        parts: list[StoredPart],
        size: int,
    ) -> None:
        """Join the parts, in order, into the object at key (idempotent: same key each time)."""
        self._replace(
            key, _ChunkFile(self._part_chunks(upload_id, [p.number for p in parts]), size)
        )

    def abort_multipart(self, *, upload_id: uuid.UUID, key: str, s3_upload_id: str) -> None:
        self.remove_parts(upload_id=upload_id)

    def remove_parts(self, *, upload_id: uuid.UUID) -> None:
        folder = self._parts_dir(upload_id)
        shutil.rmtree(folder, ignore_errors=True)
        # The assembled source lives beside the parts folder: only an empty parent goes.
        with contextlib.suppress(OSError):
            folder.parent.rmdir()

    # --- Objects ---

    def _replace(self, key: str, content: File) -> None:
        check_key(key)
        if self.storage.exists(key):
            self.storage.delete(key)
        saved = self.storage.save(key, content)
        if saved != key:  # pragma: no cover - a concurrent writer took the name
            self.storage.delete(saved)
            raise StorageError(f"could not store {key}")

    def object_size(self, key: str) -> int | None:
        if not self.storage.exists(check_key(key)):
            return None
        return self.storage.size(key)

    def open(self, key: str) -> File:
        return self.storage.open(check_key(key), "rb")

    def read_text(self, key: str) -> str:
        with self.open(key) as handle:
            return handle.read().decode("utf-8")

    def download(self, key: str, destination: Path) -> None:
        with self.open(key) as source, destination.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK_SIZE)

    def upload(self, source: Path, key: str, *, content_type: str, cache_control: str) -> None:
        with source.open("rb") as handle:
            self._replace(key, File(handle, name=source.name))

    def save_bytes(self, key: str, content: bytes, *, content_type: str) -> None:
        self._replace(key, ContentFile(content))

    def delete(self, key: str) -> None:
        if key:
            self.storage.delete(check_key(key))

    def list_keys(self, prefix: str) -> list[str]:
        keys: list[str] = []
        if not self.storage.exists(prefix.rstrip("/")):
            return keys
        folders, files = self.storage.listdir(prefix)
        keys.extend(f"{prefix}{name}" for name in files)
        for folder in folders:
            keys.extend(self.list_keys(f"{prefix}{folder}/"))
        return keys

    def delete_prefix(self, prefix: str) -> None:
        check_deletable_prefix(prefix)
        for key in self.list_keys(prefix):
            self.storage.delete(key)
        # Folders are named after assets and uploads: none may stay behind, empty or not
        # listed. Only empty ones go (rmdir), deepest first, so a file written meanwhile stays.
        top = Path(self.storage.path(prefix.rstrip("/")))
        if top.is_dir():
            folders = sorted((p for p in top.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts))
            for folder in [*folders, top]:
                with contextlib.suppress(OSError):
                    folder.rmdir()

    # --- Browsers ---

    def direct_url(self, key: str, *, expires: int, content_type: str = "") -> str | None:
        return None

    def origin(self) -> str | None:
        return None

    def configure_cors(self, *, origins: Iterable[str]) -> bool | None:
        return None
