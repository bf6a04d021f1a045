"""The organiser console: thin views over console.selectors and the apps' services."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from videoawards.accounts.permissions import is_any_organiser, is_organiser_for
from videoawards.challenges import services as challenge_services
from videoawards.challenges.models import Challenge
from videoawards.challenges.selectors import HOMEPAGE_FEATURES, challenge_timeline
from videoawards.console import exports, forms, selectors, services
from videoawards.console import homepage as homepage_selectors
from videoawards.core.csvexport import csv_response
from voting import services as voting_services
from voting.models import JuryInvitation, JuryMember, JuryPanel, Review, Round, VotePolicy
from voting.services import panels as panel_services


def _require_organiser(request: HttpRequest) -> None:
    if not is_any_organiser(request.user):
        raise PermissionDenied(_("The console is for organisers."))


def _organised(request: HttpRequest, slug: str) -> Challenge:
    challenge = get_object_or_404(Challenge, slug=slug)
    if not is_organiser_for(request.user, challenge.provider_network_id):
        raise PermissionDenied(_("Only organisers of this challenge can do this."))
    return challenge


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    return render(
        request,
        "console/dashboard.html",
        {"dashboard": selectors.dashboard(user=request.user)},  # type: ignore[arg-type]
    )


@login_required
def phase(request: HttpRequest, slug: str) -> HttpResponse:
    """The challenge's phases on one timeline, and its next step to confirm."""
    challenge = _organised(request, slug)
    if request.method == "POST":
        try:
            challenge_services.advance_phase(
                challenge=challenge,
                to=request.POST.get("to", ""),
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Done: %(title)s is now in “%(phase)s”.")
                % {"title": challenge.title, "phase": challenge.phase().label},
            )
        return redirect("console:phase", slug=challenge.slug)
    next_step = challenge.next_phase()
    return render(
        request,
        "console/phase.html",
        {
            "challenge": challenge,
            "current": challenge.phase(),
            "next_step": next_step,
            "step_name": challenge_services.PHASE_STEP_NAMES.get(next_step) if next_step else None,
            "explanation": selectors.STEP_EXPLANATIONS.get(next_step) if next_step else None,
            "timeline": challenge_timeline(challenge=challenge),
        },
    )


@login_required
@require_POST
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _organised(request, slug)
    on = request.POST.get("on_schedule") == "1"
    challenge_services.set_on_schedule(challenge=challenge, on=on, by=request.user)  # type: ignore[arg-type]
    if on:
        messages.success(request, _("The challenge now moves on by itself at its dates."))
    else:
        messages.success(request, _("Each step now waits for you to take it here."))
    return redirect("console:phase", slug=challenge.slug)


@login_required
@require_GET
def export(request: HttpRequest, slug: str, table: str) -> HttpResponse:
    """One of the challenge's tables as a CSV download (console.exports)."""
    challenge = _organised(request, slug)
    if table not in exports.TABLES:
        raise Http404
    content = exports.TABLES[table](challenge=challenge)
    return csv_response(content, filename=f"{challenge.slug}-{table}.csv")


# --- Setting a challenge up --------------------------------------------------------------


def _setup_forms(request: HttpRequest, challenge: Challenge) -> dict:
    data = request.POST if request.method == "POST" else None
    policy = VotePolicy.objects.filter(challenge_id=challenge.pk).first() if challenge.pk else None
    scored = (
        bool(challenge.pk)
        and Review.objects.filter(
            assignment__round__challenge=challenge, submitted_at__isnull=False
        ).exists()
    )
    return {
        "form": forms.ChallengeForm(data, instance=challenge, user=request.user),
        "categories": forms.CategoryFormSet(data, instance=challenge, prefix="categories"),
        "awards": forms.AwardFormSet(data, instance=challenge, prefix="awards"),
        "criteria": forms.CriterionFormSet(
            data, instance=challenge, prefix="criteria", locked=scored
        ),
        "policy_form": forms.VotePolicyForm(data, instance=policy or VotePolicy(), prefix="policy"),
    }


def _setup(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    parts = _setup_forms(request, challenge)
    if request.method == "POST":
        if all(part.is_valid() for part in parts.values()):
            publish = request.POST.get("publish") == "1"
            parts["form"].instance.is_published = publish or (
                challenge.pk is not None and challenge.is_published
            )
            saved = services.save_setup(by=request.user, **parts)  # type: ignore[arg-type]
            messages.success(
                request,
                _("Saved. This is how participants see it.")
                if saved.is_published
                else _("Saved as a draft: only organisers see it. Publish it when it is ready."),
            )
            return redirect("console:preview", slug=saved.slug)
        messages.error(request, _("Some answers need a change: see the notes in red below."))
    return render(
        request,
        "console/challenge_setup.html",
        {"challenge": challenge, **parts},
    )


@login_required
def challenge_new(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    return _setup(request, Challenge())


@login_required
def challenge_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _setup(request, _organised(request, slug))


@login_required
@require_POST
def challenge_copy(request: HttpRequest, slug: str) -> HttpResponse:
    copy = services.copy_challenge(source=_organised(request, slug), by=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _("Copied, a year later and not published yet. Check the dates, then publish."),
    )
    return redirect("console:challenge_edit", slug=copy.slug)


@login_required
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The challenge page as participants will see it, published or not."""
    challenge = _organised(request, slug)
    return render(
        request,
        "challenges/detail.html",
        {
            "challenge": challenge,
            "timeline": challenge_timeline(challenge=challenge),
            "accepts_entries": challenge.accepts_entries(),
            "preview": True,
        },
    )


# --- The jury -----------------------------------------------------------------------------


def _jury_page(request: HttpRequest, challenge: Challenge, **bound: Any) -> HttpResponse:
    panels, rounds = selectors.jury_overview(challenge=challenge)
    context = {
        "challenge": challenge,
        "panels": panels,
        "rounds": rounds,
        "panel_form": forms.PanelForm(),
        "round_form": forms.RoundForm(challenge=challenge),
        "invite_panel": None,
        "invite_form": None,
        **bound,
    }
    return render(request, "console/jury.html", context, status=400 if bound else 200)


@login_required
def jury(request: HttpRequest, slug: str) -> HttpResponse:
    """Panels, who is on them, invitations by email, rounds and their progress."""
    challenge = _organised(request, slug)
    if request.method != "POST":
        return _jury_page(request, challenge)
    user = request.user
    what = request.POST.get("form")
    try:
        if what == "panel":
            form: django_forms.Form = forms.PanelForm(request.POST)
            if not form.is_valid():
                return _jury_page(request, challenge, panel_form=form)
            panel = panel_services.create_panel(
                challenge=challenge,
                name=form.cleaned_data["name"],
                by=user,  # type: ignore[arg-type]
            )
            messages.success(
                request, _("Panel “%(name)s” made. Now invite its jurors.") % {"name": panel.name}
            )
        elif what == "invite":
            panel = get_object_or_404(JuryPanel, pk=request.POST.get("panel"), challenge=challenge)
            form = forms.InviteForm(request.POST)
            if not form.is_valid():
                return _jury_page(request, challenge, invite_form=form, invite_panel=panel.pk)
            try:
                emails = panel_services.parse_addresses(form.cleaned_data["emails"])
                invited, skipped = panel_services.invite_jurors(
                    panel=panel,
                    emails=emails,
                    by=user,  # type: ignore[arg-type]
                )
            except ValidationError as error:
                form.add_error(None, error)
                return _jury_page(request, challenge, invite_form=form, invite_panel=panel.pk)
            text = ngettext(
                "%(count)d invitation sent.", "%(count)d invitations sent.", invited
            ) % {"count": invited}
            if skipped:
                text += " " + ngettext(
                    "%(count)d address was already on the panel or invited.",
                    "%(count)d addresses were already on the panel or invited.",
                    skipped,
                ) % {"count": skipped}
            messages.success(request, text)
        elif what == "round":
            form = forms.RoundForm(request.POST, challenge=challenge)
            if not form.is_valid():
                return _jury_page(request, challenge, round_form=form)
            try:
                created = panel_services.create_round(
                    challenge=challenge,
                    by=user,
                    **form.cleaned_data,  # type: ignore[arg-type]
                )
            except ValidationError as error:
                form.add_error(None, error)
                return _jury_page(request, challenge, round_form=form)
            messages.success(
                request,
                _("Round “%(name)s” made. Assign jurors when the entries are in.")
                % {"name": created.name},
            )
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("console:jury", slug=challenge.slug)


@login_required
@require_POST
def jury_action(request: HttpRequest, slug: str, action: str, pk: int) -> HttpResponse:
    """One button on the jury page: resend or withdraw an invitation, take a juror off a
    panel, remind a round's jurors."""
    challenge = _organised(request, slug)
    user: Any = request.user
    try:
        if action in ("resend", "withdraw"):
            invitation = get_object_or_404(JuryInvitation, pk=pk, panel__challenge=challenge)
            if action == "resend":
                panel_services.resend_invitation(invitation=invitation, by=user)
                messages.success(request, _("Sent again, with a new link."))
            else:
                panel_services.withdraw_invitation(invitation=invitation, by=user)
                messages.success(request, _("Withdrawn: the link no longer works."))
        elif action == "drop":
            membership = get_object_or_404(JuryMember, pk=pk, panel__challenge=challenge)
            moved = voting_services.drop_juror(membership=membership, by=user)
            messages.success(
                request,
                ngettext(
                    "Taken off the panel; %(count)d open review went to the others.",
                    "Taken off the panel; %(count)d open reviews went to the others.",
                    moved,
                )
                % {"count": moved},
            )
        elif action == "remind":
            round_ = get_object_or_404(Round, pk=pk, challenge=challenge)
            count = panel_services.remind_jurors(round=round_, by=user)
            messages.success(request, panel_services.reminded_text(count))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("console:jury", slug=challenge.slug)


# --- The homepage -------------------------------------------------------------------------


def _homepage_url(request: HttpRequest) -> str:
    """Back to the homepage page, with the challenge filter the form came from."""
    url = reverse("console:homepage")
    challenge = request.POST.get("challenge", "")
    return f"{url}?{urlencode({'challenge': challenge})}" if challenge.isdigit() else url


@login_required
def homepage(request: HttpRequest) -> HttpResponse:
    """The features of the organiser's challenges in homepage order, with buttons to pin,
    move, hide or remove them, and published entries to feature next."""
    _require_organiser(request)
    user: Any = request.user
    challenges = homepage_selectors.challenges_to_feature_from(user=user)
    raw = request.GET.get("challenge", "")
    chosen = challenges.filter(pk=raw).first() if raw.isdigit() else None
    return render(
        request,
        "console/homepage.html",
        {
            "rows": homepage_selectors.feature_rows(user=user),
            "entries": homepage_selectors.featurable_entries(user=user, challenge=chosen),
            "challenges": challenges,
            "chosen": chosen,
            "shown": HOMEPAGE_FEATURES,
        },
    )


@login_required
@require_POST
def homepage_action(request: HttpRequest, action: str, pk: int) -> HttpResponse:
    """One button on the homepage page: feature an entry (pk of the entry), or pin, unpin,
    move, hide, show or remove a feature (pk of the feature)."""
    _require_organiser(request)
    user: Any = request.user
    try:
        if action == "feature":
            entry = get_object_or_404(homepage_selectors.curated_entries(user=user), pk=pk)
            challenge_services.feature_entry(entry=entry, by=user)
            messages.success(
                request, _("“%(title)s” is featured on the homepage.") % {"title": entry.title}
            )
            return redirect(_homepage_url(request))
        feature = get_object_or_404(
            homepage_selectors.curated_features(user=user).select_related("entry__challenge"),
            pk=pk,
        )
        title = {"title": feature.entry.title}
        if action == "pin":
            challenge_services.pin_feature(feature=feature, by=user)
            messages.success(request, _("“%(title)s” is pinned to the top.") % title)
        elif action == "unpin":
            challenge_services.unpin_feature(feature=feature, by=user)
            messages.success(
                request, _("“%(title)s” is no longer pinned: it takes its place by date.") % title
            )
        elif action in ("up", "down"):
            challenge_services.move_feature(feature=feature, by=user, up=action == "up")
            messages.success(
                request,
                (_("“%(title)s” moved up.") if action == "up" else _("“%(title)s” moved down."))
                % title,
            )
        elif action in ("hide", "remove"):
            was_pick = feature.is_pick
            challenge_services.unfeature(feature=feature, by=user)
            messages.success(
                request,
                _("“%(title)s” is no longer featured.") % title
                if was_pick
                else _("“%(title)s” is hidden from the homepage. You can show it again.") % title,
            )
        elif action == "show":
            challenge_services.curate_feature(feature=feature, by=user, is_hidden=False)
            messages.success(request, _("“%(title)s” is shown on the homepage again.") % title)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_homepage_url(request))
