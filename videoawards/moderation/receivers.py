"""Audit events for organiser actions that other apps announce (they do not know the log)."""

from __future__ import annotations

from django.dispatch import receiver

from videoawards.challenges.models import EntryState
from videoawards.challenges.signals import entry_state_changed, feature_curated
from videoawards.core import audit

# Moderators' decisions are recorded by this app's own services; these moves are the
# organisers' (picking finalists and winners, in the admin or by publishing results).
_ORGANISER_MOVES = {EntryState.FINALIST: "entry.finalist", EntryState.WINNER: "entry.winner"}


@receiver(entry_state_changed, dispatch_uid="moderation.audit_entry_move")
def audit_entry_move(sender, *, entry, from_state, to_state, by, **kwargs) -> None:
    action = _ORGANISER_MOVES.get(to_state)
    if action is not None:
        audit.record(actor=by, action=action, target=entry, data={"from": from_state})


@receiver(feature_curated, dispatch_uid="moderation.audit_feature_curated")
def audit_feature_curated(sender, *, feature, by, changes, **kwargs) -> None:
    audit.record(
        actor=by,
        action="homepage.curate",
        target=feature.entry.challenge,
        data={"feature": feature.pk, "entry": feature.entry_id, **changes},
    )
