"""Workshop pages: thin views over selectors and services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from . import selectors, services
from .ics import workshop_calendar
from .models import Registration, Workshop

WRITE_RATE = services.WRITE_RATE


def _published(slug: str) -> Workshop:
    return get_object_or_404(selectors.published_workshops(), slug=slug)


def _refusal(error: ValidationError | PermissionDenied) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def workshop_list(request: HttpRequest) -> HttpResponse:
    return render(request, "workshops/list.html", {"workshops": selectors.upcoming_workshops()})


def workshop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _published(slug)
    registration = selectors.active_registration(workshop=workshop, user=request.user)
    return render(
        request,
        "workshops/detail.html",
        {
            "workshop": workshop,
            "places_left": selectors.places_left(workshop),
            "is_open": selectors.is_open_for_registration(workshop),
            "registration": registration,
            "can_manage": services.can_manage(request.user, workshop),
        },
    )


@require_POST
@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def register(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _published(slug)
    try:
        registration = services.register(workshop=workshop, participant=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
        return redirect(workshop)
    if registration.status == Registration.Status.CONFIRMED:
        messages.success(request, _("You have a place. See you at the workshop!"))
    else:
        messages.info(
            request,
            _(
                "The workshop is full, so you are on the waitlist: number %(position)d. "
                "We email you if a place becomes free."
            )
            % {"position": selectors.waitlist_position(registration)},
        )
    return redirect(workshop)


@require_POST
@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's registration is simply not found.
    registration = get_object_or_404(
        Registration.objects.select_related("workshop"), pk=pk, participant=request.user
    )
    try:
        services.cancel_registration(registration=registration, by=request.user)
    except ValidationError as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(
            request,
            _("Your registration for “%(title)s” is cancelled.")
            % {"title": registration.workshop.title},
        )
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("workshops:mine")


@login_required
def my_workshops(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workshops/mine.html",
        {
            "registrations": selectors.participant_registrations(user=request.user),
            "now": timezone.now(),
        },
    )


@require_GET
def calendar(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _published(slug)
    response = HttpResponse(
        workshop_calendar(workshop=workshop, site_url=settings.SITE_URL),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{workshop.slug}.ics"'
    return response


@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def attendance(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers tick who came; saving issues the workshop badge to those who did."""
    workshop = get_object_or_404(Workshop.objects.select_related("provider_network"), slug=slug)
    if not services.can_manage(request.user, workshop):
        raise Http404
    if request.method == "POST":
        attended_ids = {int(pk) for pk in request.POST.getlist("attended") if pk.isdigit()}
        try:
            changed = services.record_attendance(
                workshop=workshop, attended_ids=attended_ids, by=request.user
            )
        except ValidationError as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(
                request, _("Attendance saved (%(count)d changed).") % {"count": changed}
            )
            return redirect("workshops:attendance", slug=workshop.slug)
    return render(
        request,
        "workshops/attendance.html",
        {
            "workshop": workshop,
            "registrations": selectors.attendance_list(workshop=workshop),
            "has_started": selectors.has_started(workshop),
        },
    )
