"""A workshop with one place left: the first person gets it, the second waits, then moves up."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.factories import ParticipantFactory, RegistrationFactory, WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _switch_to(context, log_in, user) -> None:
    context.clear_cookies()
    log_in(user)


def test_last_place_waitlist_and_promotion_after_a_cancellation(page, context, log_in, mailoutbox):
    # given: two places, one already taken
    workshop = WorkshopFactory(title="Film your first experiment", city="Hamburg", capacity=2)
    RegistrationFactory(workshop=workshop)
    pia = ParticipantFactory(display_name="Pixel Pia")
    quinn = ParticipantFactory(display_name="Quark Quinn")

    # when: Pia takes the last place
    log_in(pia)
    page.goto("/workshops/")
    page.get_by_role("link", name="Film your first experiment").click()
    expect(page.locator("#places")).to_contain_text("1 place left")
    page.get_by_role("button", name="Sign up").click()
    # then
    expect(page.get_by_text("You have a place. See you at the workshop!")).to_be_visible()
    expect(page.locator("#my-status")).to_have_text("Confirmed")

    # when: Quinn finds the workshop full and joins the waitlist
    _switch_to(context, log_in, quinn)
    page.goto(workshop.get_absolute_url())
    expect(page.locator("#places")).to_contain_text("0 places left")
    page.get_by_role("button", name="Join the waitlist").click()
    # then
    expect(page.get_by_text("you are on the waitlist: number 1")).to_be_visible()
    expect(page.locator("#my-status")).to_have_text("On the waitlist: number 1")

    # when: Pia cancels from her workshops page
    _switch_to(context, log_in, pia)
    page.goto("/accounts/profile/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My workshops").click()
    page.once("dialog", lambda dialog: dialog.accept())  # "Give up your place?"
    page.get_by_role("button", name="Cancel my registration for Film your first experiment").click()
    # then
    expect(
        page.get_by_text("Your registration for “Film your first experiment” is cancelled.")
    ).to_be_visible()
    expect(page.locator(f'li[data-workshop="{workshop.slug}"]')).to_contain_text("Cancelled")

    # when: Quinn looks at their workshops
    _switch_to(context, log_in, quinn)
    page.goto("/workshops/mine/")
    # then: promoted, and told by email
    row = page.locator(f'li[data-workshop="{workshop.slug}"]')
    expect(row).to_contain_text("Confirmed")
    expect(
        row.get_by_role("button", name="Cancel my registration for Film your first experiment")
    ).to_be_visible()
    assert [m.to for m in mailoutbox] == [[quinn.email]]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone
