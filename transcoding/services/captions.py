"""Captions: WebVTT files per language, stored beside an asset's versions."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from transcoding import storage
from transcoding.media.captions import validate_webvtt
from transcoding.media.errors import MediaRejected
from transcoding.models import Caption, MediaAsset

MAX_CAPTION_BYTES = 512 * 1024
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def _clean_webvtt(content: bytes) -> bytes:
    try:
        cleaned = validate_webvtt(content)
    except MediaRejected as exc:
        raise ValidationError(
            {"file": ValidationError(str(exc.user_message), code=exc.code)}
        ) from None
    if isinstance(cleaned, str):
        return cleaned.encode("utf-8")
    return cleaned if isinstance(cleaned, bytes) else content


@transaction.atomic
def add_caption(*, asset: MediaAsset, language: str, label: str, content: bytes) -> Caption:
    """Store (or replace) the asset's captions in one language."""
    if not _LANGUAGE.match(language or ""):
        raise ValidationError(
            {
                "language": ValidationError(
                    _("Use a language code like en or de."), code="bad_language"
                )
            }
        )
    if not content or len(content) > MAX_CAPTION_BYTES:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("A caption file must be a WebVTT file of at most 512 KB."), code="bad_size"
                )
            }
        )
    cleaned = _clean_webvtt(content)
    key = f"media/{asset.pk}/captions/{language}.vtt"
    storage.store().save_bytes(key, cleaned, content_type="text/vtt")
    caption, _created = Caption.objects.update_or_create(
        asset=asset, language=language, defaults={"label": (label or language)[:60], "key": key}
    )
    return caption
