"""Deciding awards: juries (criteria, panels, rounds, assignments, reviews), public votes,
and result snapshots. Data and invariants only; workflows live in voting.services."""

from voting.models.jury import (
    Assignment,
    ConflictOfInterest,
    Criterion,
    JuryInvitation,
    JuryMember,
    JuryPanel,
    Review,
    Round,
    RoundEntry,
    Score,
)
from voting.models.results import ResultPublication, ResultSnapshot
from voting.models.votes import Ballot, Vote, VoteFlag, VoteInvalidation, VotePolicy

__all__ = [
    "Assignment",
    "Ballot",
    "ConflictOfInterest",
    "Criterion",
    "JuryInvitation",
    "JuryMember",
    "JuryPanel",
    "ResultPublication",
    "ResultSnapshot",
    "Review",
    "Round",
    "RoundEntry",
    "Score",
    "Vote",
    "VoteFlag",
    "VoteInvalidation",
    "VotePolicy",
]
