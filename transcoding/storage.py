"""Where media bytes live: the one module that talks boto3 and presigns.

Two back ends behind one set of functions: S3-compatible object storage (bytes go
straight between the client and the bucket; Django only signs and completes) and
local disk (Django's FileSystemStorage; upload parts are streamed to disk by
views.upload_part). Everything else in transcoding goes through here.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.signing import BadSignature, TimestampSigner
from django.urls import reverse

CHUNK_SIZE = 1024 * 1024
_SIGNING_SALT = "transcoding.storage.url"


class StorageError(Exception):
    """A storage operation failed in a way that may work when tried again."""


@dataclass(frozen=True)
class StoredPart:
    number: int
    size: int
    etag: str


def is_s3() -> bool:
    return settings.STORAGE_BACKEND == "s3"


def normalize_etag(etag: str) -> str:
    return etag.strip().strip('"').lower()


# --- S3 ---


def _s3_client() -> Any:
    """The boto3 client of the default storage (its endpoint, keys and signature)."""
    return default_storage.connection.meta.client


def _s3_bucket() -> str:
    return default_storage.bucket_name


def _s3_key(name: str) -> str:
    return default_storage._normalize_name(name)


def _s3_call(method: str, **kwargs: Any) -> Any:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return getattr(_s3_client(), method)(Bucket=_s3_bucket(), **kwargs)
    except (BotoCoreError, ClientError) as exc:
        raise StorageError(f"{method} failed: {exc}") from exc


def _s3_error_code(exc: BaseException) -> str:
    """The S3 error code of a botocore ClientError, or of the one a StorageError wraps."""
    response = getattr(exc, "response", None) or getattr(exc.__cause__, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def configure_cors(*, origins: Iterable[str]) -> bool:
    """Let browsers on our site PUT upload parts to the bucket and play from it: the
    uploader reads each part's ETag, hls.js fetches playlists and segments. Returns False
    where the store keeps CORS outside the bucket (MinIO allows every origin itself)."""
    origins = sorted({origin.rstrip("/") for origin in origins if origin})
    rules = {
        "CORSRules": [
            {
                "AllowedOrigins": origins,
                "AllowedMethods": ["GET", "HEAD", "PUT"],
                "AllowedHeaders": ["*"],
                "ExposeHeaders": ["ETag", "Content-Length", "Content-Range"],
                "MaxAgeSeconds": 3600,
            }
        ]
    }
    try:
        _s3_call("put_bucket_cors", CORSConfiguration=rules)
    except StorageError as exc:
        if _s3_error_code(exc) in {"NotImplemented", "NotImplementedError"}:
            return False
        raise
    return True


# --- Local ---


def _local_root() -> Path:
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        raise RuntimeError("The local upload back end needs FileSystemStorage.")
    return Path(storage.location)


def _local_parts_dir(upload_id: uuid.UUID) -> Path:
    return _local_root() / "uploads" / str(upload_id) / "parts"


class _PartTooBig(Exception):
    pass


def write_local_part(
    *, upload_id: uuid.UUID, number: int, stream: IO[bytes], expected_size: int
) -> StoredPart:
    """Stream one part body to disk in 1 MiB chunks, never holding it in memory.

    Reads at most expected_size + 1 bytes, so an oversized body is refused early.
    Raises ValueError when the body is not exactly expected_size bytes long.
    """
    folder = _local_parts_dir(upload_id)
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


def _local_part_chunks(upload_id: uuid.UUID, numbers: Iterable[int]) -> Iterator[bytes]:
    folder = _local_parts_dir(upload_id)
    for number in numbers:
        with (folder / str(number)).open("rb") as part:
            while chunk := part.read(CHUNK_SIZE):
                yield chunk


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


# --- Multipart uploads: one protocol, two back ends ---


def start_multipart(*, key: str, content_type: str) -> str:
    """Begin a multipart upload; returns the S3 upload id ('' for local)."""
    if not is_s3():
        return ""
    response = _s3_call("create_multipart_upload", Key=_s3_key(key), ContentType=content_type)
    return response["UploadId"]


def sign_part_urls(
    *, upload_id: uuid.UUID, key: str, s3_upload_id: str, sizes: dict[int, int]
) -> dict[int, str]:
    """Short-lived URLs the client PUTs part bodies to, one per part number (`sizes`
    maps each to its exact length). On S3 the length is signed into the URL, so the
    store itself refuses a part of any other size; the local endpoint checks it too."""
    expires = settings.TRANSCODING_PART_URL_SECONDS
    numbers = sorted(sizes)
    if is_s3():
        client = _s3_client()
        return {
            number: client.generate_presigned_url(
                "upload_part",
                Params={
                    "Bucket": _s3_bucket(),
                    "Key": _s3_key(key),
                    "UploadId": s3_upload_id,
                    "PartNumber": number,
                    "ContentLength": sizes[number],
                },
                ExpiresIn=expires,
            )
            for number in numbers
        }
    signer = TimestampSigner(salt=_SIGNING_SALT)
    urls = {}
    for number in numbers:
        path = reverse("transcoding:upload-part", kwargs={"upload_id": upload_id, "number": number})
        urls[number] = f"{path}?sig={signer.sign(f'part:{upload_id}:{number}')}"
    return urls


def check_part_signature(*, upload_id: uuid.UUID, number: int, signature: str) -> bool:
    signer = TimestampSigner(salt=_SIGNING_SALT)
    try:
        value = signer.unsign(signature, max_age=settings.TRANSCODING_PART_URL_SECONDS)
    except BadSignature:
        return False
    return value == f"part:{upload_id}:{number}"


def list_s3_parts(*, key: str, s3_upload_id: str) -> list[StoredPart]:
    parts: list[StoredPart] = []
    marker = 0
    while True:
        response = _s3_call(
            "list_parts", Key=_s3_key(key), UploadId=s3_upload_id, PartNumberMarker=marker
        )
        parts.extend(
            StoredPart(number=p["PartNumber"], size=p["Size"], etag=normalize_etag(p["ETag"]))
            for p in response.get("Parts", [])
        )
        if not response.get("IsTruncated"):
            return parts
        marker = response["NextPartNumberMarker"]


def assemble(
    *, upload_id: uuid.UUID, key: str, s3_upload_id: str, parts: list[StoredPart], size: int
) -> None:
    """Join the parts, in order, into the object at key (idempotent: same key each time)."""
    if is_s3():
        _s3_call(
            "complete_multipart_upload",
            Key=_s3_key(key),
            UploadId=s3_upload_id,
            MultipartUpload={
                "Parts": [{"PartNumber": p.number, "ETag": f'"{p.etag}"'} for p in parts]
            },
        )
        return
    if default_storage.exists(key):
        default_storage.delete(key)
    chunks = _local_part_chunks(upload_id, [p.number for p in parts])
    saved = default_storage.save(key, _ChunkFile(chunks, size))
    if saved != key:  # pragma: no cover - a concurrent writer took the name
        default_storage.delete(saved)
        raise StorageError(f"could not store the upload at {key}")


def abort_multipart(*, upload_id: uuid.UUID, key: str, s3_upload_id: str) -> None:
    """Remove every stored part (never fails because there was nothing to remove)."""
    if is_s3():
        if s3_upload_id:
            try:
                _s3_call("abort_multipart_upload", Key=_s3_key(key), UploadId=s3_upload_id)
            except StorageError as exc:
                if _s3_error_code(exc) != "NoSuchUpload":
                    raise
        return
    remove_local_parts(upload_id=upload_id)


def remove_local_parts(*, upload_id: uuid.UUID) -> None:
    if is_s3():
        return
    folder = _local_parts_dir(upload_id)
    shutil.rmtree(folder, ignore_errors=True)
    # The assembled source lives beside the parts folder: only an empty parent goes.
    with contextlib.suppress(OSError):
        folder.parent.rmdir()


def object_size(key: str) -> int | None:
    """The stored size (HeadObject on S3), or None when there is no such object."""
    if is_s3():
        try:
            return _s3_call("head_object", Key=_s3_key(key))["ContentLength"]
        except StorageError as exc:
            if _s3_error_code(exc) in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
    if not default_storage.exists(key):
        return None
    return default_storage.size(key)


def delete(key: str) -> None:
    if key:
        default_storage.delete(key)


# --- Media files ---


def download(key: str, destination: Path) -> None:
    """Copy an object to a local file, streaming (never the whole file in memory)."""
    if is_s3():
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            _s3_client().download_file(_s3_bucket(), _s3_key(key), str(destination))
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"download of {key} failed: {exc}") from exc
        return
    with default_storage.open(key, "rb") as source, destination.open("wb") as out:
        shutil.copyfileobj(source, out, CHUNK_SIZE)


def upload(source: Path, key: str, *, content_type: str, cache_control: str) -> None:
    """Store a local file at key, replacing what was there, with its HTTP headers."""
    if is_s3():
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            _s3_client().upload_file(
                str(source),
                _s3_bucket(),
                _s3_key(key),
                ExtraArgs={"ContentType": content_type, "CacheControl": cache_control},
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"upload of {key} failed: {exc}") from exc
        return
    if default_storage.exists(key):
        default_storage.delete(key)
    with source.open("rb") as handle:
        saved = default_storage.save(key, File(handle, name=source.name))
    if saved != key:  # pragma: no cover
        raise StorageError(f"could not store {key}")


def save_bytes(key: str, content: bytes, *, content_type: str) -> None:
    """Store a small file (a caption) at key, replacing what was there."""
    if is_s3():
        _s3_call(
            "put_object",
            Key=_s3_key(key),
            Body=content,
            ContentType=content_type,
            CacheControl="private, max-age=60",
        )
        return
    from django.core.files.base import ContentFile

    if default_storage.exists(key):
        default_storage.delete(key)
    default_storage.save(key, ContentFile(content))


@contextlib.contextmanager
def _transient_s3_errors(what: str) -> Iterator[None]:
    """botocore's errors (a network hiccup, a 503 from the store) as StorageError, which
    the tasks retry with backoff, instead of failing the asset for good."""
    if not is_s3():
        yield
        return
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        if _s3_error_code(exc) in {"NoSuchKey", "404"}:
            raise FileNotFoundError(what) from exc
        raise StorageError(f"{what} failed: {exc}") from exc
    except BotoCoreError as exc:
        raise StorageError(f"{what} failed: {exc}") from exc


def read_text(key: str) -> str:
    """A small text object (a playlist), decoded as UTF-8."""
    with _transient_s3_errors(f"reading {key}"), default_storage.open(key, "rb") as handle:
        return handle.read().decode("utf-8")


def list_keys(prefix: str) -> list[str]:
    """Every key under prefix (which ends with '/')."""
    if is_s3():
        keys: list[str] = []
        root = _s3_key(prefix)
        strip = len(root) - len(prefix)
        with _transient_s3_errors(f"listing {prefix}"):
            paginator = _s3_client().get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=_s3_bucket(), Prefix=root):
                keys.extend(item["Key"][strip:] for item in page.get("Contents", []))
        return keys
    keys = []
    if not default_storage.exists(prefix.rstrip("/")):
        return keys
    folders, files = default_storage.listdir(prefix)
    keys.extend(f"{prefix}{name}" for name in files)
    for folder in folders:
        keys.extend(list_keys(f"{prefix}{folder}/"))
    return keys


def delete_prefix(prefix: str) -> None:
    """Remove every object under prefix (used before re-publishing a version)."""
    if not prefix.endswith("/") or prefix.count("/") < 2:
        raise ValueError(f"refusing to delete the broad prefix {prefix!r}")
    keys = list_keys(prefix)
    if is_s3():
        for start in range(0, len(keys), 1000):
            batch = keys[start : start + 1000]
            _s3_call(
                "delete_objects",
                Delete={"Objects": [{"Key": _s3_key(k)} for k in batch], "Quiet": True},
            )
        return
    for key in keys:
        default_storage.delete(key)


# --- Playback URLs ---


def playback_url(
    *, key: str, asset_id: uuid.UUID, relative: str, expires: int, content_type: str = ""
) -> str:
    """A URL the browser can fetch key from: presigned on S3, a signed gateway URL locally."""
    if is_s3():
        params: dict[str, Any] = {"Bucket": _s3_bucket(), "Key": _s3_key(key)}
        if content_type:
            params["ResponseContentType"] = content_type
        return _s3_client().generate_presigned_url("get_object", Params=params, ExpiresIn=expires)
    signer = TimestampSigner(salt=_SIGNING_SALT)
    path = reverse("transcoding:asset-file", kwargs={"asset_id": asset_id, "path": relative})
    # The lifetime travels inside the signed value: the view enforces it.
    return f"{path}?sig={signer.sign(f'file:{asset_id}:{relative}:{expires}')}"


def check_file_signature(*, asset_id: uuid.UUID, relative: str, signature: str) -> bool:
    signer = TimestampSigner(salt=_SIGNING_SALT)
    try:
        value = signer.unsign(signature)
        prefix = f"file:{asset_id}:{relative}:"
        if not value.startswith(prefix):
            return False
        signer.unsign(signature, max_age=int(value[len(prefix) :]))
    except (BadSignature, ValueError):
        return False
    return True


def open_local(key: str) -> tuple[IO[bytes], int]:
    """An open local file and its size, for the gateway's range responses."""
    handle = default_storage.open(key, "rb")
    return handle, default_storage.size(key)
