"""The matrix's rows for the media (transcoding) routes."""

from __future__ import annotations

from tests.permission_matrix.probes import count
from tests.permission_matrix.rows import (
    DELETE,
    GET,
    LOGIN,
    POST,
    PUT,
    UPLOAD,
    R,
    Row,
    caption_upload,
)
from transcoding.models import UploadSession

# fmt: off
ROWS: list[Row] = [
    # --- Media: uploads, assets, captions, playback ------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("transcoding:upload-page", {}, GET,
                          LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("transcoding-upload-create", {}, POST,
                          403,   403,   201,   201,   201,   201,   201,   201,   201,   201,
      data=UPLOAD, probe=count(UploadSession)),
    R("transcoding-upload-detail", {"upload_id": "@u_owner"}, GET,
                          403,   404,   200,   404,   404,   404,   404,   404,   404,   404),
    R("transcoding-upload-detail", {"upload_id": "@u_owner"}, DELETE,
                          403,   404,   204,   404,   404,   404,   404,   404,   404,   404,
      probe=lambda w, u: UploadSession.objects.get(pk=w.obj["u_owner"].pk).status),
    # The owner gets past the check (and is told the parts are missing).
    R("transcoding-upload-complete", {"upload_id": "@u_owner"}, POST,
                          403,   404,   400,   404,   404,   404,   404,   404,   404,   404,
      data={"parts": [{"number": 1, "etag": "0" * 32}]},
      probe=lambda w, u: UploadSession.objects.get(pk=w.obj["u_owner"].pk).status),
    # Part URLs are signed like S3 presigned URLs: the signature is the key, for one
    # upload and part only.
    R("transcoding:upload-part", {"upload_id": "@u_owner", "number": 1}, PUT,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200,
      data=b"x" * 1000, content_type="application/octet-stream", query={"sig": "@part_sig"}),
    R("transcoding:upload-part", {"upload_id": "@u_other", "number": 1}, PUT,
                          403,   403,   403,   403,   403,   403,   403,   403,   403,   403,
      data=b"x" * 1000, content_type="application/octet-stream", query={"sig": "@part_sig"}),
    R("transcoding:upload-part", {"upload_id": "@u_owner", "number": 1}, GET,
                          405,   405,   405,   405,   405,   405,   405,   405,   405,   405,
      query={"sig": "@part_sig"}),
    R("transcoding-media-asset-detail", {"asset_id": "@a_pub"}, GET,
                          403,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("transcoding-media-asset-detail", {"asset_id": "@a_draft"}, GET,
                          403,   404,   200,   404,   404,   200,   200,   200,   404,   404),
    R("transcoding-media-asset-detail", {"asset_id": "@a_loose"}, GET,
                          403,   404,   200,   404,   404,   404,   404,   404,   404,   404),
    # Captions: the video's owner (and the entry's other creators), or organisers of the
    # entry's network; an organiser of another network may watch but not change them.
    R("transcoding-media-asset-captions", {"asset_id": "@a_pub"}, POST,
                          403,   404,   201,   404,   404,   404,   404,   201,   404,   404,
      data=caption_upload, probe=lambda w, u: list(w.obj["a_pub"].captions.values_list(
          "language"))),
    R("transcoding-media-asset-captions", {"asset_id": "@a_draft"}, POST,
                          403,   404,   201,   404,   404,   404,   404,   201,   404,   404,
      data=caption_upload, probe=lambda w, u: list(w.obj["a_draft"].captions.values_list(
          "language"))),
    R("transcoding:master-playlist", {"asset_id": "@a_pub"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("transcoding:master-playlist", {"asset_id": "@a_draft"}, GET,
                          404,   404,   200,   404,   404,   200,   200,   200,   404,   404),
    R("transcoding:media-playlist", {"asset_id": "@a_pub", "path": "@variant"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("transcoding:media-playlist", {"asset_id": "@a_draft", "path": "@variant"}, GET,
                          404,   404,   200,   404,   404,   200,   200,   200,   404,   404),
    R("transcoding:media-playlist", {"asset_id": "@a_pub", "path": "@escape"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    R("transcoding:caption-playlist", {"asset_id": "@a_pub", "language": "en"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("transcoding:poster", {"asset_id": "@a_pub"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("transcoding:poster", {"asset_id": "@a_draft"}, GET,
                          404,   404,   200,   404,   404,   200,   200,   200,   404,   404),
    R("transcoding:thumbnail", {"asset_id": "@a_pub"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    # Segment URLs come signed in the playlists of those who may watch; the signature
    # is the key (like a presigned S3 URL).
    R("transcoding:asset-file", {"asset_id": "@a_draft", "path": "@segment_path"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200,
      query={"sig": "@segment_sig"}),
    R("transcoding:asset-file", {"asset_id": "@a_pub", "path": "@segment_path"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404,
      query={"sig": "@segment_sig"}),
]
# fmt: on
