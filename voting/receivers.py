"""Voting's answers to what other apps announce."""

from __future__ import annotations

from django.db.models import Q
from django.dispatch import receiver

from videoawards.accounts.signals import account_erasing
from videoawards.core import pagecache

from .models import JuryInvitation, ResultPublication, ResultSnapshot, Round, Vote, VotePolicy

# The vote page's policy and rounds, and published results. Single votes do not: public
# counts on the vote page may lag by the cache's timeout.
pagecache.watch(VotePolicy, Round, ResultSnapshot, ResultPublication)


@receiver(account_erasing, dispatch_uid="voting.account_erasing")
def keep_votes_without_the_voter(sender, *, user, **kwargs) -> None:
    """An erased account's votes keep counting, but no longer say who cast them or from
    where (the ballot counters go with the account)."""
    Vote.objects.filter(voter=user).update(voter=None, address_hash="", network_hash="")


@receiver(account_erasing, dispatch_uid="voting.account_erasing.invitations")
def forget_jury_invitations(sender, *, user, **kwargs) -> None:
    """Jury invitations to an erased account's address, or accepted by it, go: they hold
    the address. (The panel seat goes with the account.)"""
    JuryInvitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user)).delete()
