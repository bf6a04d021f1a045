"""Which jurors review which entries: k distinct jurors per entry, fair loads, no conflicts.

Pure and reproducible: the same entries, jurors, conflicts and seed give the same
assignment whatever order they arrive in. Loads differ by at most one whenever the
conflicts allow it; when they do not, loads are as even as moving assignments can make
them. Error messages are plain English for logs; services show their own translated text
using ``AssignmentError.entries``.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from voting.tally.data import Id, id_sort_key

Assignment = dict[Id, list[Id]]
Conflicts = Collection[tuple[Id, Id]]  # (juror, entry) pairs that must never meet


class AssignmentError(ValueError):
    """No assignment exists: these entries have too few jurors without a conflict."""

    def __init__(self, message: str, *, entries: Iterable[Id] = ()) -> None:
        super().__init__(message)
        self.entries = tuple(entries)


def assign(
    entries: Iterable[Id],
    jurors: Iterable[Id],
    *,
    k: int,
    conflicts: Conflicts = frozenset(),
    seed: int | str,
) -> Assignment:
    """Gives every entry k distinct jurors without a conflict, loads within one of each other."""
    entry_ids = _distinct(entries, what="entry")
    juror_ids = _distinct(jurors, what="juror")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise AssignmentError(f"k must be a whole number >= 1, not {k!r}")
    blocked = _blocked(conflicts)
    board = _Board(juror_ids, blocked)
    for entry_id in entry_ids:
        board.panels[entry_id] = set()
    _fill(
        board,
        {entry_id: board.candidates(entry_id) for entry_id in entry_ids},
        need=k,
        seed=seed,
        shortfall=f"fewer than {k} jurors without a conflict of interest",
    )
    board.balance()
    return board.result()


def rebalance(
    assignment: Mapping[Id, Iterable[Id]],
    dropped_juror: Id,
    *,
    jurors: Iterable[Id] | None = None,
    conflicts: Conflicts = frozenset(),
    seed: int | str,
) -> Assignment:
    """Hands a dropped juror's entries to the others; every other assignment stays as it is.

    Jurors may already have scored their entries, so only the new assignments move while
    evening out the loads. ``jurors`` lists who remains (default: everyone assigned so far,
    which misses jurors with no entries yet).
    """
    board_jurors = (
        _distinct(jurors, what="juror")
        if jurors is not None
        else _distinct({j for panel in assignment.values() for j in panel}, what="juror")
    )
    board_jurors = [juror_id for juror_id in board_jurors if juror_id != dropped_juror]
    blocked = _blocked(conflicts)
    board = _Board(board_jurors, blocked)
    orphans = []
    for entry_id in _distinct(assignment, what="entry"):
        panel = list(assignment[entry_id])
        if len(set(panel)) != len(panel):
            raise AssignmentError(f"entry {entry_id!r} lists a juror twice")
        board.panels[entry_id] = set()
        for juror_id in panel:
            if juror_id == dropped_juror:
                orphans.append(entry_id)
            elif juror_id not in board.loads:
                raise AssignmentError(f"juror {juror_id!r} is assigned but not among the jurors")
            else:
                board.add(entry_id, juror_id, movable=False)
    _fill(
        board,
        {entry_id: board.candidates(entry_id) for entry_id in orphans},
        need=1,
        seed=seed,
        shortfall="no other juror without a conflict of interest",
    )
    board.balance()
    return board.result()


def loads(assignment: Mapping[Id, Iterable[Id]]) -> dict[Id, int]:
    """How many entries each assigned juror has."""
    counts: dict[Id, int] = defaultdict(int)
    for panel in assignment.values():
        for juror_id in panel:
            counts[juror_id] += 1
    return dict(counts)


def _fill(
    board: _Board, candidates: dict[Id, list[Id]], *, need: int, seed: int | str, shortfall: str
) -> None:
    """Gives each entry `need` more jurors, least loaded first, most constrained entry first;
    equal loads are settled by the seeded random generator."""
    short = [entry_id for entry_id, jurors in candidates.items() if len(jurors) < need]
    if short:
        raise AssignmentError(
            f"{len(short)} entries have {shortfall} (first: {short[0]!r})", entries=short
        )
    rng = random.Random(_seed_text(seed))  # noqa: S311 - reproducible from the seed, not secret
    order = sorted(candidates, key=id_sort_key)
    rng.shuffle(order)
    order.sort(key=lambda entry_id: len(candidates[entry_id]))
    for entry_id in order:
        luck = {juror_id: rng.random() for juror_id in candidates[entry_id]}
        chosen = sorted(candidates[entry_id], key=lambda j: (board.loads[j], luck[j]))[:need]
        for juror_id in chosen:
            board.add(entry_id, juror_id, movable=True)


@dataclass
class _Board:
    """Panels and loads, with the moves that even out loads without breaking any rule."""

    jurors: list[Id]
    blocked: dict[Id, set[Id]]
    panels: dict[Id, set[Id]] = field(default_factory=dict)
    loads: dict[Id, int] = field(init=False)
    movable: dict[Id, set[Id]] = field(init=False)  # juror -> entries that may move away

    def __post_init__(self) -> None:
        self.loads = dict.fromkeys(self.jurors, 0)
        self.movable = {juror_id: set() for juror_id in self.jurors}

    def add(self, entry_id: Id, juror_id: Id, *, movable: bool) -> None:
        self.panels[entry_id].add(juror_id)
        self.loads[juror_id] += 1
        if movable:
            self.movable[juror_id].add(entry_id)

    def candidates(self, entry_id: Id) -> list[Id]:
        panel, blocked = self.panels[entry_id], self.blocked.get(entry_id, ())
        return [j for j in self.jurors if j not in panel and j not in blocked]

    def balance(self) -> None:
        """Moves single assignments along chains until every load is low or low + 1.

        A chain a -> b -> c moves one entry from a to b and another from b to c: only the
        two ends change load. When no chain reaches from a too-full juror to a juror with
        room, none exists at all (it is an augmenting path search), so this is as even as
        the conflicts allow.
        """
        if not self.jurors:
            return
        low, rest = divmod(sum(self.loads.values()), len(self.jurors))
        high = low + (1 if rest else 0)
        while self._move(lambda load: load > high, lambda load: load < high) or self._move(
            lambda load: load > low, lambda load: load < low
        ):
            pass

    def _move(self, is_source, is_target) -> bool:
        """Finds one chain from a juror passing is_source to one passing is_target."""
        sources = [j for j in self.jurors if is_source(self.loads[j])]
        if not sources or not any(is_target(self.loads[j]) for j in self.jurors):
            return False
        came_from: dict[Id, tuple[Id, Id] | None] = dict.fromkeys(sources)
        queue = list(sources)
        for giver in queue:
            for entry_id in sorted(self.movable[giver], key=id_sort_key):
                for taker in self.candidates(entry_id):
                    if taker in came_from:
                        continue
                    came_from[taker] = (giver, entry_id)
                    if is_target(self.loads[taker]):
                        self._apply(came_from, taker)
                        return True
                    queue.append(taker)
        return False

    def _apply(self, came_from: dict[Id, tuple[Id, Id] | None], taker: Id) -> None:
        step = came_from[taker]
        self.loads[taker] += 1
        while step is not None:
            giver, entry_id = step
            self.panels[entry_id].remove(giver)
            self.panels[entry_id].add(taker)
            self.movable[giver].remove(entry_id)
            self.movable[taker].add(entry_id)
            taker, step = giver, came_from[giver]
        self.loads[taker] -= 1

    def result(self) -> Assignment:
        return {
            entry_id: sorted(self.panels[entry_id], key=id_sort_key)
            for entry_id in sorted(self.panels, key=id_sort_key)
        }


def _distinct(ids: Iterable[Id], *, what: str) -> list[Id]:
    ordered = sorted(ids, key=id_sort_key)
    for before, after in itertools.pairwise(ordered):
        if before == after:
            raise AssignmentError(f"{what} {after!r} appears twice")
    return ordered


def _blocked(conflicts: Conflicts) -> dict[Id, set[Id]]:
    blocked: dict[Id, set[Id]] = defaultdict(set)
    for juror_id, entry_id in conflicts:
        blocked[entry_id].add(juror_id)
    return blocked


def _seed_text(seed: int | str) -> str:
    """random.Random hashes a str seed with sha512: stable across runs and machines."""
    return f"{type(seed).__name__}:{seed}"
