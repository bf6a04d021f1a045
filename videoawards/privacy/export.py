"""A person's data as one JSON document (GDPR Art. 15 and 20): what they gave us and
what they did here, collected from each app's personal_data.py. The page, the API and
the guardian's link all use export_user_data.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from transcoding import personal_data as transcoding_data
from videoawards.accounts import personal_data as account_data
from videoawards.accounts.models import User
from videoawards.badges import personal_data as badge_data
from videoawards.challenges import personal_data as entry_data
from videoawards.workshops import personal_data as workshop_data
from voting import personal_data as voting_data

FORMAT_VERSION = 1


def export_user_data(*, user: User) -> dict[str, Any]:
    """Everything we keep about `user`, for them (or their guardian) to download."""
    return {
        "format": "videoawards-personal-data",
        "version": FORMAT_VERSION,
        "exported_at": account_data.when(timezone.now()),
        "account": account_data.export_account(user),
        "guardian_consents": account_data.export_consents(user),
        "entries": entry_data.export_entries(user),
        "team_invitations": entry_data.export_team_invitations(user),
        "videos": transcoding_data.export_videos(user),
        "workshop_registrations": workshop_data.export_registrations(user),
        "badges": badge_data.export_badges(user),
        "votes": voting_data.export_votes(user),
        "portfolio": badge_data.export_portfolio(user),
    }


def export_filename() -> str:
    return f"videoawards-data-{timezone.localdate().isoformat()}.json"
