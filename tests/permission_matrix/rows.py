"""What a row of the matrix is: the roles (its columns), the cells, Row and R."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse

from tests.permission_matrix.world import World
from videoawards.accounts.models import User

# --- Rows -----------------------------------------------------------------------------

ROLES = (
    "anon",  # not logged in
    "minor",  # participant, 14, guardian's consent requested but not given
    "owner",  # participant who made the objects the rows are about
    "other",  # another participant
    "juror_x",  # juror on the panel of a challenge of another network
    "juror",  # juror on the panels of the challenges, assigned to the owner's entry
    "mod",  # moderator of the challenges' network
    "org",  # organiser of the challenges' network (staff, may use the admin)
    "mod_x",  # moderator of another network
    "org_x",  # organiser of another network (staff)
)

LOGIN, GO, DONE, NOPE = "login", "go", "done", "nope"
NOOP_200 = "200 no-op"
GET, POST, PUT, PATCH, DELETE = "get", "post", "put", "patch", "delete"

Probe = Callable[[World, User | None], Any]
Check = Callable[[World, User | None, HttpResponse], bool]


@dataclass(frozen=True)
class Row:
    route: str
    kwargs: dict[str, Any]
    method: str
    expect: tuple
    data: Any = None
    probe: Probe | None = None
    check: Check | None = None
    content_type: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    label: str = ""  # tells two rows of one route and method apart

    @property
    def id(self) -> str:
        args = ",".join(f"{k}={v}" for k, v in self.kwargs.items())
        label = f" [{self.label}]" if self.label else ""
        return f"{self.method.upper()} {self.route}({args}){label}"


def R(route, kwargs, method, *expect, **options) -> Row:  # a row of the table
    assert len(expect) == len(ROLES), f"{route}: {len(expect)} cells for {len(ROLES)} roles"
    return Row(route, kwargs, method, tuple(expect), **options)


def caption_upload(w: World) -> dict:
    return {"language": "de", "label": "Deutsch", "file": SimpleUploadedFile("de.vtt", VTT)}


VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nHallo\n"

UPLOAD = {"filename": "film.mp4", "size": 1000, "content_type": "video/mp4"}
