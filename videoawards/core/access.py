"""The one access policy: django-rules permissions, asked by pages, the API, the playback
gateway and the admin alike (`user.has_perm("challenges.view_entry", entry)`).

A permission about many rows of one model (who sees which entries) is a QueryRule: a
predicate that is also a queryset filter, so the check on one object and the list of
objects come from the same rule and cannot disagree. Each app declares its permissions
in its own rules.py, loaded from its AppConfig.ready(); an app higher up widens a
permission declared below it with `widen()` in its rules.py (voting lets jurors see the
entries of their challenges), never through a list or a setting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rules
from django.db.models import Model, Q, QuerySet
from rules.permissions import permissions as _permissions

QueryFor = Callable[[Any], Q | None]


class QueryRule(rules.Predicate):
    """Passes for an object when `query_for(user)` (a Q over the model, or None for
    nothing) matches it; `filter()` gives the same rule as a queryset filter."""

    def __init__(self, query_for: QueryFor, *, model: type[Model], name: str) -> None:
        self.query_for = query_for
        self.model = model

        def matches(user: Any, obj: Any) -> bool:
            if not isinstance(obj, model):
                return False
            q = query_for(user)
            return q is not None and model._default_manager.filter(q, pk=obj.pk).exists()

        self._matches = matches
        super().__init__(matches, name=name)

    def filter(self, queryset: QuerySet, user: Any) -> QuerySet:
        q = self.query_for(user)
        return queryset.none() if q is None else queryset.filter(q)

    def __or__(self, other: Any) -> rules.Predicate:
        if not isinstance(other, QueryRule) or other.model is not self.model:
            # Mixed with a plain predicate: a plain predicate (no queryset form).
            return rules.Predicate(self._matches, name=self.name) | other
        first, second = self.query_for, other.query_for

        def either(user: Any) -> Q | None:
            found = [q for q in (first(user), second(user)) if q is not None]
            if not found:
                return None
            combined = found[0]
            for q in found[1:]:
                combined |= q
            return combined

        return QueryRule(either, model=self.model, name=f"({self.name} | {other.name})")


def widen(permission: str, predicate: rules.Predicate) -> None:
    """Lets more people pass a permission another app declared (call from rules.py)."""
    rules.set_perm(permission, _permissions[permission] | predicate)


def allowed(permission: str, queryset: QuerySet, *, user: Any) -> QuerySet:
    """The rows of `queryset` that `user` has `permission` for (a QueryRule permission)."""
    rule = _permissions[permission]
    if not isinstance(rule, QueryRule):
        raise TypeError(f"{permission} is not a queryset rule")
    return rule.filter(queryset, user)
