"""A person's votes for the export: by entry and time, never the address they came from
(kept only as a keyed hash for spotting abuse). On erasure the votes stay without their
voter (voting's receiver of accounts.signals.account_erasing), so totals do not change."""

from __future__ import annotations

from typing import Any

from videoawards.accounts.models import User
from videoawards.accounts.personal_data import when
from voting.models import Vote


def export_votes(user: User) -> list[dict[str, Any]]:
    votes = Vote.objects.filter(voter=user).select_related("entry", "challenge")
    return [
        {
            "entry": vote.entry.title,
            "challenge": vote.challenge.title,
            "cast_at": when(vote.created_at),
            "counted": vote.invalidation_id is None,
        }
        for vote in votes.order_by("created_at", "pk")
    ]
