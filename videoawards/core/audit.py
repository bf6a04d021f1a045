"""The audit log's writers: every layer records what people and the system did here.

Events are never changed afterwards: there is deliberately no function that edits them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent

ROLE_CHANGE = "account.role_change"

# Targets whose own provider network is the event's (by model label: core imports no app).
_NETWORK_OWNERS = {"challenges.Challenge", settings.AUTH_USER_MODEL}


def _network_of(target: models.Model | None) -> int | None:
    """The provider network a target belongs to, so network organisers see its events."""
    if target is None:
        return None
    if target._meta.label == "accounts.ProviderNetwork":
        return target.pk
    if target._meta.label in _NETWORK_OWNERS:
        return target.provider_network_id
    challenge = getattr(target, "challenge", None)
    if isinstance(challenge, models.Model) and challenge._meta.label == "challenges.Challenge":
        return challenge.provider_network_id
    return None


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the audit log. `actor` None (or anonymous) means the system.

    `action` is "area.verb" (e.g. "results.publish"); `data` must be JSON-serialisable.
    """
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        provider_network_id=_network_of(target),
        reason=reason,
        data=data or {},
        ip_address=ip_address or None,
    )
    event.full_clean(exclude=["actor", "target_type", "provider_network"])
    event.save()
    return event


def record_role_change(
    *, user: Any, by: Any, before: dict[str, Any], ip_address: str | None = None
) -> AuditEvent | None:
    """Audit a change of someone's role, network or staff flags (made in the admin).

    `before` holds the old values of the fields that may have changed; nothing is
    written when none did.
    """
    changes = {
        field: [old, getattr(user, field)]
        for field, old in before.items()
        if old != getattr(user, field)
    }
    if not changes:
        return None
    return record(actor=by, action=ROLE_CHANGE, target=user, data=changes, ip_address=ip_address)
