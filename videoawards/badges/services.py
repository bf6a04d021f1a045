"""Issuing and revoking badges. Receivers and other apps call these; nothing else writes."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from videoawards.accounts.models import User
from videoawards.accounts.selectors import may_take_part

from .models import Assertion, BadgeClass, BadgeKind, Portfolio

# The badge classes every installation has (the data migration creates them).
STANDARD_BADGES: dict[str, dict[str, str]] = {
    BadgeKind.WORKSHOP_ATTENDED: {
        "name": "Video-maker in training",
        "description": "Took part in a videoawards workshop on making science videos.",
        "criteria": "Attend a workshop from start to end (the organisers mark attendance).",
        "colour": "#0a7d5a",
    },
    BadgeKind.ENTRY_SUBMITTED: {
        "name": "Science storyteller",
        "description": "Made a short science video and entered it into a challenge.",
        "criteria": "Submit a video to a videoawards challenge.",
        "colour": "#1f6feb",
    },
    BadgeKind.FINALIST: {
        "name": "Finalist",
        "description": "A video that a jury picked for the final round of a challenge.",
        "criteria": "Be shortlisted as a finalist of a challenge.",
        "colour": "#8250df",
    },
    BadgeKind.WINNER: {
        "name": "Award winner",
        "description": "Won an award of a videoawards challenge.",
        "criteria": "Win an award decided by the jury, the public vote or both.",
        "colour": "#bf8700",
    },
    BadgeKind.JUROR: {
        "name": "Juror",
        "description": "Reviewed young people's science videos on a challenge jury.",
        "criteria": "Submit every review assigned to you in a jury round.",
        "colour": "#cf222e",
    },
}


def recipient_hash(*, email: str, salt: str) -> str:
    """Open Badges hashed identity: sha256$hex(email + salt)."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def badge_class(kind: str) -> BadgeClass:
    data = STANDARD_BADGES[kind]
    found, _created = BadgeClass.objects.get_or_create(kind=kind, defaults=data)
    return found


def issue_badge(
    *, kind: str, recipient: User, source: str, evidence_url: str = "", narrative: str = ""
) -> Assertion:
    """Give `recipient` the badge for one event; issuing the same event again is harmless."""
    cls = badge_class(kind)
    existing = Assertion.objects.filter(badge_class=cls, recipient=recipient, source=source)
    if found := existing.first():
        return found
    assertion = Assertion(
        badge_class=cls,
        recipient=recipient,
        source=source,
        evidence_url=evidence_url,
        narrative=narrative[:200],
    )
    assertion.recipient_hash = recipient_hash(email=recipient.email, salt=assertion.recipient_salt)
    try:
        with transaction.atomic():
            assertion.save()
    except IntegrityError:  # issued at the same moment by another process
        return existing.get()
    return assertion


def recognise_juror(*, round, juror: User) -> Assertion:
    """The juror badge for serving in a round (voting calls this; badges sit below voting).

    Idempotent: finishing the reviews and publishing results give one badge per round.
    """
    return issue_badge(
        kind=BadgeKind.JUROR,
        recipient=juror,
        source=f"round:{round.pk}:juror",
        narrative=f"{round.name} ({round.challenge.title})",
    )


def revoke_badge(*, assertion: Assertion, reason: str) -> Assertion:
    assertion.revoked = True
    assertion.revocation_reason = reason[:200]
    assertion.save(update_fields=["revoked", "revocation_reason"])
    return assertion


def reinstate_badge(*, assertion: Assertion) -> Assertion:
    """Undo a revocation (e.g. attendance un-ticked by mistake and ticked again)."""
    if assertion.revoked:
        assertion.revoked = False
        assertion.revocation_reason = ""
        assertion.save(update_fields=["revoked", "revocation_reason"])
    return assertion


def set_portfolio_public(*, user: User, is_public: bool) -> Portfolio:
    """Participants choose whether their portfolio has a public address (once they may
    take part: below the consent age that needs a guardian's consent)."""
    if is_public and not may_take_part(user):
        raise ValidationError(
            _("A parent or guardian needs to agree before your portfolio can be public."),
            code="needs_consent",
        )
    portfolio, _created = Portfolio.objects.get_or_create(user=user)
    if portfolio.is_public != is_public:
        portfolio.is_public = is_public
        portfolio.save(update_fields=["is_public"])
    return portfolio
