"""The organiser's CSV downloads: entries, jury scores, public votes.

Each file is read back with the csv module, the way a spreadsheet would read it."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import (
    CategoryFactory,
    EntryFactory,
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
    voting_challenge,
)
from tests.voting.factories import CriterionFactory, JuryMemberFactory, RoundFactory
from voting import services as voting_services
from voting.models import Assignment, Vote
from voting.services.votes import cast_vote, invalidate_votes

pytestmark = pytest.mark.django_db


@pytest.fixture
def season(network, organiser):
    """A challenge in public voting: two approved entries (one by a team, one with a
    title that a spreadsheet would run as a formula), a draft, two criteria, one juror's
    submitted review and another's draft, three votes of which one was set aside."""
    challenge = voting_challenge(provider_network=network, slug="light-and-sound")
    physics = CategoryFactory(challenge=challenge, name="Physics")
    łucja, şule = ParticipantFactory(display_name="Łucja"), ParticipantFactory(display_name="Şule")
    team = EntryFactory(
        challenge=challenge,
        category=physics,
        state="approved",
        title="A cloud in a bottle",
        creators=[şule, łucja],
    )
    formula = EntryFactory(
        challenge=challenge, state="approved", title="=HYPERLINK(1)", creators=[łucja]
    )
    draft = EntryFactory(challenge=challenge, state="draft", title="Not finished", creators=[łucja])
    science = CriterionFactory(challenge=challenge, name="Science", weight=2, position=1)
    CriterionFactory(challenge=challenge, name="Story", weight=1, position=2)
    round_ = RoundFactory(panel__challenge=challenge, name="First round", reviews_per_entry=2)
    jurors = [JuryMemberFactory(panel=round_.panel).juror for _ in range(2)]
    jurors[0].display_name = "Řehoř"
    jurors[0].save()
    voting_services.assign_jurors(round=round_, by=organiser)
    criteria = list(challenge.criteria.order_by("position"))
    for juror, submit in zip(jurors, (True, False), strict=True):
        assignment = Assignment.objects.get(round=round_, juror=juror, entry=team)
        voting_services.save_review(
            juror=juror,
            assignment=assignment,
            scores={criteria[0].pk: 10, criteria[1].pk: 1} if submit else {science.pk: 5},
            comment="Clear and kind" if submit else "",
            submit=submit,
        )
    voters = [ParticipantFactory(display_name=f"Voter {n}") for n in range(3)]
    for voter in voters[:2]:
        cast_vote(voter=voter, entry_id=team.pk)
    cast_vote(voter=voters[2], entry_id=formula.pk)
    invalidate_votes(
        challenge=challenge,
        votes=Vote.objects.filter(voter=voters[1]),
        by=organiser,
        reason="Same device as another vote",
    )
    return challenge, team, formula, draft, voters


def _download(client, challenge, table):
    response = client.get(reverse("console:export", args=[challenge.slug, table]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{challenge.slug}-{table}.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets read it as UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_entries_file_lists_every_entry_with_its_state_and_team(client, organiser, season):
    challenge, team, formula, draft, _ = season
    client.force_login(organiser)
    rows = {row["Entry ID"]: row for row in _download(client, challenge, "entries")}
    assert set(rows) == {str(team.pk), str(formula.pk), str(draft.pk)}
    assert rows[str(team.pk)]["Creators"] == "Łucja; Şule"
    assert rows[str(team.pk)]["Category"] == "Physics"
    assert rows[str(team.pk)]["State"] == "Approved"
    assert rows[str(team.pk)]["Public link"].endswith(team.get_absolute_url())
    assert rows[str(draft.pk)]["State"] == "Draft"
    assert rows[str(draft.pk)]["Public link"] == ""  # a draft has no public page
    # A title typed by a stranger never runs as a formula in the organiser's spreadsheet.
    assert rows[str(formula.pk)]["Title"] == "'=HYPERLINK(1)"


def test_the_scores_file_has_each_submitted_review_per_criterion(client, organiser, season):
    challenge, *_ = season
    client.force_login(organiser)
    rows = _download(client, challenge, "scores")
    # Only the submitted review: a draft is not a score yet, and the tally ignores it.
    assert len(rows) == 1
    (row,) = rows
    assert row["Round"] == "First round" and row["Entry"] == "A cloud in a bottle"
    assert row["Juror"] == "Řehoř"
    assert row["Science (1 to 10)"] == "10" and row["Story (1 to 10)"] == "1"
    # (2 * 9/9 + 1 * 0/9) / 3 of full marks
    assert row["Share of full marks (%)"] == "66.7"
    assert row["Comment"] == "Clear and kind"


def test_the_votes_file_counts_votes_per_entry_and_names_no_voter(client, organiser, season):
    challenge, team, formula, _, voters = season
    client.force_login(organiser)
    rows = _download(client, challenge, "votes")
    assert [(row["Entry ID"], row["Votes counted"], row["Votes set aside"]) for row in rows] == [
        (str(team.pk), "1", "1"),
        (str(formula.pk), "1", "0"),
    ]
    text = client.get(reverse("console:export", args=[challenge.slug, "votes"])).content.decode()
    assert not any(voter.display_name in text or voter.email in text for voter in voters)


def test_the_files_are_for_the_challenges_organisers_only(client, season):
    challenge = season[0]
    client.force_login(OrganiserFactory(provider_network=ProviderNetworkFactory()))
    response = client.get(reverse("console:export", args=[challenge.slug, "entries"]))
    assert response.status_code == 403


def test_the_progress_page_offers_the_downloads(client, organiser, season):
    challenge = season[0]
    client.force_login(organiser)
    page = client.get(reverse("voting:organise", args=[challenge.slug])).content.decode()
    for table in ("entries", "scores", "votes"):
        assert reverse("console:export", args=[challenge.slug, table]) in page
