from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from transcoding import services
from transcoding.models import Caption, MediaAsset, Rendition, UploadSession


class RenditionInline(admin.TabularInline):
    model = Rendition
    extra = 0
    can_delete = False
    readonly_fields = ["version", "name", "width", "height", "bandwidth", "codecs", "playlist_key"]
    fields = readonly_fields


class CaptionInline(admin.TabularInline):
    model = Caption
    extra = 0
    readonly_fields = ["language", "label", "key"]
    fields = readonly_fields


@admin.register(MediaAsset)
class MediaAssetAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "status", "progress", "version", "delivery_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["id", "owner__email", "owner__display_name"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = [
        f.name for f in MediaAsset._meta.fields if f.name not in {"owner", "error_message"}
    ]
    inlines = [RenditionInline, CaptionInline]
    actions = ["retranscode"]

    @admin.action(description=_("Re-transcode from the original (new version)"))
    def retranscode(self, request: HttpRequest, queryset: QuerySet[MediaAsset]) -> None:
        count = services.retranscode_assets(assets=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d media asset queued for a new version.",
                "%(count)d media assets queued for a new version.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(UploadSession)
class UploadSessionAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "filename", "size", "status", "created_at", "expires_at"]
    list_filter = ["status"]
    search_fields = ["id", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner", "asset"]
    readonly_fields = [f.name for f in UploadSession._meta.fields if f.name != "owner"]
