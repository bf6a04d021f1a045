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

from . import selectors, services
from .forms import CaptionForm, EntryForm, caption_label
from .models import Challenge, Entry, EntryState

# The entry page's buttons for creators, and the state each one moves to.
ENTRY_ACTIONS = {
    "submit": EntryState.SUBMITTED,
    "to-draft": EntryState.DRAFT,
    "withdraw": EntryState.WITHDRAWN,
}
WRITE_RATE = "30/h"


def challenge_list(request: HttpRequest) -> HttpResponse:
    return render(request, "challenges/list.html", {"groups": selectors.challenges_by_group()})


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
            # One uploader per entry, so a half-done upload resumes on the right page.
            "uploader_id": f"entry-{entry.pk}-video",
        },
    )


@login_required
def my_entries(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "challenges/my_entries.html",
        {"entries": selectors.participant_entries(user=request.user)},
    )


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
