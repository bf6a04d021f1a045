"""Badges issued on events other apps announce (they do not know about badges)."""

from __future__ import annotations

from django.dispatch import receiver

from videoawards.accounts.signals import consent_withdrawn
from videoawards.challenges.models import EntryState
from videoawards.challenges.signals import entry_state_changed
from videoawards.workshops.signals import attendance_marked

from . import services
from .models import Assertion, BadgeKind

_ENTRY_BADGES = {
    EntryState.SUBMITTED: BadgeKind.ENTRY_SUBMITTED,
    EntryState.FINALIST: BadgeKind.FINALIST,
    EntryState.WINNER: BadgeKind.WINNER,
}


@receiver(entry_state_changed, dispatch_uid="badges.entry_state_changed")
def badge_for_entry(sender, *, entry, to_state, **kwargs) -> None:
    kind = _ENTRY_BADGES.get(to_state)
    if kind is None:
        return
    # One badge per entry and kind: resubmitting after changes gives no second one.
    for creator in entry.creators.all():
        services.issue_badge(
            kind=kind,
            recipient=creator,
            source=f"entry:{entry.pk}:{kind}",
            evidence_url=entry.get_absolute_url() if entry.is_public else "",
            # Assertions are public documents: an entry not yet through moderation is
            # named by its challenge only.
            narrative=(
                f"{entry.title} ({entry.challenge.title})"
                if entry.is_public
                else entry.challenge.title
            ),
        )


@receiver(attendance_marked, dispatch_uid="badges.attendance_marked")
def badge_for_workshop(sender, *, registration, attended, **kwargs) -> None:
    """Attended: the workshop badge (one per person and workshop). Un-ticked: revoked again."""
    workshop = registration.workshop
    source = f"workshop:{workshop.pk}"
    if not attended:
        issued = Assertion.objects.filter(
            recipient=registration.participant, source=source, revoked=False
        )
        for assertion in issued:
            services.revoke_badge(
                assertion=assertion, reason="An organiser corrected the attendance list."
            )
        return
    assertion = services.issue_badge(
        kind=BadgeKind.WORKSHOP_ATTENDED,
        recipient=registration.participant,
        source=source,
        evidence_url=workshop.get_absolute_url(),
        narrative=workshop.title,
    )
    services.reinstate_badge(assertion=assertion)


@receiver(consent_withdrawn, dispatch_uid="badges.consent_withdrawn")
def hide_portfolio(sender, *, user, **kwargs) -> None:
    """Without a guardian's consent nothing of the person is public, their portfolio neither."""
    services.set_portfolio_public(user=user, is_public=False)
