"""How much a set of open reports counts: distinct, trusted people, not clicks.

One person can open accounts and change address, so reports count by where they come
from and who sends them:
- a report from a confirmed account older than MODERATION_TRUSTED_ACCOUNT_DAYS is
  trusted; visitors and new or unconfirmed accounts are not;
- all trusted reports from one network (core.client.network_of: a /24 or /48, one
  household or school) count as one person;
- all untrusted reports together count as one person at most (one attacker's fresh
  accounts are one cluster), and only when they come from a network no trusted report
  came from.

MODERATION_REPORTS_TO_HIDE people hide an entry until a moderator decides, except during
its challenge's public vote: then reports alone never remove it, and it goes to the top
of the moderators' queue instead (moderation.services, moderation.selectors).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


class WeighedReport(Protocol):
    network_key: str
    reporter_key: str
    trusted: bool


def _where(report: WeighedReport) -> str:
    # No network known (a report made outside a web request): the reporter alone.
    return report.network_key or f"reporter:{report.reporter_key}"


@dataclass(frozen=True)
class Weight:
    people: int  # what the reports count as
    reports: int
    networks: int  # distinct networks they came from
    untrusted: int  # reports from visitors and new or unconfirmed accounts


def weigh(reports: Iterable[WeighedReport]) -> Weight:
    reports = list(reports)
    trusted_networks = {_where(report) for report in reports if report.trusted}
    untrusted = [report for report in reports if not report.trusted]
    cluster = any(_where(report) not in trusted_networks for report in untrusted)
    return Weight(
        people=len(trusted_networks) + (1 if cluster else 0),
        reports=len(reports),
        networks=len({_where(report) for report in reports}),
        untrusted=len(untrusted),
    )


def network_labels(reports: Sequence[WeighedReport]) -> list[str]:
    """A short label per report ("A", "B", ...) that is the same for reports from one
    network: moderators see where reports cluster without seeing any address."""
    letters: dict[str, str] = {}
    for report in reports:
        letters.setdefault(_where(report), _letter(len(letters)))
    return [letters[_where(report)] for report in reports]


def _letter(index: int) -> str:
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("A") + rest) + label
    return label
