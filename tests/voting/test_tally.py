"""Worked examples of the tally: numbers a person can check by hand."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from voting.tally import (
    Criterion,
    EntryInfo,
    Method,
    Review,
    TallyInput,
    TallyInputError,
    UnrankedEntry,
    load_inputs,
    tally,
)

STORY = Criterion(id="story", weight=3, scale_min=1, scale_max=5)
SCIENCE = Criterion(id="science", weight=1, scale_min=0, scale_max=10)


def entries(*ids, **extra) -> list[EntryInfo]:
    return [EntryInfo(id=entry_id, **extra) for entry_id in ids]


def one_criterion_reviews(scores: dict[tuple[int, str], int]) -> list[Review]:
    """Reviews on a single 0..10 criterion called "overall"."""
    return [
        Review(entry_id=entry_id, juror_id=juror_id, scores={"overall": score})
        for (entry_id, juror_id), score in scores.items()
    ]


OVERALL = Criterion(id="overall", weight=1, scale_min=0, scale_max=10)


def by_entry(snapshot) -> dict:
    return {row.entry_id: row for row in snapshot.ranking}


def test_review_score_is_the_weighted_share_of_full_marks():
    # given: full marks on story (weight 3), nothing on science (weight 1)
    inputs = TallyInput(
        criteria=[STORY, SCIENCE],
        reviews=[Review(entry_id=1, juror_id="ada", scores={"story": 5, "science": 0})],
        entries=entries(1),
    )
    # when
    snapshot = tally(inputs=inputs, method=Method())
    # then
    assert snapshot.ranking[0].jury_score == 0.75


def test_entry_score_is_the_mean_of_its_reviews_with_count_and_spread():
    # given
    inputs = TallyInput(
        criteria=[OVERALL],
        reviews=one_criterion_reviews({(1, "ada"): 8, (1, "bob"): 2}),
        entries=entries(1),
    )
    # when
    row = tally(inputs=inputs, method=Method()).ranking[0]
    # then
    assert (row.jury_score, row.n_reviews, row.jury_spread) == (0.5, 2, 0.6)


def test_reviews_far_apart_are_flagged_as_disagreement():
    # given: 0.6 apart
    inputs = TallyInput(
        criteria=[OVERALL],
        reviews=one_criterion_reviews({(1, "ada"): 8, (1, "bob"): 2, (2, "ada"): 9}),
        entries=entries(1, 2),
    )
    # when
    strict = by_entry(tally(inputs=inputs, method=Method(disagreement_threshold=0.5)))
    relaxed = by_entry(tally(inputs=inputs, method=Method(disagreement_threshold=0.7)))
    # then
    assert (strict[1].disagreement, relaxed[1].disagreement) == (True, False)
    assert strict[2].disagreement is False  # a single review never disagrees


def test_zscore_makes_a_harsh_and_a_lenient_juror_count_the_same():
    # given: the harsh juror gives 2 and 4, the lenient one 7 and 9
    inputs = TallyInput(
        criteria=[OVERALL],
        reviews=one_criterion_reviews(
            {(1, "harsh"): 2, (2, "harsh"): 4, (3, "lenient"): 7, (4, "lenient"): 9}
        ),
        entries=entries(1, 2, 3, 4),
    )
    # when
    plain = tally(inputs=inputs, method=Method())
    normalised = tally(inputs=inputs, method=Method(normalisation="zscore"))
    # then
    assert [row.entry_id for row in plain.ranking] == [4, 3, 2, 1]
    scores = {row.entry_id: row.jury_score for row in normalised.ranking}
    assert scores == {1: -1.0, 2: 1.0, 3: -1.0, 4: 1.0}


def test_juror_with_one_review_or_one_score_for_everything_counts_as_average():
    # given
    inputs = TallyInput(
        criteria=[OVERALL],
        reviews=one_criterion_reviews(
            {(1, "once"): 9, (2, "flat"): 6, (3, "flat"): 6, (1, "other"): 3, (2, "other"): 5}
        ),
        entries=entries(1, 2, 3),
    )
    # when
    zscore = by_entry(tally(inputs=inputs, method=Method(normalisation="zscore")))
    rank = by_entry(tally(inputs=inputs, method=Method(normalisation="rank")))
    # then: "once" and "flat" add 0 (zscore) or 0.5 (rank); "other" says 2 beats 1
    assert {entry: row.jury_score for entry, row in zscore.items()} == {1: -0.5, 2: 0.5, 3: 0.0}
    assert {entry: row.jury_score for entry, row in rank.items()} == {1: 0.25, 2: 0.75, 3: 0.5}


def test_rank_normalisation_gives_tied_reviews_a_shared_middle_place():
    # given
    inputs = TallyInput(
        criteria=[OVERALL],
        reviews=one_criterion_reviews({(1, "ada"): 1, (2, "ada"): 5, (3, "ada"): 5}),
        entries=entries(1, 2, 3),
    )
    # when
    rows = by_entry(tally(inputs=inputs, method=Method(normalisation="rank")))
    # then
    assert [rows[entry].jury_score for entry in (1, 2, 3)] == [0.0, 0.75, 0.75]


def test_snapshot_lists_each_jurors_strictness():
    # given
    inputs = TallyInput(
        criteria=[OVERALL],
        reviews=one_criterion_reviews({(1, "ada"): 2, (2, "ada"): 4, (1, "bob"): 9}),
        entries=entries(1, 2),
    )
    # when
    jurors = tally(inputs=inputs, method=Method()).jurors
    # then
    assert [(j.juror_id, j.n_reviews, j.mean, j.std) for j in jurors] == [
        ("ada", 2, 0.3, 0.1),
        ("bob", 1, 0.9, 0.0),
    ]


def test_public_award_ranks_by_votes_with_each_entrys_share():
    # given
    inputs = TallyInput(
        criteria=[OVERALL],
        reviews=one_criterion_reviews({(1, "ada"): 9}),
        entries=entries(1, 2, 3),
        votes={1: 10, 2: 30, 3: 0},
    )
    # when
    snapshot = tally(inputs=inputs, method=Method(decided_by="public"))
    # then: entries without reviews take part in a public vote
    assert [(row.entry_id, row.public_score) for row in snapshot.ranking] == [
        (2, 0.75),
        (1, 0.25),
        (3, 0.0),
    ]


def test_jury_award_leaves_out_entries_with_too_few_reviews():
    # given
    inputs = TallyInput(
        criteria=[OVERALL],
        reviews=one_criterion_reviews({(1, "ada"): 9, (1, "bob"): 8, (2, "ada"): 9}),
        entries=entries(1, 2, 3),
    )
    # when
    snapshot = tally(inputs=inputs, method=Method(min_reviews=2))
    # then
    assert [row.entry_id for row in snapshot.ranking] == [1]
    assert snapshot.unranked == (
        UnrankedEntry(entry_id=2, reason="too_few_reviews"),
        UnrankedEntry(entry_id=3, reason="no_reviews"),
    )


@pytest.mark.parametrize(("jury_weight", "winner"), [(70, 1), (30, 2)])
def test_blend_puts_both_sides_on_a_ladder_before_weighing(jury_weight, winner):
    # given: entry 1 is the jury's favourite, entry 2 the public's
    inputs = TallyInput(
        criteria=[OVERALL],
        reviews=one_criterion_reviews({(1, "ada"): 9, (2, "ada"): 6, (3, "ada"): 3}),
        entries=entries(1, 2, 3),
        votes={1: 0, 2: 100, 3: 50},
    )
    # when
    method = Method(decided_by="blended", jury_weight=jury_weight)
    snapshot = tally(inputs=inputs, method=method)
    # then
    combined = {row.entry_id: row.combined for row in snapshot.ranking}
    assert combined[1] == jury_weight / 100
    assert combined[3] == (100 - jury_weight) / 200
    assert snapshot.ranking[0].entry_id == winner


def test_category_award_ranks_only_that_categorys_entries():
    # given
    inputs = TallyInput(
        criteria=[OVERALL],
        reviews=one_criterion_reviews({(1, "ada"): 9, (2, "ada"): 6, (3, "ada"): 3}),
        entries=[
            EntryInfo(id=1, category="senior"),
            EntryInfo(id=2, category="junior"),
            EntryInfo(id=3, category="junior"),
        ],
    )
    # when
    snapshot = tally(inputs=inputs, method=Method(category="junior"))
    # then
    assert [row.entry_id for row in snapshot.ranking] == [2, 3]


def tied_pair(**method) -> list:
    """Entries 1 and 2 score the same; 2 has more votes, 1 came in earlier."""
    morning = dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)
    inputs = TallyInput(
        criteria=[OVERALL],
        reviews=one_criterion_reviews({(1, "ada"): 7, (2, "ada"): 7, (3, "ada"): 2}),
        entries=[
            EntryInfo(id=1, submitted_at=morning),
            EntryInfo(id=2, submitted_at=morning + dt.timedelta(hours=1)),
            EntryInfo(id=3, submitted_at=morning),
        ],
        votes={1: 5, 2: 9},
    )
    snapshot = tally(inputs=inputs, method=Method(**method))
    return [(row.entry_id, row.tie_broken_by) for row in snapshot.ranking]


def test_tie_break_rules_apply_in_the_order_given():
    # given / when
    by_votes = tied_pair(tie_breaks=["public_votes", "earlier_submission"])
    by_submission = tied_pair(tie_breaks=["earlier_submission", "public_votes"])
    # then
    assert by_votes == [(2, "public_votes"), (1, "public_votes"), (3, None)]
    assert by_submission == [(1, "earlier_submission"), (2, "earlier_submission"), (3, None)]


def test_entry_id_always_ends_the_tie_breaks():
    # given / when
    ranking = tied_pair(tie_breaks=[])
    snapshot = tally(
        inputs=TallyInput(criteria=[OVERALL], reviews=[], entries=[]),
        method=Method(tie_breaks=["public_votes", "entry_id", "n_reviews"]),
    )
    # then
    assert ranking == [(1, "entry_id"), (2, "entry_id"), (3, None)]
    assert snapshot.method["tie_breaks"] == ["public_votes", "entry_id"]


def bad_inputs(**changes) -> TallyInput:
    base = {
        "criteria": [OVERALL],
        "reviews": one_criterion_reviews({(1, "ada"): 7}),
        "entries": entries(1),
        "votes": {1: 3},
    }
    return TallyInput(**(base | changes))


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (bad_inputs(reviews=one_criterion_reviews({(1, "ada"): 11})), "outside its scale"),
        (bad_inputs(reviews=[Review(1, "ada", {})]), "every criterion"),
        (bad_inputs(reviews=[Review(1, "ada", {"overall": 1, "x": 1})]), "every criterion"),
        (bad_inputs(reviews=one_criterion_reviews({(1, "ada"): 7}) * 2), "twice"),
        (bad_inputs(reviews=one_criterion_reviews({(9, "ada"): 7})), "unknown entry"),
        (bad_inputs(votes={9: 1}), "unknown entry"),
        (bad_inputs(votes={1: -1}), ">= 0"),
        (bad_inputs(entries=entries(1, 1)), "twice"),
        (bad_inputs(criteria=[Criterion("overall", 1, 5, 5)]), "scale_max > scale_min"),
        (bad_inputs(criteria=[Criterion("overall", 0, 0, 10)]), "more than 0"),
        (bad_inputs(reviews=[Review(1, "ada", {"overall": float("nan")})]), "finite"),
        (bad_inputs(reviews=[Review(1, "ada", {"overall": "7"})]), "a number"),
        (bad_inputs(entries=entries(1, submitted_at=dt.datetime(2025, 1, 1))), "aware"),
    ],
)
def test_inputs_that_cannot_be_tallied_are_refused_with_the_reason(inputs, message):
    # when / then
    with pytest.raises(TallyInputError, match=message):
        tally(inputs=inputs, method=Method())


@pytest.mark.parametrize(
    ("method", "message"),
    [
        (Method(decided_by="lottery"), "decided_by"),
        (Method(jury_weight=101), "jury_weight"),
        (Method(normalisation="minmax"), "normalisation"),
        (Method(tie_breaks=["coin_flip"]), "unknown tie-break"),
        (Method(tie_breaks="entry_id"), "list"),
        (Method(min_reviews=0), "min_reviews"),
        (Method(disagreement_threshold=-1), "negative"),
    ],
)
def test_methods_that_make_no_sense_are_refused(method, message):
    # when / then
    with pytest.raises(TallyInputError, match=message):
        tally(inputs=bad_inputs(), method=method)


def test_equal_numbers_hash_the_same_whatever_their_type():
    # given
    def snapshot(score, weight):
        criterion = Criterion(id="overall", weight=weight, scale_min=0, scale_max=10)
        inputs = TallyInput(
            criteria=[criterion],
            reviews=[Review(1, "ada", {"overall": score})],
            entries=entries(1),
        )
        return tally(inputs=inputs, method=Method())

    # when
    hashes = {
        snapshot(7, 1).input_hash,
        snapshot(7.0, 1.0).input_hash,
        snapshot(Decimal("7.00"), Decimal("1.0")).input_hash,
    }
    # then
    assert len(hashes) == 1


def test_hash_covers_the_method_but_not_knobs_it_ignores():
    # given
    inputs = bad_inputs()
    # when
    jury = tally(inputs=inputs, method=Method(decided_by="jury", jury_weight=100)).input_hash
    jury_50 = tally(inputs=inputs, method=Method(decided_by="jury", jury_weight=50)).input_hash
    blended = tally(inputs=inputs, method=Method(decided_by="blended", jury_weight=50)).input_hash
    # then
    assert jury == jury_50
    assert jury != blended


def test_input_hash_is_stable_across_releases():
    # given: changing this hash means old published snapshots no longer verify
    inputs = TallyInput(
        criteria=[STORY, SCIENCE],
        reviews=[
            Review(1, "ada", {"story": 4, "science": Decimal("7.5")}),
            Review(2, "ada", {"story": 2, "science": 9}),
        ],
        entries=[
            EntryInfo(1, dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC), "junior"),
            EntryInfo(2, None, "junior"),
        ],
        votes={1: 4, 2: 0},
    )
    # when
    snapshot = tally(inputs=inputs, method=Method(decided_by="blended", jury_weight=50))
    # then
    assert snapshot.input_hash == (
        "77437c8ef2bd798ae968ddbbb723cd24f003da0b896d9d86aa4048535196637a"
    )


def test_snapshot_json_reads_back_to_the_same_hash_and_ranking():
    # given
    inputs = TallyInput(
        criteria=[STORY, SCIENCE],
        reviews=[
            Review(1, "ada", {"story": 4, "science": 7.5}),
            Review(2, "ada", {"story": 2, "science": 9}),
            Review(2, "bob", {"story": 5, "science": 1}),
        ],
        entries=[
            EntryInfo(1, dt.datetime(2025, 3, 1, 11, tzinfo=dt.timezone(dt.timedelta(hours=1)))),
            EntryInfo(2, dt.datetime(2025, 3, 1, 10, 30, tzinfo=dt.UTC)),
        ],
        votes={1: 4, 2: 2},
    )
    method = Method(decided_by="blended", jury_weight=40, normalisation="zscore")
    snapshot = tally(inputs=inputs, method=method)
    # when
    text = snapshot.to_json()
    loaded_inputs, loaded_method = load_inputs(json.loads(text))
    again = tally(inputs=loaded_inputs, method=loaded_method)
    # then
    assert again.to_json() == text
    assert json.loads(text)["inputs"]["entries"][0]["submitted_at"] == (
        "2025-03-01T10:00:00.000000+00:00"
    )
