"""Fixtures for the media pipeline's Django side (uploads, tasks, gateway)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from tests.factories import ParticipantFactory

KIB = 1024


@pytest.fixture(autouse=True)
def _small_upload_parts(settings):
    """Parts of 64 KiB keep local uploads quick (the S3 back end still uses 5 MiB)."""
    settings.TRANSCODING_PART_SIZE = 64 * KIB
    settings.RATELIMIT_ENABLE = True


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def participant():
    return ParticipantFactory()


@pytest.fixture
def client_for():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def participant_client(participant, client_for) -> Client:
    return client_for(participant)


@dataclass
class PutResult:
    status: int
    etag: str
    body: dict | None


def put_part(client: Client, url: str, body: bytes) -> PutResult:
    """PUT one part to its URL: the Django endpoint locally, the S3 server otherwise."""
    if url.startswith("http://testserver"):
        url = url.removeprefix("http://testserver")
    if url.startswith("http"):
        import requests

        response = requests.put(url, data=body, timeout=30)
        return PutResult(response.status_code, response.headers.get("ETag", ""), None)
    response = client.put(url, data=body, content_type="application/octet-stream")
    body_json = response.json() if response["Content-Type"] == "application/json" else None
    return PutResult(response.status_code, response.get("ETag", ""), body_json)


def create_upload(client: Client, *, size: int, **overrides) -> dict:
    payload = {"filename": "my experiment.mp4", "size": size, "content_type": "video/mp4"}
    payload.update(overrides)
    response = client.post("/api/v1/uploads/", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    return response.json()


def send_parts(client: Client, upload: dict, data: bytes, numbers=None) -> list[dict]:
    """PUT the given parts (all by default); returns [{number, etag}] for complete."""
    size = upload["part_size"]
    urls = {u["number"]: u["url"] for u in upload["part_urls"]}
    sent = []
    for number in numbers or sorted(urls):
        result = put_part(client, urls[number], data[(number - 1) * size : number * size])
        assert result.status == 200, result.body
        sent.append({"number": number, "etag": result.etag})
    return sent


def complete(client: Client, upload_id: str, parts: list[dict]):
    return client.post(
        f"/api/v1/uploads/{upload_id}/complete/", {"parts": parts}, content_type="application/json"
    )
