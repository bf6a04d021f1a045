"""A person's data as one JSON document (GDPR Art. 15 and 20): what they gave us and
what they did here. The page, the API and the guardian's link all use export_user_data.

Votes are listed by entry and time; the address they came from is kept only as a keyed
hash for spotting abuse and is not part of the export.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import GuardianConsent, User

FORMAT_VERSION = 1


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "birth_year": user.birth_year,
        "country": user.country,
        "role": user.role,
        "provider_network": str(user.provider_network) if user.provider_network_id else None,
        "joined_at": _when(user.date_joined),
        "email_verified_at": _when(user.email_verified_at),
        "last_login_at": _when(user.last_login),
    }


def _consents(user: User) -> list[dict[str, Any]]:
    return [
        {
            "guardian_email": consent.guardian_email or None,
            "status": consent.status,
            "requested_at": _when(consent.requested_at),
            "last_emailed_at": _when(consent.last_sent_at),
            "given_at": _when(consent.given_at),
            "declined_at": _when(consent.declined_at),
            "withdrawn_at": _when(consent.withdrawn_at),
        }
        for consent in GuardianConsent.objects.filter(user=user).order_by("requested_at", "pk")
    ]


def _entries(user: User) -> list[dict[str, Any]]:
    from videoawards.challenges.selectors import participant_entries

    return [
        {
            "id": entry.pk,
            "challenge": entry.challenge.title,
            "category": entry.category.name if entry.category_id else None,
            "title": entry.title,
            "description": entry.description,
            "team_name": entry.team_name,
            "team": [creator.display_name for creator in entry.creators.all()],
            "state": entry.state,
            "video": str(entry.media_asset_id) if entry.media_asset_id else None,
            "created_at": _when(entry.created_at),
            "submitted_at": _when(entry.submitted_at),
        }
        for entry in participant_entries(user=user)
    ]


def _videos(user: User) -> list[dict[str, Any]]:
    from transcoding.models import MediaAsset

    return [
        {
            "id": str(asset.pk),
            "status": asset.status,
            "size_bytes": asset.source_size,
            "duration_seconds": asset.duration_s,
            "uploaded_at": _when(asset.created_at),
        }
        for asset in MediaAsset.objects.filter(owner=user).order_by("created_at")
    ]


def _registrations(user: User) -> list[dict[str, Any]]:
    from videoawards.workshops.models import Registration

    registrations = Registration.objects.filter(participant=user).select_related("workshop")
    return [
        {
            "workshop": registration.workshop.title,
            "starts_at": _when(registration.workshop.starts_at),
            "status": registration.status,
            "registered_at": _when(registration.created_at),
            "cancelled_at": _when(registration.cancelled_at),
            "attended": registration.attended,
        }
        for registration in registrations.order_by("created_at", "pk")
    ]


def _badges(user: User) -> list[dict[str, Any]]:
    from videoawards.badges.models import Assertion

    assertions = Assertion.objects.filter(recipient=user).select_related("badge_class")
    return [
        {
            "badge": assertion.badge_class.name,
            "kind": assertion.badge_class.kind,
            "for": assertion.narrative,
            "issued_on": _when(assertion.issued_on),
            "revoked": assertion.revoked,
            "assertion_url": settings.SITE_URL
            + reverse("badges:assertion", kwargs={"pk": assertion.pk}),
        }
        for assertion in assertions.order_by("issued_on", "pk")
    ]


def _votes(user: User) -> list[dict[str, Any]]:
    from voting.models import Vote

    votes = Vote.objects.filter(voter=user).select_related("entry", "challenge")
    return [
        {
            "entry": vote.entry.title,
            "challenge": vote.challenge.title,
            "cast_at": _when(vote.created_at),
            "counted": vote.invalidation_id is None,
        }
        for vote in votes.order_by("created_at", "pk")
    ]


def _portfolio(user: User) -> dict[str, Any] | None:
    from videoawards.badges.models import Portfolio

    portfolio = Portfolio.objects.filter(user=user).first()
    if portfolio is None:
        return None
    return {"public": portfolio.is_public, "public_id": str(portfolio.public_id)}


def export_user_data(*, user: User) -> dict[str, Any]:
    """Everything we keep about `user`, for them (or their guardian) to download."""
    return {
        "format": "videoawards-personal-data",
        "version": FORMAT_VERSION,
        "exported_at": _when(timezone.now()),
        "account": _account(user),
        "guardian_consents": _consents(user),
        "entries": _entries(user),
        "videos": _videos(user),
        "workshop_registrations": _registrations(user),
        "badges": _badges(user),
        "votes": _votes(user),
        "portfolio": _portfolio(user),
    }


def export_filename() -> str:
    return f"videoawards-data-{timezone.localdate().isoformat()}.json"
