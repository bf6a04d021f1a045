"""Browser paths of youth safety: a 13-year-old's guardian agrees by the emailed link
before the entry can go in, and a participant deletes their account and videos."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, ChallengeFactory, EntryFactory, ParticipantFactory
from transcoding import storage
from transcoding.models import MediaAsset
from videoawards.accounts.models import User
from videoawards.celery import app as celery_app
from videoawards.challenges.models import Entry, EntryState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def eager_tasks():
    """The erasure task queued on commit runs at once inside the live server."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def _link(message) -> str:
    return re.search(r"http\S+", message.body).group(0)


def _ready_video(owner) -> MediaAsset:
    """A video the pipeline has finished: source, two renditions and a poster in storage."""
    asset = MediaAsset.objects.create(owner=owner, status=MediaAsset.Status.READY)
    asset.source_key = f"uploads/{asset.pk}/source"
    asset.save(update_fields=["source_key"])
    storage.save_bytes(asset.source_key, b"source video", content_type="video/mp4")
    for name in ("master.m3u8", "360p/index.m3u8", "720p/index.m3u8", "poster.jpg"):
        storage.save_bytes(asset.output_prefix() + name, b"x", content_type="text/plain")
    return asset


def test_thirteen_year_old_needs_a_guardian_who_agrees_by_the_emailed_link(
    page, browser, live_server, mailoutbox, settings
):
    # given: a 13-year-old in Germany, where the age of digital consent is 16
    settings.SITE_URL = live_server.url
    challenge = ChallengeFactory(title="Sound You Can See")
    page.goto("/accounts/signup/")
    page.get_by_label(re.compile(r"^Email:?$")).fill("nova@example.org")
    page.get_by_label("Display name").fill("Nova Spark")
    page.get_by_label("Year you were born").select_option(str(date.today().year - 13))
    page.get_by_label("Country").select_option("DE")
    page.get_by_label(re.compile(r"^Password:?$")).fill("glowing-jellyfish-42")
    page.get_by_label("Password again").fill("glowing-jellyfish-42")
    page.get_by_role("button", name="Create my account").click()
    # then: a guardian's email is needed
    expect(page.get_by_text("Please type the email of a parent or guardian.")).to_be_visible()
    # when
    page.get_by_label("Email of a parent or guardian").fill("mum@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill("glowing-jellyfish-42")
    page.get_by_label("Password again").fill("glowing-jellyfish-42")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(_link(mailoutbox[0]))
    # then: they are in, and told a guardian needs to agree
    expect(page.get_by_text("We emailed your parent or guardian.")).to_be_visible()
    nova = User.objects.get(email="nova@example.org")
    entry = EntryFactory(challenge=challenge, creators=[nova], media_asset=_ready_video(nova))
    page.goto(entry.get_absolute_url())
    page.get_by_role("button", name="Submit for the challenge").click()
    expect(page.get_by_text("Still waiting for: Nova Spark.")).to_be_visible()
    page.goto("/accounts/profile/")
    expect(page.get_by_text("We emailed mum@example.org")).to_be_visible()

    # when: the guardian opens the emailed link in their own browser, without an account
    guardian_mail = mailoutbox[-1]
    assert guardian_mail.to == ["mum@example.org"]
    guardian_context = browser.new_context(base_url=live_server.url)
    guardian = guardian_context.new_page()
    guardian.goto(_link(guardian_mail))
    expect(guardian.get_by_text("“Nova Spark” (born in")).to_be_visible()
    expect(guardian.get_by_text("You can withdraw your consent at any time")).to_be_visible()
    guardian.get_by_role("button", name="Yes, I agree").click()
    expect(guardian.get_by_text("Nova Spark can now take part.")).to_be_visible()
    guardian_context.close()

    # then: the participant can submit
    page.goto(entry.get_absolute_url())
    page.get_by_role("button", name="Submit for the challenge").click()
    expect(page.get_by_text("Done: your entry is now")).to_be_visible()
    assert Entry.objects.get(pk=entry.pk).state == EntryState.SUBMITTED
    assert "/accounts/guardian/manage/" in mailoutbox[-1].body


def test_signup_shows_the_guardian_field_only_below_the_consent_age(page):
    # given
    csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and csp_violations.append(message.text)
        ),
    )
    page.goto("/accounts/signup/")
    guardian_field = page.get_by_label("Email of a parent or guardian")
    page.get_by_label("Country").select_option("SE")  # consent age 13
    # when
    page.get_by_label("Year you were born").select_option(str(date.today().year - 15))
    # then
    expect(guardian_field).to_be_hidden()
    # when
    page.get_by_label("Country").select_option("DE")  # consent age 16
    # then
    expect(guardian_field).to_be_visible()
    assert csp_violations == []


def test_participant_deletes_their_account_and_nothing_is_left_in_storage(
    page, log_in, eager_tasks, list_storage_keys
):
    # given
    user = ParticipantFactory(display_name="Quark Quinn")
    asset = _ready_video(user)
    EntryFactory(challenge=ChallengeFactory(), creators=[user], media_asset=asset)
    assert len(list_storage_keys(f"media/{asset.pk}")) == 4
    log_in(user)
    page.goto("/accounts/profile/")
    # when
    page.get_by_role("link", name="Delete your account").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account for good").click()
    # then
    expect(page.get_by_text("Your account and your videos are deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert not User.objects.filter(pk=user.pk).exists()
    assert list_storage_keys(f"media/{asset.pk}") == []
    assert list_storage_keys("uploads") == []
