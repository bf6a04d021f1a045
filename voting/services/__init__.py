"""Changes to juries, votes and results. Views, the API, tasks and commands call these."""

from voting.services.forensics import (
    flag_suspicious_votes,
    invalidate_flags,
    invalidate_votes,
)
from voting.services.jury import (
    assign_jurors,
    close_round,
    confirm_shortlist,
    declare_conflict,
    drop_juror,
    save_review,
)
from voting.services.results import (
    cancel_release,
    compute_results,
    publish_results,
    release_due_results,
    require_results_ready,
    schedule_release,
    tell_participants_about_results,
)
from voting.services.votes import (
    cast_vote,
    withdraw_vote,
)

__all__ = [
    "assign_jurors",
    "cancel_release",
    "cast_vote",
    "close_round",
    "compute_results",
    "confirm_shortlist",
    "declare_conflict",
    "drop_juror",
    "flag_suspicious_votes",
    "invalidate_flags",
    "invalidate_votes",
    "publish_results",
    "release_due_results",
    "require_results_ready",
    "save_review",
    "schedule_release",
    "tell_participants_about_results",
    "withdraw_vote",
]
