"""The matrix's rows for the workshops routes."""

from __future__ import annotations

from django.utils import timezone

from tests.permission_matrix.probes import count, exists, only_own
from tests.permission_matrix.rows import (
    DELETE,
    DONE,
    GET,
    LOGIN,
    NOOP_200,
    NOPE,
    PATCH,
    POST,
    R,
    Row,
)
from videoawards.workshops.models import Registration, Workshop

# fmt: off
ROWS: list[Row] = [
    # --- Workshops ----------------------------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("workshops:list", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("workshops:mine", {}, GET,
                          LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("workshops:detail", {"slug": "@w"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("workshops:calendar", {"slug": "@w"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    # Workshops need no consent; the owner already has a place.
    R("workshops:register", {"slug": "@w"}, POST,
                          LOGIN, DONE,  NOPE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      probe=exists(Registration, workshop="@w", participant="@user")),
    R("workshops:register", {"slug": "@w"}, GET,
                          405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    # Cancelling someone else's registration by its id: not found.
    R("workshops:cancel", {"pk": "@r_owner"}, POST,
                          LOGIN, 404,   DONE,  404,   404,   404,   404,   404,   404,   404,
      probe=lambda w, u: Registration.objects.get(pk=w.obj["r_owner"].pk).status),
    # Only organisers of the workshop's network tick attendance.
    R("workshops:attendance", {"slug": "@w_started"}, GET,
                          LOGIN, 404,   404,   404,   404,   404,   404,   200,   404,   404),
    R("workshops:attendance", {"slug": "@w_started"}, POST,
                          LOGIN, 404,   404,   404,   404,   404,   404,   DONE,  404,   404,
      data={"attended": "@r_started"},
      probe=lambda w, u: Registration.objects.get(pk=w.obj["r_started"].pk).attended),
    R("workshop-list", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("workshop-list", {}, POST,
                          403,   405,   405,   405,   405,   405,   405,   405,   405,   405,
      data={"title": "Mine now"}),
    R("workshop-detail", {"slug": "@w"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("workshop-detail", {"slug": "@w"}, PATCH,
                          403,   405,   405,   405,   405,   405,   405,   405,   405,   405,
      data={"capacity": 1000}),
    R("workshop-registration-list", {}, GET,
                          403,   200,   200,   200,   200,   200,   200,   200,   200,   200,
      check=only_own(Registration)),
    R("workshop-registration-list", {}, POST,
                          403,   201,   400,   201,   201,   201,   201,   201,   201,   201,
      data={"workshop": "@w"}, probe=exists(Registration, workshop="@w", participant="@user")),
    R("workshop-registration-detail", {"pk": "@r_owner"}, GET,
                          403,   404,   200,   404,   404,   404,   404,   404,   404,   404),
    R("workshop-registration-detail", {"pk": "@r_owner"}, DELETE,
                          403,   404,   204,   404,   404,   404,   404,   404,   404,   404,
      probe=lambda w, u: Registration.objects.get(pk=w.obj["r_owner"].pk).status),
    R("workshop-registration-detail", {"pk": "@r_owner"}, PATCH,
                          403,   405,   405,   405,   405,   405,   405,   405,   405,   405,
      data={"status": "confirmed"}),

    # --- Workshops (organisers) ---------------------------------------------------------
    # Any organiser may create one for their own network; running one (the manage page,
    # edit, cancel, the CSV) is for organisers of its network only: 403 for the rest.
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("workshops:new", {}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200),
    R("workshops:new", {}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   NOOP_200, 403, NOOP_200,
      data={"title": ""}, probe=count(Workshop), label="invalid: the form again"),
    R("workshops:new", {}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   DONE,
      data=lambda w: {
          "title": "Matrix workshop", "mode": "online", "capacity": "5", "is_published": "on",
          **{name: timezone.localtime(getattr(w.obj["w"], name)).strftime("%Y-%m-%dT%H:%M")
             for name in ("starts_at", "ends_at", "registration_deadline")},
      },
      probe=exists(Workshop, title="Matrix workshop")),
    R("workshops:manage", {"slug": "@w"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("workshops:edit", {"slug": "@w"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("workshops:edit", {"slug": "@w"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      data=lambda w: {
          "title": "Renamed", "mode": "on_site", "city": "Kiel", "capacity": "20",
          **{name: timezone.localtime(getattr(w.obj["w"], name)).strftime("%Y-%m-%dT%H:%M")
             for name in ("starts_at", "ends_at", "registration_deadline")},
      },
      probe=lambda w, u: Workshop.objects.get(pk=w.obj["w"].pk).capacity),
    # Asking first changes nothing.
    R("workshops:cancel_workshop", {"slug": "@w"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   NOOP_200, 403,  403,
      probe=lambda w, u: Workshop.objects.get(pk=w.obj["w"].pk).cancelled_at),
    R("workshops:cancel_workshop", {"slug": "@w"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=lambda w, u: Workshop.objects.get(pk=w.obj["w"].pk).cancelled_at),
    # Display names and attendance only: the owner's email never leaves in the file.
    R("workshops:registrations_csv", {"slug": "@w"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403,
      check=lambda w, u, r: w.obj["r_owner"].participant.email not in r.content.decode()),
]
# fmt: on
