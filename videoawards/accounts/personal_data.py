"""What accounts keeps about a person, for the privacy app's export (the account itself
and the guardian consents go with the account row on erasure)."""

from __future__ import annotations

from datetime import datetime
from importlib import import_module
from typing import Any

from django.conf import settings
from rest_framework.authtoken.models import Token

from .models import GuardianConsent, LoginSession, User


def when(value: datetime | None) -> str | None:
    """A time as the export writes it."""
    return value.isoformat() if value else None


def export_account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "birth_year": user.birth_year,
        "country": user.country,
        "role": user.role,
        "provider_network": str(user.provider_network) if user.provider_network_id else None,
        "joined_at": when(user.date_joined),
        "email_verified_at": when(user.email_verified_at),
        "last_login_at": when(user.last_login),
    }


def export_consents(user: User) -> list[dict[str, Any]]:
    return [
        {
            "guardian_email": consent.guardian_email or None,
            "status": consent.status,
            "requested_at": when(consent.requested_at),
            "last_emailed_at": when(consent.last_sent_at),
            "given_at": when(consent.given_at),
            "declined_at": when(consent.declined_at),
            "withdrawn_at": when(consent.withdrawn_at),
        }
        for consent in GuardianConsent.objects.filter(user=user).order_by("requested_at", "pk")
    ]


def end_sessions(user: User) -> int:
    """End every browser session the person logged in with and revoke their API token,
    wherever the sessions are stored. Returns the number of sessions ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    LoginSession.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()
    return len(keys)
