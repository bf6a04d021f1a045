"""Moderation pages: the queue, decisions, reporting an entry, and the audit log."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from videoawards.accounts.permissions import is_any_organiser, is_moderator_for
from videoawards.challenges.models import Entry
from videoawards.challenges.selectors import public_entry_q
from videoawards.core.client import client_address

from . import selectors, services
from .forms import (
    ApproveForm,
    AuditFilterForm,
    DecisionForm,
    RejectForm,
    ReportForm,
    SendBackForm,
)

DECISION_RATE = "300/h"
AUDIT_PAGE_SIZE = 50
QUEUE_PAGE_SIZE = 20


def _require_moderator(request: HttpRequest) -> None:
    if not is_moderator_for(request.user, request.user.provider_network_id):
        raise PermissionDenied(_("Only moderators can open the moderation queue."))


def _queue_entry(request: HttpRequest, pk: int) -> Entry:
    """An entry this moderator may decide about; 404 for every other."""
    _require_moderator(request)
    return get_object_or_404(selectors.decidable_entries(user=request.user), pk=pk)


def _decide(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[forms.Form] | None,
    act: Callable[[Entry, dict], object],
    done: str,
) -> HttpResponse:
    """A moderator's button: check the form, run the service, say how it went, back to
    the queue. A refusal by the service becomes a message instead of an error page."""
    entry = _queue_entry(request, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("moderation:queue")
    try:
        act(entry, form.cleaned_data if form is not None else {})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You are not allowed to do this."))
    else:
        messages.success(request, done % {"title": entry.title})
    return redirect("moderation:queue")


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_moderator(request)
    waiting = Paginator(selectors.entries_waiting(user=request.user), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    waiting.object_list = selectors.with_guard_reviews(waiting.object_list)
    return render(
        request,
        "moderation/queue.html",
        {
            "waiting": waiting,
            "reported": selectors.reported_queue(user=request.user),
            "hidden": selectors.hidden_entries(user=request.user),
            "reject_form": RejectForm(),
            "approve_form": ApproveForm(),
            "send_back_form": SendBackForm(),
            "decision_form": DecisionForm(),
            "threshold": settings.MODERATION_REPORTS_TO_HIDE,
        },
    )


@require_POST
@login_required
@ratelimit(key="user", rate=DECISION_RATE, method="POST", block=True)
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        form_class=ApproveForm,
        act=lambda entry, data: services.approve_entry(
            entry=entry,
            by=request.user,
            ip_address=client_address(request) or None,
            checked_text_hash=data["guard_hash"] if data["guard_checked"] else "",
        ),
        done=_("“%(title)s” is approved and public now."),
    )


@require_POST
@login_required
@ratelimit(key="user", rate=DECISION_RATE, method="POST", block=True)
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        form_class=RejectForm,
        act=lambda entry, data: services.reject_entry(
            entry=entry,
            by=request.user,
            reason=data["reason"],
            ip_address=client_address(request) or None,
        ),
        done=_("“%(title)s” went back to its creators with your reason."),
    )


@require_POST
@login_required
@ratelimit(key="user", rate=DECISION_RATE, method="POST", block=True)
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to the creators with the prepared note about personal details."""
    return _decide(
        request,
        pk,
        form_class=SendBackForm,
        act=lambda entry, data: services.send_back_for_personal_data(
            entry=entry,
            by=request.user,
            note=data["note"],
            ip_address=client_address(request) or None,
        ),
        done=_("“%(title)s” went back to its creators with a note about personal details."),
    )


@require_POST
@login_required
@ratelimit(key="user", rate=DECISION_RATE, method="POST", block=True)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep, hide or remove a published entry (usually after reports)."""
    return _decide(
        request,
        pk,
        form_class=DecisionForm,
        act=lambda entry, data: services.decide_reports(
            entry=entry, by=request.user, ip_address=client_address(request) or None, **data
        ),
        done=_("Decision saved for “%(title)s”."),
    )


def _report_rate_per_ip(group: str, request: HttpRequest) -> str:
    return settings.MODERATION_REPORT_RATE_PER_IP


def _report_rate_per_account(group: str, request: HttpRequest) -> str | None:
    # None: no per-account limit for visitors (the per-IP one counts them).
    return settings.MODERATION_REPORT_RATE_PER_ACCOUNT if request.user.is_authenticated else None


@ratelimit(group="moderation.report", key="ip", rate=_report_rate_per_ip, method="POST", block=True)
@ratelimit(
    group="moderation.report.account", key="user_or_ip", rate=_report_rate_per_account,
    method="POST", block=True,
)  # fmt: skip
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone, with or without an account, may report a published entry."""
    entry = get_object_or_404(
        Entry.objects.filter(public_entry_q()).select_related("challenge"), pk=pk
    )
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_entry(
                entry=entry,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                reporter=request.user,
                ip_address=client_address(request) or None,
            )
        except ValidationError as error:
            if getattr(error, "code", "") == "duplicate":
                messages.info(request, " ".join(error.messages))
                return redirect(entry)
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request, _("Thank you for telling us. A moderator will look at this video.")
            )
            return redirect(entry)
    return render(request, "moderation/report_form.html", {"entry": entry, "form": form})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not is_any_organiser(request.user):
        raise PermissionDenied(_("Only organisers can read the audit log."))
    form = AuditFilterForm(
        request.GET or None,
        actions=selectors.audit_actions(),
        target_types=selectors.audit_target_types(),
    )
    filters = selectors.AuditFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.AuditFilters(
            action=data["action"],
            actor=data["actor"].strip(),
            target_type=data["target_type"].pk if data["target_type"] else None,
            since=data["since"],
            until=data["until"],
        )
    events = selectors.audit_events(user=request.user, filters=filters)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "moderation/audit_log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "admin_url": reverse("admin:moderation_auditevent_changelist"),
        },
    )
