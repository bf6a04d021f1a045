"""The permission matrix's tests: one per row of MATRIX, and every route has a row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode
from rest_framework.test import APIClient

from tests.permission_matrix import MATRIX
from tests.permission_matrix.rows import DONE, GO, LOGIN, NOPE, ROLES, Row
from tests.permission_matrix.world import World, _build_world, _log_in
from videoawards.accounts.models import User
from voting.services.votes import forget_cached_facts

pytestmark = pytest.mark.django_db

# Routes deliberately outside the matrix, each with the reason.
OUTSIDE_MATRIX = {
    "admin:": (
        "Django admin internals (every model's changelist, add, change, delete, history "
        "and the admin's own log-in): guarded by the admin site itself (is_staff, model "
        "permissions, can_use_admin in the ModelAdmins) and tested in tests/*/test_admin.py; "
        "the matrix keeps one row for admin:index to show who gets in at all."
    ),
    "admin/": (
        "Unnamed admin patterns (the catch-all and the <object_id>/ redirects): same reason."
    ),
}
IN_MATRIX_DESPITE_PREFIX = {"admin:index"}


# --- The world ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """Built once for the module, in a transaction rolled back at its end (each test
    runs in a savepoint inside it, each role's request in one more)."""
    media = tmp_path_factory.mktemp("matrix-media")
    overrides = override_settings(
        # Local storage on every stage: with S3 the playback gateway answers with redirects
        # to presigned URLs, which would need rows of their own; access is the same.
        STORAGE_BACKEND="local",
        RATELIMIT_ENABLE=False,  # limits are tested beside their views, not here
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=str(media),
        STORAGES={
            **django_settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(media), "base_url": None},
            },
        },
    )
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        overrides.enable()
        atomic.__enter__()
        cache.clear()
        forget_cached_facts()
        built = _build_world()
        built.sessions = {role: _log_in(user) for role, user in built.users.items() if user}
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            overrides.disable()
            forget_cached_facts()
            cache.clear()


@pytest.fixture
def _private_media():
    """Replaces the suite's per-test media folder: the world's files live for the module."""


# --- Sending ------------------------------------------------------------------------------


def _resolve(value: Any, refs: dict[str, Any]) -> Any:
    """A string "@name" (also as a key, or inside lists and dicts) is the world's value."""
    if isinstance(value, str) and value.startswith("@"):
        return refs[value[1:]]
    if isinstance(value, dict):
        return {_resolve(k, refs): _resolve(v, refs) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, refs) for v in value]
    return value


def _path(row: Row, refs: dict[str, Any]) -> str:
    path = reverse(row.route, kwargs=_resolve(row.kwargs, refs))
    return f"{path}?{urlencode(_resolve(row.query, refs))}" if row.query else path


def _send(row: Row, world: World, page: Client, api: APIClient) -> HttpResponse:
    path = _path(row, world.refs)
    data = row.data(world) if callable(row.data) else _resolve(row.data, world.refs)
    if path.startswith("/api/v1/"):
        if callable(row.data):
            return getattr(api, row.method)(path, data, format="multipart")
        return getattr(api, row.method)(path, data, format="json")
    if row.content_type:
        return getattr(page, row.method)(path, data, content_type=row.content_type)
    return getattr(page, row.method)(path, data or {})


_LOGIN_PAGES = (reverse("accounts:login"), "/admin/login/")


def _outcome(row: Row, world: World, user: User | None, response, before, after) -> Any:
    status = response.status_code
    changed = before != after
    if status == 302:
        if response["Location"].startswith(_LOGIN_PAGES):
            return f"{LOGIN} changed!" if changed else LOGIN
        if row.probe is None:
            return GO
        return DONE if changed else NOPE
    if row.probe is not None and status < 400 and not changed:
        return f"{status} no-op"
    if row.probe is not None and status >= 400 and changed:
        return f"{status} changed!"
    if row.check is not None and status < 300 and not row.check(world, user, response):
        return f"{status} wrong data!"
    return status


def _clients(world: World, role: str) -> tuple[Client, APIClient]:
    """Fresh clients (no cookie left by an earlier request) with the role's session.
    Neither checks CSRF tokens, like Django's and DRF's test clients by default."""
    page = Client(raise_request_exception=False)
    api = APIClient(raise_request_exception=False)
    if role in world.sessions:
        page.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[role]
        api.cookies = page.cookies
    return page, api


def _run_row(row: Row, world: World) -> dict[str, Any]:
    probe = row.probe or (lambda w, user: None)
    outcomes = {}
    for role in ROLES:
        user = world.users[role]
        page, api = _clients(world, role)
        with transaction.atomic():
            before = probe(world, user)
            response = _send(row, world, page, api)
            after = probe(world, user)
            outcomes[role] = _outcome(row, world, user, response, before, after)
            transaction.set_rollback(True)
        mail.outbox.clear()
        cache.clear()  # rate-limit and throttle counters
        forget_cached_facts()  # what the vote path cached about entries
    return outcomes


@pytest.mark.parametrize("row", MATRIX, ids=[row.id for row in MATRIX])
def test_each_role_gets_what_the_matrix_says(row: Row, world: World):
    # given: the world, a client per role
    # when
    got = _run_row(row, world)
    # then
    assert got == dict(zip(ROLES, row.expect, strict=True))


# --- Every route has a row ----------------------------------------------------------------


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                yield prefix + str(pattern.pattern)


def _outside(route: str) -> bool:
    return route not in IN_MATRIX_DESPITE_PREFIX and route.startswith(tuple(OUTSIDE_MATRIX))


def test_every_route_is_in_the_matrix():
    routes = set(_walk(get_resolver()))
    covered = {row.route for row in MATRIX}
    assert {
        "missing rows": sorted(r for r in routes - covered if not _outside(r)),
        "rows for no route": sorted(covered - routes),
        "allow-listed but in the matrix": sorted(r for r in covered if _outside(r)),
    } == {"missing rows": [], "rows for no route": [], "allow-listed but in the matrix": []}


def test_every_allow_listed_prefix_still_matches_a_route():
    routes = set(_walk(get_resolver()))
    assert {prefix for prefix in OUTSIDE_MATRIX if any(r.startswith(prefix) for r in routes)} == (
        set(OUTSIDE_MATRIX)
    )
