import pytest
from playwright.sync_api import expect

from tests.factories import ChallengeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_homepage_lists_open_challenge_on_a_phone(page):
    # given
    ChallengeFactory(title="Chemistry of Cooking")
    # when
    page.goto("/")
    # then
    expect(page.get_by_role("heading", name="Open challenges")).to_be_visible()
    expect(page.get_by_role("link", name="Chemistry of Cooking")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling on a phone
