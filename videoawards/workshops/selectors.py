"""Reads about workshops, registrations and waitlists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from videoawards.accounts.models import User

from .models import Registration, Workshop

CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED
CANCELLED = Registration.Status.CANCELLED


def published_workshops() -> QuerySet[Workshop]:
    """Published workshops with `confirmed_count`, `waitlist_count` and `places_left`."""
    return (
        Workshop.objects.filter(is_published=True)
        .select_related("provider_network", "challenge")
        .annotate(
            confirmed_count=Count("registrations", filter=Q(registrations__status=CONFIRMED)),
            waitlist_count=Count("registrations", filter=Q(registrations__status=WAITLISTED)),
        )
        .annotate(places_left=Greatest(F("capacity") - F("confirmed_count"), Value(0)))
        .order_by("starts_at", "pk")  # Meta.ordering does not apply to aggregate queries
    )


def upcoming_workshops(
    *, limit: int | None = None, now: datetime | None = None
) -> QuerySet[Workshop]:
    """Published workshops that have not ended yet, soonest first."""
    qs = published_workshops().filter(ends_at__gte=now or timezone.now())
    return qs[:limit] if limit else qs


def places_left(workshop: Workshop) -> int:
    """Free places; read from the annotation when the workshop came from published_workshops()."""
    left = getattr(workshop, "places_left", None)
    if left is None:
        left = max(workshop.capacity - workshop.registrations.filter(status=CONFIRMED).count(), 0)
    return left


def is_open_for_registration(workshop: Workshop, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        workshop.is_published
        and workshop.cancelled_at is None
        and now <= workshop.registration_deadline
        and now < workshop.starts_at
    )


def _waitlist_position() -> CombinedExpression:
    """Annotation: 1 for the first on the waitlist of the registration's workshop, and so on.

    Waitlisted registrations queue by `created_at` (then id); others get None.
    """
    ahead = (
        Registration.objects.filter(workshop=OuterRef("workshop"), status=WAITLISTED)
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("workshop")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(ahead, output_field=IntegerField()), 0) + 1


def with_waitlist_position(qs: QuerySet[Registration]) -> QuerySet[Registration]:
    """Adds `waitlist_position` (meaningful only for waitlisted registrations)."""
    return qs.annotate(waitlist_position=_waitlist_position())


def waitlist_position(registration: Registration) -> int | None:
    """Where a waitlisted registration stands (1 = next to get a place); None otherwise."""
    if registration.status != WAITLISTED:
        return None
    annotated = getattr(registration, "waitlist_position", None)
    if annotated is not None:
        return annotated
    return (
        with_waitlist_position(Registration.objects.filter(pk=registration.pk))
        .get()
        .waitlist_position  # type: ignore[attr-defined]  # annotated by with_waitlist_position
    )


def active_registration(*, workshop: Workshop, user: User | AnonymousUser) -> Registration | None:
    """The user's confirmed or waitlisted registration for this workshop, with its position."""
    if not user.is_authenticated:
        return None
    return (
        with_waitlist_position(
            Registration.objects.filter(workshop=workshop, participant=user).exclude(
                status=Registration.Status.CANCELLED
            )
        )
        .select_related("workshop")
        .first()
    )


def participant_registrations(*, user: User) -> QuerySet[Registration]:
    """Everything a participant registered for, latest workshop first, with waitlist positions."""
    return with_waitlist_position(
        Registration.objects.filter(participant=user).select_related(
            "workshop", "workshop__provider_network"
        )
    ).order_by("-workshop__starts_at", "-created_at", "-pk")


def waitlist(*, workshop: Workshop) -> QuerySet[Registration]:
    """The waitlist in the order places are offered."""
    return workshop.registrations.filter(status=WAITLISTED).order_by("created_at", "pk")


def attendance_list(*, workshop: Workshop) -> QuerySet[Registration]:
    """Confirmed registrations for organisers to tick off, by display name."""
    return (
        workshop.registrations.filter(status=CONFIRMED)
        .select_related("participant")
        .order_by("participant__display_name", "pk")
    )


@dataclass(frozen=True)
class ManagedRegistrations:
    """A workshop's registrations as its organisers see them."""

    confirmed: list[Registration]
    waitlist: list[Registration]  # in the order places are offered
    cancelled: list[Registration]


def managed_registrations(*, workshop: Workshop) -> ManagedRegistrations:
    """Everyone who registered, in one query: confirmed by name, the waitlist in order,
    cancelled ones latest first."""
    rows = list(workshop.registrations.select_related("participant").order_by("created_at", "pk"))
    return ManagedRegistrations(
        confirmed=sorted(
            (r for r in rows if r.status == CONFIRMED),
            key=lambda r: (r.participant.display_name.casefold(), r.pk),
        ),
        waitlist=[r for r in rows if r.status == WAITLISTED],
        cancelled=sorted(
            (r for r in rows if r.status == CANCELLED),
            key=lambda r: r.cancelled_at or r.created_at,
            reverse=True,
        ),
    )


def has_started(workshop: Workshop, *, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= workshop.starts_at
