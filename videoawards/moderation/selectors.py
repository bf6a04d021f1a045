"""Moderation reads: the queue of waiting and reported entries, and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from videoawards.accounts.models import User
from videoawards.accounts.permissions import is_organiser_for, is_platform_organiser
from videoawards.challenges.models import PUBLIC_ENTRY_STATES, Entry, EntryState, Phase
from videoawards.challenges.selectors import entries_with_creators
from videoawards.core.scope import is_platform_wide

from .models import AuditEvent, Report
from .weighing import network_labels, weigh


def _moderated_by(user: User) -> Q:
    """Entries of the challenges this moderator looks after: all, or their network's."""
    if is_platform_wide(user):
        return Q()
    if user.provider_network_id is None:
        return Q(pk__in=[])  # no network, not platform-wide: nothing
    return Q(challenge__provider_network_id=user.provider_network_id)


def decidable_entries(*, user: User) -> QuerySet[Entry]:
    """Entries this moderator may decide about: their network's (or all), not their own."""
    return entries_with_creators(
        Entry.objects.filter(_moderated_by(user))
        .exclude(creator_links__user=user)  # nobody moderates their own entry
        .select_related("challenge", "category", "media_asset")
    )


def entries_waiting(*, user: User) -> QuerySet[Entry]:
    """Submitted entries this moderator may decide about, the longest waiting first."""
    return (
        decidable_entries(user=user)
        .filter(state=EntryState.SUBMITTED)
        .order_by("submitted_at", "pk")
    )


def reported_entries(*, user: User) -> QuerySet[Entry]:
    """Published entries with open reports, the oldest report first, each with its open
    reports in `open_reports` and their number in `open_report_count`.

    Reports on entries no longer published (withdrawn meanwhile) need no decision."""
    open_reports = Q(reports__decided_at__isnull=True)
    return (
        decidable_entries(user=user)
        .filter(state__in=PUBLIC_ENTRY_STATES)
        .annotate(
            open_report_count=Count("reports", filter=open_reports),
            first_reported_at=Min("reports__created_at", filter=open_reports),
        )
        .filter(open_report_count__gt=0)
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=Report.objects.filter(decided_at__isnull=True)
                .select_related("reporter")
                .order_by("created_at"),
                to_attr="open_reports",
            )
        )
        .order_by("first_reported_at", "pk")
    )


def reported_queue(*, user: User) -> list[Any]:
    """reported_entries for the moderators' page, weighed (moderation.weighing): each entry
    has `report_weight`, `urgent` (enough people reported it during its public vote, so it
    stays public until a moderator decides) and, on each open report, `network_label` and
    the reporter's account facts. Urgent entries come first."""
    # Entries carry what the page shows as attributes (Any: Django adds them at run time).
    entries: list[Any] = list(reported_entries(user=user).select_related("challenge"))
    threshold = settings.MODERATION_REPORTS_TO_HIDE
    for entry in entries:
        entry.report_weight = weigh(entry.open_reports)
        entry.urgent = (
            entry.hidden_at is None
            and entry.report_weight.people >= threshold
            and entry.challenge.phase() == Phase.PUBLIC_VOTING
        )
        labels = network_labels(entry.open_reports)
        for report, label in zip(entry.open_reports, labels, strict=True):
            report.network_label = label
    return sorted(entries, key=lambda item: not item.urgent)


def hidden_entries(*, user: User) -> QuerySet[Entry]:
    """Published entries a moderator hid (no open reports left), newest first, to undo."""
    return (
        decidable_entries(user=user)
        .filter(state__in=PUBLIC_ENTRY_STATES, hidden_at__isnull=False)
        .exclude(Exists(Report.objects.filter(entry=OuterRef("pk"), decided_at__isnull=True)))
        .order_by("-hidden_at", "pk")
    )


# --- Audit log ---


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""  # part of a display name or email
    target_type: int | None = None
    since: date | None = None
    until: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(*, user: User, filters: AuditFilters | None = None) -> QuerySet[AuditEvent]:
    """Audit events this organiser may read, newest first: all for platform-wide organisers,
    their network's for network organisers. Nothing for anyone else."""
    if is_platform_organiser(user):
        qs = AuditEvent.objects.all()
    elif user.provider_network_id and is_organiser_for(user, user.provider_network_id):
        qs = AuditEvent.objects.filter(provider_network_id=user.provider_network_id)
    else:
        return AuditEvent.objects.none()
    filters = filters or AuditFilters()
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.actor:
        qs = qs.filter(
            Q(actor__display_name__icontains=filters.actor)
            | Q(actor__email__icontains=filters.actor)
        )
    if filters.target_type:
        qs = qs.filter(target_type_id=filters.target_type)
    if filters.since:
        qs = qs.filter(created_at__gte=_day_start(filters.since))
    if filters.until:
        qs = qs.filter(created_at__lt=_day_start(filters.until) + timedelta(days=1))
    return qs.select_related("actor", "target_type").order_by("-created_at", "-pk")


def audit_actions() -> list[str]:
    """Every action name in the log, for the filter's choices."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def audit_target_types() -> QuerySet[ContentType]:
    ids = AuditEvent.objects.exclude(target_type=None).values("target_type").distinct()
    return ContentType.objects.filter(pk__in=ids).order_by("app_label", "model")
