"""Challenge and entry pages: thin views over selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from transcoding import services as media_services
from transcoding.services.captions import MAX_CAPTION_BYTES
from videoawards.accounts.selectors import take_part_problem
from videoawards.core.pagecache import public_page

from . import selectors, services
from .forms import CaptionForm, EntryForm, TeamInviteForm, caption_label
from .models import Challenge, Entry, EntryState, TeamInvitation

# The entry page's buttons for creators, and the state each one moves to.
ENTRY_ACTIONS = {
    "submit": EntryState.SUBMITTED,
    "to-draft": EntryState.DRAFT,
    "withdraw": EntryState.WITHDRAWN,
}
WRITE_RATE = "30/h"
# Invitations mail someone: fewer, and per address too (many accounts, one person).
TEAM_INVITE_RATE = "20/h"
TEAM_INVITE_IP_RATE = "60/h"


@public_page
def challenge_list(request: HttpRequest) -> HttpResponse:
    return render(request, "challenges/list.html", {"groups": selectors.challenges_by_group()})


@public_page
def challenge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        challenge = selectors.challenge_with_details(slug=slug)
    except Challenge.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "challenges/detail.html",
        {
            "challenge": challenge,
            "timeline": selectors.challenge_timeline(challenge=challenge),
            "accepts_entries": challenge.accepts_entries(),
        },
    )


def _visible_entry(request: HttpRequest, slug: str, pk: int) -> Entry:
    """The entry, or 404 for anyone who may not see it (no hint that it exists)."""
    entries = selectors.entries_with_creators(selectors.visible_entries(user=request.user))
    return get_object_or_404(entries, challenge__slug=slug, pk=pk)


@public_page
def entry_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    entry = _visible_entry(request, slug, pk)
    is_creator = request.user in entry.creators.all()
    waiting_for = take_part_problem(request.user) if is_creator else None
    return render(
        request,
        "challenges/entry_detail.html",
        {
            "entry": entry,
            "is_creator": is_creator,
            "take_part_problem": waiting_for,
            "can_submit": is_creator
            and EntryState.SUBMITTED in services.ENTRY_TRANSITIONS[entry.state],
            "can_upload": is_creator
            and waiting_for is None
            and entry.is_editable
            and entry.challenge.accepts_entries(),
            "caption_form": CaptionForm()
            if entry.media_asset_id
            and entry.media_asset.is_playable
            and request.user.has_perm("challenges.caption_entry", entry)
            else None,
            "team_form": TeamInviteForm() if is_creator and entry.is_editable else None,
            "team_invitations": selectors.entry_team_invitations(entry=entry) if is_creator else (),
            # One uploader per entry, so a half-done upload resumes on the right page.
            "uploader_id": f"entry-{entry.pk}-video",
        },
    )


@login_required
def my_entries(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "challenges/my_entries.html",
        {
            "entries": selectors.participant_entries(user=request.user),
            "invitation_count": selectors.pending_team_invitations(user=request.user).count(),
        },
    )


# --- Teams ---------------------------------------------------------------------------


def _creators_entry(request: HttpRequest, slug: str, pk: int) -> Entry:
    entry = _visible_entry(request, slug, pk)
    if request.user not in entry.creators.all():
        raise Http404
    return entry


def _say_refusal(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text)


@require_POST
@login_required
@ratelimit(key="user", rate=TEAM_INVITE_RATE, method="POST", block=True)
@ratelimit(key="ip", rate=TEAM_INVITE_IP_RATE, method="POST", block=True)
def team_invite(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A creator invites a team mate by email or display name."""
    entry = _creators_entry(request, slug, pk)
    form = TeamInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type your team mate's email or display name."))
        return redirect(entry)
    try:
        invitation = services.invite_team_mate(
            entry=entry, by=request.user, query=form.cleaned_data["who"]
        )
    except (ValidationError, PermissionDenied) as error:
        _say_refusal(request, error)
    else:
        messages.success(
            request,
            _("Invitation sent to %(name)s. They join the team once they accept.")
            % {"name": invitation.invitee.display_name},
        )
    return redirect(entry)


@require_POST
@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def team_withdraw(request: HttpRequest, slug: str, pk: int, invitation_id: int) -> HttpResponse:
    entry = _creators_entry(request, slug, pk)
    invitation = get_object_or_404(entry.team_invitations, pk=invitation_id)
    try:
        services.withdraw_team_invitation(invitation=invitation, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _say_refusal(request, error)
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect(entry)


@require_POST
@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def team_remove(request: HttpRequest, slug: str, pk: int, user_id: int) -> HttpResponse:
    """A creator takes a team mate off the entry, or leaves it themselves."""
    entry = _creators_entry(request, slug, pk)
    member = next((c for c in entry.creators.all() if c.pk == user_id), None)
    if member is None:
        raise Http404
    leaving = member.pk == request.user.pk
    try:
        services.remove_creator(entry=entry, user=member, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _say_refusal(request, error)
        return redirect(entry)
    if leaving:
        messages.success(request, _("You left the team of “%(title)s”.") % {"title": entry.title})
        return redirect("challenges:my_entries")
    messages.success(
        request, _("%(name)s is no longer in the team.") % {"name": member.display_name}
    )
    return redirect(entry)


@login_required
def team_invitations(request: HttpRequest) -> HttpResponse:
    """The invitations waiting for the signed-in person's answer."""
    invitations = list(selectors.pending_team_invitations(user=request.user))
    for invitation in invitations:
        invitation.problem = services.accept_problem(invitation=invitation, user=request.user)
    return render(request, "challenges/team_invitations.html", {"invitations": invitations})


@require_POST
@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def team_answer(request: HttpRequest, invitation_id: int, answer: str) -> HttpResponse:
    if answer not in {"accept", "decline"}:
        raise Http404
    # Only the invitee's own invitations exist for them: anyone else gets a 404.
    invitation = get_object_or_404(
        TeamInvitation.objects.select_related("entry__challenge"),
        pk=invitation_id,
        invitee=request.user,
    )
    try:
        if answer == "accept":
            services.accept_team_invitation(invitation=invitation, by=request.user)
        else:
            services.decline_team_invitation(invitation=invitation, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _say_refusal(request, error)
        return redirect("challenges:team_invitations")
    if answer == "decline":
        messages.success(request, _("Invitation declined. The team sees that you said no."))
        return redirect("challenges:team_invitations")
    messages.success(
        request,
        _("You are now in the team of “%(title)s”.") % {"title": invitation.entry.title},
    )
    return redirect(invitation.entry)


def _save_form(form: EntryForm, save) -> Entry | None:
    """Run a service with the form's data; put its refusal on the form instead of failing."""
    if not form.is_valid():
        return None
    try:
        return save(**form.cleaned_data)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
    except PermissionDenied as error:
        form.add_error(None, str(error))
    return None


@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def entry_create(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = get_object_or_404(selectors.published_challenges(), slug=slug)
    form = EntryForm(request.POST or None, challenge=challenge)
    if request.method == "POST":
        entry = _save_form(
            form,
            lambda **data: services.create_entry(
                creator=request.user,
                challenge=challenge,
                category=data.pop("category", None),
                **data,
            ),
        )
        if entry:
            messages.success(request, _("Your draft is saved. Add your video next."))
            return redirect(entry)
    return render(
        request,
        "challenges/entry_form.html",
        {
            "form": form,
            "challenge": challenge,
            "accepts_entries": challenge.accepts_entries(),
            "take_part_problem": take_part_problem(request.user),
        },
    )


@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def entry_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    entry = _visible_entry(request, slug, pk)
    if request.user not in entry.creators.all():
        raise Http404
    initial = {
        "title": entry.title,
        "description": entry.description,
        "category": entry.category,
        "team_name": entry.team_name,
    }
    form = EntryForm(request.POST or None, initial=initial, challenge=entry.challenge)
    if request.method == "POST":
        saved = _save_form(
            form,
            lambda **data: services.update_entry(entry=entry, by=request.user, **data),
        )
        if saved:
            messages.success(request, _("Your changes are saved."))
            return redirect(saved)
    return render(
        request,
        "challenges/entry_form.html",
        {"form": form, "challenge": entry.challenge, "entry": entry, "accepts_entries": True},
    )


@require_POST
@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def entry_action(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    """A creator's button on the entry page: submit, back to draft, or withdraw."""
    if action not in ENTRY_ACTIONS:
        raise Http404
    entry = _visible_entry(request, slug, pk)
    if request.user not in entry.creators.all():
        raise Http404
    try:
        services.transition_entry(entry=entry, to_state=ENTRY_ACTIONS[action], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Done: your entry is now “%(state)s”.")
            % {"state": EntryState(ENTRY_ACTIONS[action]).label},
        )
    return redirect(entry)


@require_POST
@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def entry_captions(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Creators (and the challenge's organisers) add captions to the entry's video."""
    entry = _visible_entry(request, slug, pk)
    if entry.media_asset_id is None or not request.user.has_perm("challenges.caption_entry", entry):
        raise Http404
    form = CaptionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(entry)
    upload = form.cleaned_data["file"]
    language = form.cleaned_data["language"]
    try:
        media_services.add_caption(
            asset=entry.media_asset,
            language=language,
            label=caption_label(language),
            content=upload.read(MAX_CAPTION_BYTES + 1),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Captions added. The player offers them now."))
    return redirect(entry)
