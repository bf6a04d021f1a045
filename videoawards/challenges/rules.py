"""Who may see an entry, caption its video, and play or caption the video of an entry
(django-rules, see core/access.py). Loaded by ChallengesConfig.ready().

Everyone sees public entries; an entry's creators see it in any state; moderators and
organisers the entries of their network's challenges (platform-wide staff all). Voting
widens challenges.view_entry for the challenge's jurors in voting/rules.py.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Exists, OuterRef, Q

from transcoding.models import MediaAsset
from transcoding.rules import CAPTION_ASSET, PLAY_ASSET
from videoawards.accounts.permissions import is_moderator_for, is_organiser_for
from videoawards.core.access import QueryRule, widen

from .models import Entry, EntryCreator
from .selectors import public_entry_q

VIEW_ENTRY = "challenges.view_entry"
CAPTION_ENTRY = "challenges.caption_entry"
EVERY_ENTRY = Q(pk__isnull=False)  # an empty Q() would vanish when combined with others


def _public(user: Any) -> Q:
    return public_entry_q()


def _creators(user: Any) -> Q | None:
    if not user.is_authenticated:
        return None
    return Q(Exists(EntryCreator.objects.filter(entry=OuterRef("pk"), user=user)))


def _network_staff(user: Any) -> Q | None:
    """Mirrors accounts.permissions.is_moderator_for, as a filter."""
    if not user.is_authenticated:
        return None
    if is_moderator_for(user, None):  # platform-wide
        return EVERY_ENTRY
    network_id = user.provider_network_id
    if network_id is not None and is_moderator_for(user, network_id):
        return Q(challenge__provider_network_id=network_id)
    return None


@rules.predicate
def may_caption_entry(user: Any, entry: Entry) -> bool:
    """Whoever uploaded the entry's video, every creator, organisers of its network."""
    if not user.is_authenticated or entry is None or entry.media_asset_id is None:
        return False
    return (
        user.pk == entry.media_asset.owner_id
        or user in entry.creators.all()
        or is_organiser_for(user, entry.challenge.provider_network_id)
    )


def _entry_of(asset: MediaAsset) -> Entry | None:
    """The entry a video belongs to (one at most), with its challenge."""
    return (
        Entry.objects.select_related("challenge", "media_asset").filter(media_asset=asset).first()
    )


@rules.predicate
def may_play_entry_video(user: Any, asset: MediaAsset) -> bool:
    """Whoever may see the entry the video belongs to; for a video on no entry,
    platform-wide moderators and organisers."""
    entry = _entry_of(asset)
    if entry is None:
        return is_moderator_for(user, None)
    return rules.has_perm(VIEW_ENTRY, user, entry)


@rules.predicate
def may_caption_entry_video(user: Any, asset: MediaAsset) -> bool:
    """may_caption_entry for the video's entry; for a video on no entry, platform-wide
    organisers."""
    if not user.is_authenticated:
        return False
    entry = _entry_of(asset)
    if entry is None:
        return is_organiser_for(user, None)
    return rules.has_perm(CAPTION_ENTRY, user, entry)


rules.add_perm(
    VIEW_ENTRY,
    QueryRule(_public, model=Entry, name="public")
    | QueryRule(_creators, model=Entry, name="creator")
    | QueryRule(_network_staff, model=Entry, name="network staff"),
)
rules.add_perm(CAPTION_ENTRY, may_caption_entry)
widen(PLAY_ASSET, may_play_entry_video)
widen(CAPTION_ASSET, may_caption_entry_video)
