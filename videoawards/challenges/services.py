"""Changes to entries: creating, editing, team members and moving through states."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from transcoding import services as media_services
from transcoding.models import MediaAsset, UploadSession
from videoawards.accounts.emails import mail_user
from videoawards.accounts.models import User
from videoawards.accounts.permissions import is_moderator_for, is_organiser_for, is_verified
from videoawards.accounts.selectors import may_take_part, take_part_problem
from videoawards.core import audit
from videoawards.core.scope import scope_queryset

from . import phases
from .models import (
    ENTRY_TRANSITIONS,
    PUBLIC_ENTRY_STATES,
    Award,
    Category,
    Challenge,
    Entry,
    EntryCreator,
    EntryState,
    Feature,
    Phase,
    TeamInvitation,
)
from .selectors import public_entry_q
from .signals import entry_state_changed, feature_curated, phase_changed


class Actor(enum.Enum):
    """Who may make a move: the entry's creators, a moderator or an organiser."""

    CREATOR = "creator"
    MODERATOR = "moderator"
    ORGANISER = "organiser"


# Who may make each move in ENTRY_TRANSITIONS. A move missing here is allowed to nobody.
_MOVES: dict[tuple[str, str], Actor] = {
    (EntryState.DRAFT, EntryState.SUBMITTED): Actor.CREATOR,
    (EntryState.REJECTED, EntryState.SUBMITTED): Actor.CREATOR,
    (EntryState.SUBMITTED, EntryState.DRAFT): Actor.CREATOR,
    (EntryState.REJECTED, EntryState.DRAFT): Actor.CREATOR,
    (EntryState.SUBMITTED, EntryState.APPROVED): Actor.MODERATOR,
    (EntryState.SUBMITTED, EntryState.REJECTED): Actor.MODERATOR,
    # Taking a published entry down after reports: back to its creators to fix.
    (EntryState.APPROVED, EntryState.REJECTED): Actor.MODERATOR,
    (EntryState.FINALIST, EntryState.REJECTED): Actor.MODERATOR,
    (EntryState.APPROVED, EntryState.FINALIST): Actor.ORGANISER,
    (EntryState.FINALIST, EntryState.WINNER): Actor.ORGANISER,
    (EntryState.FINALIST, EntryState.APPROVED): Actor.ORGANISER,
    (EntryState.WINNER, EntryState.FINALIST): Actor.ORGANISER,
}
_MOVES.update(
    {
        (state, EntryState.WITHDRAWN): Actor.CREATOR
        for state, targets in ENTRY_TRANSITIONS.items()
        if EntryState.WITHDRAWN in targets
    }
)


def is_creator(*, entry: Entry, user: User) -> bool:
    return user.is_authenticated and entry.creator_links.filter(user=user).exists()


def _require_creator(*, entry: Entry, user: User) -> None:
    if not is_creator(entry=entry, user=user):
        raise PermissionDenied(_("Only the people who made this entry can change it."))


def _require_editable(entry: Entry) -> None:
    if not entry.is_editable:
        raise ValidationError(
            _("You can only change an entry while it is a draft or needs changes."),
            code="not_editable",
        )


def _check_category(*, challenge: Challenge, category: Category | None) -> None:
    if category is None:
        if challenge.categories.exists():
            raise ValidationError({"category": _("Pick a category.")}, code="required")
    elif category.challenge_id != challenge.pk:
        raise ValidationError(
            {"category": _("Pick a category of this challenge.")}, code="wrong_challenge"
        )


def _lock(entry: Entry) -> Entry:
    """Re-read the entry under a row lock, so two state changes cannot race."""
    return Entry.objects.select_for_update().select_related("challenge").get(pk=entry.pk)


@transaction.atomic
def create_entry(
    *,
    creator: User,
    challenge: Challenge,
    category: Category | None,
    title: str,
    description: str,
    team_name: str = "",
) -> Entry:
    """Start a draft entry; its creator can add a video and team members before submitting."""
    if not is_verified(creator):
        raise PermissionDenied(_("Confirm your email address before you enter a challenge."))
    _require_may_take_part(creator)
    if not challenge.is_published or not challenge.accepts_entries():
        raise ValidationError(_("This challenge is not taking entries right now."), code="closed")
    _check_category(challenge=challenge, category=category)
    entry = Entry(
        challenge=challenge,
        category=category,
        title=title.strip(),
        description=description.strip(),
        team_name=team_name.strip(),
    )
    entry.full_clean(exclude=["creators"])
    entry.save()
    EntryCreator.objects.create(entry=entry, user=creator)
    return entry


@transaction.atomic
def update_entry(
    *,
    entry: Entry,
    by: User,
    title: str | None = None,
    description: str | None = None,
    team_name: str | None = None,
    category: Category | None = None,
) -> Entry:
    """Change an entry's text, team name or category while it is a draft or needs changes.

    Arguments left as None stay as they are.
    """
    _require_creator(entry=entry, user=by)
    entry = _lock(entry)
    _require_editable(entry)
    fields = []
    if title is not None:
        entry.title = title.strip()
        fields.append("title")
    if description is not None:
        entry.description = description.strip()
        fields.append("description")
    if team_name is not None:
        entry.team_name = team_name.strip()
        fields.append("team_name")
    if category is not None:
        _check_category(challenge=entry.challenge, category=category)
        entry.category = category
        fields.append("category")
    entry.full_clean(exclude=["creators"])
    entry.save(update_fields=[*fields, "updated_at"])
    return entry


# --- Teams ------------------------------------------------------------------------------
#
# A creator invites a team mate by email or display name; the invitee answers on their
# own page and appears on the entry only once they accept (and may take part: a minor
# needs their guardian's OK first). Creators take someone off while the entry can change;
# the last creator cannot leave. The admin's inline goes through add_creator and
# remove_creator too.


def _team_size(entry: Entry) -> int:
    return (
        entry.creator_links.count()
        + entry.team_invitations.filter(status=TeamInvitation.Status.PENDING).count()
    )


def _check_team_room(entry: Entry) -> None:
    limit = settings.VIDEOAWARDS_MAX_TEAM_SIZE
    if _team_size(entry) >= limit:
        raise ValidationError(
            _(
                "A team can have at most %(count)d people, counting the invitations that "
                "wait for an answer. Withdraw one first."
            )
            % {"count": limit},
            code="team_full",
        )


def _may_change_team(*, entry: Entry, by: User) -> None:
    """Creators change their team; an organiser of the network may help (the admin)."""
    if is_creator(entry=entry, user=by):
        return
    if is_organiser_for(by, entry.challenge.provider_network_id):
        return
    raise PermissionDenied(_("Only the people who made this entry can change its team."))


def find_team_mate(query: str) -> User | None:
    """The active account with this email (any case), or with exactly this display name
    when only one account uses it. None when there is no such account or the name is
    shared (then an email is needed)."""
    query = query.strip()
    if not query:
        return None
    people = User.objects.filter(is_active=True)
    if "@" in query:
        return people.filter(email__iexact=query).first()
    matches = list(people.filter(display_name__iexact=query)[:2])
    return matches[0] if len(matches) == 1 else None


@transaction.atomic
def invite_team_mate(*, entry: Entry, by: User, query: str) -> TeamInvitation:
    """Invite the account `query` names (email or display name) to the team; tells them
    by email on commit. Errors say what to do, never whether an email has an account
    beyond what the invitation itself shows."""
    _require_creator(entry=entry, user=by)
    entry = _lock(entry)
    _require_editable(entry)
    invitee = find_team_mate(query)
    if invitee is None:
        raise ValidationError(
            _(
                "We couldn't find one account with that email or display name. Check the "
                "spelling, or ask your team mate for the email they signed up with. If they "
                "have no account yet, they sign up first."
            ),
            code="not_found",
        )
    if invitee.pk == by.pk or entry.creator_links.filter(user=invitee).exists():
        raise ValidationError(
            _("%(name)s is already in the team.") % {"name": invitee.display_name},
            code="duplicate",
        )
    if entry.team_invitations.filter(invitee=invitee, status=TeamInvitation.Status.PENDING):
        raise ValidationError(
            _("%(name)s has an invitation already: they answer on their Team invitations page.")
            % {"name": invitee.display_name},
            code="pending",
        )
    _check_team_room(entry)
    invitation = TeamInvitation.objects.create(entry=entry, invitee=invitee, invited_by=by)
    audit.record(actor=by, action="team.invite", target=entry, data={"invitee": invitee.pk})
    _tell_invitee(invitation)
    return invitation


def _tell_invitee(invitation: TeamInvitation) -> None:
    mail_user(
        user=invitation.invitee,
        template="team_invitation",
        context={
            "name": invitation.invitee.display_name,
            "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
            "entry": invitation.entry,
            "challenge": invitation.entry.challenge,
            "invitations_url": settings.SITE_URL + reverse("challenges:team_invitations"),
        },
        folder="challenges/email",
    )


def _lock_invitation(invitation: TeamInvitation) -> TeamInvitation:
    return (
        TeamInvitation.objects.select_for_update()
        .select_related("entry__challenge", "invitee")
        .get(pk=invitation.pk)
    )


def _require_pending(invitation: TeamInvitation) -> None:
    if invitation.status != TeamInvitation.Status.PENDING:
        raise ValidationError(
            _("This invitation was already answered or withdrawn."), code="not_pending"
        )


def accept_problem(*, invitation: TeamInvitation, user: User) -> str | None:
    """Why `user` cannot accept this invitation now, in plain words; None if they can."""
    if invitation.status != TeamInvitation.Status.PENDING:
        return _("This invitation was already answered or withdrawn.")
    if not invitation.entry.is_editable:
        return _(
            "The team can't change any more: the entry was sent in. Ask the team to take it "
            "back to draft, then accept."
        )
    return take_part_problem(user)


@transaction.atomic
def accept_team_invitation(*, invitation: TeamInvitation, by: User) -> EntryCreator:
    """The invitee joins the team. A young person's acceptance counts once their guardian
    said yes (the invitation stays open until then)."""
    invitation = _lock_invitation(invitation)
    if invitation.invitee_id != by.pk:
        raise PermissionDenied(_("This invitation is for someone else."))
    entry = _lock(invitation.entry)
    invitation.entry = entry
    problem = accept_problem(invitation=invitation, user=by)
    if problem:
        raise ValidationError(problem, code="cannot_accept")
    link, _created = EntryCreator.objects.get_or_create(entry=entry, user=by)
    invitation.status = TeamInvitation.Status.ACCEPTED
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_at"])
    audit.record(actor=by, action="team.accept", target=entry)
    return link


@transaction.atomic
def decline_team_invitation(*, invitation: TeamInvitation, by: User) -> TeamInvitation:
    invitation = _lock_invitation(invitation)
    if invitation.invitee_id != by.pk:
        raise PermissionDenied(_("This invitation is for someone else."))
    _require_pending(invitation)
    invitation.status = TeamInvitation.Status.DECLINED
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_at"])
    return invitation


@transaction.atomic
def withdraw_team_invitation(*, invitation: TeamInvitation, by: User) -> TeamInvitation:
    """A creator takes back an invitation nobody answered yet."""
    invitation = _lock_invitation(invitation)
    _require_creator(entry=invitation.entry, user=by)
    _require_pending(invitation)
    invitation.status = TeamInvitation.Status.WITHDRAWN
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_at"])
    return invitation


@transaction.atomic
def add_creator(*, entry: Entry, user: User, by: User) -> EntryCreator:
    """Put someone straight on the team: an organiser of the network helping out (the
    admin). Creators invite instead (invite_team_mate), so nobody joins without saying
    yes. The entry must be editable, the team not full and the person allowed to take
    part."""
    if not is_organiser_for(by, entry.challenge.provider_network_id) or is_creator(
        entry=entry, user=by
    ):
        raise PermissionDenied(
            _("Invite your team mates from the entry page: they join once they accept.")
        )
    entry = _lock(entry)
    _require_editable(entry)
    if entry.creator_links.filter(user=user).exists():
        raise ValidationError(_("This person is already in the team."), code="duplicate")
    _check_team_room(entry)
    problem = take_part_problem(user)
    if problem:
        raise ValidationError(
            _("%(name)s can't join yet: %(problem)s")
            % {"name": user.display_name, "problem": problem},
            code="cannot_take_part",
        )
    return EntryCreator.objects.create(entry=entry, user=user)


@transaction.atomic
def remove_creator(*, entry: Entry, user: User, by: User) -> None:
    """Take someone off the team (a creator may also leave); the last one cannot leave."""
    _may_change_team(entry=entry, by=by)
    entry = _lock(entry)
    _require_editable(entry)
    links = list(entry.creator_links.all())
    if not any(link.user_id == user.pk for link in links):
        raise ValidationError(_("This person is not in the team."), code="not_member")
    if len(links) == 1:
        raise ValidationError(
            _("An entry needs at least one creator. Withdraw it instead."), code="last_creator"
        )
    entry.creator_links.filter(user=user).delete()
    # The video they uploaded stays with the entry: it passes to a remaining creator.
    remaining = next(link.user_id for link in links if link.user_id != user.pk)
    MediaAsset.objects.filter(entry=entry, owner=user).update(owner_id=remaining)
    audit.record(actor=by, action="team.remove", target=entry, data={"member": user.pk})


def _check_actor(*, entry: Entry, actor: Actor, by: User) -> None:
    if actor is Actor.CREATOR:
        _require_creator(entry=entry, user=by)
        return
    network = entry.challenge.provider_network_id
    check = is_organiser_for if actor is Actor.ORGANISER else is_moderator_for
    if not check(by, network):
        raise PermissionDenied(_("You are not allowed to do this."))
    if is_creator(entry=entry, user=by):
        raise PermissionDenied(_("You cannot decide about your own entry."))


def _check_submittable(entry: Entry) -> None:
    if not entry.challenge.accepts_entries():
        raise ValidationError(
            _("This challenge is not taking entries any more."), code="challenge_closed"
        )
    asset = entry.media_asset
    if asset is None or asset.status != MediaAsset.Status.READY:
        raise ValidationError(
            _("Upload your video and wait until it is ready before you submit."),
            code="video_not_ready",
        )
    _check_creators_may_take_part(entry)


def _require_may_take_part(user: User) -> None:
    """Making entries and uploading wait for a confirmed email and, for the young, a
    guardian's OK (the consent page promises the account can only look around until then)."""
    problem = take_part_problem(user)
    if problem:
        raise PermissionDenied(problem)


def _check_creators_may_take_part(entry: Entry) -> None:
    """Every creator of the entry needs their own go-ahead (accounts' may_take_part)."""
    waiting = sorted(
        (creator.display_name for creator in entry.creators.all() if not may_take_part(creator)),
        key=str.casefold,
    )
    if waiting:
        raise ValidationError(
            _(
                "Before this entry can be sent, everyone in the team needs a confirmed email "
                "and, if they are younger than the age of digital consent, a parent's or "
                "guardian's OK. Still waiting for: %(names)s."
            )
            % {"names": ", ".join(waiting)},
            code="creators_need_consent",
        )


def revoke_entry_media(entries) -> int:
    """Void the media URLs handed out for these entries' videos (see
    transcoding.services.revoke_playback): call when they stop being public."""
    ids = [
        entry.media_asset_id
        for entry in entries
        if getattr(entry, "media_asset_id", None) is not None
    ]
    return media_services.revoke_playback(asset_ids=ids)


def revoke_challenge_media(challenge: Challenge) -> int:
    """The same for every entry of a challenge that is no longer published."""
    return revoke_entry_media(Entry.objects.filter(challenge=challenge).only("media_asset_id"))


@transaction.atomic
def transition_entry(*, entry: Entry, to_state: str, by: User, reason: str = "") -> Entry:
    """Move an entry to another state, if ENTRY_TRANSITIONS allows it and `by` may do it.

    Creators submit, withdraw and take back to draft; moderators approve or reject
    (with a reason); organisers pick finalists and winners.
    """
    entry = _lock(entry)
    from_state = entry.state
    if to_state not in ENTRY_TRANSITIONS.get(from_state, frozenset()):
        raise ValidationError(
            _("An entry that is “%(from)s” cannot become “%(to)s”.")
            % {"from": EntryState(from_state).label, "to": EntryState(to_state).label},
            code="invalid_transition",
        )
    _check_actor(entry=entry, actor=_MOVES[(from_state, to_state)], by=by)
    reason = reason.strip()
    if to_state == EntryState.REJECTED and not reason:
        raise ValidationError(
            {"reason": _("Tell the creators what to change.")}, code="reason_required"
        )
    if to_state == EntryState.SUBMITTED:
        _check_submittable(entry)
        entry.submitted_at = timezone.now()
    if to_state in (EntryState.REJECTED, EntryState.APPROVED):
        entry.moderation_reason = reason
    if to_state == EntryState.REJECTED:
        # The rejection replaces any hiding: once fixed and approved again it is public.
        entry.hidden_at, entry.hidden_reason = None, ""
    entry.state = to_state
    entry.state_changed_at = timezone.now()
    entry.save(
        update_fields=[
            "state",
            "state_changed_at",
            "submitted_at",
            "moderation_reason",
            "hidden_at",
            "hidden_reason",
            "updated_at",
        ]
    )
    if from_state in PUBLIC_ENTRY_STATES and to_state not in PUBLIC_ENTRY_STATES:
        revoke_entry_media([entry])
    entry_state_changed.send(
        sender=Entry, entry=entry, from_state=from_state, to_state=to_state, by=by, reason=reason
    )
    return entry


def submit_entry(*, entry: Entry, by: User) -> Entry:
    """Send an entry to moderation; needs a ready video and a challenge open for entries."""
    return transition_entry(entry=entry, to_state=EntryState.SUBMITTED, by=by)


def withdraw_entry(*, entry: Entry, by: User) -> Entry:
    return transition_entry(entry=entry, to_state=EntryState.WITHDRAWN, by=by)


# --- The entry's video ---


def _media_limits(challenge: Challenge) -> tuple[int, int]:
    """(bytes, seconds) a video for this challenge may have: the challenge's, within the site's."""
    return (
        min(challenge.max_file_size_bytes, settings.VIDEOAWARDS_MAX_UPLOAD_BYTES),
        min(challenge.max_duration_seconds, settings.VIDEOAWARDS_MAX_DURATION_SECONDS),
    )


def start_entry_upload(
    *, entry: Entry, by: User, filename: str, size: int, content_type: str
) -> UploadSession:
    """Start an upload of the entry's video within its challenge's limits."""
    _require_creator(entry=entry, user=by)
    _require_may_take_part(by)
    _require_editable(entry)
    if not entry.challenge.accepts_entries():
        raise ValidationError(
            _("This challenge is not taking entries any more."), code="challenge_closed"
        )
    max_bytes, max_seconds = _media_limits(entry.challenge)
    return media_services.create_upload(
        owner=by,
        filename=filename,
        size=size,
        content_type=content_type,
        max_bytes=max_bytes,
        max_duration_s=max_seconds,
    )


@transaction.atomic
def attach_video(*, entry: Entry, asset: MediaAsset, by: User) -> Entry:
    """Make `asset` (uploaded by `by`, within the challenge's limits) the entry's video."""
    _require_creator(entry=entry, user=by)
    entry = _lock(entry)
    _require_editable(entry)
    if asset.owner_id != by.pk:
        raise ValidationError(
            _("You can only use a video you uploaded yourself."), code="not_your_video"
        )
    if Entry.objects.filter(media_asset=asset).exclude(pk=entry.pk).exists():
        raise ValidationError(
            _("This video already belongs to another entry. Upload it again for this one."),
            code="video_in_use",
        )
    max_bytes, max_seconds = _media_limits(entry.challenge)
    too_long = (asset.max_duration_s or max_seconds + 1) > max_seconds
    if too_long or (asset.source_size or 0) > max_bytes:
        raise ValidationError(
            _("This video was uploaded with other limits. Upload it again on this entry's page."),
            code="other_limits",
        )
    entry.media_asset = asset
    entry.save(update_fields=["media_asset", "updated_at"])
    return entry


def retranscode_challenge_videos(*, challenges: QuerySet[Challenge]) -> int:
    """Queue a new version of every entry video of these challenges from its kept original;
    the current version plays until the new one is ready."""
    assets = MediaAsset.objects.filter(entry__challenge__in=challenges)
    return media_services.retranscode_assets(assets=assets)


# --- Homepage features ---


@transaction.atomic
def feature_winners(*, award: Award, entries: list[Entry], by: User) -> list[Feature]:
    """Put an award's winners (in order of place) on the homepage; safe to call again.

    Called when results are published; curation (pin, hide, position) is kept on repeats.
    """
    if not is_organiser_for(by, award.challenge.provider_network_id):
        raise PermissionDenied(_("Only organisers of this challenge can publish its winners."))
    features = []
    now = timezone.now()  # one moment per award, so its places stay in order
    for place, entry in enumerate(entries, start=1):
        if entry.challenge_id != award.challenge_id:
            raise ValidationError(_("A winner must be an entry of the award's challenge."))
        feature, _created = Feature.objects.update_or_create(
            award=award,
            entry=entry,
            defaults={"place": place},
            create_defaults={"place": place, "published_at": now},
        )
        features.append(feature)
    Feature.objects.filter(award=award).exclude(pk__in=[f.pk for f in features]).delete()
    return features


class _Keep(enum.Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP


@transaction.atomic
def curate_feature(
    *,
    feature: Feature,
    by: User,
    is_pinned: bool | _Keep = KEEP,
    is_hidden: bool | _Keep = KEEP,
    position: int | _Keep | None = KEEP,
) -> Feature:
    """Pin, hide or move a homepage feature (organisers of the challenge's network).

    A field left at KEEP stays as it is; position None puts the feature back among the
    newest-first ones (positioned features come before them, lowest first)."""
    _check_curator(by, feature.entry)
    changes = {"is_pinned": is_pinned, "is_hidden": is_hidden, "position": position}
    changed = {
        name: value
        for name, value in changes.items()
        if value is not KEEP and getattr(feature, name) != value
    }
    for name, value in changed.items():
        setattr(feature, name, value)
    if changed:
        feature.save(update_fields=list(changed))
        feature_curated.send(sender=Feature, feature=feature, by=by, changes=changed)
    return feature


def _check_curator(by: User, entry: Entry) -> None:
    if not is_organiser_for(by, entry.challenge.provider_network_id):
        raise PermissionDenied(_("Only organisers of this challenge can change the homepage."))


@transaction.atomic
def feature_entry(*, entry: Entry, by: User) -> Feature:
    """Put a published entry on the homepage as an organisers' pick.

    An entry already featured (a winner, perhaps hidden) is shown again instead of being
    featured twice."""
    _check_curator(by, entry)
    if not Entry.objects.filter(public_entry_q(), pk=entry.pk).exists():
        raise ValidationError(
            _(
                "Only a video everyone can see can go on the homepage. This one is not "
                "published, was hidden after reports, or waits for a guardian's agreement."
            )
        )
    if entry.challenge.phase() == Phase.PUBLIC_VOTING:
        raise ValidationError(
            _(
                "The public vote of this challenge is running: a video on the homepage now "
                "would get more votes than the others. Feature it once voting has closed."
            ),
            code="voting",
        )
    existing = list(Feature.objects.select_for_update().filter(entry=entry))
    for feature in existing:
        curate_feature(feature=feature, by=by, is_hidden=False)
    if existing:
        return existing[0]
    feature = Feature.objects.create(entry=entry, award=None)
    feature_curated.send(sender=Feature, feature=feature, by=by, changes={"featured": True})
    return feature


@transaction.atomic
def unfeature(*, feature: Feature, by: User) -> None:
    """Take a feature off the homepage: a pick goes for good, a winner is only hidden,
    so it can be shown again."""
    _check_curator(by, feature.entry)
    if not feature.is_pick:
        curate_feature(feature=feature, by=by, is_hidden=True)
        return
    feature_curated.send(sender=Feature, feature=feature, by=by, changes={"featured": False})
    feature.delete()


@transaction.atomic
def pin_feature(*, feature: Feature, by: User) -> Feature:
    """Pin a feature to the top of the homepage, after those pinned already."""
    _check_curator(by, feature.entry)
    if feature.is_pinned:
        return feature
    pinned = Feature.objects.select_for_update().filter(is_pinned=True)
    last = max((p or 0 for p in pinned.values_list("position", flat=True)), default=0)
    return curate_feature(feature=feature, by=by, is_pinned=True, position=last + 1)


def unpin_feature(*, feature: Feature, by: User) -> Feature:
    """Back among the unpinned ones, newest first."""
    return curate_feature(feature=feature, by=by, is_pinned=False, position=None)


@transaction.atomic
def move_feature(*, feature: Feature, by: User, up: bool) -> Feature:
    """Swap a pinned feature with its neighbour among the pinned ones `by` curates.

    That group is numbered 1..n first, so positions stay dense whatever came before."""
    _check_curator(by, feature.entry)
    if not feature.is_pinned:
        raise ValidationError(_("Only pinned videos can be moved. Pin it to the top first."))
    group = list(
        scope_queryset(
            Feature.objects.select_for_update(of=("self",)).filter(is_pinned=True),
            user=by,
            network_field="entry__challenge__provider_network",
        ).select_related("entry__challenge")
    )
    ids = [item.pk for item in group]
    if feature.pk not in ids:  # unpinned meanwhile
        raise ValidationError(_("Only pinned videos can be moved. Pin it to the top first."))
    here = ids.index(feature.pk)
    there = here - 1 if up else here + 1
    if 0 <= there < len(group):
        group[here], group[there] = group[there], group[here]
    for position, item in enumerate(group, start=1):
        curate_feature(feature=item, by=by, position=position)
        if item.pk == feature.pk:
            feature.position = item.position
    return feature


def tell_creators_about_video(*, asset: MediaAsset, ready: bool) -> int:
    """Email the creators of the entry a video belongs to that it is ready, or why it
    failed: they may have left the page while it was prepared. Only the first time a
    video is prepared; an organiser's re-transcode tells nobody. Returns emails sent."""
    if asset.version != 1:
        return 0
    template = "video_ready" if ready else "video_failed"
    sent = 0
    for entry in Entry.objects.filter(media_asset=asset).prefetch_related("creators"):
        context = {
            "entry": entry,
            "entry_url": settings.SITE_URL + entry.get_absolute_url(),
            "error": asset.error_message,
        }
        for creator in entry.creators.all():
            mail_user(
                user=creator,
                template=template,
                context={**context, "name": creator.display_name},
                folder="challenges/email",
            )
            sent += 1
    return sent


# --- Phases ------------------------------------------------------------------------------

# The advisory-lock class of "a challenge's phase" (PostgreSQL): votes hold it shared while
# they insert, a phase change holds it alone, so once a close returns no vote still counts.
_PHASE_LOCK_CLASS = 7301


def hold_phase(challenge_id: int, *, shared: bool) -> None:
    """Inside a transaction: keep the challenge's phase from changing until it ends (shared),
    or wait until no vote is in flight and keep new ones out (not shared).

    PostgreSQL only; SQLite already lets one writer at a time through.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(*hold_phase_statement(challenge_id, shared=shared))


def hold_phase_statement(challenge_id: int, *, shared: bool) -> tuple[str, list[int]]:
    """The SQL and parameters of hold_phase (PostgreSQL), for a caller that sends the lock
    in one message with the statement it protects (voting's insert)."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    return f"SELECT {function}(%s, %s)", [_PHASE_LOCK_CLASS, challenge_id]


def _lock_challenge(challenge: Challenge) -> Challenge:
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    hold_phase(locked.pk, shared=False)
    return locked


def _bring_dates_forward(challenge: Challenge, to: Phase, now: datetime) -> list[str]:
    """A step taken before its planned date moves that date to now, so the timeline shows
    what happened (and a challenge on schedule does not fall back to the old date)."""
    moved: list[str] = []

    def bring(field: str, not_before: datetime | None) -> None:
        planned = getattr(challenge, field)
        if planned is not None and planned > now:
            setattr(challenge, field, max(now, not_before) if not_before else now)
            moved.append(field)

    if to == Phase.ENTRIES_OPEN:
        bring("entries_open_at", None)
    elif to == Phase.JUDGING:
        bring("entries_close_at", challenge.entries_open_at + timedelta(microseconds=1))
    elif to == Phase.PUBLIC_VOTING:
        bring("voting_opens_at", challenge.entries_close_at)
    elif to == Phase.VOTING_CLOSED:
        opened = challenge.voting_opens_at
        bring("voting_closes_at", opened + timedelta(microseconds=1) if opened else None)
    elif to == Phase.RESULTS:
        bring("results_at", challenge.voting_closes_at or challenge.entries_close_at)
    return moved


def _set_stage(challenge: Challenge, to: Phase, *, by: User | None, now: datetime) -> None:
    before = challenge.stage
    moved = _bring_dates_forward(challenge, to, now)
    challenge.stage = to
    challenge.save(update_fields=["stage", *moved])
    audit.record(
        actor=by,
        action="challenge.phase",
        target=challenge,
        data={"from": before, "to": to, "dates_moved": moved},
    )
    transaction.on_commit(lambda: phase_changed.send(sender=Challenge, challenge=challenge))


# What the organiser's button for each step says.
PHASE_STEP_NAMES = {
    Phase.ENTRIES_OPEN: gettext_lazy("Open entries"),
    Phase.JUDGING: gettext_lazy("Close entries and start judging"),
    Phase.PUBLIC_VOTING: gettext_lazy("Open public voting"),
    Phase.VOTING_CLOSED: gettext_lazy("Close public voting"),
    Phase.RESULTS: gettext_lazy("Publish the results"),
}


def advance_phase(
    *, challenge: Challenge, to: str, by: User, now: datetime | None = None
) -> Challenge:
    """An organiser takes the challenge's next step. Only the next step, only forward;
    results come by publishing them (voting.services.publish_results).

    Raises PermissionDenied for anyone but the challenge's organisers and ValidationError,
    in plain words, for any other step.
    """
    if not is_organiser_for(by, challenge.provider_network_id):
        raise PermissionDenied(_("Only organisers of this challenge can change its phase."))
    try:
        target = Phase(to)
    except ValueError:
        raise ValidationError(_("There is no such step.")) from None
    with transaction.atomic():
        locked = _lock_challenge(challenge)
        now = now or timezone.now()
        current = locked.phase(now)
        if target == Phase.RESULTS:
            raise ValidationError(
                _("Results come out when you publish them: compute them on the Results page.")
            )
        if locked.next_phase(now) != target:
            if phases.is_past(current, target):
                raise ValidationError(
                    _("This step was already taken: the challenge is in “%(phase)s”.")
                    % {"phase": current.label},
                    code="already",
                )
            raise ValidationError(
                _("The challenge is in “%(phase)s”: take the steps in order.")
                % {"phase": current.label},
                code="out_of_order",
            )
        if target == Phase.PUBLIC_VOTING and not locked.has_public_voting:
            raise ValidationError(_("This challenge has no public vote: set its dates first."))
        _set_stage(locked, target, by=by, now=now)
    challenge.refresh_from_db()
    return challenge


def follow_schedule(*, challenge: Challenge, now: datetime | None = None) -> bool:
    """Records the phase a challenge on schedule reached by its dates. True if it moved.

    The same lock as an organiser's step: when voting closes by the clock, the votes in
    flight finish first and no later one counts.
    """
    now = now or timezone.now()
    if not challenge.on_schedule or phases.is_past(
        challenge.stage, phases.scheduled_phase(challenge.timeline, now)
    ):
        return False  # nothing to record (checked again under the lock)
    with transaction.atomic():
        locked = _lock_challenge(challenge)
        reached = phases.scheduled_phase(locked.timeline, now)
        if phases.is_past(locked.stage, reached):
            return False
        _set_stage(locked, reached, by=None, now=now)
    challenge.refresh_from_db()
    return True


def mark_results_published(*, challenge: Challenge, by: User | None, now: datetime) -> None:
    """The last step, taken by publishing (voting.services.publish_results, which holds
    the challenge's lock already)."""
    _set_stage(challenge, Phase.RESULTS, by=by, now=now)


def set_on_schedule(*, challenge: Challenge, on: bool, by: User) -> Challenge:
    """Whether the challenge moves by its dates or only by the organiser's steps. Turning
    the schedule on applies dates that already passed at once (never backwards)."""
    if not is_organiser_for(by, challenge.provider_network_id):
        raise PermissionDenied(_("Only organisers of this challenge can change its phase."))
    with transaction.atomic():
        locked = _lock_challenge(challenge)
        if locked.on_schedule != on:
            locked.on_schedule = on
            locked.save(update_fields=["on_schedule"])
            audit.record(
                actor=by, action="challenge.schedule", target=locked, data={"on_schedule": on}
            )
    challenge.refresh_from_db()
    follow_schedule(challenge=challenge)
    return challenge
