"""Juror assignment: k distinct jurors per entry, loads within one, conflicts respected."""

from __future__ import annotations

import itertools
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.assignment import AssignmentError, assign, loads, rebalance

examples = settings(max_examples=int(os.environ.get("VOTING_EXAMPLES", 80)), deadline=None)


def spread(assignment, jurors) -> int:
    counts = loads(assignment)
    per_juror = [counts.get(juror, 0) for juror in jurors]
    return max(per_juror) - min(per_juror)


def test_every_entry_gets_k_distinct_jurors_and_loads_differ_by_at_most_one():
    # given
    entries, jurors = range(1, 12), ["ada", "bob", "cy", "dee"]
    # when
    assignment = assign(entries, jurors, k=2, seed=7)
    # then
    assert sorted(assignment) == list(entries)
    assert {len(set(panel)) for panel in assignment.values()} == {2}
    assert sorted(loads(assignment).values()) == [5, 5, 6, 6]


def test_a_juror_never_reviews_an_entry_they_have_a_conflict_with():
    # given: ada made entry 1, bob shares a network with entries 1 and 2
    conflicts = {("ada", 1), ("bob", 1), ("bob", 2)}
    # when
    assignment = assign([1, 2, 3, 4], ["ada", "bob", "cy", "dee"], k=2, conflicts=conflicts, seed=1)
    # then
    assert assignment[1] == ["cy", "dee"]
    assert "bob" not in assignment[2]
    assert spread(assignment, ["ada", "bob", "cy", "dee"]) <= 1


def test_same_seed_gives_the_same_assignment_whatever_the_input_order():
    # given
    entries, jurors = list(range(1, 31)), ["ada", "bob", "cy", "dee", "eve"]
    # when
    first = assign(entries, jurors, k=3, seed="round-1")
    again = assign(reversed(entries), sorted(jurors, reverse=True), k=3, seed="round-1")
    other_seed = assign(entries, jurors, k=3, seed="round-2")
    # then
    assert again == first
    assert other_seed != first


def test_entries_with_too_few_jurors_without_a_conflict_are_named_in_the_error():
    # given
    conflicts = {("ada", 2), ("bob", 2)}
    # when
    with pytest.raises(AssignmentError, match="fewer than 2 jurors") as raised:
        assign([1, 2, 3], ["ada", "bob", "cy"], k=2, conflicts=conflicts, seed=1)
    # then
    assert raised.value.entries == (2,)


def test_more_reviews_per_entry_than_jurors_is_refused():
    # when / then
    with pytest.raises(AssignmentError, match="fewer than 4 jurors"):
        assign([1], ["ada", "bob", "cy"], k=4, seed=1)


def test_a_dropped_jurors_entries_go_to_the_others_and_nothing_else_moves():
    # given
    jurors = ["ada", "bob", "cy", "dee", "eve"]
    before = assign(range(1, 21), jurors, k=2, seed=3)
    # when
    after = rebalance(before, "eve", seed=3)
    # then
    assert all("eve" not in panel for panel in after.values())
    assert all(set(before[entry]) - {"eve"} <= set(after[entry]) for entry in before)
    assert {len(panel) for panel in after.values()} == {2}
    assert sorted(loads(after).values()) == [10, 10, 10, 10]


def test_rebalance_fails_when_an_entry_has_no_one_left_to_review_it():
    # given
    before = {1: ["ada", "bob"], 2: ["ada", "cy"]}
    # when / then
    with pytest.raises(AssignmentError, match="no other juror") as raised:
        rebalance(before, "ada", conflicts={("cy", 1)}, seed=1)
    assert raised.value.entries == (1,)


def test_balancing_moves_assignments_around_conflicts():
    # given: jurors x and y may only review entries 1 and 2, which greedy filling may give away
    entries = [1, 2, 3, 4]
    conflicts = {(juror, entry) for juror in ("x", "y") for entry in (3, 4)}
    # when
    assignment = assign(entries, ["x", "y", "z", "w"], k=2, conflicts=conflicts, seed=5)
    # then
    assert sorted(loads(assignment).values()) == [2, 2, 2, 2]
    assert assignment[1] == ["x", "y"] == assignment[2]


# Properties on small instances, checked against an exhaustive search.


@st.composite
def panels(draw):
    jurors = [f"j{number}" for number in range(draw(st.integers(2, 5)))]
    entries = list(range(1, draw(st.integers(1, 6)) + 1))
    k = draw(st.integers(1, min(3, len(jurors))))
    pairs = [(juror, entry) for juror in jurors for entry in entries]
    conflicts = draw(st.sets(st.sampled_from(pairs), max_size=len(pairs) // 3))
    return entries, jurors, k, conflicts


def feasible(entries, jurors, k, conflicts) -> bool:
    return all(sum((j, e) not in conflicts for j in jurors) >= k for e in entries)


def balanced_assignment_exists(entries, jurors, k, conflicts) -> bool:
    low, rest = divmod(len(entries) * k, len(jurors))
    high = low + (1 if rest else 0)
    load = dict.fromkeys(jurors, 0)

    def place(index: int) -> bool:
        if index == len(entries):
            return all(low <= value <= high for value in load.values())
        for panel in itertools.combinations(jurors, k):
            if any((j, entries[index]) in conflicts or load[j] >= high for j in panel):
                continue
            for j in panel:
                load[j] += 1
            if place(index + 1):
                return True
            for j in panel:
                load[j] -= 1
        return False

    return place(0)


def assert_valid(assignment, entries, k, conflicts):
    assert sorted(assignment) == sorted(entries)
    for entry, panel in assignment.items():
        assert len(set(panel)) == len(panel) == k
        assert not any((juror, entry) in conflicts for juror in panel)


@examples
@given(case=panels(), seed=st.integers(0, 2**32))
def test_assignment_is_valid_and_as_even_as_the_conflicts_allow(case, seed):
    # given
    entries, jurors, k, conflicts = case
    if not feasible(entries, jurors, k, conflicts):
        with pytest.raises(AssignmentError):
            assign(entries, jurors, k=k, conflicts=conflicts, seed=seed)
        return
    # when
    assignment = assign(entries, jurors, k=k, conflicts=conflicts, seed=seed)
    # then
    assert_valid(assignment, entries, k, conflicts)
    is_even = spread(assignment, jurors) <= 1
    assert is_even == balanced_assignment_exists(entries, jurors, k, conflicts)


@examples
@given(case=panels(), seed=st.integers(0, 2**32), rnd=st.randoms())
def test_assignment_depends_only_on_the_seed_not_the_input_order(case, seed, rnd):
    # given
    entries, jurors, k, conflicts = case
    if not feasible(entries, jurors, k, conflicts):
        return
    shuffled_entries, shuffled_jurors = list(entries), list(jurors)
    rnd.shuffle(shuffled_entries)
    rnd.shuffle(shuffled_jurors)
    # when
    first = assign(entries, jurors, k=k, conflicts=conflicts, seed=seed)
    again = assign(shuffled_entries, shuffled_jurors, k=k, conflicts=conflicts, seed=seed)
    # then
    assert again == first


def even_rebalance_exists(before, dropped, jurors, conflicts) -> bool:
    """Can the dropped juror's entries go to others, one each, leaving loads within one?"""
    remaining = [j for j in jurors if j != dropped]
    orphans = [entry for entry, panel in before.items() if dropped in panel]
    options = [
        [j for j in remaining if j not in before[e] and (j, e) not in conflicts] for e in orphans
    ]
    base = loads({e: [j for j in panel if j != dropped] for e, panel in before.items()})
    for choice in itertools.product(*options):
        load = {j: base.get(j, 0) for j in remaining}
        for juror in choice:
            load[juror] += 1
        if max(load.values()) - min(load.values()) <= 1:
            return True
    return False


@examples
@given(case=panels(), seed=st.integers(0, 2**32), data=st.data())
def test_rebalance_keeps_every_rule_and_every_other_assignment(case, seed, data):
    # given
    entries, jurors, k, conflicts = case
    if not feasible(entries, jurors, k, conflicts):
        return
    before = assign(entries, jurors, k=k, conflicts=conflicts, seed=seed)
    dropped = data.draw(st.sampled_from(jurors))
    remaining = [j for j in jurors if j != dropped]
    orphans = [e for e, panel in before.items() if dropped in panel]
    already_on_panel = {(j, e) for e in orphans for j in before[e]}
    if not feasible(orphans, remaining, 1, conflicts | already_on_panel):
        with pytest.raises(AssignmentError):
            rebalance(before, dropped, jurors=remaining, conflicts=conflicts, seed=seed)
        return
    # when
    after = rebalance(before, dropped, jurors=remaining, conflicts=conflicts, seed=seed)
    # then
    assert_valid(after, entries, k, conflicts)
    assert all(dropped not in panel for panel in after.values())
    assert all(set(before[e]) - {dropped} <= set(after[e]) for e in entries)
    is_even = spread(after, remaining) <= 1
    assert is_even == even_rebalance_exists(before, dropped, jurors, conflicts)
