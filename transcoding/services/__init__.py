"""Writes of the media pipeline (split by subject; import from here)."""

from transcoding.services.captions import add_caption
from transcoding.services.imports import import_file, process_imported_asset
from transcoding.services.processing import (
    TRANSCODE_TASK,
    TransientProcessingError,
    fail_after_retries,
    fail_asset,
    process_asset,
    queue_waiting_assets,
    remove_orphaned_work_dirs,
    resend_queued_assets,
    retranscode_asset,
    retranscode_assets,
    revoke_playback,
    sweep_stale_assets,
)
from transcoding.services.uploads import (
    abort_stale_uploads,
    abort_upload,
    add_stored_asset,
    complete_upload,
    create_upload,
    store_local_part,
)

__all__ = [
    "TRANSCODE_TASK",
    "TransientProcessingError",
    "abort_stale_uploads",
    "abort_upload",
    "add_caption",
    "add_stored_asset",
    "complete_upload",
    "create_upload",
    "fail_after_retries",
    "fail_asset",
    "import_file",
    "process_asset",
    "process_imported_asset",
    "queue_waiting_assets",
    "remove_orphaned_work_dirs",
    "resend_queued_assets",
    "retranscode_asset",
    "retranscode_assets",
    "revoke_playback",
    "store_local_part",
    "sweep_stale_assets",
]
