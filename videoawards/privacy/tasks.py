"""Thin Celery tasks of privacy; names are stable (the task kept its accounts.* name)."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from transcoding.personal_data import remove_stored_media
from transcoding.storage import StorageError


@shared_task(
    name="accounts.erase_stored_media",
    acks_late=True,
    # Longer than the default queue's limit (settings.CELERY_TASK_TIME_LIMIT): an account
    # with many videos on S3 takes many delete calls. Erasure is idempotent, so a run that
    # hits the soft limit is retried and goes on where it stopped.
    soft_time_limit=1800,
    time_limit=1860,
    autoretry_for=(StorageError, SoftTimeLimitExceeded),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=10,
)
def erase_stored_media(prefixes: list[str], open_uploads: list[list[str]]) -> None:
    """Remove a deleted account's videos from storage (idempotent)."""
    remove_stored_media(prefixes=prefixes, open_uploads=[tuple(upload) for upload in open_uploads])
