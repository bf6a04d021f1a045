"""Moderation reads: the queue of waiting and reported entries, and the audit log."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from transcoding import storage
from transcoding.storage.base import StorageError
from videoawards.accounts.models import User
from videoawards.accounts.permissions import is_organiser_for, is_platform_organiser
from videoawards.challenges.models import PUBLIC_ENTRY_STATES, Entry, EntryState, Phase
from videoawards.challenges.selectors import entries_with_creators
from videoawards.core.scope import is_platform_wide

from . import guard
from .models import AuditEvent, Report
from .weighing import network_labels, weigh

logger = logging.getLogger(__name__)


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
    """Submitted entries this moderator may decide about, the longest waiting first, with
    what the personal-data guard reads (captions, confirmations) prefetched."""
    return (
        decidable_entries(user=user)
        .filter(state=EntryState.SUBMITTED)
        .prefetch_related("media_asset__captions", "guard_confirmations")
        .order_by("submitted_at", "pk")
    )


# --- The personal-data guard (moderation.guard) ---


@dataclass(frozen=True)
class GuardField:
    """One field of an entry with hits, as the moderator's page shows it."""

    key: str
    hits: list[guard.Hit]
    snippets: list[list[guard.Segment]]
    caption_label: str = ""  # "Deutsch": the captions' name in their own language

    @property
    def label(self) -> str:
        """In the active language when read (the note to creators is in theirs)."""
        return guard_field_label(self.key, caption_label=self.caption_label)

    @property
    def kind_labels(self) -> list[str]:
        labels: list[str] = []
        for hit in self.hits:
            if guard_kind_label(hit.kind) not in labels:
                labels.append(guard_kind_label(hit.kind))
        return labels


@dataclass(frozen=True)
class GuardReview:
    """What the guard found in an entry's text as it is now, and whether a moderator's
    confirmation covers exactly this text."""

    text_hash: str
    hits: list[guard.Hit]
    fields: list[GuardField] = field(default_factory=list)
    # Caption files that could not be read: nobody scanned them, so a moderator must look.
    unreadable: list[str] = field(default_factory=list)
    confirmed: bool = False

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.hits or self.unreadable) and not self.confirmed

    @property
    def explanation(self) -> str:
        """The kind note to the creators, in the active language (guard_explanation)."""
        return guard_explanation(self)

    def kinds_by_field(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for hit in self.hits:
            kinds = found.setdefault(hit.field, [])
            if hit.kind not in kinds:
                kinds.append(hit.kind)
        return found


def guard_rules() -> guard.Rules:
    return guard.Rules(
        school_names=settings.VIDEOAWARDS_GUARD_SCHOOL_NAMES,
        first_names=settings.VIDEOAWARDS_GUARD_FIRST_NAMES,
        allowed_names=settings.VIDEOAWARDS_GUARD_ALLOWED_NAMES,
    )


UNREADABLE = "\x00unreadable"


def guard_kind_label(kind: str) -> str:
    return {
        guard.Kind.NAME: _("a full name"),
        guard.Kind.PHONE: _("a phone number"),
        guard.Kind.EMAIL: _("an email address"),
        guard.Kind.ADDRESS: _("a street address"),
        guard.Kind.SCHOOL: _("the name of a school"),
        guard.Kind.SOCIAL: _("a social media account"),
    }[kind]


def guard_explanation(review: GuardReview) -> str:
    """The note to the creators when a moderator sends an entry back for personal details:
    which field to change and how, for a 12-year-old. It names fields and kinds only,
    never the words found (the note is kept in the audit log)."""
    lines = [
        _(
            "Thank you for your video! Before everybody can see it, please take out "
            "anything that tells strangers who you are or where to find you."
        ),
        "",
        _("Please change this:"),
    ]
    lines += [
        _("• In the %(field)s: %(what)s.")
        % {"field": shown.label, "what": ", ".join(shown.kind_labels)}
        for shown in review.fields
    ]
    lines += [
        "",
        _(
            "Why? A full name, a phone number, an address, your school or your social "
            "media account can help people you don't know to find you. Your first name "
            "alone is fine."
        ),
        _(
            "How: on your entry's page, press “Edit title and description” (or add new "
            "captions), change these parts, then press “Submit again”. A moderator will "
            "look at it once more."
        ),
    ]
    return "\n".join(lines)


def entry_guard_text(entry: Entry) -> dict[str, str]:
    """The text of an entry the guard scans, by field: title, description, team name and
    the words of each caption file of its video ("captions:<language>")."""
    fields = {
        "title": entry.title,
        "description": entry.description,
        "team_name": entry.team_name,
    }
    asset = entry.media_asset
    if asset is not None:
        for caption in asset.captions.all():
            try:
                text = guard.caption_text(storage.read_text(caption.key))
            except (OSError, StorageError, UnicodeDecodeError):
                logger.warning("guard: cannot read captions %s", caption.key, exc_info=True)
                text = UNREADABLE
            fields[f"captions:{caption.language}"] = text
    return fields


def guard_field_label(key: str, *, caption_label: str = "") -> str:
    """The field's name for moderators and creators, in the active language."""
    if key.startswith("captions:"):
        return _("captions (%(language)s)") % {"language": caption_label or key.partition(":")[2]}
    return {"title": _("title"), "description": _("description"), "team_name": _("team name")}[key]


def guard_review(entry: Entry) -> GuardReview:
    """Scan the entry's text now (moderation.guard) and compare with its confirmations."""
    fields = entry_guard_text(entry)
    unreadable = [key for key, text in fields.items() if text == UNREADABLE]
    scanned = {key: ("" if key in unreadable else text) for key, text in fields.items()}
    hits = guard.scan(scanned, rules=guard_rules())
    text_hash = guard.text_hash(fields)
    labels = (
        {caption.language: caption.label for caption in entry.media_asset.captions.all()}
        if entry.media_asset is not None
        else {}
    )
    shown = []
    for key, text in scanned.items():
        inside = [hit for hit in hits if hit.field == key]
        if inside:
            shown.append(
                GuardField(
                    key=key,
                    hits=inside,
                    snippets=guard.snippets(text, inside),
                    caption_label=labels.get(key.partition(":")[2], ""),
                )
            )
    confirmed = any(c.text_hash == text_hash for c in entry.guard_confirmations.all())
    return GuardReview(
        text_hash=text_hash,
        hits=hits,
        fields=shown,
        unreadable=[
            guard_field_label(key, caption_label=labels.get(key.partition(":")[2], ""))
            for key in unreadable
        ],
        confirmed=confirmed,
    )


def with_guard_reviews(entries: Iterable[Entry]) -> list[Any]:
    """The entries, each with its GuardReview as `guard` (for the moderators' queue)."""
    result: list[Any] = list(entries)
    for entry in result:
        entry.guard = guard_review(entry)
    return result


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
