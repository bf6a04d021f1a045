"""Changes to workshops and registrations: save and cancel a workshop; register, cancel,
promote from the waitlist, mark attendance.

Every change that depends on how many places are taken locks the workshop row first
(select_for_update), so concurrent registrations can never overfill a workshop.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from videoawards.accounts.emails import mail_user
from videoawards.accounts.models import User
from videoawards.accounts.permissions import is_any_organiser, is_organiser_for, is_verified
from videoawards.core.scope import is_platform_wide

from . import selectors
from .models import Registration, Workshop
from .signals import attendance_marked

if TYPE_CHECKING:
    from videoawards.accounts.permissions import AnyUser

# Sign-ups and cancellations per account, on the pages and in the API alike.
WRITE_RATE = "30/h"

CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED
CANCELLED = Registration.Status.CANCELLED


def can_manage(user: AnyUser, workshop: Workshop) -> bool:
    """Organisers of the workshop's provider network (and platform-wide ones) run it."""
    return is_organiser_for(user, workshop.provider_network_id)


def can_create(user: AnyUser) -> bool:
    """Organisers who act for a network (or for every one) may create workshops."""
    return is_any_organiser(user) and (
        is_platform_wide(user) or getattr(user, "provider_network_id", None) is not None
    )


def _lock(workshop: Workshop) -> Workshop:
    """Re-read the workshop under a row lock: places are counted one transaction at a time."""
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


def _check_open(workshop: Workshop) -> None:
    now = timezone.now()
    if workshop.cancelled_at is not None:
        raise ValidationError(
            _("This workshop is cancelled, so it takes no registrations."), code="cancelled"
        )
    if not workshop.is_published:
        raise ValidationError(_("This workshop is not open for registration."), code="unpublished")
    if now >= workshop.starts_at:
        raise ValidationError(
            _("This workshop has already started, so you can't sign up any more."), code="past"
        )
    if now > workshop.registration_deadline:
        raise ValidationError(
            _("Registration for this workshop has closed."), code="deadline_passed"
        )


def _already_registered() -> ValidationError:
    return ValidationError(
        _("You are already signed up for this workshop."), code="already_registered"
    )


@transaction.atomic
def register(*, workshop: Workshop, participant: User) -> Registration:
    """Give the participant a place, or a place on the waitlist when the workshop is full."""
    if not is_verified(participant):
        raise PermissionDenied(_("Confirm your email address before you sign up for a workshop."))
    workshop = _lock(workshop)
    _check_open(workshop)
    mine = workshop.registrations.filter(participant=participant).exclude(status=CANCELLED)
    if mine.exists():
        raise _already_registered()
    confirmed = workshop.registrations.filter(status=CONFIRMED).count()
    now = timezone.now()
    registration = Registration(workshop=workshop, participant=participant)
    if confirmed < workshop.capacity:
        registration.status, registration.confirmed_at = CONFIRMED, now
    else:
        registration.status = WAITLISTED
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:  # the same person, twice at once
        raise _already_registered() from None
    return registration


@transaction.atomic
def cancel_registration(*, registration: Registration, by: User) -> Registration:
    """The participant gives up their place (or waitlist place); the next in line moves up."""
    if registration.participant_id != by.pk:
        raise PermissionDenied(_("You can only cancel your own registration."))
    workshop = _lock(registration.workshop)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == CANCELLED:
        raise ValidationError(_("This registration is already cancelled."), code="cancelled")
    if timezone.now() >= workshop.starts_at:
        raise ValidationError(
            _("The workshop has already started, so you can't cancel any more."), code="started"
        )
    was_confirmed = registration.status == CONFIRMED
    registration.status = CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    if was_confirmed:
        fill_free_places(workshop=workshop)
    return registration


@transaction.atomic
def fill_free_places(*, workshop: Workshop) -> list[Registration]:
    """Confirm people from the waitlist, in order, while places are free; email each of them.

    Called after a cancellation and when an organiser adds places. Nothing moves once the
    workshop has started.
    """
    workshop = _lock(workshop)
    now = timezone.now()
    if now >= workshop.starts_at or workshop.cancelled_at is not None:
        return []
    free = workshop.capacity - workshop.registrations.filter(status=CONFIRMED).count()
    if free <= 0:
        return []
    promoted = list(selectors.waitlist(workshop=workshop).select_related("participant")[:free])
    for registration in promoted:
        registration.status = CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        send_promotion_email(registration=registration)
    return promoted


def send_promotion_email(*, registration: Registration) -> None:
    """Tell someone from the waitlist that they now have a place (plain text)."""
    workshop = registration.workshop
    participant = registration.participant
    mail_user(
        user=participant,
        template="promoted",
        context={
            "name": participant.display_name,
            "workshop": workshop,
            "workshop_url": settings.SITE_URL + workshop.get_absolute_url(),
            "my_workshops_url": settings.SITE_URL + reverse("workshops:mine"),
        },
        folder="workshops/email",
    )


def _require_manager(*, workshop: Workshop, by: AnyUser) -> None:
    if not can_manage(by, workshop):
        raise PermissionDenied(_("Only the organisers of this workshop can mark attendance."))


@transaction.atomic
def mark_attendance(*, registration: Registration, attended: bool, by: User) -> Registration:
    """Record whether a confirmed participant came; announces it (badges listen)."""
    _require_manager(workshop=registration.workshop, by=by)
    registration = (
        Registration.objects.select_for_update()
        .select_related("workshop", "participant")
        .get(pk=registration.pk)
    )
    if registration.status != CONFIRMED:
        raise ValidationError(
            _("Only people with a confirmed place can be marked as attended."),
            code="not_confirmed",
        )
    if registration.workshop.cancelled_at is not None:
        raise ValidationError(
            _("This workshop was cancelled, so nobody attended it."), code="cancelled"
        )
    if timezone.now() < registration.workshop.starts_at:
        raise ValidationError(
            _("You can mark attendance once the workshop has started."), code="not_started"
        )
    if registration.attended is attended:
        return registration
    registration.attended = attended
    registration.save(update_fields=["attended"])
    attendance_marked.send(sender=Registration, registration=registration, attended=attended, by=by)
    return registration


@transaction.atomic
def record_attendance(*, workshop: Workshop, attended_ids: Collection[int], by: User) -> int:
    """Mark everyone confirmed as attended (ids in `attended_ids`) or not; returns changes."""
    _require_manager(workshop=workshop, by=by)
    changed = 0
    for registration in selectors.attendance_list(workshop=workshop):
        attended = registration.pk in attended_ids
        if registration.attended is not attended:
            mark_attendance(registration=registration, attended=attended, by=by)
            changed += 1
    return changed


# --- Running a workshop: organisers ----------------------------------------------------

# Paths under /workshops/ that a slug must not shadow.
RESERVED_SLUGS = frozenset({"mine", "manage", "registrations"})


def unique_slug(*, title: str) -> str:
    """A slug made from the title, with -2, -3 ... when another workshop has it."""
    base = slugify(title)[:150] or "workshop"
    taken = set(Workshop.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_capacity(*, workshop: Workshop) -> None:
    confirmed = workshop.registrations.filter(status=CONFIRMED).count()
    if workshop.capacity < confirmed:
        raise ValidationError(
            {
                "capacity": ngettext(
                    "%(count)d person already has a confirmed place, so the workshop needs "
                    "at least %(count)d place.",
                    "%(count)d people already have a confirmed place, so the workshop needs "
                    "at least %(count)d places.",
                    confirmed,
                )
                % {"count": confirmed}
            },
            code="below_confirmed",
        )


@transaction.atomic
def save_workshop(*, workshop: Workshop, by: User) -> Workshop:
    """Create or change a workshop of a network the organiser runs.

    A new workshop gets a unique slug from its title (an existing one keeps its slug, so
    links stay valid). Places are counted under the row lock: fewer places than confirmed
    registrations are refused, and added places go to the waitlist in order.
    """
    if not can_manage(by, workshop):
        raise PermissionDenied(_("Only organisers of this network can run its workshops."))
    if workshop.pk is None:
        workshop.slug = unique_slug(title=workshop.title)
        workshop.full_clean()
        workshop.save()
        return workshop
    before = _lock(workshop)
    _check_capacity(workshop=workshop)
    workshop.full_clean()
    workshop.save()
    if workshop.capacity > before.capacity:
        fill_free_places(workshop=workshop)
    return workshop


@transaction.atomic
def cancel_workshop(*, workshop: Workshop, by: User, reason: str = "") -> bool:
    """Cancel a workshop: it takes no more registrations, and everyone with a place or on
    the waitlist is emailed once the change is committed. Returns False (and changes
    nothing) when it was already cancelled.

    Registrations keep their status, so the organisers can still see who had a place.
    """
    if not can_manage(by, workshop):
        raise PermissionDenied(_("Only organisers of this workshop can cancel it."))
    locked = _lock(workshop)
    if locked.cancelled_at is not None:
        return False
    locked.cancelled_at = timezone.now()
    locked.cancel_reason = reason.strip()
    locked.save(update_fields=["cancelled_at", "cancel_reason"])
    workshop.cancelled_at, workshop.cancel_reason = locked.cancelled_at, locked.cancel_reason
    registrants = locked.registrations.filter(status__in=[CONFIRMED, WAITLISTED]).select_related(
        "participant", "workshop"
    )
    for registration in registrants:
        send_cancellation_email(registration=registration)
    return True


def send_cancellation_email(*, registration: Registration) -> None:
    """Tell someone with a place (or on the waitlist) that the workshop will not happen."""
    workshop = registration.workshop
    participant = registration.participant
    mail_user(
        user=participant,
        template="cancelled",
        context={
            "name": participant.display_name,
            "workshop": workshop,
            "was_waitlisted": registration.status == WAITLISTED,
            "workshops_url": settings.SITE_URL + reverse("workshops:list"),
        },
        folder="workshops/email",
    )
