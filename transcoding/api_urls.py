from django.urls import path

from transcoding import api

urlpatterns = [
    path("uploads/", api.UploadCreateView.as_view(), name="transcoding-upload-create"),
    path(
        "uploads/<uuid:upload_id>/",
        api.UploadDetailView.as_view(),
        name="transcoding-upload-detail",
    ),
    path(
        "uploads/<uuid:upload_id>/complete/",
        api.UploadCompleteView.as_view(),
        name="transcoding-upload-complete",
    ),
    path(
        "media-assets/<uuid:asset_id>/",
        api.MediaAssetDetailView.as_view(),
        name="transcoding-media-asset-detail",
    ),
    path(
        "media-assets/<uuid:asset_id>/captions/",
        api.CaptionCreateView.as_view(),
        name="transcoding-media-asset-captions",
    ),
]
