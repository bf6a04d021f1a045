"""Who may play a video and edit its captions (django-rules, see core/access.py).

The pipeline knows no entries: here only the uploader may. Apps above widen both
permissions in their own rules.py (challenges: whoever may see the entry). Loaded by
TranscodingConfig.ready().
"""

from __future__ import annotations

from typing import Any

import rules

from .models import MediaAsset

PLAY_ASSET = "transcoding.play_asset"
CAPTION_ASSET = "transcoding.caption_asset"


@rules.predicate
def uploaded_asset(user: Any, asset: MediaAsset) -> bool:
    return bool(user.is_authenticated and asset is not None and user.pk == asset.owner_id)


rules.add_perm(PLAY_ASSET, uploaded_asset)
rules.add_perm(CAPTION_ASSET, uploaded_asset)
