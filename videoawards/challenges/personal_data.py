"""A person's entries: what the export lists, and how erasure takes them off their teams."""

from __future__ import annotations

from typing import Any

from transcoding.models import MediaAsset
from videoawards.accounts.models import User
from videoawards.accounts.personal_data import when

from .models import EntryCreator, TeamInvitation
from .selectors import participant_entries


def export_entries(user: User) -> list[dict[str, Any]]:
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
            "created_at": when(entry.created_at),
            "submitted_at": when(entry.submitted_at),
        }
        for entry in participant_entries(user=user)
    ]


def export_team_invitations(user: User) -> list[dict[str, Any]]:
    """Invitations the person received or sent (the other side by display name only)."""
    invitations = (
        TeamInvitation.objects.filter(invitee=user) | TeamInvitation.objects.filter(invited_by=user)
    ).select_related("entry", "invitee", "invited_by")
    return [
        {
            "entry": invitation.entry.title,
            "invited": invitation.invitee.display_name,
            "invited_by": invitation.invited_by.display_name if invitation.invited_by else None,
            "status": invitation.status,
            "created_at": when(invitation.created_at),
            "decided_at": when(invitation.decided_at),
        }
        for invitation in invitations.order_by("created_at", "pk")
    ]


def leave_entries(user: User) -> set:
    """Take the person off their teams; returns the ids of the videos of entries that go.

    Entries the person made alone go; a team entry whose other creators remain stays."""
    doomed_assets = set()
    for link in EntryCreator.objects.filter(user=user).select_related("entry"):
        entry = link.entry
        if EntryCreator.objects.filter(entry=entry).exclude(user=user).exists():
            link.delete()
            continue
        if entry.media_asset_id:
            doomed_assets.add(entry.media_asset_id)
        entry.delete()
    return doomed_assets


def hand_over_team_videos(user: User) -> None:
    """Videos the person uploaded for entries that stay pass to a remaining creator."""
    for asset in MediaAsset.objects.filter(owner=user, entry__isnull=False).select_related("entry"):
        heir = (
            EntryCreator.objects.filter(entry=asset.entry)
            .exclude(user=user)
            .order_by("joined_at", "pk")
            .first()
        )
        if heir is not None:
            MediaAsset.objects.filter(pk=asset.pk).update(owner_id=heir.user_id)
