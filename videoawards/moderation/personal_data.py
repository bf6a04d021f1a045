"""What moderation keeps of a person, and how erasure anonymises it (privacy.erasure)."""

from __future__ import annotations

from videoawards.accounts.models import User

from .models import Report


def anonymise_reports(user: User) -> int:
    """Blank the free text of the reports the person wrote (it may hold their email or
    phone number); the report itself stays for the moderators' record, without them."""
    return Report.objects.filter(reporter=user).exclude(details="").update(details="")
