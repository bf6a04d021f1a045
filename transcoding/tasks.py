"""Thin Celery tasks: fetch by id, call a service. Names are stable; the settings route
``transcoding.transcode_*`` to the ``transcode`` queue and the rest to ``default``.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError, connection

from transcoding import services

logger = logging.getLogger(__name__)


class _TranscodeTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        # Out of retries (or a bug): the asset ends failed instead of staying "processing".
        services.fail_after_retries(asset_id=args[0], task_id=task_id)


@shared_task(
    name=services.TRANSCODE_TASK,
    bind=True,
    base=_TranscodeTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(services.TransientProcessingError,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=3,
)
def transcode_asset(self, asset_id: str) -> None:
    services.process_asset(asset_id=asset_id, task_id=self.request.id)


@shared_task(name="transcoding.abort_stale_uploads")
def abort_stale_uploads() -> int:
    return services.abort_stale_uploads()


@shared_task(name="transcoding.sweep_stale_assets")
def sweep_stale_assets() -> int:
    return services.sweep_stale_assets()


@worker_ready.connect
def _recover_after_killed_workers(sender=None, **kwargs) -> None:
    """A worker that starts removes the scratch folders of killed jobs and queues those jobs
    again: now the ones whose heartbeat is already stale, and, a little after the stale
    time, the ones killed just before it started."""
    services.remove_orphaned_work_dirs()
    try:
        services.sweep_stale_assets()
        # The broker may have lost what was queued while no worker ran (Redis restarted).
        services.resend_queued_assets()
    except DatabaseError:  # the database is not up yet; beat's sweep and the one below retry
        logger.warning("worker start: could not sweep stale assets", exc_info=True)
    finally:
        connection.close()  # the main process keeps no connection for its pool to inherit
    countdown = settings.TRANSCODING_STALE_SECONDS + 2 * settings.TRANSCODING_HEARTBEAT_SECONDS
    sweep_stale_assets.apply_async(countdown=countdown)


def resend_after_reconnect() -> None:
    """The broker connection came back (videoawards.celery): send again what is queued."""
    try:
        count = services.resend_queued_assets()
        logger.info("broker connection back: %d queued videos sent again", count)
    except DatabaseError:
        logger.warning("broker connection back: could not resend queued videos", exc_info=True)
    finally:
        connection.close()
