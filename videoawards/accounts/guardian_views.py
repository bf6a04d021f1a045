"""Pages for parents and guardians: no account, only the signed links we emailed them.

Links only show a page; every decision is a POST from that page (with CSRF), so mail
scanners that open links decide nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from . import consent as consent_services
from .countries import get_country
from .forms import GuardianDeleteForm
from .models import GuardianConsent

LINK_RATE = "30/h"


def link_failed(request: HttpRequest, error: consent_services.GuardianLinkError) -> HttpResponse:
    return render(
        request,
        "accounts/guardian_link_failed.html",
        {"message": error.messages[0], "expired": error.code == "expired"},
        status=400,
    )


def consent_context(consent: GuardianConsent) -> dict:
    country = get_country(consent.user.country)
    return {
        "consent": consent,
        "participant": consent.user,
        "country": country.name if country else consent.user.country,
    }


@require_http_methods(["GET", "POST"])
@ratelimit(group="accounts.guardian-link", key="ip", rate=LINK_RATE, method="POST")
def guardian_consent(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed request: says what the guardian agrees to; they agree or decline."""
    try:
        consent = consent_services.consent_from_request_token(token)
    except consent_services.GuardianLinkError as error:
        return link_failed(request, error)
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "give":
                consent = consent_services.give_consent(consent=consent)
            elif decision == "decline":
                consent = consent_services.decline_consent(consent=consent)
        except ValidationError as error:
            return render(
                request,
                "accounts/guardian_consent.html",
                {**consent_context(consent), "error": error.messages[0]},
                status=400,
            )
        return redirect("accounts:guardian_consent", token=token)
    return render(request, "accounts/guardian_consent.html", consent_context(consent))


def managed_consent(token: str) -> GuardianConsent:
    return consent_services.consent_from_manage_token(token)


@require_GET
def guardian_manage(request: HttpRequest, token: str) -> HttpResponse:
    """From the confirmation email: withdraw consent, download the data, delete the account."""
    try:
        consent = managed_consent(token)
    except consent_services.GuardianLinkError as error:
        return link_failed(request, error)
    return render(
        request,
        "accounts/guardian_manage.html",
        {**consent_context(consent), "token": token, "delete_form": GuardianDeleteForm()},
    )


@require_POST
@ratelimit(group="accounts.guardian-link", key="ip", rate=LINK_RATE, method="POST")
def guardian_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    try:
        consent = managed_consent(token)
    except consent_services.GuardianLinkError as error:
        return link_failed(request, error)
    try:
        consent_services.withdraw_consent(consent=consent)
    except ValidationError as error:
        return render(
            request,
            "accounts/guardian_manage.html",
            {**consent_context(consent), "token": token, "error": error.messages[0]},
            status=400,
        )
    return redirect("accounts:guardian_manage", token=token)
