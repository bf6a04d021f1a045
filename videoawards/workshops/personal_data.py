"""A person's workshop registrations for the export (erasure: they go with the account)."""

from __future__ import annotations

from typing import Any

from videoawards.accounts.models import User
from videoawards.accounts.personal_data import when

from .models import Registration


def export_registrations(user: User) -> list[dict[str, Any]]:
    registrations = Registration.objects.filter(participant=user).select_related("workshop")
    return [
        {
            "workshop": registration.workshop.title,
            "starts_at": when(registration.workshop.starts_at),
            "status": registration.status,
            "registered_at": when(registration.created_at),
            "cancelled_at": when(registration.cancelled_at),
            "attended": registration.attended,
        }
        for registration in registrations.order_by("created_at", "pk")
    ]
