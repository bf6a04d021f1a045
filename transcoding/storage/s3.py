"""Media in S3-compatible object storage: the one module that talks boto3 and presigns.

Bytes go straight between the browser and the bucket (presigned UploadPart and GetObject
URLs); Django only signs, completes and lists. The connection and the bucket are those of
the django-storages S3Storage in STORAGES["default"]; keys carry its ``location`` prefix.

Every call retries what may go away (a 500 or 503 from the store, a dropped connection,
a timeout) with botocore's "standard" retry mode, up to S3_MAX_ATTEMPTS attempts, and a
store that stalls times out after S3_CONNECT_TIMEOUT_SECONDS / S3_READ_TIMEOUT_SECONDS
instead of holding a worker. What still fails is a StorageError (retried by the tasks).
"""

from __future__ import annotations

import contextlib
import copy
import logging
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from boto3.exceptions import Boto3Error
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files import File

from transcoding.storage.base import (
    StorageError,
    StoredPart,
    check_deletable_prefix,
    check_key,
    normalize_etag,
)

logger = logging.getLogger(__name__)
S3_MIN_PART_SIZE = 5 * 1024 * 1024
SMALL_FILE_CACHE = "private, max-age=60"
# Everything boto3, botocore and s3transfer raise for a failed call: boto3's transfer
# manager wraps a ClientError into S3UploadFailedError, and retries it gave up on into
# RetriesExceededError, neither of which is a BotoCoreError.
_S3_ERRORS = (BotoCoreError, ClientError, Boto3Error)


def client_config(base: Config | None = None) -> Config:
    """``base`` (the storage's botocore config) with our retries and timeouts."""
    ours = Config(
        retries={"mode": settings.S3_RETRY_MODE, "total_max_attempts": settings.S3_MAX_ATTEMPTS},
        connect_timeout=settings.S3_CONNECT_TIMEOUT_SECONDS,
        read_timeout=settings.S3_READ_TIMEOUT_SECONDS,
    )
    return base.merge(ours) if base is not None else ours


def _with_retries(storage: Any) -> Any:
    """A copy of the S3Storage whose connections use client_config() (copying gives it
    connections of its own; the shared storages["default"] is left as it is)."""
    retrying = copy.copy(storage)
    retrying.client_config = client_config(storage.client_config)
    return retrying


def error_code(exc: BaseException) -> str:
    """The S3 error code of a botocore ClientError, or of the one a StorageError wraps."""
    response = getattr(exc, "response", None) or getattr(exc.__cause__, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


class S3Store:
    """The production back end; ``storage`` is a django-storages S3Storage."""

    min_part_size = S3_MIN_PART_SIZE

    def __init__(self, storage: Any) -> None:
        self.storage = _with_retries(storage)
        self.bucket = storage.bucket_name
        self.location = (storage.location or "").strip("/")

    @property
    def client(self) -> Any:
        """The boto3 client of the storage (its endpoint, keys and signature)."""
        return self.storage.connection.meta.client

    def key(self, name: str) -> str:
        """The object key of a storage name: the location prefix, then the name."""
        check_key(name.rstrip("/") or "x")  # a prefix ends with '/', a name never does
        return f"{self.location}/{name}" if self.location else name

    def call(self, method: str, **kwargs: Any) -> Any:
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except _S3_ERRORS as exc:
            raise StorageError(f"{method} failed: {exc}") from exc

    @contextlib.contextmanager
    def _transient_errors(self, what: str) -> Iterator[None]:
        """botocore's errors (a network hiccup, a 503 from the store) as StorageError, which
        the tasks retry with backoff, instead of failing the asset for good."""
        try:
            yield
        except ClientError as exc:
            if error_code(exc) in {"NoSuchKey", "404"}:
                raise FileNotFoundError(what) from exc
            raise StorageError(f"{what} failed: {exc}") from exc
        except (BotoCoreError, Boto3Error) as exc:
            raise StorageError(f"{what} failed: {exc}") from exc

    # --- Multipart uploads ---

    def start_multipart(self, *, key: str, content_type: str) -> str:
        response = self.call("create_multipart_upload", Key=self.key(key), ContentType=content_type)
        return response["UploadId"]

    def part_urls(
        self, *, upload_id: uuid.UUID, key: str, s3_upload_id: str, sizes: dict[int, int]
    ) -> dict[int, str]:
        """Presigned UploadPart URLs. The length is signed into each, so the store itself
        refuses a part of any other size."""
        return {
            number: self.client.generate_presigned_url(
                "upload_part",
                Params={
                    "Bucket": self.bucket,
                    "Key": self.key(key),
                    "UploadId": s3_upload_id,
                    "PartNumber": number,
                    "ContentLength": sizes[number],
                },
                ExpiresIn=settings.TRANSCODING_PART_URL_SECONDS,
            )
            for number in sorted(sizes)
        }

    def check_part_signature(self, *, upload_id: uuid.UUID, number: int, signature: str) -> bool:
        return False  # parts go to the bucket, never to Django's part endpoint

    def write_part(
        self, *, upload_id: uuid.UUID, number: int, stream: IO[bytes], expected_size: int
    ) -> StoredPart:
        raise StorageError("upload parts go straight to S3")

    def list_parts(
        self, *, upload_id: uuid.UUID, key: str, s3_upload_id: str
    ) -> list[StoredPart] | None:
        parts: list[StoredPart] = []
        marker = 0
        while True:
            response = self.call(
                "list_parts", Key=self.key(key), UploadId=s3_upload_id, PartNumberMarker=marker
            )
            parts.extend(
                StoredPart(number=p["PartNumber"], size=p["Size"], etag=normalize_etag(p["ETag"]))
                for p in response.get("Parts", [])
            )
            if not response.get("IsTruncated"):
                return parts
            marker = response["NextPartNumberMarker"]

    def assemble(
        self,
        *,
        upload_id: uuid.UUID,
        key: str,
        s3_upload_id: str,
        parts: list[StoredPart],
        size: int,
    ) -> None:
        self.call(
            "complete_multipart_upload",
            Key=self.key(key),
            UploadId=s3_upload_id,
            MultipartUpload={
                "Parts": [{"PartNumber": p.number, "ETag": f'"{p.etag}"'} for p in parts]
            },
        )

    def abort_multipart(self, *, upload_id: uuid.UUID, key: str, s3_upload_id: str) -> None:
        if not s3_upload_id:
            return
        try:
            self.call("abort_multipart_upload", Key=self.key(key), UploadId=s3_upload_id)
        except StorageError as exc:
            if error_code(exc) != "NoSuchUpload":
                raise

    def remove_parts(self, *, upload_id: uuid.UUID) -> None:
        """Nothing to do: completing or aborting the upload removed its parts."""

    # --- Objects ---

    def object_size(self, key: str) -> int | None:
        try:
            return self.call("head_object", Key=self.key(key))["ContentLength"]
        except StorageError as exc:
            if error_code(exc) in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise

    def open(self, key: str) -> File:
        with self._transient_errors(f"opening {key}"):
            return self.storage.open(check_key(key), "rb")

    def read_text(self, key: str) -> str:
        with self._transient_errors(f"reading {key}"), self.open(key) as handle:
            return handle.read().decode("utf-8")

    def download(self, key: str, destination: Path) -> None:
        try:
            self.client.download_file(self.bucket, self.key(key), str(destination))
        except _S3_ERRORS as exc:
            raise StorageError(f"download of {key} failed: {exc}") from exc

    def upload(self, source: Path, key: str, *, content_type: str, cache_control: str) -> None:
        try:
            self.client.upload_file(
                str(source),
                self.bucket,
                self.key(key),
                ExtraArgs={"ContentType": content_type, "CacheControl": cache_control},
            )
        except _S3_ERRORS as exc:
            raise StorageError(f"upload of {key} failed: {exc}") from exc

    def save_bytes(self, key: str, content: bytes, *, content_type: str) -> None:
        self.call(
            "put_object",
            Key=self.key(key),
            Body=content,
            ContentType=content_type,
            CacheControl=SMALL_FILE_CACHE,
        )

    def delete(self, key: str) -> None:
        if key:
            self.call("delete_object", Key=self.key(key))

    def list_keys(self, prefix: str) -> list[str]:
        root = self.key(prefix)
        strip = len(root) - len(prefix)
        keys: list[str] = []
        with self._transient_errors(f"listing {prefix}"):
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=root):
                keys.extend(item["Key"][strip:] for item in page.get("Contents", []))
        return keys

    def delete_prefix(self, prefix: str) -> None:
        check_deletable_prefix(prefix)
        keys = self.list_keys(prefix)
        for start in range(0, len(keys), 1000):
            batch = keys[start : start + 1000]
            self.call(
                "delete_objects",
                Delete={"Objects": [{"Key": self.key(k)} for k in batch], "Quiet": True},
            )

    # --- Browsers ---

    def direct_url(self, key: str, *, expires: int, content_type: str = "") -> str | None:
        return self._presigned_get(key, expires=expires, content_type=content_type)

    def _presigned_get(self, key: str, *, expires: int, content_type: str) -> str:
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": self.key(key)}
        if content_type:
            params["ResponseContentType"] = content_type
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires)

    def origin(self) -> str | None:
        """Asked of the client itself (presigning is local, no request is made), so it is
        right for path- and virtual-host-style addressing, custom endpoints and AWS alike.
        Without usable credentials it falls back to the configured endpoint."""
        try:
            url = self._presigned_get("csp-origin-probe", expires=60, content_type="")
        except BotoCoreError:  # e.g. no credentials: a policy header must never break a page
            logger.warning("Could not presign a storage URL for the CSP", exc_info=True)
            url = getattr(self.storage, "endpoint_url", None) or ""
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None

    def configure_cors(self, *, origins: Iterable[str]) -> bool | None:
        """Let browsers on our site PUT upload parts to the bucket and play from it: the
        uploader reads each part's ETag, hls.js fetches playlists and segments."""
        allowed = sorted({origin.rstrip("/") for origin in origins if origin})
        rules = {
            "CORSRules": [
                {
                    "AllowedOrigins": allowed,
                    "AllowedMethods": ["GET", "HEAD", "PUT"],
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["ETag", "Content-Length", "Content-Range"],
                    "MaxAgeSeconds": 3600,
                }
            ]
        }
        try:
            self.call("put_bucket_cors", CORSConfiguration=rules)
        except StorageError as exc:
            if error_code(exc) in {"NotImplemented", "NotImplementedError"}:
                return False
            raise
        return True
