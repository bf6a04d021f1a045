import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.factories import PASSWORD, ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_sign_up_confirm_email_and_land_logged_in(page, live_server, mailoutbox, settings):
    # given
    settings.SITE_URL = live_server.url
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    # when
    page.get_by_label(re.compile(r"^Email:?$")).fill("comet@example.org")
    page.get_by_label("Display name").fill("Comet Kid")
    page.get_by_label("Year you were born").select_option("2011")  # 14 or 15: Austria asks under 14
    page.get_by_label("Country").select_option("AT")
    page.get_by_label(re.compile(r"^Password:?$")).fill("glowing-jellyfish-42")
    page.get_by_label("Password again").fill("glowing-jellyfish-42")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    link = re.search(r"http\S+/accounts/verify/\S+", mailoutbox[0].body).group(0)
    page.goto(link)
    # then
    expect(page.get_by_text("Your email is confirmed.")).to_be_visible()
    expect(page.get_by_role("link", name="Comet Kid")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_log_in_with_email_and_log_out(page):
    # given
    ParticipantFactory(email="ada@example.org", display_name="Ada Sparks")
    page.goto("/accounts/login/")
    # when
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    logged_in = page.get_by_role("link", name="Ada Sparks")
    expect(logged_in).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    # then
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
