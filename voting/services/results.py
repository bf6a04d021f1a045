"""Results: a frozen, reproducible snapshot per challenge, and publishing it."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import partial
from typing import Any, cast

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from videoawards.accounts.emails import mail_user
from videoawards.accounts.models import User
from videoawards.badges import services as badge_services
from videoawards.challenges import phases
from videoawards.challenges import services as challenge_services
from videoawards.challenges.models import (
    PUBLIC_ENTRY_STATES,
    Award,
    Challenge,
    Entry,
    EntryState,
    Phase,
)
from videoawards.challenges.selectors import public_entry_q
from videoawards.core import audit
from voting import selectors
from voting import tally as pure_tally
from voting.models import Assignment, ResultPublication, ResultSnapshot, Round
from voting.services.jury import require_organiser
from voting.tally.data import DecidedBy, Normalisation, canonical_json

# By name: tasks import services, never the other way round (voting/tasks.py).
RESULT_EMAILS_TASK = "voting.tell_participants_about_results"

# How many of each award's ranking become finalists (the first is the winner).
FINALISTS_PER_AWARD = 3


def _final_round(rounds: list[Round], category_id: int | None) -> Round | None:
    """The last round judging an award's entries: of its category, or for all categories."""
    fitting = [r for r in rounds if r.category_id in (None, category_id) or category_id is None]
    return max(fitting, key=lambda r: (r.position, r.pk), default=None)


def challenge_results(*, challenge: Challenge) -> dict[str, Any]:
    """Every award of the challenge tallied from the current reviews and valid votes.

    Plain, deterministic data: the same reviews and votes always give the same dict and
    the same input_hash (timestamps of the computation are kept outside it).
    """
    criteria = selectors.criteria_data(challenge_id=challenge.pk)
    rounds = list(challenge.jury_rounds.all())
    votes = selectors.valid_vote_counts(challenge_id=challenge.pk)
    votable = set(selectors.votable_entries(challenge=challenge).values_list("pk", flat=True))
    # Only entries anyone may see can win: not hidden after reports, every creator allowed
    # to appear in public. A moderator's later decision is picked up by computing again.
    public_ids = set(
        Entry.objects.filter(public_entry_q(), challenge=challenge).values_list("pk", flat=True)
    )
    reviews_by_round: dict[int, list[pure_tally.Review]] = {}
    awards: list[dict[str, Any]] = []
    for award in challenge.awards.order_by("position", "pk"):
        jury_round = _final_round(rounds, award.category_id)
        reviews: list[pure_tally.Review] = []
        in_round: set[int] = set()
        # A public award still reads the jury's scores: its tie-break may ask for them.
        if jury_round is not None:
            if jury_round.pk not in reviews_by_round:
                reviews_by_round[jury_round.pk] = selectors.submitted_reviews_data(round=jury_round)
            reviews = reviews_by_round[jury_round.pk]
            in_round = set(jury_round.round_entries.values_list("entry_id", flat=True))
        field = in_round if award.decided_by == "jury" else in_round | votable
        entry_ids = field & public_ids
        reviews = [review for review in reviews if review.entry_id in entry_ids]
        inputs = pure_tally.TallyInput(
            criteria=criteria,
            reviews=reviews,
            entries=selectors.entries_data(entry_ids=entry_ids),
            votes={entry_id: count for entry_id, count in votes.items() if entry_id in entry_ids},
        )
        method = pure_tally.Method(
            decided_by=cast(DecidedBy, award.decided_by),
            jury_weight=award.jury_weight,
            category=award.category_id,
            normalisation=cast(Normalisation, jury_round.normalisation if jury_round else "none"),
            tie_breaks=Award.TIE_BREAK_RULES[award.tie_break],
        )
        snapshot = pure_tally.tally(inputs=inputs, method=method)
        # An entry nobody voted for does not place in a public award.
        placed = [
            row.entry_id
            for row in snapshot.ranking[:FINALISTS_PER_AWARD]
            if award.decided_by != "public" or row.public_votes > 0
        ]
        awards.append(
            {
                "award": award.pk,
                "name": award.name,
                "decided_by": award.decided_by,
                "tie_break": award.tie_break,
                "jury_round": jury_round.pk if jury_round else None,
                "winner": placed[0] if placed else None,
                "finalists": placed,
                "snapshot": snapshot.as_dict(),
            }
        )
    combined = {
        "algorithm": pure_tally.ALGORITHM,
        "awards": [[item["award"], item["snapshot"]["input_hash"]] for item in awards],
    }
    return {
        "challenge": challenge.slug,
        "algorithm": pure_tally.ALGORITHM,
        "input_hash": hashlib.sha256(canonical_json(combined).encode()).hexdigest(),
        "awards": awards,
    }


def counts_public_votes(challenge: Challenge) -> bool:
    """Whether any award of the challenge counts public votes."""
    return challenge.has_public_voting and any(
        award.decided_by != Award.DecidedBy.JURY for award in challenge.awards.all()
    )


def require_results_ready(
    *, challenge: Challenge, publishing: bool, now: datetime | None = None, record: bool = True
) -> None:
    """Results wait for the phases they depend on: entries closed and, when they count
    public votes (or are to be published), voting closed. The schedule's moves are
    recorded first, under the phase lock, so no vote is still in flight after this
    (`record` False: only tell, for a page)."""
    now = now or timezone.now()
    if record:
        challenge_services.follow_schedule(challenge=challenge, now=now)
    phase = challenge.phase(now)
    if not phases.is_past(phase, Phase.JUDGING):
        raise ValidationError(
            _("Entries are still open. Results can be worked out once entries have closed."),
            code="entries_open",
        )
    waits_for_votes = challenge.has_public_voting if publishing else counts_public_votes(challenge)
    if waits_for_votes and not phases.is_past(phase, Phase.VOTING_CLOSED):
        raise ValidationError(
            _(
                "Public voting is still open. Close voting first: results that count votes "
                "can't be worked out or published while people are still voting."
            ),
            code="voting_open",
        )


def compute_results(
    *, challenge: Challenge, by: User | None, now: datetime | None = None
) -> ResultSnapshot:
    """Freezes the current results into a snapshot an organiser can review and publish.

    `by` None is the command line (an operator); otherwise an organiser of the challenge.
    Refused while entries are open, or while public voting is open if any award counts votes.
    """
    if by is not None:
        require_organiser(challenge=challenge, user=by)
    require_results_ready(challenge=challenge, publishing=False, now=now)
    try:
        data = challenge_results(challenge=challenge)
    except pure_tally.TallyInputError as error:
        raise ValidationError(
            _("The results can't be computed: %(problem)s") % {"problem": error}
        ) from error
    return ResultSnapshot.objects.create(
        challenge=challenge, created_by=by, input_hash=data["input_hash"], data=data
    )


def _move(entry: Entry, to_state: str, by: User) -> None:
    if entry.state == to_state:
        return
    challenge_services.transition_entry(entry=entry, to_state=to_state, by=by)
    entry.refresh_from_db(fields=["state"])


@transaction.atomic
def publish_results(
    *, snapshot: ResultSnapshot, by: User, now: datetime | None = None
) -> ResultPublication:
    """Publishes a snapshot: marks finalists and winners, features the winners on the
    homepage, gives jurors their badge, emails the participants and moves the challenge
    to its last phase, all in one transaction.

    Publishing a challenge already published does nothing and returns that publication.
    Refused while voting is open, and when the reviews or votes changed since the
    snapshot was computed.
    """
    now = now or timezone.now()
    challenge = Challenge.objects.select_for_update().get(pk=snapshot.challenge_id)
    require_organiser(challenge=challenge, user=by)
    live = ResultPublication.objects.filter(challenge=challenge, withdrawn_at__isnull=True).first()
    if live is not None:
        return live
    require_results_ready(challenge=challenge, publishing=True, now=now)
    challenge.refresh_from_db()
    challenge_services.hold_phase(challenge.pk, shared=False)
    current = challenge_results(challenge=challenge)
    if current["input_hash"] != snapshot.input_hash:
        raise ValidationError(
            _("Reviews or votes changed since these results were computed. Compute them again."),
            code="stale",
        )
    awards = {award.pk: award for award in challenge.awards.all()}
    entry_ids = {e for item in snapshot.data["awards"] for e in item["finalists"]}
    entries = {entry.pk: entry for entry in Entry.objects.filter(pk__in=entry_ids)}
    winners = {item["winner"] for item in snapshot.data["awards"] if item["winner"] is not None}
    for entry_id in sorted(entry_ids):
        entry = entries[entry_id]
        if entry.state == EntryState.APPROVED:
            _move(entry, EntryState.FINALIST, by)
        if entry_id in winners and entry.state == EntryState.FINALIST:
            _move(entry, EntryState.WINNER, by)
    for item in snapshot.data["awards"]:
        if item["winner"] is not None:
            challenge_services.feature_winners(
                award=awards[item["award"]], entries=[entries[item["winner"]]], by=by
            )
    publication = ResultPublication.objects.create(
        snapshot=snapshot, challenge=challenge, by=by, at=now
    )
    challenge_services.mark_results_published(challenge=challenge, by=by, now=now)
    ResultSnapshot.objects.filter(challenge=challenge, release_at__isnull=False).update(
        release_at=None
    )
    audit.record(
        actor=by,
        action="results.publish",
        target=challenge,
        data={
            "snapshot": snapshot.pk,
            "input_hash": snapshot.input_hash,
            "winners": sorted(winners),
            "finalists": sorted(entry_ids),
        },
    )
    served = (
        Assignment.objects.filter(round__challenge=challenge, review__submitted_at__isnull=False)
        .values_list("round_id", "juror_id")
        .distinct()
    )
    rounds = {r.pk: r for r in challenge.jury_rounds.all()}
    jurors = {u.pk: u for u in User.objects.filter(pk__in={juror for _r, juror in served})}
    for round_id, juror_id in sorted(set(served)):
        badge_services.recognise_juror(round=rounds[round_id], juror=jurors[juror_id])
    # Every participant hears the news from a worker, each in their own language: a
    # season's mail is no part of the organiser's click.
    task = current_app.signature(RESULT_EMAILS_TASK, kwargs={"publication_id": publication.pk})
    transaction.on_commit(partial(task.apply_async), robust=True)
    return publication


@transaction.atomic
def schedule_release(
    *, snapshot: ResultSnapshot, by: User, at: datetime | None = None
) -> ResultSnapshot:
    """Publishes the snapshot at `at` (the challenge's results date by default), by
    voting.release_due_results; another snapshot scheduled before is unscheduled."""
    challenge = Challenge.objects.select_for_update().get(pk=snapshot.challenge_id)
    require_organiser(challenge=challenge, user=by)
    if ResultPublication.objects.filter(challenge=challenge, withdrawn_at__isnull=True).exists():
        raise ValidationError(_("The results of this challenge are already published."))
    at = at or challenge.results_at
    if at < timezone.now():
        raise ValidationError(
            _("That moment has passed. Publish now, or pick a time in the future."),
            code="past",
        )
    ResultSnapshot.objects.filter(challenge=challenge, release_at__isnull=False).update(
        release_at=None, release_by=None
    )
    snapshot.release_at, snapshot.release_by, snapshot.release_problem = at, by, ""
    snapshot.save(update_fields=["release_at", "release_by", "release_problem"])
    audit.record(
        actor=by,
        action="results.schedule",
        target=challenge,
        data={"snapshot": snapshot.pk, "at": at.isoformat()},
    )
    return snapshot


@transaction.atomic
def cancel_release(*, snapshot: ResultSnapshot, by: User) -> None:
    require_organiser(challenge=snapshot.challenge, user=by)
    ResultSnapshot.objects.filter(pk=snapshot.pk).update(release_at=None, release_by=None)
    audit.record(
        actor=by, action="results.unschedule", target=snapshot.challenge, data={"id": snapshot.pk}
    )


def release_due_results(*, now: datetime | None = None) -> list[ResultPublication]:
    """Publishes every scheduled snapshot whose moment came (the beat task calls this each
    minute). A release that cannot publish keeps its reason for the organiser's to-do."""
    now = now or timezone.now()
    published = []
    due = ResultSnapshot.objects.filter(
        release_at__lte=now, release_problem="", publication__isnull=True
    ).select_related("release_by")
    for snapshot in due:
        try:
            if snapshot.release_by is None:
                raise PermissionDenied(_("The organiser who scheduled it left."))
            published.append(publish_results(snapshot=snapshot, by=snapshot.release_by, now=now))
        except (ValidationError, PermissionDenied) as error:
            problem = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            ResultSnapshot.objects.filter(pk=snapshot.pk).update(release_problem=problem[:300])
    return published


def tell_participants_about_results(*, publication_id: int) -> int:
    """One email per creator of a public entry: they won, are a finalist, or the results
    are out. Returns the number of emails queued; a withdrawn publication sends none."""
    publication = (
        ResultPublication.objects.select_related("challenge", "snapshot")
        .filter(pk=publication_id, withdrawn_at__isnull=True)
        .first()
    )
    if publication is None:
        return 0
    challenge = publication.challenge
    data = publication.snapshot.data["awards"]
    finalists = {entry_id for item in data for entry_id in item["finalists"]}
    winners = {item["winner"] for item in data if item["winner"] is not None}
    entries = (
        Entry.objects.filter(challenge=challenge, state__in=PUBLIC_ENTRY_STATES)
        .prefetch_related("creators")
        .order_by("pk")
    )
    url = settings.SITE_URL + challenge.get_absolute_url()
    sent = 0
    for entry in entries:
        outcome = (
            "winner" if entry.pk in winners else "finalist" if entry.pk in finalists else "entered"
        )
        for creator in entry.creators.all():
            mail_user(
                user=creator,
                template="results",
                context={
                    "entry": entry,
                    "challenge": challenge,
                    "user": creator,
                    "outcome": outcome,
                    "results_url": url,
                },
                folder="voting/email",
            )
            sent += 1
    return sent
