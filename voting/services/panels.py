"""Setting a jury up from the organiser console: panels, invitations by email, rounds,
and reminders to jurors with open reviews."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from videoawards.accounts.age import age_this_year
from videoawards.accounts.emails import mail_user
from videoawards.accounts.models import Role, User
from videoawards.accounts.selectors import user_by_email
from videoawards.challenges.models import Challenge
from videoawards.core import audit
from videoawards.core.mail import queue_mail
from voting.models import Assignment, JuryInvitation, JuryMember, JuryPanel, Round
from voting.services.jury import refill_open_rounds, require_organiser

INVITATION_DAYS = 30
MAX_INVITATIONS_AT_ONCE = 20
MAX_OPEN_INVITATIONS_PER_PANEL = 100
RESEND_AFTER = timedelta(hours=1)  # an organiser may send the same invitation again after
REMIND_AFTER = timedelta(hours=12)  # a round's jurors are reminded at most this often
JUROR_MIN_AGE = 18
FOLDER = "voting/email"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_panel(*, challenge: Challenge, name: str, by: User) -> JuryPanel:
    require_organiser(challenge=challenge, user=by)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the panel a name, e.g. “Main jury”.")})
    if len(name) > 80:
        raise ValidationError({"name": _("Keep the name under 80 characters.")})
    if JuryPanel.objects.filter(challenge=challenge, name__iexact=name).exists():
        raise ValidationError({"name": _("This challenge already has a panel of that name.")})
    panel = JuryPanel.objects.create(challenge=challenge, name=name)
    audit.record(actor=by, action="panel.create", target=challenge, data={"panel": panel.pk})
    return panel


def parse_addresses(text: str) -> list[str]:
    """The addresses in what an organiser pasted (commas, semicolons, spaces or lines),
    lower-cased, each once, in order. Raises ValidationError naming the ones that are not
    addresses."""
    seen: dict[str, None] = {}
    wrong = []
    for part in text.replace(",", " ").replace(";", " ").split():
        address = part.strip("<>\"'").lower()
        try:
            validate_email(address)
        except ValidationError:
            wrong.append(part)
        else:
            seen.setdefault(address, None)
    if wrong:
        raise ValidationError(
            {
                "emails": _("These are not email addresses: %(list)s")
                % {"list": ", ".join(wrong[:5])}
            }
        )
    if not seen:
        raise ValidationError({"emails": _("Type at least one email address.")})
    if len(seen) > MAX_INVITATIONS_AT_ONCE:
        raise ValidationError(
            {"emails": _("Invite at most %(n)d people at once.") % {"n": MAX_INVITATIONS_AT_ONCE}}
        )
    return list(seen)


def _invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("voting:invitation", args=[token])


def _send_invitation(invitation: JuryInvitation, token: str) -> None:
    panel = invitation.panel
    context = {
        "challenge": panel.challenge.title,
        "panel": panel.name,
        "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
        "url": _invitation_url(token),
        "days": INVITATION_DAYS,
    }
    email = invitation.email
    # Someone with an account reads it in their own language; a newcomer in the one the
    # organiser invited them in.
    existing = user_by_email(email)
    language = (
        existing.preferred_language
        if existing is not None and existing.preferred_language
        else invitation.language
    )
    queue_mail(
        to=email, template="jury_invitation", context=context, folder=FOLDER, language=language
    )


@transaction.atomic
def invite_jurors(*, panel: JuryPanel, emails: list[str], by: User) -> tuple[int, int]:
    """Emails each address an invitation to the panel. Addresses already on the panel or
    already invited are skipped. Returns (invited, skipped)."""
    panel = JuryPanel.objects.select_for_update().select_related("challenge").get(pk=panel.pk)
    require_organiser(challenge=panel.challenge, user=by)
    members = set(
        panel.memberships.filter(dropped_at__isnull=True).values_list("juror__email", flat=True)
    )
    members = {address.lower() for address in members}
    open_ones = set(
        panel.invitations.filter(accepted_at__isnull=True, withdrawn_at__isnull=True).values_list(
            "email", flat=True
        )
    )
    if len(open_ones) + len(emails) > MAX_OPEN_INVITATIONS_PER_PANEL:
        raise ValidationError(
            {
                "emails": _(
                    "A panel can have at most %(n)d invitations waiting for an answer. "
                    "Withdraw some first."
                )
                % {"n": MAX_OPEN_INVITATIONS_PER_PANEL}
            }
        )
    invited = skipped = 0
    language = translation.get_language() or settings.LANGUAGE_CODE
    for address in emails:
        if address in members or address in open_ones:
            skipped += 1
            continue
        token = get_random_string(40)
        invitation = JuryInvitation.objects.create(
            panel=panel,
            email=address,
            token_hash=_hash(token),
            language=language,
            invited_by=by,
        )
        _send_invitation(invitation, token)
        invited += 1
    if invited:
        audit.record(
            actor=by,
            action="panel.invite",
            target=panel.challenge,
            data={"panel": panel.pk, "count": invited},
        )
    return invited, skipped


@transaction.atomic
def resend_invitation(*, invitation: JuryInvitation, by: User) -> JuryInvitation:
    """Sends the invitation again with a new link (the old link stops working)."""
    invitation = (
        JuryInvitation.objects.select_for_update()
        .select_related("panel__challenge")
        .get(pk=invitation.pk)
    )
    require_organiser(challenge=invitation.panel.challenge, user=by)
    if not invitation.is_open:
        raise ValidationError(_("This invitation was already answered or withdrawn."))
    now = timezone.now()
    if invitation.sent_at > now - RESEND_AFTER:
        raise ValidationError(
            _("It was sent less than an hour ago. Give them a little time to answer.")
        )
    token = get_random_string(40)
    invitation.token_hash = _hash(token)
    invitation.sent_at = now
    invitation.times_sent += 1
    invitation.save(update_fields=["token_hash", "sent_at", "times_sent"])
    _send_invitation(invitation, token)
    return invitation


@transaction.atomic
def withdraw_invitation(*, invitation: JuryInvitation, by: User) -> None:
    invitation = JuryInvitation.objects.select_for_update().get(pk=invitation.pk)
    require_organiser(challenge=invitation.panel.challenge, user=by)
    if invitation.is_open:
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])


def invitation_for_token(token: str) -> JuryInvitation | None:
    """The invitation a link names, if it is still open and not expired."""
    if not token or len(token) > 64:
        return None
    invitation = (
        JuryInvitation.objects.filter(
            token_hash=_hash(token), accepted_at__isnull=True, withdrawn_at__isnull=True
        )
        .select_related("panel__challenge", "invited_by")
        .first()
    )
    if invitation is None:
        return None
    if invitation.sent_at < timezone.now() - timedelta(days=INVITATION_DAYS):
        return None
    return invitation


def acceptance_problem(*, invitation: JuryInvitation, user: User) -> str | None:
    """Why `user` cannot accept the invitation, in plain words, or None."""
    if user.email.lower() != invitation.email.lower():
        return _(
            "This invitation was sent to another email address. Log in with the account "
            "for that address, or ask the organiser to invite this one."
        )
    if not user.is_email_verified:
        return _("Confirm your email address first: we sent you a link when you signed up.")
    if user.birth_year is None or age_this_year(user.birth_year) < JUROR_MIN_AGE:
        return _("Jurors must be adults (%(age)d or older).") % {"age": JUROR_MIN_AGE}
    if invitation.panel.challenge.entries.filter(creators=user).exists():
        return _("You have an entry in this challenge, so you cannot judge it.")
    return None


@transaction.atomic
def accept_invitation(*, token: str, user: User) -> JuryMember:
    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError(
            _("This invitation link has expired or was replaced. Ask the organiser for a new one.")
        )
    invitation = JuryInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation was already answered or withdrawn."))
    problem = acceptance_problem(invitation=invitation, user=user)
    if problem:
        raise PermissionDenied(problem)
    membership, created = JuryMember.objects.get_or_create(panel=invitation.panel, juror=user)
    if not created and membership.dropped_at is not None:
        membership.dropped_at = None
        membership.joined_at = timezone.now()
        membership.save(update_fields=["dropped_at", "joined_at"])
    if user.role == Role.PARTICIPANT:
        user.role = Role.JUROR
        user.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    refill_open_rounds(panel=invitation.panel)
    audit.record(
        actor=user,
        action="panel.join",
        target=invitation.panel.challenge,
        data={"panel": invitation.panel_id},
    )
    return membership


def create_round(
    *,
    challenge: Challenge,
    by: User,
    panel: JuryPanel,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    reviews_per_entry: int,
    category=None,
    shortlist_size: int = 0,
    shortlist_to: str = Round.ShortlistTo.NONE,
    normalisation: str = Round.Normalisation.NONE,
) -> Round:
    """A new round of the challenge, after its others, not yet open (assign jurors to open
    it)."""
    require_organiser(challenge=challenge, user=by)
    if panel.challenge_id != challenge.pk:
        raise PermissionDenied(_("That panel belongs to another challenge."))
    if category is not None and category.challenge_id != challenge.pk:
        raise PermissionDenied(_("That category belongs to another challenge."))
    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = _("Give the round a name, e.g. “First round”.")
    if closes_at <= opens_at:
        errors["closes_at"] = _("The round must close after it opens.")
    if not 1 <= reviews_per_entry <= 20:
        errors["reviews_per_entry"] = _("Each entry needs 1 to 20 reviews.")
    if shortlist_to != Round.ShortlistTo.NONE and shortlist_size < 1:
        errors["shortlist_size"] = _("Say how many entries go through, or pick “no shortlist”.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Challenge.objects.select_for_update().get(pk=challenge.pk)  # one new round at a time
        last = (
            challenge.jury_rounds.filter(category=category)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        round = Round.objects.create(
            challenge=challenge,
            panel=panel,
            category=category,
            name=name[:80],
            position=(last or 0) + 1,
            opens_at=opens_at,
            closes_at=closes_at,
            reviews_per_entry=reviews_per_entry,
            shortlist_size=shortlist_size if shortlist_to != Round.ShortlistTo.NONE else 0,
            shortlist_to=shortlist_to,
            normalisation=normalisation,
        )
    audit.record(actor=by, action="round.create", target=challenge, data={"round": round.pk})
    return round


def jurors_with_open_reviews(*, round: Round) -> dict[int, int]:
    """juror id -> how many of their reviews in the round are not submitted yet."""
    counts: dict[int, int] = {}
    for juror_id in (
        Assignment.objects.filter(round=round)
        .filter(Q(review__isnull=True) | Q(review__submitted_at__isnull=True))
        .values_list("juror_id", flat=True)
    ):
        counts[juror_id] = counts.get(juror_id, 0) + 1
    return counts


@transaction.atomic
def remind_jurors(*, round: Round, by: User, now: datetime | None = None) -> int:
    """Emails every juror with open reviews in the round how many are left and until when.
    At most once every 12 hours per round. Returns how many jurors were reminded."""
    round = Round.objects.select_for_update().select_related("challenge").get(pk=round.pk)
    require_organiser(challenge=round.challenge, user=by)
    now = now or timezone.now()
    if round.state != Round.State.OPEN:
        raise ValidationError(_("Only jurors of an open round can be reminded."))
    if round.reminded_at and round.reminded_at > now - REMIND_AFTER:
        raise ValidationError(_("The jurors were reminded less than 12 hours ago. Give them time."))
    open_reviews = jurors_with_open_reviews(round=round)
    jurors = list(User.objects.filter(pk__in=open_reviews, is_active=True))
    url = settings.SITE_URL.rstrip("/") + reverse("voting:jury_round", args=[round.pk])
    for juror in jurors:
        mail_user(
            user=juror,
            template="jury_reminder",
            context={
                "name": juror.display_name,
                "challenge": round.challenge.title,
                "round": round.name,
                "count": open_reviews[juror.pk],
                "closes_at": round.closes_at,
                "url": url,
            },
            folder=FOLDER,
        )
    round.reminded_at = now
    round.save(update_fields=["reminded_at"])
    return len(jurors)


def reminded_text(count: int) -> str:
    return ngettext("%(count)d juror was reminded.", "%(count)d jurors were reminded.", count) % {
        "count": count
    }
