"""Moderation in a browser: an entry is approved into public view, reports hide it again,
and a rejected participant reads the reason and resubmits. No page may break the CSP."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.factories import (
    ChallengeFactory,
    EntryFactory,
    ModeratorFactory,
    OrganiserFactory,
    ParticipantFactory,
    SeasonedParticipantFactory,
)
from tests.transcoding.factories import published_asset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_as(browser, live_server):
    """A new phone-sized browser page, logged in as `user` (or a visitor for None).

    Each page records Content-Security-Policy violations in `page.csp_violations`.
    """
    from django.conf import settings
    from django.test import Client

    contexts = []

    def _open(user=None, address=None):
        # `address`: the visitor's address as the reverse proxy reports it (the test
        # sets VIDEOAWARDS_TRUSTED_PROXY_COUNT), so people can be in different places.
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-GB",
            viewport={"width": 390, "height": 844},
            extra_http_headers={"X-Forwarded-For": address} if address else None,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": cookie.value,
                        "url": live_server.url,
                    }
                ]
            )
        page = context.new_page()
        page.csp_violations = []
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and page.csp_violations.append(message.text)
            ),
        )
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def setting_up(settings):
    settings.RATELIMIT_ENABLE = True
    cache.clear()


@pytest.fixture
def entry(setting_up):
    challenge = ChallengeFactory(title="Sound You Can See")
    creator = ParticipantFactory(display_name="Nova")
    return EntryFactory(
        challenge=challenge,
        title="Chladni figures with salt",
        state="submitted",
        media_asset=published_asset(owner=creator),
        creators=[creator],
    )


def test_entry_is_approved_into_public_view_then_hidden_when_reports_reach_the_threshold(
    open_as, entry, settings
):
    # given
    settings.MODERATION_REPORTS_TO_HIDE = 3
    settings.VIDEOAWARDS_TRUSTED_PROXY_COUNT = 1  # the live server is behind "a proxy"
    moderator = ModeratorFactory(provider_network=entry.challenge.provider_network)
    visitor = open_as(None)
    visitor.goto(entry.challenge.get_absolute_url())
    expect(visitor.get_by_role("link", name="Chladni figures with salt")).to_have_count(0)

    # when: the moderator approves it from the queue
    queue = open_as(moderator)
    queue.goto("/")
    queue.get_by_role("link", name="Moderation").click()
    item = queue.locator("li[data-entry]", has_text="Chladni figures with salt")
    expect(item.locator("video[data-hls-player]")).to_have_count(1)
    item.get_by_role("button", name="Approve").click()
    expect(queue.get_by_text("is approved and public now")).to_be_visible()

    # then: visitors see it
    visitor.reload()
    visitor.get_by_role("link", name="Chladni figures with salt").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Chladni figures with salt")

    # when: three different people report it, with accounts some weeks old, from three
    # networks (reports from one network, or from brand-new accounts, count as one)
    for address in ("192.0.2.10", "198.51.100.20", "203.0.113.30"):
        reporter = open_as(SeasonedParticipantFactory(), address=address)
        reporter.goto(entry.get_absolute_url())
        reporter.get_by_role("link", name="Report this video").click()
        reporter.get_by_label("Uses someone else's work without permission").check()
        reporter.get_by_label("Tell us more (optional)").fill("The music is from a film.")
        reporter.get_by_role("button", name="Send report").click()
        expect(reporter.get_by_text("Thank you for telling us.")).to_be_visible()

    # then: it is gone from the public pages and waits in the queue, hidden
    visitor.goto(entry.challenge.get_absolute_url())
    expect(visitor.get_by_role("link", name="Chladni figures with salt")).to_have_count(0)
    assert visitor.goto(entry.get_absolute_url()).status == 404
    queue.reload()
    reported = queue.locator("section", has=queue.get_by_role("heading", name="Reported"))
    expect(reported).to_contain_text("Chladni figures with salt")
    expect(reported).to_contain_text("Hidden from the public until you decide.")
    expect(reported).to_contain_text("3 open reports")
    assert queue.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone
    assert queue.csp_violations == [] and visitor.csp_violations == []


def test_participant_reads_the_rejection_reason_and_submits_again(open_as, entry):
    # given
    moderator = ModeratorFactory(provider_network=entry.challenge.provider_network)
    queue = open_as(moderator)
    queue.goto("/moderation/")
    item = queue.locator("li[data-entry]", has_text="Chladni figures with salt")

    # when: the moderator rejects it with a reason
    item.get_by_label("What should the creators change?").fill(
        "Your school's name is readable at 0:12. Please blur it."
    )
    item.get_by_role("button", name="Reject with this reason").click()
    expect(queue.get_by_text("went back to its creators")).to_be_visible()

    # then: the participant sees why and sends it again
    creator = open_as(entry.creators.get())
    creator.goto(entry.get_absolute_url())
    expect(
        creator.get_by_text("Your school's name is readable at 0:12. Please blur it.")
    ).to_be_visible()
    expect(creator.locator(".badge")).to_have_text("Needs changes")
    creator.get_by_role("button", name="Submit again").click()
    expect(creator.locator(".badge")).to_have_text("Submitted, waiting for moderation")
    queue.reload()
    expect(queue.locator("li[data-entry]", has_text="Chladni figures with salt")).to_have_count(1)
    assert creator.csp_violations == [] and queue.csp_violations == []


def test_admin_audit_log_and_uploader_pages_break_no_content_security_policy(open_as, entry):
    # given
    organiser = OrganiserFactory(provider_network=None)
    entry.state = "draft"
    entry.save(update_fields=["state"])
    organiser_page = open_as(organiser)
    creator_page = open_as(entry.creators.get())
    # when
    for path in (
        "/admin/",
        "/admin/moderation/auditevent/",
        f"/admin/accounts/user/{organiser.pk}/change/",
        "/moderation/audit/",
    ):
        organiser_page.goto(path)
        organiser_page.wait_for_load_state("load")
    creator_page.goto(entry.get_absolute_url())
    expect(creator_page.locator("[data-uploader], input[type=file]").first).to_be_attached()
    # then
    assert organiser_page.csp_violations == []
    assert creator_page.csp_violations == []


def test_moderator_sees_highlighted_personal_details_and_sends_the_entry_back(open_as, entry):
    # given: the description gives away a phone number and a school
    entry.description = "Filmed at the Goethe-Gymnasium. Questions? Call 0170 1234567."
    entry.save(update_fields=["description"])
    moderator = ModeratorFactory(provider_network=entry.challenge.provider_network)
    queue = open_as(moderator)
    queue.goto("/moderation/")
    item = queue.locator("li[data-entry]", has_text="Chladni figures with salt")

    # then: the findings are highlighted and approving waits for the tick
    expect(item.locator("mark[data-kind=phone]")).to_have_text("0170 1234567")
    expect(item.locator("mark[data-kind=school]")).to_have_text("Goethe-Gymnasium")
    expect(item.get_by_label("I checked: nothing here identifies a child.")).not_to_be_checked()

    # when: the moderator sends it back with the prepared note
    item.get_by_text("What the creators will read").click()
    expect(
        item.get_by_text("In the description: the name of a school, a phone number")
    ).to_be_visible()
    item.get_by_label("Anything to add? (optional)").fill("The experiment itself is great!")
    item.get_by_role("button", name="Send back: ask them to take out personal details").click()
    expect(queue.get_by_text("went back to its creators with a note")).to_be_visible()

    # then: the creator reads which field to change, and how
    creator = open_as(entry.creators.get())
    creator.goto(entry.get_absolute_url())
    expect(creator.locator(".badge")).to_have_text("Needs changes")
    note = creator.get_by_role("status").filter(has_text="What to change:")
    expect(note).to_contain_text("In the description: the name of a school, a phone number.")
    expect(note).to_contain_text("The experiment itself is great!")
    expect(creator.get_by_role("link", name="Edit title and description")).to_be_visible()
    assert queue.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone
    assert queue.csp_violations == [] and creator.csp_violations == []
