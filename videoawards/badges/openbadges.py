"""Open Badges 2.0 documents (hosted verification) for the issuer, badge classes and assertions.

See https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from .models import Assertion, BadgeClass

CONTEXT = "https://w3id.org/openbadges/v2"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def issuer() -> dict:
    return {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": absolute(reverse("badges:issuer")),
        "name": settings.BADGES_ISSUER_NAME,
        "url": settings.SITE_URL + "/",
        "email": settings.BADGES_ISSUER_EMAIL,
    }


def badge_class(cls: BadgeClass) -> dict:
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": absolute(reverse("badges:class", kwargs={"kind": cls.kind})),
        "name": cls.name,
        "description": cls.description,
        "image": absolute(reverse("badges:class-image", kwargs={"kind": cls.kind})),
        "criteria": {"narrative": cls.criteria},
        "issuer": absolute(reverse("badges:issuer")),
    }


def assertion(item: Assertion) -> dict:
    document = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": absolute(reverse("badges:assertion", kwargs={"pk": item.pk})),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": item.recipient_salt,
            "identity": item.recipient_hash,
        },
        "badge": absolute(reverse("badges:class", kwargs={"kind": item.badge_class.kind})),
        "verification": {"type": "hosted"},
        "issuedOn": item.issued_on.isoformat(),
    }
    if item.evidence_url or item.narrative:
        evidence: dict = {"type": "Evidence"}
        if item.evidence_url:
            evidence["id"] = absolute(item.evidence_url)
        if item.narrative:
            evidence["narrative"] = item.narrative
        document["evidence"] = evidence
    if item.revoked:
        document["revoked"] = True
        document["revocationReason"] = item.revocation_reason
    return document


def badge_image_svg(cls: BadgeClass) -> str:
    """A simple round badge in the class's colour with its name (no image files to ship)."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240">'
        f'<circle cx="120" cy="120" r="112" fill="{escape(cls.colour)}"/>'
        '<circle cx="120" cy="120" r="96" fill="none" stroke="#fff" stroke-width="4"/>'
        '<text x="120" y="112" font-family="sans-serif" font-size="20" fill="#fff" '
        f'text-anchor="middle">{escape(cls.name)}</text>'
        '<text x="120" y="146" font-family="sans-serif" font-size="14" fill="#fff" '
        'text-anchor="middle">videoawards</text></svg>'
    )
