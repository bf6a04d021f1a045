from django.urls import path

from transcoding import views

app_name = "transcoding"

urlpatterns = [
    path("uploads/new", views.upload_page, name="upload-page"),
    path("uploads/<uuid:upload_id>/parts/<int:number>", views.upload_part, name="upload-part"),
    path("assets/<uuid:asset_id>/master.m3u8", views.master_playlist, name="master-playlist"),
    path(
        "assets/<uuid:asset_id>/playlists/<path:path>",
        views.media_playlist,
        name="media-playlist",
    ),
    path(
        "assets/<uuid:asset_id>/captions/<str:language>.m3u8",
        views.caption_playlist,
        name="caption-playlist",
    ),
    path(
        "assets/<uuid:asset_id>/poster.jpg",
        views.still_image,
        {"kind": "poster"},
        name="poster",
    ),
    path(
        "assets/<uuid:asset_id>/thumbnail.jpg",
        views.still_image,
        {"kind": "thumbnail"},
        name="thumbnail",
    ),
    path("assets/<uuid:asset_id>/files/<path:path>", views.asset_file, name="asset-file"),
]
