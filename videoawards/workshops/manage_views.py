"""Organiser pages for running a workshop without the Django admin: create, edit,
cancel, the registrations and their CSV. Thin views over forms, selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from videoawards.core.csvexport import csv_response

from . import selectors, services
from .export import registrations_csv
from .forms import WorkshopForm
from .models import Workshop


def _managed(request: HttpRequest, slug: str) -> Workshop:
    workshop = get_object_or_404(
        Workshop.objects.select_related("provider_network", "challenge"), slug=slug
    )
    if not services.can_manage(request.user, workshop):
        raise PermissionDenied(_("Only organisers of this workshop can do this."))
    return workshop


def _form_page(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    is_new = workshop.pk is None
    form = WorkshopForm(
        request.POST if request.method == "POST" else None, instance=workshop, user=request.user
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.save_workshop(workshop=form.save(commit=False), by=request.user)  # type: ignore[arg-type]
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Workshop created.") if is_new else _("Changes saved."),
                )
                return redirect("workshops:manage", slug=saved.slug)
        messages.error(request, _("Some answers need a change: see the notes in red below."))
    return render(
        request,
        "workshops/manage/form.html",
        {"form": form, "workshop": workshop, "is_new": is_new},
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    if not services.can_create(request.user):
        raise PermissionDenied(_("Workshops are created by organisers of a provider network."))
    return _form_page(request, Workshop())


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _form_page(request, _managed(request, slug))


@login_required
@require_GET
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    """One page per workshop: who registered, and what organisers can do with it."""
    workshop = _managed(request, slug)
    return render(
        request,
        "workshops/manage/manage.html",
        {
            "workshop": workshop,
            "registrations": selectors.managed_registrations(workshop=workshop),
            "places_left": selectors.places_left(workshop),
            "has_started": selectors.has_started(workshop),
        },
    )


@login_required
def cancel(request: HttpRequest, slug: str) -> HttpResponse:
    """Asks first (GET), cancels on the confirmed POST; twice changes nothing."""
    workshop = _managed(request, slug)
    if request.method == "POST":
        cancelled = services.cancel_workshop(
            workshop=workshop,
            by=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("reason", "")[:2000],
        )
        if cancelled:
            messages.success(
                request,
                _("“%(title)s” is cancelled. Everyone registered gets an email.")
                % {"title": workshop.title},
            )
        else:
            messages.info(request, _("This workshop was already cancelled."))
        return redirect("workshops:manage", slug=workshop.slug)
    registrations = selectors.managed_registrations(workshop=workshop)
    return render(
        request,
        "workshops/manage/cancel.html",
        {
            "workshop": workshop,
            "to_notify": len(registrations.confirmed) + len(registrations.waitlist),
        },
    )


@login_required
@require_GET
def registrations_export(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _managed(request, slug)
    rows = selectors.managed_registrations(workshop=workshop)
    content = registrations_csv([*rows.confirmed, *rows.waitlist, *rows.cancelled])
    return csv_response(content, filename=f"{workshop.slug}-registrations.csv")
