"""Jury services: assigning jurors, conflicts, drop-outs, reviews, closing and shortlists."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.factories import EntryFactory, ParticipantFactory, ProviderNetworkFactory
from tests.voting.factories import RoundFactory
from videoawards.badges.models import Assertion, BadgeKind
from videoawards.core.models import AuditEvent
from voting import selectors, services
from voting.models import Assignment, ConflictOfInterest, Round

pytestmark = pytest.mark.django_db


def loads(round_) -> list[int]:
    return sorted(Counter(round_.assignments.values_list("juror_id", flat=True)).values())


def score_all(juror, round_, value=7, submit=True):
    for assignment in Assignment.objects.filter(round=round_, juror=juror):
        services.save_review(
            juror=juror,
            assignment=assignment,
            scores={c.pk: value for c in round_.challenge.criteria.all()},
            comment="Clear and fun.",
            submit=submit,
        )


def test_assigning_gives_every_entry_k_jurors_with_loads_within_one(jury_round, organiser):
    # when
    count = services.assign_jurors(round=jury_round, by=organiser)
    # then
    jury_round.refresh_from_db()
    assert count == 12
    assert jury_round.state == Round.State.OPEN
    per_entry = Counter(jury_round.assignments.values_list("entry_id", flat=True))
    assert set(per_entry.values()) == {2}
    assert loads(jury_round) == [3, 3, 3, 3]


def test_assignment_is_reproducible_from_the_seed(panel, criteria, jurors, entries, organiser):
    # given: two rounds with the same seed over the same entries and jurors
    first = RoundFactory(panel=panel, position=1, seed="same")
    second = RoundFactory(panel=panel, position=2, seed="same")
    # when
    services.assign_jurors(round=first, by=organiser)
    services.assign_jurors(round=second, by=organiser)
    # then
    assert selectors.assignment_map(round=first) == selectors.assignment_map(round=second)


def test_jurors_never_get_entries_they_made_share_a_network_with_or_declared(
    panel, criteria, jurors, make_approved_entry, organiser
):
    # given
    network = ProviderNetworkFactory()
    maker, neighbour, declaring = jurors[0], jurors[1], jurors[2]
    neighbour.provider_network = network
    neighbour.save(update_fields=["provider_network"])
    own = make_approved_entry(creators=[maker])
    same_network = make_approved_entry(creators=[ParticipantFactory(provider_network=network)])
    declared = make_approved_entry()
    ConflictOfInterest.objects.create(juror=declaring, entry=declared, reason="My cousin")
    round_ = RoundFactory(panel=panel, reviews_per_entry=2)
    # when
    services.assign_jurors(round=round_, by=organiser)
    # then
    panels = selectors.assignment_map(round=round_)
    assert maker.pk not in panels[own.pk]
    assert neighbour.pk not in panels[same_network.pk]
    assert declaring.pk not in panels[declared.pk]


def test_a_juror_never_judges_a_creator_their_network_coached_in_a_workshop(
    panel, criteria, jurors, make_approved_entry, organiser
):
    from tests.factories import RegistrationFactory, WorkshopFactory

    # given: the juror's network ran a workshop the creator attended; another only registered
    network = ProviderNetworkFactory()
    coach = jurors[0]
    coach.provider_network = network
    coach.save(update_fields=["provider_network"])
    workshop = WorkshopFactory(provider_network=network)
    attended, only_registered = ParticipantFactory(), ParticipantFactory()
    RegistrationFactory(workshop=workshop, participant=attended, status="confirmed", attended=True)
    RegistrationFactory(workshop=workshop, participant=only_registered, status="confirmed")
    coached = make_approved_entry(creators=[attended])
    other = make_approved_entry(creators=[only_registered])
    # when
    pairs = selectors.conflicts_for(
        round=RoundFactory(panel=panel),
        entry_ids=[coached.pk, other.pk],
        juror_ids=[juror.pk for juror in jurors],
    )
    # then
    assert pairs == {(coach.pk, coached.pk)}


def test_too_few_jurors_is_refused_in_plain_words(panel, criteria, jurors, entries, organiser):
    # given
    round_ = RoundFactory(panel=panel, reviews_per_entry=5)
    # when / then
    with pytest.raises(ValidationError, match="too few jurors without a conflict"):
        services.assign_jurors(round=round_, by=organiser)
    assert not round_.assignments.exists()


def test_only_organisers_assign_jurors(jury_round, jurors):
    with pytest.raises(PermissionDenied):
        services.assign_jurors(round=jury_round, by=jurors[0])


def test_a_juror_dropping_out_hands_unsubmitted_entries_to_the_others(
    jury_round, jurors, organiser
):
    # given: the leaving juror submitted one review already
    services.assign_jurors(round=jury_round, by=organiser)
    leaving = jurors[0]
    first = Assignment.objects.filter(round=jury_round, juror=leaving).first()
    services.save_review(
        juror=leaving,
        assignment=first,
        scores={c.pk: 5 for c in jury_round.challenge.criteria.all()},
        comment="",
        submit=True,
    )
    membership = jury_round.panel.memberships.get(juror=leaving)
    # when
    moved = services.drop_juror(membership=membership, by=organiser)
    # then: the submitted review stays, the rest moved; every entry still has 2 reviewers
    assert moved == 2
    assert list(jury_round.assignments.filter(juror=leaving)) == [first]
    per_entry = Counter(jury_round.assignments.values_list("entry_id", flat=True))
    assert set(per_entry.values()) == {2}
    others = Counter(
        jury_round.assignments.exclude(juror=leaving).values_list("juror_id", flat=True)
    )
    assert max(others.values()) - min(others.values()) <= 1


def test_declaring_a_conflict_moves_the_entry_to_another_juror(jury_round, jurors, organiser):
    # given
    services.assign_jurors(round=jury_round, by=organiser)
    assignment = Assignment.objects.filter(round=jury_round, juror=jurors[1]).first()
    # when
    services.declare_conflict(juror=jurors[1], entry=assignment.entry, reason="I coached them")
    # then
    panel = selectors.assignment_map(round=jury_round)[assignment.entry_id]
    assert len(panel) == 2
    assert jurors[1].pk not in panel


def test_a_draft_may_be_incomplete_but_a_submitted_review_scores_every_criterion(
    jury_round, jurors, criteria, organiser
):
    # given
    services.assign_jurors(round=jury_round, by=organiser)
    juror = jurors[0]
    assignment = Assignment.objects.filter(round=jury_round, juror=juror).first()
    # when: a draft with one score
    draft = services.save_review(
        juror=juror,
        assignment=assignment,
        scores={criteria[0].pk: 8},
        comment="So far",
        submit=False,
    )
    # then
    assert draft.submitted_at is None
    assert selectors.own_scores(assignment=assignment) == {criteria[0].pk: 8}
    with pytest.raises(ValidationError) as error:
        services.save_review(
            juror=juror, assignment=assignment, scores={criteria[0].pk: 8}, comment="", submit=True
        )
    assert error.value.message_dict == {
        f"criterion_{criteria[1].pk}": ["Give a score before you submit."]
    }


def test_scores_outside_the_scale_are_refused(jury_round, jurors, criteria, organiser):
    services.assign_jurors(round=jury_round, by=organiser)
    assignment = Assignment.objects.filter(round=jury_round, juror=jurors[0]).first()
    with pytest.raises(ValidationError) as error:
        services.save_review(
            juror=jurors[0],
            assignment=assignment,
            scores={criteria[0].pk: 11, criteria[1].pk: 3},
            comment="",
            submit=False,
        )
    assert error.value.message_dict == {
        f"criterion_{criteria[0].pk}": ["Pick a score from 1 to 10."]
    }


def test_a_submitted_review_cannot_be_changed(jury_round, jurors, organiser):
    services.assign_jurors(round=jury_round, by=organiser)
    score_all(jurors[0], jury_round)
    assignment = Assignment.objects.filter(round=jury_round, juror=jurors[0]).first()
    with pytest.raises(ValidationError, match="already submitted"):
        services.save_review(
            juror=jurors[0], assignment=assignment, scores={}, comment="", submit=False
        )


def test_a_juror_cannot_review_someone_elses_assignment(jury_round, jurors, organiser):
    services.assign_jurors(round=jury_round, by=organiser)
    theirs = Assignment.objects.filter(round=jury_round, juror=jurors[1]).first()
    with pytest.raises(PermissionDenied):
        services.save_review(
            juror=jurors[0], assignment=theirs, scores={}, comment="", submit=False
        )


def test_submitting_every_review_of_a_round_earns_the_jury_badge(jury_round, jurors, organiser):
    # given
    services.assign_jurors(round=jury_round, by=organiser)
    juror = jurors[0]
    # when: all but the last one submitted, no badge yet
    assignments = list(Assignment.objects.filter(round=jury_round, juror=juror))
    score_all(juror, jury_round, submit=False)
    for assignment in assignments[:-1]:
        services.save_review(
            juror=juror,
            assignment=assignment,
            scores=selectors.own_scores(assignment=assignment),
            comment="",
            submit=True,
        )
    assert not Assertion.objects.filter(recipient=juror).exists()
    services.save_review(
        juror=juror,
        assignment=assignments[-1],
        scores=selectors.own_scores(assignment=assignments[-1]),
        comment="",
        submit=True,
    )
    # then
    badge = Assertion.objects.get(recipient=juror)
    assert badge.badge_class.kind == BadgeKind.JUROR
    assert badge.source == f"round:{jury_round.pk}:juror"


def test_other_jurors_scores_are_hidden_until_the_round_closes(jury_round, jurors, organiser):
    # given: both reviewers of one entry submitted
    services.assign_jurors(round=jury_round, by=organiser)
    for juror in jurors:
        score_all(juror, jury_round, value=6)
    mine = Assignment.objects.filter(round=jury_round, juror=jurors[0]).first()
    # then
    assert selectors.peer_reviews(assignment=mine) == []
    services.close_round(round=jury_round, by=organiser)
    mine.round.refresh_from_db()
    peers = selectors.peer_reviews(assignment=mine)
    assert len(peers) == 1
    assert set(peers[0].scores.values()) == {6}


def test_confirmed_shortlist_feeds_the_next_round(panel, jury_round, jurors, organiser, entries):
    # given: a round that shortlists 2 entries to the next one; entries scored by index
    jury_round.shortlist_to = Round.ShortlistTo.NEXT_ROUND
    jury_round.shortlist_size = 2
    jury_round.save(update_fields=["shortlist_to", "shortlist_size"])
    services.assign_jurors(round=jury_round, by=organiser)
    rank = {entry.pk: index for index, entry in enumerate(entries)}
    for assignment in Assignment.objects.filter(round=jury_round):
        services.save_review(
            juror=assignment.juror,
            assignment=assignment,
            scores={
                c.pk: 1 + rank[assignment.entry_id] for c in jury_round.challenge.criteria.all()
            },
            comment="",
            submit=True,
        )
    services.close_round(round=jury_round, by=organiser)
    # the organiser sees what confirming picks, and the next ones below the cut
    client = Client()
    client.force_login(organiser)
    page = client.get(reverse("voting:organise", args=[jury_round.challenge.slug]))
    preview = page.context["rounds"][0]["shortlist"]
    assert [(row.entry.pk, row.shortlisted) for row in preview[:3]] == [
        (entries[5].pk, True),
        (entries[4].pk, True),
        (entries[3].pk, False),
    ]
    assert entries[5].title in page.content.decode()
    # when
    chosen = services.confirm_shortlist(round=jury_round, by=organiser)
    final = RoundFactory(panel=panel, position=2, reviews_per_entry=1)
    services.assign_jurors(round=final, by=organiser)
    # then: the best two (highest scores) go on
    assert chosen == [entries[5].pk, entries[4].pk]
    assert sorted(selectors.assignment_map(round=final)) == sorted(chosen)
    (event,) = AuditEvent.objects.filter(action="round.shortlist")
    assert (event.actor, event.data["entries"]) == (organiser, chosen)


def test_shortlist_needs_a_closed_round(jury_round, organiser):
    jury_round.shortlist_to = Round.ShortlistTo.PUBLIC_VOTE
    jury_round.shortlist_size = 2
    jury_round.save(update_fields=["shortlist_to", "shortlist_size"])
    services.assign_jurors(round=jury_round, by=organiser)
    with pytest.raises(ValidationError, match="Close the round"):
        services.confirm_shortlist(round=jury_round, by=organiser)


def test_round_progress_counts_per_juror_and_per_entry(jury_round, jurors, organiser):
    services.assign_jurors(round=jury_round, by=organiser)
    score_all(jurors[0], jury_round)
    per_juror, per_entry = selectors.round_progress(round=jury_round)
    assert sorted((p.assigned, p.submitted) for p in per_juror) == [(3, 0), (3, 0), (3, 0), (3, 3)]
    assert sum(p.submitted for p in per_entry) == 3
    assert len(per_entry) == 6


def test_new_entries_outside_the_round_are_not_assigned(jury_round, organiser, judging_challenge):
    services.assign_jurors(round=jury_round, by=organiser)
    draft = EntryFactory(challenge=judging_challenge, state="draft")
    assert draft.pk not in selectors.assignment_map(round=jury_round)
    assert len(selectors.assignment_map(round=jury_round)) == 6
