"""Hosted Open Badges documents, and portfolio pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import openbadges, selectors, services
from .models import Assertion, BadgeClass, Portfolio

JSON_LD = "application/ld+json"


def _document(data: dict, *, download: str | None = None) -> JsonResponse:
    response = JsonResponse(data, content_type=JSON_LD, json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch these from other sites
    if download:
        response["Content-Disposition"] = f'attachment; filename="{download}"'
    return response


@require_GET
def issuer(request: HttpRequest) -> JsonResponse:
    return _document(openbadges.issuer())


@require_GET
def badge_class(request: HttpRequest, kind: str) -> JsonResponse:
    return _document(openbadges.badge_class(get_object_or_404(BadgeClass, kind=kind)))


@require_GET
def badge_class_image(request: HttpRequest, kind: str) -> HttpResponse:
    cls = get_object_or_404(BadgeClass, kind=kind)
    response = HttpResponse(openbadges.badge_image_svg(cls), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def assertion(request: HttpRequest, pk) -> JsonResponse:
    """Public by design (hosted verification): it names no one, the recipient is a hash."""
    item = get_object_or_404(Assertion.objects.select_related("badge_class"), pk=pk)
    download = (
        f"badge-{item.badge_class.kind}-{item.pk}.json" if "download" in request.GET else None
    )
    return _document(openbadges.assertion(item), download=download)


@login_required
def my_portfolio(request: HttpRequest) -> HttpResponse:
    portfolio, _created = Portfolio.objects.get_or_create(user=request.user)
    return render(
        request,
        "badges/portfolio.html",
        {
            "owner": request.user,
            "portfolio": portfolio,
            "is_owner": True,
            "badges": selectors.badges_of(user=request.user),
            "entries": selectors.portfolio_entries(user=request.user, public_only=False),
        },
    )


@login_required
@require_POST
def portfolio_visibility(request: HttpRequest) -> HttpResponse:
    is_public = request.POST.get("is_public") == "1"
    try:
        services.set_portfolio_public(user=request.user, is_public=is_public)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("badges:my-portfolio")
    messages.success(
        request,
        _("Your portfolio is public now.") if is_public else _("Your portfolio is private now."),
    )
    return redirect("badges:my-portfolio")


@require_GET
def public_portfolio(request: HttpRequest, public_id) -> HttpResponse:
    portfolio = selectors.public_portfolio(public_id=public_id)
    if portfolio is None:
        raise Http404
    owner = portfolio.user
    return render(
        request,
        "badges/portfolio.html",
        {
            "owner": owner,
            "portfolio": portfolio,
            "is_owner": request.user == owner,
            "badges": selectors.badges_of(user=owner),
            "entries": selectors.portfolio_entries(user=owner, public_only=True),
        },
    )
