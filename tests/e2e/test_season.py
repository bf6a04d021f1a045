"""A whole award season through the product's own pages, with no /admin/ URL anywhere.

An organiser sets up a challenge with criteria and awards and invites jurors by email;
two participants form a team by invitation and enter; a moderator approves; a juror
scores; voters vote; the organiser closes voting, schedules and then publishes the
results; the homepage shows the winners and the certificate carries a non-Latin name.
The refusals come on the way: results while voting is open, a vote after the close.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import (
    EntryFactory,
    ModeratorFactory,
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
    UserFactory,
)
from tests.pdf import pdf_text
from tests.transcoding.factories import published_asset
from videoawards.challenges.models import Challenge, Entry
from voting import services as voting_services
from voting.models import Assignment, JuryMember, Vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INVITATION = re.compile(r"https?://[^/\s]+(/voting/jury/invitations/[A-Za-z0-9]+/)")
JUROR_EMAILS = ["ada@jury.example", "grace@jury.example", "linus@jury.example"]
TEAM_LEAD = "Łucja Dvořák-Şahin"
TEAM_MATE = "Åsa Žemaitė"


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def _no_admin(page: Page) -> None:
    assert "/admin/" not in page.url
    assert not page.locator("a[href*='/admin/']").count()


def _set_up_the_challenge(page: Page) -> None:
    now = timezone.now()
    page.goto("/")
    _nav(page, "Organise")
    page.get_by_role("link", name="New challenge").click()
    page.locator("#id_title").fill("Sound Science")
    page.locator("#id_brief").fill("Show how sound travels, in 90 seconds.")
    page.locator("#id_rules").fill("Your own footage and music you may use.")
    dates = {
        "entries_open_at": now - timedelta(days=1),
        "entries_close_at": now + timedelta(days=10),
        "voting_opens_at": now + timedelta(days=11),
        "voting_closes_at": now + timedelta(days=18),
        "results_at": now + timedelta(days=20),
    }
    for name, moment in dates.items():
        page.locator(f"#id_{name}").fill(_local(moment))
    page.locator("#id_on_schedule").uncheck()  # each step waits for the organiser
    page.locator("#id_awards-0-name").fill("Jury prize")
    page.locator("#id_awards-0-decided_by").select_option("jury")
    page.locator("#id_awards-1-name").fill("Audience award")
    page.locator("#id_awards-1-decided_by").select_option("public")
    for number, name in enumerate(["Science", "Storytelling", "Creativity"]):
        page.locator(f"#id_criteria-{number}-name").fill(name)
        page.locator(f"#id_criteria-{number}-description").fill(f"How good is the {name}?")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_text("Saved. This is how participants see it.")).to_be_visible()
    _no_admin(page)


def _take_step(page: Page, challenge: Challenge, step: str) -> None:
    page.goto(f"/organise/challenges/{challenge.slug}/phase/")
    page.get_by_role("button", name=step).click()
    expect(page.get_by_text(f"Done: {challenge.title} is now in")).to_be_visible()


def test_an_organiser_runs_a_season_to_winners_on_the_homepage(page, log_in, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # given: a network with its organiser and moderator, jurors-to-be, participants, voters
    network = ProviderNetworkFactory(name="Nordic STEM Clubs")
    organiser = OrganiserFactory(provider_network=network, display_name="Olga Organiser")
    moderator = ModeratorFactory(provider_network=network)
    for email in JUROR_EMAILS:
        UserFactory(email=email, birth_year=1980)
    lead = ParticipantFactory(display_name=TEAM_LEAD)
    mate = ParticipantFactory(display_name=TEAM_MATE)
    voters = [ParticipantFactory() for _ in range(2)]

    # the organiser sets the challenge up and opens entries
    log_in(organiser)
    _set_up_the_challenge(page)
    challenge = Challenge.objects.get(title="Sound Science")
    assert challenge.criteria.count() == 3 and challenge.awards.count() == 2
    _take_step(page, challenge, "Open entries")

    # ... and invites three jurors by email, who accept from the link in their mail
    page.goto(f"/organise/challenges/{challenge.slug}/jury/")
    page.get_by_label("Panel name").fill("Main jury")
    page.get_by_role("button", name="Make the panel").click()
    page.get_by_label("Invite jurors by email").fill("\n".join(JUROR_EMAILS))
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("3 invitations sent.")).to_be_visible()
    links = {
        message.to[0]: INVITATION.search(message.body).group(1)
        for message in mail.outbox
        if message.to[0] in JUROR_EMAILS
    }
    for email, link in links.items():
        log_in(UserFactory._meta.model.objects.get(email=email))
        page.goto(link)
        page.get_by_role("button", name="Accept and join the jury").click()
    assert JuryMember.objects.filter(panel__challenge=challenge).count() == 3

    # two participants form a team by invitation and enter
    log_in(lead)
    page.goto(f"/challenges/{challenge.slug}/")
    page.get_by_role("link", name="Enter this challenge").click()
    page.get_by_label("Title").fill("Singing glasses")
    page.get_by_label("Description").fill("Wet fingers, wine glasses and standing waves.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_label("Email or display name of your team mate").fill(mate.email)
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text(f"{TEAM_MATE} · invited, waiting for an answer")).to_be_visible()
    log_in(mate)
    page.goto("/")
    _nav(page, "My entries")
    page.get_by_role("link", name=re.compile("team invitation waiting")).click()
    page.get_by_role("button", name="Accept and join the team").click()
    team_entry = Entry.objects.get(title="Singing glasses")
    assert set(team_entry.creators.all()) == {lead, mate}
    # the upload and preparing of a video has its own browser tests (test_transcoding)
    team_entry.media_asset = published_asset(owner=lead)
    team_entry.save(update_fields=["media_asset"])
    log_in(lead)
    page.goto(team_entry.get_absolute_url())
    page.get_by_role("button", name="Submit for the challenge").click()
    expect(page.get_by_role("status").first).to_be_visible()
    rival = EntryFactory(
        challenge=challenge,
        title="Rice that dances",
        state="submitted",
        submitted_at=timezone.now(),
        media_asset=published_asset(),
    )

    # a moderator approves both
    log_in(moderator)
    page.goto("/")
    _nav(page, "Moderation")
    for _title in ("Singing glasses", "Rice that dances"):
        page.get_by_role("button", name="Approve").first.click()
    team_entry.refresh_from_db()
    rival.refresh_from_db()
    assert (team_entry.state, rival.state) == ("approved", "approved")

    # the organiser closes entries, makes a round and assigns the jurors
    log_in(organiser)
    _take_step(page, challenge, "Close entries and start judging")
    page.goto(f"/organise/challenges/{challenge.slug}/jury/")
    page.get_by_label("Opens at").fill(_local(timezone.now() - timedelta(hours=1)))
    page.get_by_label("Closes at").fill(_local(timezone.now() + timedelta(days=5)))
    page.get_by_label("Reviews per entry").fill("1")
    page.get_by_role("button", name="Add the round").click()
    page.get_by_role("button", name="Assign jurors and open the round").click()
    assert Assignment.objects.filter(round__challenge=challenge).count() == 2

    # a juror scores the team's entry; the other review comes in through the same service
    assignment = Assignment.objects.get(entry=team_entry)
    log_in(assignment.juror)
    page.goto("/")
    _nav(page, "Jury")
    page.get_by_role("link", name="Sound Science: First round").click()
    page.get_by_role("link", name="Singing glasses").click()
    for name, value in (("Science", "9"), ("Storytelling", "8"), ("Creativity", "9")):
        page.get_by_label(name).fill(value)
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Review submitted. Thank you!")).to_be_visible()
    other = Assignment.objects.get(entry=rival)
    voting_services.save_review(
        juror=other.juror,
        assignment=other,
        scores={criterion.pk: 5 for criterion in challenge.criteria.all()},
        comment="",
        submit=True,
    )

    # the organiser closes the round and opens public voting
    log_in(organiser)
    page.goto(f"/voting/{challenge.slug}/organise/")
    page.get_by_role("button", name="Close the round").click()
    _take_step(page, challenge, "Open public voting")
    # refused: results that count votes while people are still voting
    page.goto(f"/voting/{challenge.slug}/organise/")
    page.get_by_role("button", name="Compute results").click()
    expect(page.get_by_text("Public voting is still open.")).to_be_visible()

    # voters vote on the vote page
    for voter in voters:
        log_in(voter)
        page.goto(f"/voting/{challenge.slug}/vote/")
        page.get_by_role("button", name="Vote for “Singing glasses”").click()
        expect(page.get_by_text("Thank you for voting!")).to_be_visible()
    assert Vote.objects.filter(entry=team_entry).count() == 2

    # the organiser closes voting; a vote after that is refused
    log_in(organiser)
    _take_step(page, challenge, "Close public voting")
    log_in(voters[0])
    page.goto(f"/voting/{challenge.slug}/vote/")
    expect(page.get_by_role("button", name="Vote for “Rice that dances”")).to_have_count(0)
    late = page.evaluate(
        """async (url) => (await fetch(url, {method: "POST", headers: {"X-CSRFToken":
            document.querySelector("[name=csrfmiddlewaretoken]").value}})).status""",
        f"/api/v1/entries/{rival.pk}/vote/",
    )
    assert late >= 400
    assert not Vote.objects.filter(entry=rival).exists()

    # the organiser computes the results, schedules them, then publishes at once
    log_in(organiser)
    page.goto(f"/voting/{challenge.slug}/organise/")
    page.get_by_role("button", name="Compute results").click()
    expect(page.get_by_role("heading", name="Results to review")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Publish on ")).click()
    expect(page.get_by_text("Scheduled. The results come out on")).to_be_visible()
    page.get_by_role("button", name="Publish these results now").click()
    expect(page.get_by_text("Results published.")).to_be_visible()
    _no_admin(page)

    # the homepage shows the winners; the certificate names the team, in its own letters
    page.goto("/")
    winners = page.locator("#featured-heading + ul")
    expect(winners.get_by_role("link", name="Singing glasses").first).to_be_visible()
    expect(winners.get_by_text("Jury prize")).to_be_visible()
    page.goto(f"/voting/{challenge.slug}/results/")
    page.get_by_role("link", name="Singing glasses").first.click()  # its winner page
    certificate = page.get_by_role("link", name="Certificate (PDF)").get_attribute("href")
    answer = page.request.get(certificate)
    assert answer.headers["content-type"] == "application/pdf"
    text = pdf_text(answer.body())
    assert TEAM_LEAD in text and TEAM_MATE in text
    assert "Nordic STEM Clubs" in text
