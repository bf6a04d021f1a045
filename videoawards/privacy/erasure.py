"""Deleting an account for good (GDPR Art. 17), including the person's videos in storage.

What goes and what stays:
- Entries the person made alone go, with their media asset. A team entry whose other
  creators remain stays for them: the person leaves the team, and a video they uploaded
  for it passes to the longest-standing remaining creator (it is the team's entry).
- Every other media asset the person uploaded goes: the source, every rendition, poster,
  thumbnail and caption (everything under media/<asset id>/ and the upload's folder).
- Their workshop registrations, badges, portfolio, consent records and API token go
  with the account (database cascades).
- Votes: receivers of accounts.signals.account_erasing keep totals without the voter.
- Every browser session they logged in with ends and their API token is revoked; the
  free text of reports they wrote is blanked (the reports stay, without the reporter).

Each app says what of the person it removes in its personal_data.py; this module
runs them in order.

The rows are deleted in one transaction. Storage is cleaned by a Celery task queued on
commit: it gets the list of key prefixes (the rows are gone by then), retries while the
storage is unreachable, and is idempotent (deleting an empty prefix does nothing), so a
redelivery or a second run is harmless. Doing it in the request would make the page wait
for thousands of S3 deletions and lose them on a storage hiccup.
"""

from __future__ import annotations

from django.db import transaction

from transcoding import personal_data as transcoding_data
from transcoding.personal_data import StoredMedia
from videoawards.accounts import personal_data as account_data
from videoawards.accounts.models import User
from videoawards.accounts.signals import account_erasing
from videoawards.challenges import personal_data as entry_data
from videoawards.moderation import personal_data as report_data

from .tasks import erase_stored_media


@transaction.atomic
def erase_account(*, user: User) -> StoredMedia:
    """Delete the account and everything of the person's; their stored media goes after
    commit (see the module docstring). Returns what is queued for removal from storage."""
    user = User.objects.select_for_update().get(pk=user.pk)
    doomed_ids = entry_data.leave_entries(user)
    entry_data.hand_over_team_videos(user)
    assets = transcoding_data.assets_to_erase(user=user, asset_ids=doomed_ids)
    media = transcoding_data.stored_media(user=user, assets=assets)
    account_erasing.send(sender=User, user=user)
    transcoding_data.delete_rows(user=user, assets=assets)
    report_data.anonymise_reports(user)
    account_data.end_sessions(user)
    user.delete()

    kwargs = media.as_task_kwargs()
    transaction.on_commit(lambda: erase_stored_media.delay(**kwargs))
    if media.second_pass_after:
        countdown = media.second_pass_after
        transaction.on_commit(
            lambda: erase_stored_media.apply_async(kwargs=kwargs, countdown=countdown)
        )
    return media
