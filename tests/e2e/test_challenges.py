import pytest
from playwright.sync_api import expect

from tests.factories import CategoryFactory, ChallengeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_browses_from_homepage_to_a_challenge_timeline_and_rules(page):
    # given
    challenge = ChallengeFactory(
        title="Sound You Can See", rules="Film it yourself. No copyrighted music."
    )
    CategoryFactory(challenge=challenge, name="Ages 16-19")
    page.goto("/")
    # when
    page.get_by_role("link", name="Sound You Can See").click()
    # then
    expect(page.get_by_role("heading", level=1)).to_have_text("Sound You Can See")
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    current = page.locator('.timeline li[aria-current="step"]')
    expect(current).to_have_count(1)
    expect(current).to_contain_text("Entries open")
    expect(page.get_by_role("heading", name="Rules")).to_be_visible()
    expect(page.get_by_text("No copyrighted music.")).to_be_visible()
    expect(page.get_by_text("Ages 16-19")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone


def test_language_switcher_turns_the_page_german(page):
    # given
    challenge = ChallengeFactory(title="Sound You Can See")
    page.goto(challenge.get_absolute_url())
    # when
    with page.expect_navigation():
        page.get_by_label("Language").select_option("de")
    # then
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sound You Can See")
    nav = page.get_by_role("navigation", name="Hauptmenü")
    expect(nav.get_by_role("link", name="Wettbewerbe")).to_be_visible()
    expect(page.get_by_role("heading", name="Regeln")).to_be_visible()
    # and on to Swedish, remembered for the next page
    with page.expect_navigation():
        page.get_by_label("Sprache").select_option("sv")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("link", name="Tävlingar").first).to_be_visible()
