"""Changes to juries, votes and results. Views, the API, tasks and commands call these."""

from voting.services.jury import (
    assign_jurors,
    close_round,
    confirm_shortlist,
    declare_conflict,
    drop_juror,
    save_review,
)
from voting.services.results import compute_results, publish_results
from voting.services.votes import (
    cast_vote,
    flag_suspicious_votes,
    invalidate_votes,
    withdraw_vote,
)

__all__ = [
    "assign_jurors",
    "cast_vote",
    "close_round",
    "compute_results",
    "confirm_shortlist",
    "declare_conflict",
    "drop_juror",
    "flag_suspicious_votes",
    "invalidate_votes",
    "publish_results",
    "save_review",
    "withdraw_vote",
]
