"""What jurors may see beyond the public (django-rules, see core/access.py): the entries of
the challenges whose panels they sit on, in any state. Loaded by VotingConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from videoawards.challenges.models import Entry
from videoawards.challenges.rules import VIEW_ENTRY
from videoawards.core.access import QueryRule, widen
from voting.selectors import jury_entry_viewers


def _jurors(user: Any) -> Q | None:
    return jury_entry_viewers(user) if user.is_authenticated else None


widen(VIEW_ENTRY, QueryRule(_jurors, model=Entry, name="juror of the challenge"))
