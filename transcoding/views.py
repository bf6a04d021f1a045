"""Pages-side endpoints of the media pipeline: the local upload part endpoint and the
playback gateway (playlists rewritten to short-lived URLs, files with Range support)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from transcoding import playlists, selectors, services, storage
from transcoding.models import MediaAsset, UploadSession

HLS_TYPE = "application/vnd.apple.mpegurl"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CONTENT_TYPES = {
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".ts": "video/mp2t",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".vtt": "text/vtt",
    ".m3u8": HLS_TYPE,
}


def _error(message: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message, "code": code}, status=status)


# --- Local upload parts ---


@csrf_exempt  # authorised by the signed URL, like an S3 presigned UploadPart URL
@require_http_methods(["PUT"])
def upload_part(request: HttpRequest, upload_id: uuid.UUID, number: int) -> HttpResponse:
    """PUT one part body: streamed to disk in 1 MiB chunks, answered with its ETag."""
    if not storage.store().check_part_signature(
        upload_id=upload_id, number=number, signature=request.GET.get("sig", "")
    ):
        return _error(_("This upload link has expired. Reload to get a new one."), "bad_link", 403)
    session = UploadSession.objects.filter(pk=upload_id).first()
    if session is None:
        return _error(_("There's no such upload."), "not_found", 404)
    try:
        part = services.store_local_part(session=session, number=number, stream=request)
    except ValidationError as exc:
        code = next(iter(exc.error_dict.values()))[0].code if hasattr(exc, "error_dict") else ""
        status = 409 if code == "not_open" else 400
        return _error(" ".join(exc.messages), code or "invalid", status)
    response = JsonResponse({"number": part.number, "size": part.size, "etag": part.etag})
    response["ETag"] = f'"{part.etag}"'
    return response


# --- Playback gateway ---


def _playable_asset(request: HttpRequest, asset_id: uuid.UUID) -> MediaAsset:
    """The asset if this viewer may play it and it has outputs; 404 for everyone else."""
    asset = selectors.asset_with_outputs(asset_id=asset_id)
    if asset is None or not selectors.may_play(user=request.user, asset=asset):
        raise Http404
    if not asset.is_playable:
        raise Http404
    return asset


def _url_lifetime(asset: MediaAsset) -> int:
    """Long enough to watch the whole video (hls.js never refetches a VOD playlist)."""
    return max(settings.TRANSCODING_PLAYBACK_URL_SECONDS, int(3 * (asset.duration_s or 0)))


def _content_type(path: str) -> str:
    suffix = path[path.rfind(".") :].lower() if "." in path else ""
    return _CONTENT_TYPES.get(suffix, "application/octet-stream")


def _asset_relative(asset: MediaAsset, key: str) -> str:
    prefix = f"media/{asset.pk}/"
    if not key.startswith(prefix):
        raise Http404
    return key[len(prefix) :]


def _file_url(asset: MediaAsset, key: str) -> str:
    """A gateway URL for one segment, init section or caption file, signed with the
    asset's link version: whatever the store, every URL handed out can be revoked (on S3
    the gateway answers with a presigned URL of a minute)."""
    return storage.gateway_path(
        asset_id=asset.pk,
        relative=_asset_relative(asset, key),
        expires=_url_lifetime(asset),
        version=asset.access_version,
    )


def _playlist_response(text: str) -> HttpResponse:
    response = HttpResponse(text, content_type=HLS_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_GET
def master_playlist(request: HttpRequest, asset_id: uuid.UUID) -> HttpResponse:
    asset = _playable_asset(request, asset_id)
    folder = asset.master_playlist_key.rsplit("/", 1)[0] + "/"
    subtitles = [
        playlists.SubtitleTrack(
            language=c.language,
            label=c.label,
            url=reverse(
                "transcoding:caption-playlist",
                kwargs={"asset_id": asset.pk, "language": c.language},
            ),
        )
        for c in asset.captions.all()
    ]

    def variant_url(relative: str) -> str:
        key = playlists.join(folder, relative)
        if key is None:
            raise Http404
        return reverse(
            "transcoding:media-playlist",
            kwargs={"asset_id": asset.pk, "path": _asset_relative(asset, key)},
        )

    text = storage.store().read_text(asset.master_playlist_key)
    return _playlist_response(
        playlists.rewrite_master(text, variant_url=variant_url, subtitles=subtitles)
    )


@never_cache
@require_GET
def media_playlist(request: HttpRequest, asset_id: uuid.UUID, path: str) -> HttpResponse:
    asset = _playable_asset(request, asset_id)
    relative = playlists.safe_relative(path)
    version_prefix = f"v{asset.ready_version}/"
    if relative is None or not relative.startswith(version_prefix) or not path.endswith(".m3u8"):
        raise Http404
    key = f"media/{asset.pk}/{relative}"
    folder = key.rsplit("/", 1)[0] + "/"

    def uri_url(uri: str) -> str:
        target = playlists.join(folder, uri)
        if target is None:
            raise Http404
        return _file_url(asset, target)

    try:
        text = storage.store().read_text(key)
    except FileNotFoundError:
        raise Http404 from None
    return _playlist_response(playlists.rewrite_media(text, uri_url=uri_url))


@never_cache
@require_GET
def caption_playlist(request: HttpRequest, asset_id: uuid.UUID, language: str) -> HttpResponse:
    asset = _playable_asset(request, asset_id)
    caption = get_object_or_404(asset.captions, language=language)
    return _playlist_response(
        playlists.subtitle_playlist(
            duration_s=asset.duration_s or 1.0, url=_file_url(asset, caption.key)
        )
    )


@require_GET
def still_image(request: HttpRequest, asset_id: uuid.UUID, kind: str) -> HttpResponse:
    """The poster or the thumbnail, behind the same authorisation as the video."""
    asset = _playable_asset(request, asset_id)
    key = asset.poster_key if kind == "poster" else asset.thumbnail_key
    if not key:
        raise Http404
    direct = storage.store().direct_url(
        key, expires=_url_lifetime(asset), content_type=_content_type(key)
    )
    response = HttpResponseRedirect(direct) if direct else _serve_local(request, key)
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def asset_file(request: HttpRequest, asset_id: uuid.UUID, path: str) -> HttpResponse:
    """A segment, init section or caption file, authorised by its signed URL at the
    asset's current link version (hiding, withdrawing, unpublishing, erasing the video or a
    guardian's withdrawal void every URL issued before)."""
    relative = playlists.safe_relative(path)
    version = selectors.access_version(asset_id=asset_id)
    if (
        relative is None
        or version is None
        or not storage.check_file_signature(
            asset_id=asset_id,
            relative=relative,
            signature=request.GET.get("sig", ""),
            version=version,
        )
    ):
        raise Http404
    key = f"media/{asset_id}/{relative}"
    direct = storage.store().direct_url(
        key, expires=settings.TRANSCODING_DIRECT_URL_SECONDS, content_type=_content_type(key)
    )
    if direct:
        return HttpResponseRedirect(direct)
    response = _serve_local(request, key)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _read_range(handle, start: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(storage.CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _serve_local(request: HttpRequest, key: str) -> HttpResponse:
    """Stream a stored file, honouring a single byte Range (HTTP 206)."""
    try:
        handle = storage.store().open(key)
    except FileNotFoundError:
        raise Http404 from None
    size = handle.size
    start, end, status = 0, size - 1, 200
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if match and size > 0:
        first, last = match.groups()
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        elif last:
            start = max(size - int(last), 0)
        if (not first and not last) or start >= size or start > end:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        status = 206
    length = end - start + 1 if size else 0
    response = StreamingHttpResponse(
        _read_range(handle, start, length), status=status, content_type=_content_type(key)
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


# --- Pages ---


@login_required
@require_GET
def upload_page(request: HttpRequest) -> HttpResponse:
    """A page with just the uploader, for trying it (the entry page includes the same widget)."""
    return render(request, "transcoding/upload.html")
