"""Probes (what a row watches change) and checks (what a success must show)."""

from __future__ import annotations

import json

from django.core import mail
from django.db import connection
from django.http import HttpResponse

from tests.permission_matrix.rows import GET, ROLES, Check, Probe
from tests.permission_matrix.world import World
from videoawards.accounts.models import User
from videoawards.challenges.models import Entry
from videoawards.core import mail as core_mail
from videoawards.workshops.models import Registration

# --- Probes and checks ------------------------------------------------------------------


def entry_field(name: str, attr: str) -> Probe:
    return lambda w, user: Entry.objects.filter(pk=w.obj[name].pk).values_list(attr).first()


def exists(model, **lookups) -> Probe:
    """`lookups` values: "@name" is a world object, "@user" the acting user."""

    def probe(w: World, user: User | None) -> bool:
        resolved = {}
        for key, value in lookups.items():
            if value == "@user":
                if user is None:
                    return False
                value = user
            elif isinstance(value, str) and value.startswith("@"):
                value = w.user(value[1:])
            resolved[key] = value.pk if key == "pk" else value
        return model.objects.filter(**resolved).exists()

    return probe


def count(model, **lookups) -> Probe:
    return lambda w, user: model.objects.filter(**lookups).count()


def own_field(attr: str) -> Probe:
    """A field of the acting user's own account (None when it is gone)."""
    return lambda w, user: (
        User.objects.filter(pk=user.pk).values_list(attr).first() if user else None
    )


def mails(w: World, user: User | None) -> int:
    """Mail sent, or queued to leave once the row's change commits (the row's change is
    rolled back, so queued mail never reaches the outbox here)."""
    queued = [
        callback
        for _savepoints, callback, _robust in connection.run_on_commit
        if getattr(callback, "func", None) is core_mail._send_later
    ]
    return len(mail.outbox) + len(queued)


def own_export(w: World, user: User | None, response: HttpResponse) -> bool:
    return json.loads(response.content)["account"]["email"] == user.email


def export_of(name: str) -> Check:
    def check(w: World, user: User | None, response: HttpResponse) -> bool:
        return json.loads(response.content)["account"]["email"] == w.user(name).email

    return check


def entries_listed_as_detail_rows(w: World, user: User | None, response: HttpResponse) -> bool:
    """The API list holds the world's entries exactly for those the detail rows let in."""
    from tests.permission_matrix import MATRIX  # late: the rows use this check

    role = next(role for role, someone in w.users.items() if someone == user)
    listed = {item["id"] for item in response.json()["results"]}
    for row in MATRIX:
        if row.route == "entry-detail" and row.method == GET:
            name = row.kwargs["pk"][1:]
            allowed = row.expect[ROLES.index(role)] == 200
            if (w.refs[name] in listed) != allowed:
                return False
    return True


def shows_no_entry_of(*names: str) -> Check:
    def check(w: World, user: User | None, response: HttpResponse) -> bool:
        page = response.content.decode()
        return not any(w.obj[name].title in page for name in names)

    return check


def own_network_entries_only(w: World, user: User | None, response: HttpResponse) -> bool:
    """An organiser's page lists their network's public entries and not the other's."""
    page = response.content.decode()
    ours, theirs = ("e_done", "e_x") if user == w.users["org"] else ("e_x", "e_done")
    return w.obj[ours].title in page and w.obj[theirs].title not in page


def only_own(model) -> Check:
    """Every object listed belongs to the acting user."""

    def check(w: World, user: User | None, response: HttpResponse) -> bool:
        data = response.json()
        items = data["results"] if isinstance(data, dict) else data
        ids = [item["id"] for item in items]
        owner_field = "participant" if model is Registration else "juror"
        mine = model.objects.filter(pk__in=ids, **{owner_field: user}).count()
        return mine == len(ids)

    return check
