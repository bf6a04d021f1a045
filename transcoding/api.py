"""The media pipeline's JSON API: resumable uploads, asset status and captions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, PermissionDenied, Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from transcoding import selectors, services
from transcoding.models import MediaAsset, UploadSession
from transcoding.selectors import UploadState
from transcoding.services.captions import MAX_CAPTION_BYTES
from videoawards.accounts.selectors import take_part_problem


class Rejected(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = "The request was refused."


class Conflict(Rejected):
    status_code = status.HTTP_409_CONFLICT


def _rejected(exc: DjangoValidationError) -> Rejected:
    """A service's ValidationError as {"detail": "...", "code": "..."}."""
    errors = next(iter(exc.error_dict.values())) if hasattr(exc, "error_dict") else exc.error_list
    code = errors[0].code or "invalid"
    cls = Conflict if code == "not_open" else Rejected
    return cls(detail=" ".join(exc.messages), code=code)


# --- Serializers ---


class UploadCreateSerializer(serializers.Serializer):
    filename = serializers.CharField(
        max_length=1000, help_text="Shown to you only; never stored as a key."
    )
    size = serializers.IntegerField(min_value=1, help_text="The file's size in bytes.")
    content_type = serializers.CharField(max_length=100, help_text="A video type, e.g. video/mp4.")


class StoredPartSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    size = serializers.IntegerField()
    etag = serializers.CharField()


class PartUrlSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    url = serializers.URLField(help_text="PUT the part body here, then keep the ETag header.")


class UploadSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    filename = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    part_size = serializers.IntegerField(help_text="Every part has this size except the last.")
    part_count = serializers.IntegerField()
    status = serializers.ChoiceField(choices=UploadSession.Status.choices)
    expires_at = serializers.DateTimeField()
    max_bytes = serializers.IntegerField()
    max_duration_s = serializers.IntegerField()
    asset = serializers.UUIDField(allow_null=True, help_text="The media asset, once completed.")
    parts = StoredPartSerializer(many=True, help_text="Parts already stored: skip these.")
    part_urls = PartUrlSerializer(
        many=True, help_text="Short-lived URLs for the next missing parts; GET again for more."
    )


class CompletePartSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1)
    etag = serializers.CharField(max_length=100)


class UploadCompleteSerializer(serializers.Serializer):
    parts = CompletePartSerializer(many=True, allow_empty=False)


class RenditionSerializer(serializers.Serializer):
    name = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    bandwidth = serializers.IntegerField()
    codecs = serializers.CharField()
    frame_rate = serializers.FloatField(allow_null=True)


class CaptionSerializer(serializers.Serializer):
    language = serializers.CharField()
    label = serializers.CharField()


class MediaAssetSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=MediaAsset.Status.choices)
    progress = serializers.FloatField(help_text="0 to 1 while processing.")
    error_code = serializers.CharField()
    error_message = serializers.CharField(help_text="Why it failed, in plain words.")
    duration_s = serializers.FloatField(allow_null=True)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField()
    renditions = RenditionSerializer(many=True)
    captions = CaptionSerializer(many=True)
    playback_url = serializers.URLField(allow_null=True, help_text="HLS master playlist.")
    poster_url = serializers.URLField(allow_null=True)
    thumbnail_url = serializers.URLField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class CaptionCreateSerializer(serializers.Serializer):
    language = serializers.CharField(max_length=16, help_text="A language code like en or de.")
    label = serializers.CharField(max_length=60, required=False, allow_blank=True)
    file = serializers.FileField(help_text="A WebVTT (.vtt) file.")


# --- Payloads ---


def upload_payload(request: Request, state: UploadState) -> dict:
    session = state.session
    return {
        "id": session.id,
        "filename": session.filename,
        "size": session.size,
        "content_type": session.content_type,
        "part_size": session.part_size,
        "part_count": session.part_count,
        "status": session.status,
        "expires_at": session.expires_at,
        "max_bytes": session.max_bytes,
        "max_duration_s": session.max_duration_s,
        "asset": session.asset_id,
        "parts": [vars(p) for p in state.parts],
        "part_urls": [
            {"number": n, "url": request.build_absolute_uri(url)}
            for n, url in sorted(state.part_urls.items())
        ],
    }


def asset_payload(request: Request, asset: MediaAsset) -> dict:
    def gateway(name: str) -> str:
        return request.build_absolute_uri(reverse(name, kwargs={"asset_id": asset.pk}))

    playable = asset.is_playable
    return {
        "id": asset.pk,
        "status": asset.status,
        "progress": asset.progress,
        "error_code": asset.error_code,
        "error_message": asset.error_message,
        "duration_s": asset.duration_s,
        "width": asset.width,
        "height": asset.height,
        "version": asset.version,
        "renditions": [
            {
                "name": r.name,
                "width": r.width,
                "height": r.height,
                "bandwidth": r.bandwidth,
                "codecs": r.codecs,
                "frame_rate": r.frame_rate,
            }
            for r in selectors.playable_renditions(asset)
        ],
        "captions": [{"language": c.language, "label": c.label} for c in asset.captions.all()],
        "playback_url": gateway("transcoding:master-playlist") if playable else None,
        "poster_url": gateway("transcoding:poster") if playable and asset.poster_key else None,
        "thumbnail_url": (
            gateway("transcoding:thumbnail") if playable and asset.thumbnail_key else None
        ),
        "created_at": asset.created_at,
        "updated_at": asset.updated_at,
    }


def check_upload_rate(request: Request) -> None:
    """Uploads started per user are limited, whichever endpoint starts them."""
    if is_ratelimited(
        request,
        group="transcoding.create_upload",
        key="user",
        rate=settings.TRANSCODING_UPLOAD_CREATE_RATE,
        method="POST",
        increment=True,
    ):
        raise Throttled(detail=_("Too many uploads. Please wait a while and try again."))


def _own_upload(request: Request, upload_id: uuid.UUID) -> UploadSession:
    session = selectors.upload_for_owner(upload_id=upload_id, owner=request.user)
    if session is None:
        raise Http404
    return session


# --- Views ---

_ERRORS = {
    400: OpenApiResponse(description="Refused: {detail, code} says why in plain words."),
    404: OpenApiResponse(description="No such upload, or not yours."),
}


class UploadCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="uploads_create",
        summary="Start a resumable upload",
        description=(
            "Returns the part size and one URL per part (a first batch). PUT each part's "
            "bytes to its URL (in parallel, retried), keep each response's ETag, then POST "
            "complete. With S3 storage the URLs are presigned UploadPart URLs."
        ),
        request=UploadCreateSerializer,
        responses={
            201: UploadSerializer,
            429: OpenApiResponse(description="Too many uploads."),
            **_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        check_upload_rate(request)
        problem = take_part_problem(request.user)
        if problem:
            raise PermissionDenied(problem)
        data = UploadCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            session = services.create_upload(
                owner=request.user,
                max_bytes=settings.VIDEOAWARDS_MAX_UPLOAD_BYTES,
                max_duration_s=settings.VIDEOAWARDS_MAX_DURATION_SECONDS,
                **data.validated_data,
            )
        except DjangoValidationError as exc:
            raise _rejected(exc) from None
        state = selectors.upload_state(session=session)
        return Response(upload_payload(request, state), status=status.HTTP_201_CREATED)


class UploadDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="uploads_retrieve",
        summary="An upload's stored parts and fresh URLs for the missing ones",
        responses={200: UploadSerializer, 404: _ERRORS[404]},
    )
    def get(self, request: Request, upload_id: uuid.UUID) -> Response:
        session = _own_upload(request, upload_id)
        return Response(upload_payload(request, selectors.upload_state(session=session)))

    @extend_schema(
        operation_id="uploads_abort",
        summary="Cancel an upload and remove its parts",
        responses={
            204: None,
            404: _ERRORS[404],
            409: OpenApiResponse(description="Already completed."),
        },
    )
    def delete(self, request: Request, upload_id: uuid.UUID) -> Response:
        session = _own_upload(request, upload_id)
        try:
            services.abort_upload(session=session)
        except DjangoValidationError as exc:
            raise _rejected(exc) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class UploadCompleteView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="uploads_complete",
        summary="Finish an upload: assemble the parts and start processing",
        request=UploadCompleteSerializer,
        responses={
            200: MediaAssetSerializer,
            409: OpenApiResponse(description="Cancelled."),
            **_ERRORS,
        },
    )
    def post(self, request: Request, upload_id: uuid.UUID) -> Response:
        session = _own_upload(request, upload_id)
        data = UploadCompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            asset = services.complete_upload(session=session, parts=data.validated_data["parts"])
        except DjangoValidationError as exc:
            raise _rejected(exc) from None
        asset = selectors.asset_with_outputs(asset_id=asset.pk)
        return Response(asset_payload(request, asset))


def _visible_asset(request: Request, asset_id: uuid.UUID) -> MediaAsset:
    asset = selectors.asset_with_outputs(asset_id=asset_id)
    if asset is None or not selectors.may_play(user=request.user, asset=asset):
        raise Http404
    return asset


class MediaAssetDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="media_assets_retrieve",
        summary="A media asset's processing status, renditions and playback URL",
        responses={200: MediaAssetSerializer, 404: _ERRORS[404]},
    )
    def get(self, request: Request, asset_id: uuid.UUID) -> Response:
        return Response(asset_payload(request, _visible_asset(request, asset_id)))


class CaptionCreateView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="media_assets_captions_create",
        summary="Add or replace the WebVTT captions in one language",
        request={"multipart/form-data": CaptionCreateSerializer},
        responses={201: CaptionSerializer, **_ERRORS},
    )
    def post(self, request: Request, asset_id: uuid.UUID) -> Response:
        asset = _visible_asset(request, asset_id)
        if not selectors.may_edit_captions(user=request.user, asset=asset):
            raise Http404
        data = CaptionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > MAX_CAPTION_BYTES:
            raise Rejected(detail=_("A caption file can be 512 KB at most."), code="bad_size")
        try:
            caption = services.add_caption(
                asset=asset,
                language=data.validated_data["language"],
                label=data.validated_data.get("label", ""),
                content=upload.read(),
            )
        except DjangoValidationError as exc:
            raise _rejected(exc) from None
        return Response(
            {"language": caption.language, "label": caption.label}, status=status.HTTP_201_CREATED
        )
