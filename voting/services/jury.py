"""Running a jury: conflicts, assigning jurors, reviews, closing rounds and shortlists."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from videoawards.accounts.models import User
from videoawards.accounts.permissions import is_organiser_for
from videoawards.badges import services as badge_services
from videoawards.challenges.models import Challenge, Entry
from videoawards.core import audit
from voting import assignment as pure_assignment
from voting import selectors
from voting.models import (
    Assignment,
    ConflictOfInterest,
    JuryMember,
    Review,
    Round,
    RoundEntry,
    Score,
)


def require_organiser(*, challenge: Challenge, user: User) -> None:
    if not is_organiser_for(user, challenge.provider_network_id):
        raise PermissionDenied(_("Only organisers of this challenge can do this."))


def _lock_round(round: Round) -> Round:
    return Round.objects.select_for_update().select_related("challenge", "panel").get(pk=round.pk)


def declare_conflict(*, juror: User, entry: Entry, reason: str) -> ConflictOfInterest:
    """A juror says they must not review an entry; an unsubmitted assignment of it goes."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the organisers briefly why.")}, code="required")
    with transaction.atomic():
        conflict, _created = ConflictOfInterest.objects.get_or_create(
            juror=juror, entry=entry, defaults={"reason": reason[:200]}
        )
        open_assignments = Assignment.objects.filter(
            juror=juror, entry=entry, round__state=Round.State.OPEN
        ).exclude(review__submitted_at__isnull=False)
        rounds = {a.round for a in open_assignments.select_related("round")}
        open_assignments.delete()
        for round in rounds:
            _try_refill(round=round)
    return conflict


def _try_refill(*, round: Round) -> bool:
    """Refills the round where it can. When too few jurors are left, the entries stay short
    (the organiser's to-do names them) and what came before is kept: a declared conflict is
    recorded whatever the panel's size. Returns whether every entry has its jurors."""
    try:
        with transaction.atomic():
            _refill(round=round)
    except ValidationError:
        return False
    return True


def refill_open_rounds(*, panel) -> None:
    """After a juror joins: entries left short in the panel's open rounds get jurors."""
    for round in panel.rounds.filter(state=Round.State.OPEN):
        _try_refill(round=_lock_round(round))


def _seed(round: Round) -> str:
    return round.seed or f"round-{round.pk}"


def _refill(*, round: Round) -> None:
    """Gives entries that lost a juror new ones (least loaded, no conflict), keeping the rest.

    Jurors who left keep their submitted reviews, which still count towards k.
    """
    current = selectors.assignment_map(round=round)
    jurors = selectors.active_juror_ids(panel=round.panel)
    active = set(jurors)
    conflicts = selectors.conflicts_for(round=round, entry_ids=current, juror_ids=jurors)
    missing = {
        entry_id: round.reviews_per_entry - len(panel) for entry_id, panel in current.items()
    }
    working = {entry_id: [j for j in panel if j in active] for entry_id, panel in current.items()}
    # rebalance() hands one dropped juror's entries on; a placeholder stands for a missing one.
    placeholder = "missing"
    while any(count > 0 for count in missing.values()):
        padded = {
            entry_id: [*panel, placeholder] if missing[entry_id] > 0 else panel
            for entry_id, panel in working.items()
        }
        try:
            working = pure_assignment.rebalance(  # type: ignore[assignment]  # ids stay ints
                padded,  # type: ignore[arg-type]  # ints and the placeholder
                placeholder,
                jurors=jurors,
                conflicts=conflicts,
                seed=_seed(round),
            )
        except pure_assignment.AssignmentError as error:
            raise ValidationError(
                _too_few_jurors(len(error.entries)), code="too_few_jurors"
            ) from error
        missing = {entry_id: count - 1 for entry_id, count in missing.items()}
    before = {e: [j for j in panel if j in active] for e, panel in current.items()}
    _store(round=round, before=before, after=working)


def _store(*, round: Round, before: Mapping, after: Mapping) -> None:
    """Writes the difference between two assignments (only unreviewed ones ever move)."""
    removed = [
        (entry_id, juror_id)
        for entry_id, panel in before.items()
        for juror_id in panel
        if juror_id not in after.get(entry_id, ())
    ]
    for entry_id, juror_id in removed:
        Assignment.objects.filter(
            round=round, entry_id=entry_id, juror_id=juror_id, review__isnull=True
        ).delete()
    Assignment.objects.bulk_create(
        [
            Assignment(round=round, entry_id=entry_id, juror_id=juror_id)
            for entry_id, panel in after.items()
            for juror_id in panel
            if juror_id not in before.get(entry_id, ())
        ]
    )


def _too_few_jurors(count: int) -> str:
    return ngettext(
        "%(count)d entry has too few jurors without a conflict of interest. "
        "Add jurors to the panel or lower the reviews per entry.",
        "%(count)d entries have too few jurors without a conflict of interest. "
        "Add jurors to the panel or lower the reviews per entry.",
        count,
    ) % {"count": count}


@transaction.atomic
def assign_jurors(*, round: Round, by: User) -> int:
    """Fixes the round's entries and gives each k jurors (reproducible from the round's seed),
    then opens the round. Returns the number of assignments."""
    round = _lock_round(round)
    require_organiser(challenge=round.challenge, user=by)
    if round.state != Round.State.DRAFT:
        raise ValidationError(_("Jurors can only be assigned before the round opens."))
    entry_ids = selectors.round_candidate_entry_ids(round=round)
    if not entry_ids:
        raise ValidationError(_("There are no entries for this round yet."), code="no_entries")
    jurors = selectors.active_juror_ids(panel=round.panel)
    if not round.seed:
        round.seed = get_random_string(12)
    conflicts = selectors.conflicts_for(round=round, entry_ids=entry_ids, juror_ids=jurors)
    try:
        result = pure_assignment.assign(
            entry_ids, jurors, k=round.reviews_per_entry, conflicts=conflicts, seed=round.seed
        )
    except pure_assignment.AssignmentError as error:
        if error.entries:
            raise ValidationError(
                _too_few_jurors(len(error.entries)), code="too_few_jurors"
            ) from error
        raise ValidationError(_("Add jurors to the panel first."), code="no_jurors") from error
    RoundEntry.objects.bulk_create(
        [RoundEntry(round=round, entry_id=entry_id) for entry_id in entry_ids],
        ignore_conflicts=True,
    )
    _store(round=round, before={}, after=result)
    round.state = Round.State.OPEN
    round.save(update_fields=["seed", "state"])
    return sum(len(panel) for panel in result.values())


@transaction.atomic
def drop_juror(*, membership: JuryMember, by: User) -> int:
    """A juror leaves the panel: their unsubmitted assignments in open rounds go to the others.

    Returns how many assignments moved.
    """
    panel = membership.panel
    require_organiser(challenge=panel.challenge, user=by)
    membership = JuryMember.objects.select_for_update().get(pk=membership.pk)
    if membership.dropped_at is not None:
        return 0
    membership.dropped_at = timezone.now()
    membership.save(update_fields=["dropped_at"])
    moved = 0
    for round in panel.rounds.filter(state=Round.State.OPEN):
        round = _lock_round(round)
        orphans = Assignment.objects.filter(
            round=round, juror_id=membership.juror_id, review__submitted_at__isnull=True
        )
        moved += orphans.count()
        Review.objects.filter(assignment__in=orphans).delete()  # unsubmitted drafts
        orphans.delete()
        _refill(round=round)
    return moved


def _assignment_for(*, juror: User, assignment_id: int) -> Assignment:
    try:
        return (
            Assignment.objects.select_for_update()
            .select_related("round", "entry")
            .get(pk=assignment_id, juror=juror)
        )
    except Assignment.DoesNotExist:
        raise PermissionDenied(_("This entry is not assigned to you.")) from None


@transaction.atomic
def save_review(
    *,
    juror: User,
    assignment: Assignment,
    scores: Mapping[int, int | None],
    comment: str,
    submit: bool,
) -> Review:
    """Saves a juror's scores and comment as a draft, or submits them (then they are final).

    A draft may leave scores empty; a submitted review scores every criterion.
    """
    assignment = _assignment_for(juror=juror, assignment_id=assignment.pk)
    round = assignment.round
    now = timezone.now()
    if round.state != Round.State.OPEN or not round.opens_at <= now < round.closes_at:
        raise ValidationError(_("This round is not open for reviews."), code="round_closed")
    review, _created = Review.objects.get_or_create(assignment=assignment)
    if review.is_submitted:
        raise ValidationError(
            _("You already submitted this review. It can't be changed."), code="submitted"
        )
    criteria = list(round.challenge.criteria.all())
    errors: dict[str, str] = {}
    values: dict[int, int] = {}
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is None:
            if submit:
                errors[f"criterion_{criterion.pk}"] = _("Give a score before you submit.")
            continue
        if not criterion.scale_min <= value <= criterion.scale_max:
            errors[f"criterion_{criterion.pk}"] = _("Pick a score from %(low)d to %(high)d.") % {
                "low": criterion.scale_min,
                "high": criterion.scale_max,
            }
            continue
        values[criterion.pk] = value
    if errors:
        raise ValidationError(errors, code="invalid_scores")
    review.scores.exclude(criterion_id__in=values).delete()
    for criterion_id, value in values.items():
        Score.objects.update_or_create(
            review=review, criterion_id=criterion_id, defaults={"value": value}
        )
    review.comment = comment.strip()[:4000]
    fields = ["comment", "updated_at"]
    if submit:
        review.submitted_at = now
        fields.append("submitted_at")
    review.save(update_fields=fields)
    if submit and not selectors.unsubmitted_assignments(round=round, juror=juror).exists():
        badge_services.recognise_juror(round=round, juror=juror)
    return review


@transaction.atomic
def close_round(*, round: Round, by: User) -> Round:
    """Ends reviewing; jurors may now see each other's scores of their entries."""
    round = _lock_round(round)
    require_organiser(challenge=round.challenge, user=by)
    if round.state != Round.State.OPEN:
        raise ValidationError(_("Only an open round can be closed."), code="not_open")
    round.state = Round.State.CLOSED
    round.closed_at = timezone.now()
    round.save(update_fields=["state", "closed_at"])
    return round


@transaction.atomic
def confirm_shortlist(*, round: Round, by: User) -> list[int]:
    """Marks the round's top `shortlist_size` entries (by its ranking) as shortlisted for the
    next round or the public vote. Returns their entry ids, best first."""
    round = _lock_round(round)
    require_organiser(challenge=round.challenge, user=by)
    if round.state != Round.State.CLOSED:
        raise ValidationError(_("Close the round before you confirm its shortlist."))
    if round.shortlist_to == Round.ShortlistTo.NONE or not round.shortlist_size:
        raise ValidationError(_("This round does not shortlist entries."), code="no_shortlist")
    if round.shortlist_confirmed_at is not None:
        raise ValidationError(_("The shortlist is already confirmed."), code="confirmed")
    ranking = selectors.round_ranking(round=round).ranking[: round.shortlist_size]
    chosen = [int(row.entry_id) for row in ranking]
    for rank, entry_id in enumerate(chosen, start=1):
        RoundEntry.objects.filter(round=round, entry_id=entry_id).update(
            shortlisted=True, shortlist_rank=rank
        )
    round.shortlist_confirmed_at = timezone.now()
    round.shortlist_confirmed_by = by
    round.save(update_fields=["shortlist_confirmed_at", "shortlist_confirmed_by"])
    audit.record(
        actor=by,
        action="round.shortlist",
        target=round.challenge,
        data={"round": round.pk, "to": round.shortlist_to, "entries": chosen},
    )
    return chosen
