from django.urls import path  # noqa: F401

app_name = "transcoding"

urlpatterns: list = [
    # upload part endpoint (local storage), playback gateway, processing status
]
