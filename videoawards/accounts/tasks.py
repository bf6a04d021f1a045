"""Thin Celery tasks of accounts; names are stable."""

from __future__ import annotations

from celery import shared_task

from transcoding.storage import StorageError

from . import erasure


@shared_task(
    name="accounts.erase_stored_media",
    acks_late=True,
    autoretry_for=(StorageError,),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=10,
)
def erase_stored_media(prefixes: list[str], open_uploads: list[list[str]]) -> None:
    """Remove a deleted account's videos from storage (idempotent)."""
    erasure.remove_stored_media(
        prefixes=prefixes, open_uploads=[tuple(upload) for upload in open_uploads]
    )
