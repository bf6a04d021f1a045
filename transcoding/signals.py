"""What the media pipeline tells the rest of the platform (it knows nothing about challenges).

Both are sent after the transaction that changed the asset has committed, with
``sender=MediaAsset`` and ``asset=<MediaAsset>``.
"""

from django.dispatch import Signal

# The asset's outputs are published and it can be played.
asset_ready = Signal()
# The asset could not be processed; asset.error_message says why, in plain words.
asset_failed = Signal()
