"""Media pipeline data: upload sessions, media assets, renditions and captions.

Invariants live in the database; workflows live in services.py.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_PARTS = 10_000


class UploadSession(models.Model):
    """One resumable upload, spoken in S3 multipart terms whatever the storage."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed")
        ABORTED = "aborted", _("Aborted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="upload_sessions",
    )
    # Display only: the user's file name never becomes part of a storage key.
    filename = models.CharField(_("file name"), max_length=200)
    size = models.BigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=100)
    part_size = models.BigIntegerField(_("part size in bytes"))
    part_count = models.PositiveIntegerField(_("number of parts"))
    storage_key = models.CharField(_("storage key"), max_length=255, unique=True)
    s3_upload_id = models.CharField(_("S3 upload id"), max_length=1024, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.OPEN)
    max_bytes = models.BigIntegerField(_("size limit in bytes"))
    max_duration_s = models.PositiveIntegerField(_("length limit in seconds"))
    asset = models.OneToOneField(
        "MediaAsset",
        verbose_name=_("media asset"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="upload_session",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        indexes = [models.Index(fields=["status", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gt=0) & Q(size__lte=models.F("max_bytes")),
                name="upload_size_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(part_size__gt=0) & Q(part_count__gte=1, part_count__lte=MAX_PARTS),
                name="upload_part_layout_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(asset__isnull=False),
                name="upload_completed_has_asset",
            ),
        ]

    def __str__(self) -> str:
        return f"upload {self.id}"

    def expected_part_size(self, number: int) -> int:
        """Every part is part_size bytes except the last, which holds the rest."""
        if number < self.part_count:
            return self.part_size
        return self.size - self.part_size * (self.part_count - 1)


class UploadPart(models.Model):
    """A part stored by the local back end (S3 keeps its own list of parts)."""

    session = models.ForeignKey(
        UploadSession, verbose_name=_("upload"), on_delete=models.CASCADE, related_name="parts"
    )
    number = models.PositiveIntegerField(_("part number"))
    size = models.BigIntegerField(_("size in bytes"))
    etag = models.CharField(_("ETag"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "number"]
        verbose_name = _("upload part")
        verbose_name_plural = _("upload parts")
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="upload_part_unique_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=MAX_PARTS) & Q(size__gte=0),
                name="upload_part_number_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"part {self.number} of {self.session_id}"


class MediaAsset(models.Model):
    """One uploaded video and what the pipeline made of it."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded, waiting to be processed")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="media_assets",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.UPLOADED)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error_message = models.TextField(_("error message"), blank=True)
    # The original, kept privately so an organiser can re-transcode.
    source_key = models.CharField(_("source key"), max_length=255, blank=True)
    source_size = models.BigIntegerField(_("source size in bytes"), null=True, blank=True)
    max_duration_s = models.PositiveIntegerField(
        _("length limit in seconds"), null=True, blank=True
    )
    duration_s = models.FloatField(_("duration in seconds"), null=True, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    progress = models.FloatField(_("progress"), default=0.0)
    # Bumped by a re-transcode; outputs live under media/<id>/v<version>/.
    version = models.PositiveIntegerField(_("version"), default=1)
    # The version whose outputs are being played (the previous one during a re-transcode).
    ready_version = models.PositiveIntegerField(_("playable version"), null=True, blank=True)
    # Signed inside every media URL handed out: bumping it (services.revoke_playback)
    # stops every URL issued before, when the video must not be seen any more.
    access_version = models.PositiveIntegerField(_("link version"), default=1)
    master_playlist_key = models.CharField(_("master playlist key"), max_length=255, blank=True)
    poster_key = models.CharField(_("poster key"), max_length=255, blank=True)
    thumbnail_key = models.CharField(_("thumbnail key"), max_length=255, blank=True)
    # Counts task deliveries of the current version, so a file that kills the worker
    # every time ends failed instead of looping.
    delivery_count = models.PositiveIntegerField(_("deliveries"), default=0)
    # The task delivery working on the asset: a redelivery of the same task takes over,
    # a duplicate is turned away while the first one still shows signs of life.
    processing_task_id = models.CharField(_("processing task"), max_length=255, blank=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    processing_started_at = models.DateTimeField(_("processing started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("media asset")
        verbose_name_plural = _("media assets")
        indexes = [
            models.Index(fields=["status", "heartbeat_at"]),
            models.Index(fields=["owner", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0.0) & Q(progress__lte=1.0),
                name="media_asset_progress_fraction",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="media_asset_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"media asset {self.id}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_playable(self) -> bool:
        return bool(self.master_playlist_key) and self.ready_version is not None

    def output_prefix(self, version: int | None = None) -> str:
        return f"media/{self.id}/v{version or self.version}/"


class Rendition(models.Model):
    """One quality level of one version of an asset (an HLS media playlist)."""

    asset = models.ForeignKey(
        MediaAsset,
        verbose_name=_("media asset"),
        on_delete=models.CASCADE,
        related_name="renditions",
    )
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=20)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    bandwidth = models.PositiveIntegerField(_("bandwidth in bits per second"))
    codecs = models.CharField(_("codecs"), max_length=100, blank=True)
    frame_rate = models.FloatField(_("frame rate"), null=True, blank=True)
    playlist_key = models.CharField(_("playlist key"), max_length=255)

    class Meta:
        ordering = ["asset", "version", "height"]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "version", "name"], name="rendition_unique_name_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} of {self.asset_id} v{self.version}"


class Caption(models.Model):
    """A WebVTT caption file in one language, played as an HLS subtitles track."""

    asset = models.ForeignKey(
        MediaAsset, verbose_name=_("media asset"), on_delete=models.CASCADE, related_name="captions"
    )
    language = models.CharField(_("language"), max_length=16)
    label = models.CharField(_("label"), max_length=60)
    key = models.CharField(_("storage key"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["asset", "language"]
        verbose_name = _("caption")
        verbose_name_plural = _("captions")
        constraints = [
            models.UniqueConstraint(fields=["asset", "language"], name="caption_one_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.language} captions of {self.asset_id}"
