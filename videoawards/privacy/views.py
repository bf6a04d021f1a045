"""Export and erasure pages: your own data and account, and the guardian's link to them.

Their URLs keep the accounts namespace (see videoawards/urls.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from videoawards.accounts import consent as consent_services
from videoawards.accounts.forms import DeleteAccountForm, GuardianDeleteForm
from videoawards.accounts.guardian_views import (
    LINK_RATE,
    consent_context,
    link_failed,
    managed_consent,
)
from videoawards.accounts.models import User

from . import erasure, export


def download_response(user: User) -> HttpResponse:
    """The person's data as a JSON file download."""
    response = JsonResponse(
        export.export_user_data(user=user), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="{export.export_filename()}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_data(request: HttpRequest) -> HttpResponse:
    return download_response(request.user)


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(group="accounts.delete", key="user", rate="5/m", method="POST")
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete your own account for good, after typing your password."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        erasure.erase_account(user=user)
        messages.success(request, _("Your account and your videos are deleted. Goodbye!"))
        return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/delete_account.html", {"form": form}, status=status)


@require_GET
def guardian_export(request: HttpRequest, token: str) -> HttpResponse:
    try:
        consent = managed_consent(token)
    except consent_services.GuardianLinkError as error:
        return link_failed(request, error)
    return download_response(consent.user)


@require_POST
@ratelimit(group="accounts.guardian-link", key="ip", rate=LINK_RATE, method="POST")
def guardian_delete(request: HttpRequest, token: str) -> HttpResponse:
    try:
        consent = managed_consent(token)
    except consent_services.GuardianLinkError as error:
        return link_failed(request, error)
    form = GuardianDeleteForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts/guardian_manage.html",
            {**consent_context(consent), "token": token, "delete_form": form},
            status=400,
        )
    erasure.erase_account(user=consent.user)
    return render(
        request,
        "accounts/guardian_done.html",
        {"message": _("The account and its videos are deleted.")},
    )
