"""Browser tests: a juror scores, a participant votes, an organiser publishes results."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import (
    AwardFactory,
    ChallengeFactory,
    EntryFactory,
    OrganiserFactory,
    ParticipantFactory,
)
from tests.voting.factories import (
    CriterionFactory,
    JuryMemberFactory,
    JuryPanelFactory,
    RoundFactory,
)
from videoawards.badges.models import Assertion, BadgeKind
from voting import services
from voting.models import Assignment, Review, Vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def judging_challenge(**kwargs):
    now = timezone.now()
    return ChallengeFactory(
        title="Light and Sound",
        slug="light-and-sound",
        entries_open_at=now - timedelta(days=31),
        entries_close_at=now - timedelta(days=1),
        voting_opens_at=now - timedelta(hours=1),
        voting_closes_at=now + timedelta(days=7),
        results_at=now + timedelta(days=8),
        **kwargs,
    )


def jury_setup(entry_titles):
    challenge = judging_challenge()
    science = CriterionFactory(challenge=challenge, name="Science", weight=2)
    story = CriterionFactory(challenge=challenge, name="Storytelling")
    panel = JuryPanelFactory(challenge=challenge)
    juror = JuryMemberFactory(panel=panel, juror__display_name="Judge Ada").juror
    entries = [
        EntryFactory(
            challenge=challenge, title=title, state="approved", submitted_at=timezone.now()
        )
        for title in entry_titles
    ]
    round_ = RoundFactory(panel=panel, name="First round", reviews_per_entry=1)
    organiser = OrganiserFactory()
    services.assign_jurors(round=round_, by=organiser)
    return challenge, (science, story), juror, entries, round_, organiser


def test_juror_scores_an_assigned_entry_with_a_draft_then_submits(page, log_in):
    # given
    _challenge, _criteria, juror, _entries, _round, _ = jury_setup(["Rainbows in a glass"])
    log_in(juror)
    page.goto("/voting/jury/")
    # when: the juror opens the entry and saves a draft
    page.get_by_role("link", name="Light and Sound: First round").click()
    page.get_by_role("link", name="Rainbows in a glass").click()
    page.get_by_label("Science").fill("8")
    page.get_by_label("Comment for the organisers").fill("Clear experiment.")
    page.get_by_role("button", name="Save draft").click()
    # then
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.get_by_label("Science")).to_have_value("8")
    # when: submitting without the second score, then with it
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Give a score before you submit.")).to_be_visible()
    page.get_by_label("Storytelling").fill("6")
    page.get_by_role("button", name="Submit review").click()
    # then
    expect(page.get_by_text("Review submitted. Thank you!")).to_be_visible()
    expect(page.locator("[data-review-state]")).to_have_text("Submitted")
    review = Review.objects.get(assignment__juror=juror)
    assert review.submitted_at is not None
    assert sorted(review.scores.values_list("value", flat=True)) == [6, 8]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone


def test_verified_participant_votes_and_takes_the_vote_back(page, log_in):
    # given
    challenge = judging_challenge()
    entry = EntryFactory(challenge=challenge, title="Sound you can see", state="approved")
    voter = ParticipantFactory()
    log_in(voter)
    page.goto(f"/voting/{challenge.slug}/vote/")
    page.evaluate("window.samePage = true")
    # when
    page.get_by_role("button", name="Vote for “Sound you can see”").click()
    # then: the script voted through the API, without reloading the page
    expect(page.get_by_text("Thank you for voting!")).to_be_visible()
    expect(page.get_by_role("button", name="Voted ✓ (take back)")).to_be_visible()
    assert page.evaluate("window.samePage") is True
    assert Vote.objects.filter(voter=voter, entry=entry).count() == 1
    # when
    page.get_by_role("button", name="Voted ✓ (take back)").click()
    # then
    expect(page.get_by_text("Vote taken back.")).to_be_visible()
    assert not Vote.objects.filter(voter=voter).exists()


def test_organiser_publishes_results_which_appear_on_the_homepage_with_badges(page, log_in):
    # given: a judged round where "Bubbles" scored best
    challenge, criteria, juror, entries, round_, organiser = jury_setup(["Bubbles", "Magnets"])
    AwardFactory(challenge=challenge, name="Jury prize", decided_by="jury")
    for assignment in Assignment.objects.filter(round=round_):
        value = 9 if assignment.entry.title == "Bubbles" else 4
        services.save_review(
            juror=juror,
            assignment=assignment,
            scores={c.pk: value for c in criteria},
            comment="",
            submit=True,
        )
    services.close_round(round=round_, by=organiser)
    log_in(organiser)
    page.goto("/")
    # when: voting is closed from the console, then the results are worked out
    page.get_by_role("navigation").get_by_role("link", name="Organise").click()
    page.get_by_role("link", name="Next: Voting closed, results coming").click()
    page.get_by_role("button", name="Close public voting").click()
    expect(page.get_by_text("is now in “Voting closed, results coming”")).to_be_visible()
    page.get_by_role("link", name="Jury and results").click()
    page.get_by_role("button", name="Compute results").click()
    expect(page.get_by_role("heading", name="Results to review")).to_be_visible()
    page.get_by_role("button", name="Publish these results").click()
    # then
    expect(page.get_by_text("Results published.")).to_be_visible()
    page.goto("/")
    winners = page.locator("#featured-heading + ul")
    expect(winners.get_by_role("link", name="Bubbles")).to_be_visible()
    expect(winners.get_by_text("Jury prize")).to_be_visible()
    bubbles = entries[0]
    winner_badges = Assertion.objects.filter(recipient__in=bubbles.creators.all())
    assert set(winner_badges.values_list("badge_class__kind", flat=True)) == {
        BadgeKind.FINALIST,
        BadgeKind.WINNER,
    }
    assert Assertion.objects.filter(recipient=juror, badge_class__kind=BadgeKind.JUROR).exists()
