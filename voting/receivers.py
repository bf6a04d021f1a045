"""Voting's answers to what other apps announce."""

from __future__ import annotations

from django.dispatch import receiver

from videoawards.accounts.signals import account_erasing

from .models import Vote


@receiver(account_erasing, dispatch_uid="voting.account_erasing")
def keep_votes_without_the_voter(sender, *, user, **kwargs) -> None:
    """An erased account's votes keep counting, but no longer say who cast them or from
    where (the ballot counters go with the account)."""
    Vote.objects.filter(voter=user).update(voter=None, address_hash="")
