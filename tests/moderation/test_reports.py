"""Reports on published entries: the form, the hiding threshold, decisions, rate limits."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from tests.factories import ModeratorFactory, ParticipantFactory, SeasonedParticipantFactory
from videoawards.challenges.models import EntryState
from videoawards.challenges.services import withdraw_entry
from videoawards.core.models import AuditEvent
from videoawards.moderation import services
from videoawards.moderation.models import Report

pytestmark = pytest.mark.django_db


def _report_url(entry) -> str:
    return reverse("moderation:report", args=[entry.pk])


def _report(client, entry, reason="inappropriate", details=""):
    return client.post(_report_url(entry), {"reason": reason, "details": details})


def _is_public(client, entry) -> bool:
    return client.get(entry.get_absolute_url()).status_code == 200


def test_a_visitor_without_an_account_can_report_a_published_entry(make_entry, client):
    # given
    entry = make_entry(state="approved")
    # when
    response = _report(client, entry, reason="personal_info", details="Home address at 1:10")
    # then
    report = Report.objects.get()
    assert response.status_code == 302
    assert (report.entry, report.reason, report.details, report.reporter) == (
        entry,
        "personal_info",
        "Home address at 1:10",
        None,
    )
    assert "127.0.0.1" not in report.reporter_key


def test_entry_page_offers_reporting_to_others_but_not_to_creators(
    make_entry, creator, client, client_for
):
    # given
    entry = make_entry(state="approved")
    link = _report_url(entry)
    # when
    pages = [
        c.get(entry.get_absolute_url()).content.decode() for c in (client, client_for(creator))
    ]
    # then
    assert [link in page for page in pages] == [True, False]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"details": "bad"}, "reason", "Pick a reason from the list."),
        ({"reason": "rude", "details": "x"}, "reason", "Pick a reason from the list."),
        ({"reason": "spam", "details": "x" * 1001}, "details", "Please keep it under 1000"),
        ({"reason": "other", "details": " "}, "details", "Tell us in a few words what is wrong."),
    ],
)
def test_report_form_explains_what_is_missing(make_entry, client, data, field, message):
    # given
    entry = make_entry(state="approved")
    # when
    response = client.post(_report_url(entry), data)
    # then
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Report.objects.count() == 0


@pytest.mark.parametrize("state", ["draft", "submitted", "rejected"])
def test_entries_that_are_not_public_cannot_be_reported(make_entry, client, state):
    # given
    entry = make_entry(state=state)
    # when
    response = _report(client, entry)
    # then
    assert (response.status_code, Report.objects.count()) == (404, 0)


# Three networks (RFC 5737 documentation blocks), one household or school each.
ADDRESSES = ("192.0.2.10", "198.51.100.20", "203.0.113.30")


def test_entry_is_hidden_when_the_third_person_reports_it(make_entry, client, client_for):
    # given: three people with confirmed accounts some weeks old, in three places
    entry = make_entry(state="approved")
    reporters = [
        client_for(SeasonedParticipantFactory(), REMOTE_ADDR=address) for address in ADDRESSES
    ]
    # when
    public_after = []
    for reporter in reporters:
        _report(reporter, entry)
        public_after.append(_is_public(client, entry))
    # then
    entry.refresh_from_db()
    assert public_after == [True, True, False]
    assert entry.hidden_at is not None and entry.state == EntryState.APPROVED
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.data) == (
        "entry.hide_by_reports",
        None,
        {"open_reports": 3, "people": 3, "networks": 3, "threshold": 3},
    )


def test_one_person_reporting_again_counts_once(make_entry, client, client_for):
    # given
    entry = make_entry(state="approved")
    reporter = client_for(ParticipantFactory())
    # when
    _report(reporter, entry, reason="spam")
    again = reporter.post(_report_url(entry), {"reason": "inappropriate"}, follow=True)
    # then
    assert Report.objects.count() == 1
    assert _is_public(client, entry)
    assert "You have already reported this entry" in again.content.decode()


def test_visitors_from_one_address_count_as_one_reporter(make_entry, client_for, client):
    # given
    entry = make_entry(state="approved")
    # when
    for _ in range(3):
        _report(client_for(), entry)
    other_address = client_for(REMOTE_ADDR="203.0.113.9")
    _report(other_address, entry)
    # then
    assert Report.objects.count() == 2
    assert _is_public(client, entry)


def test_threshold_comes_from_the_settings(make_entry, client, settings):
    # given
    settings.MODERATION_REPORTS_TO_HIDE = 1
    entry = make_entry(state="approved")
    # when
    _report(client, entry)
    # then
    assert not _is_public(client, entry)


def test_creator_of_a_hidden_entry_is_told_why_it_is_gone(make_entry, creator, client_for):
    # given
    entry = make_entry(state="approved")
    for _ in range(3):
        services.report_entry(entry=entry, reason="spam", reporter=SeasonedParticipantFactory())
    # when
    page = client_for(creator).get(entry.get_absolute_url()).content.decode()
    # then
    assert "people reported it and a moderator will look at it soon" in page


def _hidden_after_reports(make_entry):
    entry = make_entry(state="approved")
    for _ in range(3):
        services.report_entry(
            entry=entry, reason="copyright", reporter=SeasonedParticipantFactory()
        )
    return entry


def test_reported_entry_waits_in_the_queue_with_its_reports(make_entry, moderator, client_for):
    # given
    entry = _hidden_after_reports(make_entry)
    # when
    response = client_for(moderator).get(reverse("moderation:queue"))
    # then
    [reported] = response.context["reported"]
    assert (reported, reported.open_report_count) == (entry, 3)
    assert [r.reason for r in reported.open_reports] == ["copyright"] * 3


def _decide(client, entry, decision, reason=""):
    return client.post(
        reverse("moderation:decide", args=[entry.pk]),
        {"decision": decision, "reason": reason},
        follow=True,
    )


def test_keeping_makes_the_entry_public_again_and_closes_the_reports(
    make_entry, moderator, client_for, client
):
    # given
    entry = _hidden_after_reports(make_entry)
    # when
    _decide(client_for(moderator), entry, "keep")
    # then
    assert _is_public(client, entry)
    assert set(Report.objects.values_list("decision", "decided_by")) == {("keep", moderator.pk)}
    assert AuditEvent.objects.filter(action="entry.keep", actor=moderator).get().data == {
        "reports_closed": 3
    }


def test_hiding_keeps_it_off_the_public_pages_and_tells_the_creators_why(
    make_entry, moderator, creator, client_for, client
):
    # given
    entry = _hidden_after_reports(make_entry)
    # when
    _decide(client_for(moderator), entry, "hide", "The song is not yours to use.")
    # then
    entry.refresh_from_db()
    assert not _is_public(client, entry)
    assert entry.state == EntryState.APPROVED
    page = client_for(creator).get(entry.get_absolute_url()).content.decode()
    assert "The song is not yours to use." in page
    assert Report.objects.filter(decided_at=None).count() == 0
    assert AuditEvent.objects.filter(action="entry.hide").get().reason == (
        "The song is not yours to use."
    )


def test_removing_sends_the_entry_back_to_its_creators(make_entry, moderator, client_for):
    # given
    entry = _hidden_after_reports(make_entry)
    # when
    _decide(client_for(moderator), entry, "remove", "Your friend's face is visible.")
    # then
    entry.refresh_from_db()
    assert (entry.state, entry.moderation_reason, entry.hidden_at) == (
        EntryState.REJECTED,
        "Your friend's face is visible.",
        None,
    )
    assert AuditEvent.objects.filter(action="entry.remove").count() == 1


@pytest.mark.parametrize("decision", ["hide", "remove"])
def test_hiding_and_removing_need_a_reason(make_entry, moderator, client_for, decision):
    # given
    entry = _hidden_after_reports(make_entry)
    # when
    response = _decide(client_for(moderator), entry, decision, "")
    # then
    assert "Tell the creators why" in response.content.decode()
    assert Report.objects.filter(decided_at=None).count() == 3


def test_a_new_report_after_a_keep_decision_starts_counting_again(make_entry, client):
    # given
    entry = _hidden_after_reports(make_entry)
    services.decide_reports(entry=entry, by=ModeratorFactory(), decision="keep")
    # when
    services.report_entry(entry=entry, reason="spam", reporter=ParticipantFactory())
    # then
    assert _is_public(client, entry)


def test_reports_are_rate_limited_per_address(make_entry, client_for, settings):
    # given
    settings.MODERATION_REPORT_RATE_PER_IP = "2/h"
    entries = [make_entry(state="approved") for _ in range(3)]
    visitor = client_for()
    # when
    statuses = [_report(visitor, entry).status_code for entry in entries]
    # then
    assert statuses == [302, 302, 429]
    assert Report.objects.count() == 2


def test_reports_are_rate_limited_per_account_across_addresses(make_entry, settings):
    # given
    settings.MODERATION_REPORT_RATE_PER_ACCOUNT = "2/h"
    entries = [make_entry(state="approved") for _ in range(3)]
    account = ParticipantFactory()
    # when
    statuses = []
    for number, entry in enumerate(entries):
        client = Client(REMOTE_ADDR=f"198.51.100.{number}")
        client.force_login(account)
        statuses.append(_report(client, entry).status_code)
    # then
    assert statuses == [302, 302, 429]


def test_an_entry_a_moderator_hid_is_listed_until_a_moderator_keeps_it(
    make_entry, moderator, client_for, client
):
    # given
    entry = _hidden_after_reports(make_entry)
    moderator_client = client_for(moderator)
    _decide(moderator_client, entry, "hide", "Shows a classmate's face.")
    # when
    listed = moderator_client.get(reverse("moderation:queue")).context["hidden"]
    _decide(moderator_client, entry, "keep")
    # then
    assert list(listed) == [entry]
    assert _is_public(client, entry)
    assert list(moderator_client.get(reverse("moderation:queue")).context["hidden"]) == []


def test_reports_on_an_entry_withdrawn_meanwhile_leave_the_queue(
    make_entry, creator, moderator, client_for
):
    # given
    entry = _hidden_after_reports(make_entry)
    # when
    withdraw_entry(entry=entry, by=creator)
    # then
    response = client_for(moderator).get(reverse("moderation:queue"))
    assert (list(response.context["reported"]), list(response.context["hidden"])) == ([], [])


def test_a_moderator_cannot_decide_about_their_own_entry(make_entry, network):
    # given
    own = ModeratorFactory(provider_network=network)
    entry = make_entry(state="approved", creators=[own])
    # when / then
    with pytest.raises(PermissionDenied):
        services.decide_reports(entry=entry, by=own, decision="keep")


def test_moderators_see_on_the_entry_page_that_it_is_hidden(make_entry, moderator, client_for):
    # given
    entry = _hidden_after_reports(make_entry)
    # when
    page = client_for(moderator).get(entry.get_absolute_url()).content.decode()
    # then
    assert "Hidden from the public after reports: waiting for a moderator." in page
