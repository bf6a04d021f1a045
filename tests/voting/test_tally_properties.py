"""Properties every tally must keep, checked on many small generated juries."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.voting.strategies import Jury, juries
from voting.tally import Method, Review, TallyInput, load_inputs, tally

NORMALISED = st.sampled_from(["zscore", "rank"])
DECIDED_BY = st.sampled_from(["jury", "public", "blended"])
examples = settings(max_examples=int(os.environ.get("VOTING_EXAMPLES", 80)), deadline=None)


def change_juror(inputs: TallyInput, juror_id: str, change) -> TallyInput:
    reviews = [
        dataclasses.replace(review, scores={c: change(s) for c, s in review.scores.items()})
        if review.juror_id == juror_id
        else review
        for review in inputs.reviews
    ]
    return dataclasses.replace(inputs, reviews=reviews)


@examples
@given(
    jury=juries(scale_max=100, top_score=40),
    normalisation=NORMALISED,
    data=st.data(),
)
def test_adding_a_constant_to_one_jurors_scores_keeps_the_normalised_ranking(
    jury: Jury, normalisation, data
):
    # given
    juror_id = data.draw(st.sampled_from(jury.juror_ids))
    constant = data.draw(st.integers(1, 60))
    method = Method(normalisation=normalisation)
    # when
    before = tally(inputs=jury.inputs, method=method)
    after = tally(
        inputs=change_juror(jury.inputs, juror_id, lambda score: score + constant), method=method
    )
    # then
    assert after.ranking == before.ranking


@examples
@given(
    jury=juries(scale_max=100, top_score=25),
    normalisation=NORMALISED,
    factor=st.sampled_from([1.5, 2, 2.5, 4]),
    data=st.data(),
)
def test_stretching_one_jurors_scores_keeps_the_normalised_ranking(
    jury: Jury, normalisation, factor, data
):
    # given
    juror_id = data.draw(st.sampled_from(jury.juror_ids))
    method = Method(normalisation=normalisation)
    # when
    before = tally(inputs=jury.inputs, method=method)
    after = tally(
        inputs=change_juror(jury.inputs, juror_id, lambda score: score * factor), method=method
    )
    # then
    assert after.ranking == before.ranking


def relabel(inputs: TallyInput, entry_ids: dict, juror_ids: dict) -> TallyInput:
    return TallyInput(
        criteria=inputs.criteria,
        reviews=[
            Review(entry_ids[r.entry_id], juror_ids[r.juror_id], r.scores) for r in inputs.reviews
        ],
        entries=[dataclasses.replace(e, id=entry_ids[e.id]) for e in inputs.entries],
        votes={entry_ids[entry_id]: count for entry_id, count in inputs.votes.items()},
    )


def outcome(snapshot) -> dict:
    """Each entry's figures, without its place (relabelling may reorder full ties)."""
    return {
        row.entry_id: dataclasses.replace(row, rank=0, tie_broken_by=None)
        for row in snapshot.ranking
    }


def tie_groups(snapshot, inputs: TallyInput) -> list:
    """What the score and the default tie-breaks before entry_id see, in rank order."""
    submitted = {entry.id: entry.submitted_at for entry in inputs.entries}
    return [
        (row.combined, row.jury_score, row.public_votes, submitted[row.entry_id])
        for row in snapshot.ranking
    ]


@examples
@given(
    jury=juries(),
    normalisation=st.sampled_from(["none", "zscore", "rank"]),
    decided_by=DECIDED_BY,
    data=st.data(),
)
def test_relabelling_entries_and_jurors_changes_nothing_but_the_labels(
    jury: Jury, normalisation, decided_by, data
):
    # given
    old_entries = [entry.id for entry in jury.inputs.entries]
    new_entries = data.draw(st.permutations([f"entry-{number}" for number in old_entries]))
    new_jurors = data.draw(st.permutations(range(100, 100 + len(jury.juror_ids))))
    entry_ids = dict(zip(old_entries, new_entries, strict=True))
    juror_ids = dict(zip(jury.juror_ids, new_jurors, strict=True))
    method = Method(decided_by=decided_by, jury_weight=60, normalisation=normalisation)
    # when
    before = tally(inputs=jury.inputs, method=method)
    relabelled = relabel(jury.inputs, entry_ids, juror_ids)
    after = tally(inputs=relabelled, method=method)
    # then
    expected = {
        entry_ids[entry_id]: dataclasses.replace(row, entry_id=entry_ids[entry_id])
        for entry_id, row in outcome(before).items()
    }
    assert outcome(after) == expected
    assert tie_groups(after, relabelled) == tie_groups(before, jury.inputs)


@examples
@given(jury=juries(), decided_by=DECIDED_BY, normalisation=NORMALISED, rnd=st.randoms())
def test_input_order_changes_neither_hash_nor_ranking(jury: Jury, decided_by, normalisation, rnd):
    # given
    inputs = jury.inputs
    method = Method(decided_by=decided_by, jury_weight=30, normalisation=normalisation)

    def shuffled(items):
        items = list(items)
        rnd.shuffle(items)
        return items

    reordered = TallyInput(
        criteria=shuffled(inputs.criteria),
        reviews=[
            dataclasses.replace(review, scores=dict(shuffled(review.scores.items())))
            for review in shuffled(inputs.reviews)
        ],
        entries=shuffled(inputs.entries),
        votes=dict(shuffled(inputs.votes.items())),
    )
    # when
    before = tally(inputs=inputs, method=method)
    after = tally(inputs=reordered, method=method)
    # then
    assert after.input_hash == before.input_hash
    assert after.to_json() == before.to_json()


@examples
@given(jury=juries(), normalisation=st.sampled_from(["none", "zscore", "rank"]))
def test_blend_with_all_weight_on_one_side_ranks_like_that_side_alone(jury: Jury, normalisation):
    # given
    def places(method: Method) -> list:
        snapshot = tally(inputs=jury.inputs, method=method)
        return [(row.rank, row.entry_id, row.tie_broken_by) for row in snapshot.ranking]

    # when
    jury_only = places(Method(decided_by="jury", normalisation=normalisation))
    all_jury = places(Method(decided_by="blended", jury_weight=100, normalisation=normalisation))
    public_only = places(Method(decided_by="public", normalisation=normalisation))
    all_public = places(Method(decided_by="blended", jury_weight=0, normalisation=normalisation))
    # then
    assert all_jury == jury_only
    assert all_public == public_only


TIE_BREAKS = st.lists(
    st.sampled_from(["jury_score", "public_votes", "n_reviews", "earlier_submission"]),
    unique=True,
    max_size=4,
)


def better_first(row, rule: str, submitted: dict) -> tuple:
    """An independent reading of each tie-break rule: smaller sorts first."""
    if rule == "jury_score":
        return (row.jury_score is None, -(row.jury_score or 0))
    if rule == "public_votes":
        return (-row.public_votes,)
    if rule == "n_reviews":
        return (-row.n_reviews,)
    if rule == "earlier_submission":
        moment = submitted[row.entry_id]
        return (moment is None, moment or 0)
    assert rule == "entry_id"
    return (row.entry_id,)


@examples
@given(jury=juries(top_score=2), decided_by=st.sampled_from(["jury", "public"]), rules=TIE_BREAKS)
def test_tie_breaks_make_a_total_order_that_follows_the_rules(jury: Jury, decided_by, rules):
    # given
    method = Method(decided_by=decided_by, tie_breaks=rules)
    submitted = {entry.id: entry.submitted_at for entry in jury.inputs.entries}
    # when
    snapshot = tally(inputs=jury.inputs, method=method)
    # then
    ranking = snapshot.ranking
    assert [row.rank for row in ranking] == list(range(1, len(jury.inputs.entries) + 1))
    assert len({row.entry_id for row in ranking}) == len(ranking)
    applied = [*rules, "entry_id"]
    for upper, lower in itertools.pairwise(ranking):
        if upper.combined != lower.combined:
            assert upper.combined > lower.combined
            continue
        decided_by_rule = lower.tie_broken_by  # a row reports the rule against the row above
        assert upper.tie_broken_by is not None
        earlier = applied[: applied.index(decided_by_rule)]
        assert [better_first(upper, r, submitted) for r in earlier] == [
            better_first(lower, r, submitted) for r in earlier
        ]
        assert better_first(upper, decided_by_rule, submitted) < better_first(
            lower, decided_by_rule, submitted
        )


@examples
@given(
    jury=juries(),
    normalisation=st.sampled_from(["none", "zscore", "rank"]),
    rnd=st.randoms(),
)
def test_a_snapshot_recomputed_from_its_own_json_is_identical(jury: Jury, normalisation, rnd):
    # given
    method = Method(
        decided_by="blended", jury_weight=rnd.randint(0, 100), normalisation=normalisation
    )
    snapshot = tally(inputs=jury.inputs, method=method)
    # when
    inputs, loaded_method = load_inputs(json.loads(snapshot.to_json()))
    again = tally(inputs=inputs, method=loaded_method)
    # then
    assert again.to_json() == snapshot.to_json()
