"""Which provider network a staff account acts for.

Organisers and moderators act for their own network; platform-wide staff (an explicit
flag, `is_platform_staff`) and superusers for every one. An account with neither a
network nor the flag acts for none: a missing network never widens anything. Users are
known here only by those attributes, so every layer can use this.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet


def is_platform_wide(user: Any) -> bool:
    return bool(user.is_superuser or getattr(user, "is_platform_staff", False))


def covers(user: Any, network_id: int | None) -> bool:
    """Whether the account acts for objects of this network (None: of no network)."""
    if is_platform_wide(user):
        return True
    own = getattr(user, "provider_network_id", None)
    return own is not None and own == network_id


def scope_queryset(qs: QuerySet, *, user: Any, network_field: str) -> QuerySet:
    """The rows of `qs` whose network (the lookup path `network_field`) the user acts for."""
    if is_platform_wide(user):
        return qs
    own = getattr(user, "provider_network_id", None)
    if own is None:
        return qs.none()
    return qs.filter(**{network_field: own})


def network_of(obj: Model, network_field: str) -> int | None:
    """The network id at the end of `network_field` ("challenge__provider_network"),
    starting from `obj` or, for an admin inline's parent, from a later step of the path
    ("provider_network" of a challenge)."""
    steps = network_field.split("__")
    for start in range(len(steps)):
        *path, last = steps[start:]
        target: Any = obj
        try:
            for step in path:
                target = getattr(target, step)
        except AttributeError:
            continue
        if target is None:
            return None
        if hasattr(target, f"{last}_id"):
            return getattr(target, f"{last}_id")
    raise ValueError(f"{type(obj).__name__} has no {network_field}")
