"""What challenges do when the media pipeline reports on a video (it knows no entries)."""

from __future__ import annotations

from django.dispatch import receiver

from transcoding.signals import asset_failed, asset_ready
from videoawards.accounts.signals import consent_withdrawn
from videoawards.core import pagecache

from . import services
from .models import Award, Category, Challenge, Entry, EntryCreator, Feature

# Publishing, featuring, pinning, moderation, hiding, edits, phases, withdrawal and erasure
# all save or delete one of these rows: each forgets the cached public pages.
pagecache.watch(Challenge, Category, Award, Entry, EntryCreator, Feature)


@receiver(asset_ready, dispatch_uid="challenges.video_ready")
def video_ready(sender, *, asset, **kwargs) -> None:
    pagecache.public_pages_changed()  # the entry's page now plays it
    services.tell_creators_about_video(asset=asset, ready=True)


@receiver(asset_failed, dispatch_uid="challenges.video_failed")
def video_failed(sender, *, asset, **kwargs) -> None:
    services.tell_creators_about_video(asset=asset, ready=False)


@receiver(consent_withdrawn, dispatch_uid="challenges.consent_withdrawn")
def consent_withdrawn_revokes_links(sender, *, user, **kwargs) -> None:
    """A guardian said no: the person's entries leave the public pages at once (the
    public rule reads the consent), and the video links already handed out stop too."""
    services.revoke_entry_media(Entry.objects.filter(creator_links__user=user))
