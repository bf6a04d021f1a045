"""Reports arriving at the same moment hide an entry exactly once (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from tests.factories import SeasonedParticipantFactory
from videoawards.core.models import AuditEvent
from videoawards.moderation import services
from videoawards.moderation.models import Report

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL's row locks",
    ),
]


def test_simultaneous_reports_past_the_threshold_hide_the_entry_once(make_entry, settings):
    # given
    settings.MODERATION_REPORTS_TO_HIDE = 3
    entry = make_entry(state="approved")
    # six trusted people (confirmed accounts a month old), each in another network
    reporters = [SeasonedParticipantFactory() for _ in range(6)]
    start = threading.Barrier(len(reporters))
    errors: list[BaseException] = []

    def report(reporter) -> None:
        try:
            start.wait()
            services.report_entry(
                entry=entry,
                reason="spam",
                reporter=reporter,
                ip_address=f"198.51.{reporter.pk % 250}.7",
            )
        except Exception as error:  # collected for the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=report, args=(person,)) for person in reporters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then
    entry.refresh_from_db()
    # the reports after the third find the entry already hidden
    assert sorted(getattr(error, "code", repr(error)) for error in errors) == ["not_public"] * 3
    assert Report.objects.filter(entry=entry).count() == 3
    assert entry.hidden_at is not None
    assert AuditEvent.objects.filter(action="entry.hide_by_reports").count() == 1
    assert connection.vendor == "postgresql"
