"""Pages for jurors, voters and organisers: thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from videoawards.accounts.permissions import is_organiser_for
from videoawards.challenges.models import Award, Challenge
from videoawards.challenges.selectors import published_challenges
from videoawards.core.client import client_address
from videoawards.core.pagecache import public_page
from voting import ratelimits, selectors, services
from voting import tally as pure_tally
from voting.certificates import certificate_pdf
from voting.forms import FlagsInvalidationForm, ReasonForm, ReviewForm
from voting.models import Assignment, ResultSnapshot, Round, VoteFlag
from voting.selectors import AwardResult
from voting.services import panels as panel_services
from voting.services.forensics import describe_flag, flagged_votes, resolve_flag
from voting.services.votes import EntryNotVotable


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


# --- Jurors ----------------------------------------------------------------------------


@login_required
def jury_home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "voting/jury_home.html", {"rounds": selectors.juror_rounds(juror=request.user)}
    )


@login_required
def jury_round(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_object_or_404(Round.objects.select_related("challenge"), pk=round_id)
    queue = selectors.juror_queue(round=round_, juror=request.user)
    if not queue:
        raise Http404
    return render(request, "voting/jury_round.html", {"round": round_, "queue": queue})


def _own_assignment(request: HttpRequest, round_id: int, entry_id: int) -> Assignment:
    """The juror's own assignment, or 404 for anything else (no hint that it exists)."""
    try:
        return selectors.juror_assignment(juror=request.user, round_id=round_id, entry_id=entry_id)
    except Assignment.DoesNotExist:
        raise Http404 from None


# Jurors save drafts often; this only stops a runaway script.
REVIEW_RATE = "120/m"


@login_required
@ratelimit(key="user", rate=REVIEW_RATE, method="POST", block=True)
def review_entry(request: HttpRequest, round_id: int, entry_id: int) -> HttpResponse:
    assignment = _own_assignment(request, round_id, entry_id)
    criteria = list(assignment.round.challenge.criteria.all())
    review = getattr(assignment, "review", None)
    initial = {
        f"criterion_{pk}": value
        for pk, value in selectors.own_scores(assignment=assignment).items()
    }
    initial["comment"] = review.comment if review else ""
    form = ReviewForm(request.POST or None, initial=initial, criteria=criteria)
    editable = assignment.round.state == Round.State.OPEN and not (review and review.is_submitted)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and editable and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            services.save_review(
                juror=request.user,
                assignment=assignment,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                submit=submit,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            if submit:
                messages.success(request, _("Review submitted. Thank you!"))
                return redirect("voting:jury_round", round_id=round_id)
            messages.success(request, _("Draft saved. You can come back to it later."))
            return redirect("voting:review", round_id=round_id, entry_id=entry_id)
    queue = selectors.juror_queue(round=assignment.round, juror=request.user)
    return render(
        request,
        "voting/review.html",
        {
            "assignment": assignment,
            "entry": assignment.entry,
            "round": assignment.round,
            "form": form,
            "review": review,
            "is_open": assignment.round.state == Round.State.OPEN,
            "peers": selectors.peer_reviews(assignment=assignment),
            "criteria": criteria,
            "queue": queue,
            "conflict_form": ReasonForm(),
        },
    )


@login_required
@require_POST
@ratelimit(key="user", rate=REVIEW_RATE, method="POST", block=True)
def declare_conflict(request: HttpRequest, round_id: int, entry_id: int) -> HttpResponse:
    assignment = _own_assignment(request, round_id, entry_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.declare_conflict(
                juror=request.user, entry=assignment.entry, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("voting:review", round_id=round_id, entry_id=entry_id)
        messages.success(
            request,
            _(
                "Thank you, that is noted. You won't see this entry again; "
                "the organisers make sure another juror reviews it."
            ),
        )
    else:
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect("voting:review", round_id=round_id, entry_id=entry_id)
    return redirect("voting:jury_home")


# --- Jury invitations --------------------------------------------------------------------


@ratelimit(key="ip", rate="30/m", block=True)
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link from an email: who invites to what, and Accept for the account
    it was sent to. Strangers see a log-in or sign-up step, never the panel's jurors."""
    found = panel_services.invitation_for_token(token)
    if found is None:
        return render(request, "voting/invitation.html", {"invitation": None}, status=404)
    problem = None
    if request.user.is_authenticated:
        problem = panel_services.acceptance_problem(invitation=found, user=request.user)
        if request.method == "POST" and problem is None:
            try:
                panel_services.accept_invitation(token=token, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(
                    request,
                    _(
                        "Welcome to the jury! Your entries to review appear here "
                        "when the round opens."
                    ),
                )
                return redirect("voting:jury_home")
    return render(
        request,
        "voting/invitation.html",
        {"invitation": found, "problem": problem, "token": token},
        status=403 if problem else 200,
    )


# --- Public vote -------------------------------------------------------------------------


def _challenge(slug: str) -> Challenge:
    return get_object_or_404(published_challenges(), slug=slug)


@public_page
def vote_page(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _challenge(slug)
    policy = selectors.vote_policy(challenge=challenge)
    voter = request.user if request.user.is_authenticated else None
    entries = selectors.vote_page_entries(challenge=challenge, voter=voter)
    mine = {
        entry.pk for entry in entries if voter and voter in entry.creators.all()
    }  # creators are prefetched
    return render(
        request,
        "voting/vote.html",
        {
            "challenge": challenge,
            "policy": policy,
            "entries": entries,
            "is_open": selectors.voting_is_open(challenge=challenge),
            "voting_state": selectors.voting_state(challenge=challenge),
            "show_counts": selectors.tallies_visible(challenge=challenge, policy=policy),
            "my_entry_ids": mine,
            "my_vote_count": sum(1 for entry in entries if getattr(entry, "has_my_vote", False)),
            "share_url": request.build_absolute_uri(request.path),
        },
    )


@login_required
@require_POST
def vote(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    """The form fallback of the vote button (the page's script uses the API)."""
    if ratelimits.vote_is_limited(request):
        messages.error(request, _("You are voting very fast. Wait a minute and try again."))
        return redirect("voting:vote_page", slug=slug)
    withdraw = request.POST.get("action") == "withdraw"
    action = services.withdraw_vote if withdraw else services.cast_vote
    kwargs = {} if withdraw else {"address": client_address(request)}
    try:
        action(voter=request.user, entry_id=entry_id, **kwargs)
    except EntryNotVotable:
        raise Http404 from None
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Vote taken back.") if withdraw else _("Thank you for voting!"))
    return redirect("voting:vote_page", slug=slug)


# --- Organisers --------------------------------------------------------------------------


def _organised_challenge(request: HttpRequest, slug: str) -> Challenge:
    challenge = get_object_or_404(Challenge, slug=slug)
    if not is_organiser_for(request.user, challenge.provider_network_id):
        raise PermissionDenied
    return challenge


@login_required
def organise(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _organised_challenge(request, slug)
    rounds = []
    for round_ in challenge.jury_rounds.select_related("panel", "category"):
        per_juror, per_entry = selectors.round_progress(round=round_)
        rounds.append(
            {
                "round": round_,
                "per_juror": per_juror,
                "per_entry": per_entry,
                "shortlist": _shortlist_preview(request, round_) if round_.awaits_shortlist else [],
            }
        )
    return render(
        request,
        "voting/organise.html",
        {
            "challenge": challenge,
            "rounds": rounds,
            "flags": challenge.vote_flags.filter(resolved_at__isnull=True).select_related("entry"),
            "invalidations": challenge.vote_invalidations.select_related("by")[:20],
            "snapshots": challenge.result_snapshots.select_related("created_by", "publication")[
                :10
            ],
            "reason_form": ReasonForm(),
        },
    )


def _shortlist_preview(request: HttpRequest, round_: Round) -> list:
    try:
        return selectors.shortlist_preview(round=round_)
    except pure_tally.TallyInputError as error:  # criteria changed after reviews came in
        messages.error(request, str(error))
        return []


ROUND_ACTIONS = {
    "assign": services.assign_jurors,
    "close": services.close_round,
    "shortlist": services.confirm_shortlist,
}


@login_required
@require_POST
def round_action(request: HttpRequest, slug: str, round_id: int, action: str) -> HttpResponse:
    challenge = _organised_challenge(request, slug)
    round_ = get_object_or_404(Round, pk=round_id, challenge=challenge)
    if action not in ROUND_ACTIONS:
        raise Http404
    try:
        ROUND_ACTIONS[action](round=round_, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Done."))
    return redirect("voting:organise", slug=slug)


@login_required
@require_POST
def check_flags(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _organised_challenge(request, slug)
    found = services.flag_suspicious_votes(challenge=challenge)
    messages.success(request, _("%(count)d new patterns found.") % {"count": len(found)})
    return redirect("voting:organise", slug=slug)


@login_required
@require_POST
def flag_action(request: HttpRequest, slug: str, flag_id: int, action: str) -> HttpResponse:
    challenge = _organised_challenge(request, slug)
    flag = get_object_or_404(VoteFlag, pk=flag_id, challenge=challenge)
    if action not in ("dismiss", "invalidate"):
        raise Http404
    form = ReasonForm(request.POST)
    if action == "invalidate" and not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect("voting:organise", slug=slug)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    resolve_flag(flag=flag, by=request.user, invalidate=action == "invalidate", reason=reason)
    messages.success(request, _("Done."))
    return redirect("voting:organise", slug=slug)


@login_required
@require_POST
def invalidate_flags(request: HttpRequest, slug: str) -> HttpResponse:
    """Several flags at once: none of their votes count, for one reason."""
    challenge = _organised_challenge(request, slug)
    form = FlagsInvalidationForm(request.POST, challenge=challenge)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect("voting:organise", slug=slug)
    done = services.invalidate_flags(
        challenge=challenge,
        flags=list(form.cleaned_data["flags"]),
        by=request.user,
        reason=form.cleaned_data["reason"],
    )
    messages.success(
        request,
        ngettext(
            "%(count)d vote no longer counts.", "%(count)d votes no longer count.", done.vote_count
        )
        % {"count": done.vote_count},
    )
    return redirect("voting:organise", slug=slug)


@login_required
def flag_detail(request: HttpRequest, slug: str, flag_id: int) -> HttpResponse:
    challenge = _organised_challenge(request, slug)
    flag = get_object_or_404(VoteFlag, pk=flag_id, challenge=challenge)
    votes = flagged_votes(flag).select_related("voter", "entry").order_by("created_at")
    return render(
        request,
        "voting/flag.html",
        {
            "challenge": challenge,
            "flag": flag,
            "evidence": describe_flag(flag),
            "vote_total": votes.count(),
            "votes": votes[:500],
        },
    )


@login_required
@require_POST
def compute_results(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _organised_challenge(request, slug)
    try:
        snapshot = services.compute_results(challenge=challenge, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("voting:organise", slug=slug)
    return redirect("voting:snapshot", slug=slug, snapshot_id=snapshot.pk)


@login_required
def snapshot_detail(request: HttpRequest, slug: str, snapshot_id: int) -> HttpResponse:
    challenge = _organised_challenge(request, slug)
    snapshot = get_object_or_404(ResultSnapshot, pk=snapshot_id, challenge=challenge)
    return render(
        request,
        "voting/snapshot.html",
        {
            "challenge": challenge,
            "snapshot": snapshot,
            "awards": selectors.snapshot_awards(snapshot=snapshot, rows=None, public=False),
            "is_published": hasattr(snapshot, "publication"),
            "now": timezone.now(),
            **_results_readiness(challenge),
        },
    )


def _results_readiness(challenge: Challenge) -> dict:
    try:
        services.require_results_ready(challenge=challenge, publishing=True, record=False)
    except ValidationError as error:
        return {"results_ready": False, "results_wait": _error_text(error)}
    return {"results_ready": True}


@login_required
@require_POST
def schedule_release(request: HttpRequest, slug: str, snapshot_id: int) -> HttpResponse:
    challenge = _organised_challenge(request, slug)
    snapshot = get_object_or_404(ResultSnapshot, pk=snapshot_id, challenge=challenge)
    try:
        services.schedule_release(snapshot=snapshot, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Scheduled. The results come out on %(when)s, winners on the homepage at once.")
            % {"when": date_format(timezone.localtime(challenge.results_at), "DATETIME_FORMAT")},
        )
    return redirect("voting:snapshot", slug=slug, snapshot_id=snapshot.pk)


@login_required
@require_POST
def cancel_release(request: HttpRequest, slug: str, snapshot_id: int) -> HttpResponse:
    challenge = _organised_challenge(request, slug)
    snapshot = get_object_or_404(ResultSnapshot, pk=snapshot_id, challenge=challenge)
    services.cancel_release(snapshot=snapshot, by=request.user)
    messages.success(request, _("These results will not come out by themselves."))
    return redirect("voting:snapshot", slug=slug, snapshot_id=snapshot.pk)


@login_required
@require_POST
def publish(request: HttpRequest, slug: str, snapshot_id: int) -> HttpResponse:
    challenge = _organised_challenge(request, slug)
    snapshot = get_object_or_404(ResultSnapshot, pk=snapshot_id, challenge=challenge)
    try:
        services.publish_results(snapshot=snapshot, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("voting:snapshot", slug=slug, snapshot_id=snapshot.pk)
    messages.success(request, _("Results published. The winners are on the homepage."))
    return redirect("voting:results", slug=slug)


# --- Published results -------------------------------------------------------------------


def _published(slug: str) -> tuple[Challenge, ResultSnapshot]:
    challenge = _challenge(slug)
    snapshot = selectors.published_snapshot(challenge=challenge)
    if snapshot is None:
        raise Http404
    return challenge, snapshot


@public_page
def results(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _challenge(slug)
    snapshot = selectors.published_snapshot(challenge=challenge)
    if snapshot is None:  # not yet: say when they come
        return render(
            request,
            "voting/results_pending.html",
            {
                "challenge": challenge,
                "phase": challenge.phase(),
                "overdue": challenge.results_at <= timezone.now(),
            },
        )
    awards = selectors.snapshot_awards(snapshot=snapshot, rows=selectors.PUBLIC_RESULT_ROWS)
    return render(request, "voting/results.html", {"challenge": challenge, "awards": awards})


def _won_award(slug: str, award_id: int) -> tuple[Challenge, ResultSnapshot, AwardResult]:
    challenge, snapshot = _published(slug)
    award = selectors.published_award(snapshot=snapshot, award_id=award_id)
    if award is None or award.winner is None:
        raise Http404
    return challenge, snapshot, award


@public_page
def winner(request: HttpRequest, slug: str, award_id: int) -> HttpResponse:
    challenge, _snapshot, award = _won_award(slug, award_id)
    return render(request, "voting/winner.html", {"challenge": challenge, "award": award})


def _certificate_response(
    *, challenge: Challenge, snapshot: ResultSnapshot, award: AwardResult, entry, finalist: bool
) -> HttpResponse:
    """The award's name as published; its description as the organisers keep it."""
    award_id = award.award_id
    description = (
        Award.objects.filter(pk=award_id).values_list("description", flat=True).first() or ""
    )
    pdf = certificate_pdf(
        names=[creator.display_name for creator in entry.creators.all()],
        team_name=entry.team_name,
        entry_title=entry.title,
        award_name=award.name,
        challenge_title=challenge.title,
        published_at=snapshot.publication.at,
        network_name=challenge.provider_network.name if challenge.provider_network_id else "",
        award_description=description,
        finalist=finalist,
    )
    kind = "finalist" if finalist else "certificate"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{kind}-{challenge.slug}-{award_id}-{entry.pk}.pdf"'
    )
    return response


def certificate(request: HttpRequest, slug: str, award_id: int) -> HttpResponse:
    challenge, snapshot, award = _won_award(slug, award_id)
    return _certificate_response(
        challenge=challenge, snapshot=snapshot, award=award, entry=award.winner, finalist=False
    )


def finalist_certificate(
    request: HttpRequest, slug: str, award_id: int, entry_id: int
) -> HttpResponse:
    """A finalist's certificate: one of an award's first places, once results are out."""
    challenge, snapshot = _published(slug)
    award = selectors.published_award(snapshot=snapshot, award_id=award_id)
    entry = selectors.published_finalist(snapshot=snapshot, award_id=award_id, entry_id=entry_id)
    if award is None or entry is None:
        raise Http404
    return _certificate_response(
        challenge=challenge, snapshot=snapshot, award=award, entry=entry, finalist=True
    )
