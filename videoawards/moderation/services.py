"""Moderation writes: approve or reject waiting entries, take reports, decide about them.

Every one of them writes to the audit log (videoawards.core.audit), as other apps do.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from videoawards.accounts.models import User
from videoawards.accounts.permissions import is_moderator_for
from videoawards.challenges import services as entry_services
from videoawards.challenges.models import Entry, EntryState, Phase
from videoawards.core import audit
from videoawards.core.audit import record
from videoawards.core.client import network_of

from . import selectors
from .models import (
    REPORT_DETAILS_MAX_LENGTH,
    GuardConfirmation,
    Report,
    ReportDecision,
    ReportReason,
)
from .weighing import weigh


class Action:
    """The audit actions this app writes. Other apps use their own "area.verb" names."""

    APPROVE = "entry.approve"
    REJECT = "entry.reject"
    HIDE_BY_REPORTS = "entry.hide_by_reports"
    URGENT_BY_REPORTS = "entry.urgent_by_reports"
    KEEP = "entry.keep"
    HIDE = "entry.hide"
    REMOVE = "entry.remove"
    GUARD_CONFIRM = "entry.guard_confirm"
    ROLE_CHANGE = audit.ROLE_CHANGE


_DECISION_ACTIONS = {
    ReportDecision.KEEP: Action.KEEP,
    ReportDecision.HIDE: Action.HIDE,
    ReportDecision.REMOVE: Action.REMOVE,
}


# --- The queue: entries waiting for a first decision ---


def _require_moderator(*, entry: Entry, by: User) -> None:
    if not is_moderator_for(by, entry.challenge.provider_network_id):
        raise PermissionDenied(_("Only moderators of this challenge can do this."))


def _require_decider(*, entry: Entry, by: User) -> None:
    _require_moderator(entry=entry, by=by)
    if entry_services.is_creator(entry=entry, user=by):
        raise PermissionDenied(_("You cannot decide about your own entry."))


@transaction.atomic
def approve_entry(
    *,
    entry: Entry,
    by: User,
    note: str = "",
    ip_address: str | None = None,
    checked_text_hash: str = "",
) -> Entry:
    """Publish a submitted entry: from now on everyone can see it.

    Refused while the personal-data guard has findings in the entry's text that no
    moderator confirmed. `checked_text_hash` (the GuardReview.text_hash the moderator
    looked at) confirms them on the way (confirm_guard).
    """
    entry = _lock(entry)
    if entry.state == EntryState.SUBMITTED:
        _require_decider(entry=entry, by=by)
        if checked_text_hash:
            confirm_guard(entry=entry, by=by, text_hash=checked_text_hash, ip_address=ip_address)
        if selectors.guard_review(entry).needs_confirmation:
            raise ValidationError(
                _(
                    "This entry may show personal details of a child (a name, phone "
                    "number, email, address, school or social media account). In the "
                    "moderation queue, look at the highlighted parts: tick “I checked: "
                    "nothing here identifies a child” and approve, or send it back to "
                    "its creators."
                ),
                code="guard_unconfirmed",
            )
    entry = entry_services.transition_entry(
        entry=entry, to_state=EntryState.APPROVED, by=by, reason=note
    )
    record(actor=by, action=Action.APPROVE, target=entry, reason=note, ip_address=ip_address)
    return entry


@transaction.atomic
def reject_entry(
    *,
    entry: Entry,
    by: User,
    reason: str,
    ip_address: str | None = None,
    data: dict | None = None,
) -> Entry:
    """Send a submitted entry back to its creators with what to change; they can resubmit."""
    entry = entry_services.transition_entry(
        entry=entry, to_state=EntryState.REJECTED, by=by, reason=reason
    )
    record(
        actor=by, action=Action.REJECT, target=entry, reason=entry.moderation_reason,
        data=data, ip_address=ip_address,
    )  # fmt: skip
    return entry


# --- The personal-data guard (moderation.guard) ---


@transaction.atomic
def confirm_guard(
    *, entry: Entry, by: User, text_hash: str, ip_address: str | None = None
) -> GuardConfirmation | None:
    """A moderator's "I checked: nothing here identifies a child" about the guard's
    findings in the entry's text as it is now. Refused when the text changed since the
    moderator looked (`text_hash` is the one they saw). None when there is nothing to
    confirm. Audited with the hash and the kinds of findings, never their text."""
    entry = _lock(entry)
    _require_decider(entry=entry, by=by)
    if entry.state != EntryState.SUBMITTED:
        raise ValidationError(
            _("Only entries waiting for moderation can be checked."), code="not_submitted"
        )
    review = selectors.guard_review(entry)
    if text_hash != review.text_hash:
        raise ValidationError(
            _(
                "The entry changed since you looked at it. Please look at the "
                "highlighted parts again."
            ),
            code="guard_text_changed",
        )
    if not (review.hits or review.unreadable):
        return None
    confirmation, created = GuardConfirmation.objects.get_or_create(
        entry=entry,
        text_hash=review.text_hash,
        defaults={"confirmed_by": by, "hit_count": len(review.hits)},
    )
    if created:
        record(
            actor=by,
            action=Action.GUARD_CONFIRM,
            target=entry,
            reason=_("I checked: nothing here identifies a child."),
            data={
                "text_hash": review.text_hash,
                "hits": len(review.hits),
                "kinds": review.kinds_by_field(),
                "unreadable": review.unreadable,
            },
            ip_address=ip_address,
        )
    return confirmation


def _creators_language(entry: Entry) -> str:
    first = entry.creator_links.select_related("user").order_by("pk").first()
    language = first.user.preferred_language if first is not None else ""
    return language or settings.LANGUAGE_CODE


@transaction.atomic
def send_back_for_personal_data(
    *, entry: Entry, by: User, note: str = "", ip_address: str | None = None
) -> Entry:
    """Send a submitted entry back to its creators ("needs changes") with a prepared,
    kind explanation of what the guard found, in their language, and the moderator's
    own `note` below it."""
    entry = _lock(entry)
    _require_decider(entry=entry, by=by)
    review = selectors.guard_review(entry)
    if not review.hits:
        raise ValidationError(
            _("The check found no personal details here. Use “Reject” with your own reason."),
            code="guard_nothing_found",
        )
    with translation.override(_creators_language(entry)):
        reason = review.explanation
    if note.strip():
        reason = f"{reason}\n\n{note.strip()}"
    return reject_entry(
        entry=entry,
        by=by,
        reason=reason,
        ip_address=ip_address,
        data={"personal_data": review.kinds_by_field()},
    )


# --- Reports ---


def reporter_key(*, user: User | AnonymousUser, ip_address: str | None) -> str:
    """One person's key for reports: their account, or for visitors their IP address.

    Keyed with the secret key and hashed, so reports store no address.
    """
    who = f"user:{user.pk}" if user.is_authenticated else f"ip:{ip_address or 'unknown'}"
    return hmac.new(settings.SECRET_KEY.encode(), who.encode(), hashlib.sha256).hexdigest()


def network_key(ip_address: str | None) -> str:
    """The reporter's network, keyed and hashed like reporter_key ("" when unknown)."""
    network = network_of(ip_address or "")
    if not network:
        return ""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"net:{network}".encode(), hashlib.sha256
    ).hexdigest()


def is_trusted_reporter(reporter: User | AnonymousUser) -> bool:
    """A confirmed account older than MODERATION_TRUSTED_ACCOUNT_DAYS (moderation.weighing)."""
    if not reporter.is_authenticated or not reporter.is_active:
        return False
    old_enough = timezone.now() - timedelta(days=settings.MODERATION_TRUSTED_ACCOUNT_DAYS)
    return reporter.email_verified_at is not None and reporter.date_joined <= old_enough


def _lock(entry: Entry) -> Entry:
    return Entry.objects.select_for_update().select_related("challenge").get(pk=entry.pk)


def report_entry(
    *,
    entry: Entry,
    reason: str,
    details: str = "",
    reporter: User | AnonymousUser,
    ip_address: str | None = None,
) -> Report:
    """Report a published entry. Once its open reports count as MODERATION_REPORTS_TO_HIDE
    people (moderation.weighing: distinct, trusted people, one per network), it is hidden
    from the public until a moderator decides; during its public vote it is not hidden
    but goes to the top of the moderators' queue."""
    details = details.strip()
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("Pick a reason from the list.")}, code="invalid")
    if len(details) > REPORT_DETAILS_MAX_LENGTH:
        raise ValidationError(
            {
                "details": _("Please keep it under %(max)d characters.")
                % {"max": REPORT_DETAILS_MAX_LENGTH}
            },
            code="max_length",
        )
    if reason == ReportReason.OTHER and not details:
        raise ValidationError(
            {"details": _("Tell us in a few words what is wrong.")}, code="required"
        )
    try:
        with transaction.atomic():
            entry = _lock(entry)
            if not entry.is_public or not entry.challenge.is_published:
                raise ValidationError(
                    _("This entry is not public, so there is nothing to report."),
                    code="not_public",
                )
            report = Report.objects.create(
                entry=entry,
                reason=reason,
                details=details,
                reporter=reporter if reporter.is_authenticated else None,
                reporter_key=reporter_key(user=reporter, ip_address=ip_address),
                network_key=network_key(ip_address),
                trusted=is_trusted_reporter(reporter),
            )
            _hide_when_threshold_reached(entry=entry, new=report)
    except IntegrityError as error:
        raise ValidationError(
            _("You have already reported this entry. A moderator will look at it soon."),
            code="duplicate",
        ) from error
    return report


def _hide_when_threshold_reached(*, entry: Entry, new: Report) -> None:
    open_reports = list(entry.reports.filter(decided_at__isnull=True))
    threshold = settings.MODERATION_REPORTS_TO_HIDE
    weight = weigh(open_reports)
    if entry.hidden_at is not None or weight.people < threshold:
        return
    data = {
        "open_reports": weight.reports,
        "people": weight.people,
        "networks": weight.networks,
        "threshold": threshold,
    }
    if entry.challenge.phase() == Phase.PUBLIC_VOTING:
        # Reports alone never take an entry out of a running vote: a moderator decides,
        # first thing (the queue puts it on top). Recorded once, when the count gets there.
        before = weigh(report for report in open_reports if report.pk != new.pk)
        if before.people < threshold:
            record(actor=None, action=Action.URGENT_BY_REPORTS, target=entry, data=data)
        return
    entry.hidden_at = timezone.now()
    entry.hidden_reason = ""
    entry.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    entry_services.revoke_entry_media([entry])
    record(actor=None, action=Action.HIDE_BY_REPORTS, target=entry, data=data)


@transaction.atomic
def decide_reports(
    *,
    entry: Entry,
    by: User,
    decision: str,
    reason: str = "",
    ip_address: str | None = None,
) -> Entry:
    """A moderator's decision about a published entry; closes its open reports.

    keep: public again. hide: stays off the public pages (jurors still see it), with a
    reason for its creators. remove: back to its creators as "needs changes".
    """
    reason = reason.strip()
    if decision not in ReportDecision.values:
        raise ValidationError({"decision": _("Pick keep, hide or remove.")}, code="invalid")
    if decision != ReportDecision.KEEP and not reason:
        raise ValidationError(
            {"reason": _("Tell the creators why: they will read this.")}, code="required"
        )
    entry = _lock(entry)
    _require_moderator(entry=entry, by=by)
    if entry_services.is_creator(entry=entry, user=by):
        raise PermissionDenied(_("You cannot decide about your own entry."))
    if decision == ReportDecision.REMOVE:
        entry = entry_services.transition_entry(
            entry=entry, to_state=EntryState.REJECTED, by=by, reason=reason
        )
    else:
        if entry.state not in (EntryState.APPROVED, EntryState.FINALIST, EntryState.WINNER):
            raise ValidationError(
                _("Only published entries can be kept or hidden."), code="not_published"
            )
        if decision == ReportDecision.KEEP:
            entry.hidden_at, entry.hidden_reason = None, ""
        else:
            entry.hidden_at = entry.hidden_at or timezone.now()
            entry.hidden_reason = reason
            entry_services.revoke_entry_media([entry])
        entry.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    closed = Report.objects.filter(entry=entry, decided_at__isnull=True).update(
        decision=decision, decided_by=by, decided_at=timezone.now()
    )
    record(
        actor=by,
        action=_DECISION_ACTIONS[ReportDecision(decision)],
        target=entry,
        reason=reason,
        data={"reports_closed": closed},
        ip_address=ip_address,
    )
    return entry
