"""Results: a reproducible snapshot, the tally command, publishing, certificates."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import AwardFactory, ParticipantFactory
from tests.pdf import pdf_text
from videoawards.accounts.models import User
from videoawards.badges.models import Assertion, BadgeKind
from videoawards.challenges import services as challenge_services
from videoawards.challenges.models import EntryState, Feature, Phase
from videoawards.core.models import AuditEvent
from voting import services
from voting.certificates import certificate_pdf
from voting.models import Assignment, ResultPublication, Vote
from voting.services.results import RESULT_EMAILS_TASK

pytestmark = pytest.mark.django_db


@pytest.fixture
def judged(jury_round, organiser, entries, criteria):
    """Every review submitted: the later an entry was made, the better its scores."""
    services.assign_jurors(round=jury_round, by=organiser)
    for assignment in Assignment.objects.filter(round=jury_round).select_related("juror"):
        index = entries.index(assignment.entry)
        services.save_review(
            juror=assignment.juror,
            assignment=assignment,
            scores={c.pk: 1 + index for c in criteria},
            comment="",
            submit=True,
        )
    services.close_round(round=jury_round, by=organiser)
    return jury_round


@pytest.fixture
def awards(judging_challenge):
    return [
        AwardFactory(challenge=judging_challenge, name="Jury prize", decided_by="jury", position=1),
        AwardFactory(
            challenge=judging_challenge,
            name="Audience award",
            decided_by="public",
            jury_weight=0,
            position=2,
        ),
    ]


@pytest.fixture
def voting_closed(judging_challenge, organiser):
    """Results that count votes wait for the organiser to close public voting."""

    def close():
        challenge_services.advance_phase(
            challenge=judging_challenge, to=Phase.VOTING_CLOSED, by=organiser
        )
        judging_challenge.refresh_from_db()

    return close


@pytest.fixture
def votes(entries):
    """entries[0] gets 3 votes, entries[1] gets 1."""
    for _ in range(3):
        services.cast_vote(voter=ParticipantFactory(), entry_id=entries[0].pk)
    services.cast_vote(voter=ParticipantFactory(), entry_id=entries[1].pk)


def test_results_rank_each_award_by_its_method(
    voting_closed, judged, awards, votes, judging_challenge, organiser, entries
):
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    jury, public = snapshot.data["awards"]
    assert jury["winner"] == entries[5].pk
    assert jury["finalists"] == [entries[5].pk, entries[4].pk, entries[3].pk]
    assert public["winner"] == entries[0].pk
    assert public["finalists"] == [entries[0].pk, entries[1].pk]  # nobody voted for the rest


def test_recomputing_the_same_inputs_gives_the_same_hash(
    voting_closed, judged, awards, votes, judging_challenge, organiser
):
    voting_closed()
    first = services.compute_results(challenge=judging_challenge, by=organiser)
    second = services.compute_results(challenge=judging_challenge, by=organiser)
    assert first.input_hash == second.input_hash
    assert first.data == second.data


def test_an_invalidated_vote_changes_the_hash(
    voting_closed, judged, awards, votes, judging_challenge, organiser, entries
):
    voting_closed()
    before = services.compute_results(challenge=judging_challenge, by=organiser)
    services.invalidate_votes(
        challenge=judging_challenge,
        votes=Vote.objects.filter(entry=entries[1]),
        by=organiser,
        reason="One family, many accounts",
    )
    after = services.compute_results(challenge=judging_challenge, by=organiser)
    assert before.input_hash != after.input_hash


def test_tally_command_prints_the_snapshot_as_one_json_line(
    voting_closed, judged, awards, votes, judging_challenge, organiser
):
    # given
    voting_closed()
    stored = services.compute_results(challenge=judging_challenge, by=organiser)
    out = StringIO()
    # when
    call_command("tally", judging_challenge.slug, "--json", stdout=out)
    # then
    last_line = out.getvalue().strip().splitlines()[-1]
    printed = json.loads(last_line)
    assert printed["input_hash"] == stored.input_hash
    assert printed == stored.data


def test_publishing_marks_winners_features_them_and_issues_badges(
    voting_closed,
    judged,
    awards,
    votes,
    judging_challenge,
    organiser,
    entries,
    jurors,
    django_capture_on_commit_callbacks,
):
    # given
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_results(snapshot=snapshot, by=organiser)
    # then: winners and finalists
    for entry in entries:
        entry.refresh_from_db()
    assert entries[5].state == EntryState.WINNER
    assert entries[0].state == EntryState.WINNER
    assert entries[4].state == EntryState.FINALIST
    assert entries[2].state == EntryState.APPROVED
    # the winners are on the homepage
    featured = set(Feature.objects.values_list("award__name", "entry_id"))
    assert featured == {("Jury prize", entries[5].pk), ("Audience award", entries[0].pk)}
    # badges: winners, finalists, jurors
    winner_creator = entries[5].creators.get()
    kinds = set(
        Assertion.objects.filter(recipient=winner_creator).values_list(
            "badge_class__kind", flat=True
        )
    )
    assert kinds == {BadgeKind.FINALIST, BadgeKind.WINNER}
    assert Assertion.objects.filter(badge_class__kind=BadgeKind.JUROR).count() == len(jurors)
    # every participant got an email
    assert len(mail.outbox) == len(entries)
    to_winner = next(m for m in mail.outbox if m.to == [winner_creator.email])
    assert "won an award" in to_winner.body


def test_each_participant_hears_of_the_results_in_their_own_language(
    voting_closed,
    judged,
    awards,
    votes,
    judging_challenge,
    organiser,
    entries,
    django_capture_on_commit_callbacks,
):
    # given: the winner reads German, a finalist Swedish, everyone else never chose
    winner, finalist = entries[5].creators.get(), entries[4].creators.get()
    User.objects.filter(pk=winner.pk).update(preferred_language="de")
    User.objects.filter(pk=finalist.pk).update(preferred_language="sv")
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    # when
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.publish_results(snapshot=snapshot, by=organiser)
    # then
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address[winner.email].subject.startswith("Ergebnisse von")
    assert "Herzlichen Glückwunsch" in by_address[winner.email].body
    assert by_address[finalist.email].subject.startswith("Resultat för")
    others = [
        m for address, m in by_address.items() if address not in {winner.email, finalist.email}
    ]
    assert others and all(m.subject.startswith("Results of") for m in others)


def test_publishing_shows_the_results_and_winners_to_visitors_at_once(
    voting_closed, judged, awards, votes, judging_challenge, organiser, entries, client
):
    # given: a visitor's cached results page (not out yet) and homepage
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    results_url = reverse("voting:results", args=[judging_challenge.slug])
    for url in (results_url, "/"):
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"
    # when
    services.publish_results(snapshot=snapshot, by=organiser)
    # then
    results, home = client.get(results_url), client.get("/")
    assert (results["X-Page-Cache"], home["X-Page-Cache"]) == ("miss", "miss")
    assert entries[5].title in results.content.decode()
    assert entries[5].title in home.content.decode()


@pytest.mark.queued_mail
def test_publishing_leaves_every_mail_to_the_worker(
    voting_closed,
    judged,
    awards,
    votes,
    judging_challenge,
    organiser,
    entries,
    django_capture_on_commit_callbacks,
):
    # given
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    # when: published and committed, with the mail tasks on the broker (as in production)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.publish_results(snapshot=snapshot, by=organiser)
    # then: the results mail task went to the broker; the mail server was never touched
    queued = [getattr(getattr(c, "func", None), "__self__", {}) for c in callbacks]
    assert [s["task"] for s in queued if "task" in s] == [RESULT_EMAILS_TASK]
    assert mail.outbox == []


def test_publishing_is_refused_when_votes_changed_since(
    voting_closed, judged, awards, votes, judging_challenge, organiser, entries
):
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    services.invalidate_votes(
        challenge=judging_challenge,
        votes=Vote.objects.filter(entry=entries[0]),
        by=organiser,
        reason="Bought votes",
    )
    with pytest.raises(ValidationError, match="changed since these results were computed"):
        services.publish_results(snapshot=snapshot, by=organiser)
    assert not ResultPublication.objects.exists()


def test_publishing_twice_does_nothing_the_second_time(
    voting_closed, judged, awards, judging_challenge, organiser
):
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    first = services.publish_results(snapshot=snapshot, by=organiser)
    again = services.compute_results(challenge=judging_challenge, by=organiser)
    second = services.publish_results(snapshot=again, by=organiser)
    assert second == first
    assert ResultPublication.objects.count() == 1
    assert AuditEvent.objects.filter(action="results.publish").count() == 1


def test_results_pages_appear_only_after_publication(
    voting_closed, client, judged, awards, judging_challenge, organiser, entries
):
    results_url = reverse("voting:results", args=[judging_challenge.slug])
    before = client.get(results_url)
    assert before.status_code == 200
    assert "Results will be announced" in before.content.decode()
    assert entries[5].title not in before.content.decode()
    assert client.get(f"/api/v1/challenges/{judging_challenge.slug}/results/").status_code == 404
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    # participants cannot look at the snapshot under review
    client.force_login(entries[0].creators.get())
    assert (
        client.get(
            reverse("voting:snapshot", args=[judging_challenge.slug, snapshot.pk])
        ).status_code
        == 403
    )
    services.publish_results(snapshot=snapshot, by=organiser)
    page = client.get(results_url)
    assert page.status_code == 200
    assert entries[5].title in page.content.decode()
    api = client.get(f"/api/v1/challenges/{judging_challenge.slug}/results/").json()
    assert api["awards"][0]["winner"] == entries[5].pk


def test_winner_gets_a_page_and_a_certificate_with_display_name_only(
    voting_closed, client, judged, awards, judging_challenge, organiser, entries
):
    # given
    voting_closed()
    services.publish_results(
        snapshot=services.compute_results(challenge=judging_challenge, by=organiser), by=organiser
    )
    creator = entries[5].creators.get()
    jury_award = awards[0]
    # when
    page = client.get(reverse("voting:winner", args=[judging_challenge.slug, jury_award.pk]))
    pdf = client.get(reverse("voting:certificate", args=[judging_challenge.slug, jury_award.pk]))
    # then
    assert page.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert creator.display_name in text
    assert judging_challenge.provider_network.name in text
    assert creator.email not in text
    assert str(creator.birth_year) not in text


def test_certificate_names_a_team_and_its_members():
    pdf = certificate_pdf(
        names=["Nova", "Kai"],
        team_name="The Photons",
        entry_title="Why is the sky blue?",
        award_name="Jury prize",
        challenge_title="Science in 90 Seconds",
        published_at=timezone.now(),
    )
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "The Photons" in text
    assert "Nova, Kai" in text


@pytest.mark.parametrize(
    "name",
    ["Łucja Dvořák-Şahin", "Jūratė Žemaitė", "„Die Physiker“", "”Ljusets väg”", "Ōkubo Çelik Ærø"],
)
def test_certificate_prints_every_name_in_its_own_letters(name):
    pdf = certificate_pdf(
        names=[name],
        team_name="",
        entry_title="Sound you can see",
        award_name="Audience award",
        challenge_title="Sound Science",
        published_at=timezone.now(),
        network_name="Nordic STEM Clubs",
        award_description="Chosen by the community's votes.",
    )
    text = pdf_text(pdf)
    assert name in text
    assert "Nordic STEM Clubs" in text
    assert "Chosen by the community's votes." in text
    assert "?" not in text.replace("Why is", "")


def test_organiser_computes_and_publishes_from_the_page(
    voting_closed, client, judged, awards, judging_challenge, organiser, entries
):
    voting_closed()
    client.force_login(organiser)
    response = client.post(reverse("voting:compute_results", args=[judging_challenge.slug]))
    assert response.status_code == 302
    snapshot_url = response["Location"]
    page = client.get(snapshot_url)
    assert page.status_code == 200
    snapshot = page.context["snapshot"]
    response = client.post(reverse("voting:publish", args=[judging_challenge.slug, snapshot.pk]))
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert entries[5].title in home.content.decode()


def test_a_round_with_per_juror_normalisation_ranks_by_standard_scores(
    voting_closed, judged, awards, judging_challenge, organiser
):
    # given
    judged.normalisation = "zscore"
    judged.save(update_fields=["normalisation"])
    # when
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    # then
    method = snapshot.data["awards"][0]["snapshot"]["method"]
    assert method["normalisation"] == "zscore"
    assert method["tie_breaks"] == ["jury_score", "earlier_submission", "entry_id"]


def test_jurors_who_disagree_are_flagged_in_the_snapshot(
    voting_closed, jury_round, organiser, criteria, awards, judging_challenge
):
    # given: the two reviewers of each entry give 1 and 10
    services.assign_jurors(round=jury_round, by=organiser)
    seen: set[int] = set()
    for assignment in Assignment.objects.filter(round=jury_round).order_by("pk"):
        value = 10 if assignment.entry_id in seen else 1
        seen.add(assignment.entry_id)
        services.save_review(
            juror=assignment.juror,
            assignment=assignment,
            scores={c.pk: value for c in criteria},
            comment="",
            submit=True,
        )
    # when
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    # then
    rows = snapshot.data["awards"][0]["snapshot"]["ranking"]
    assert {row["disagreement"] for row in rows} == {True}


def test_a_winner_hidden_after_publication_leaves_the_results_page_api_and_certificate(
    voting_closed, client, judged, awards, judging_challenge, organiser, entries
):
    # given: published results, then the jury winner is hidden after reports
    voting_closed()
    published = services.compute_results(challenge=judging_challenge, by=organiser)
    services.publish_results(snapshot=published, by=organiser)
    hidden = entries[5]
    hidden.hidden_at = timezone.now()
    hidden.save(update_fields=["hidden_at"])
    jury_award = awards[0]
    # when
    page = client.get(reverse("voting:results", args=[judging_challenge.slug]))
    api = client.get(f"/api/v1/challenges/{judging_challenge.slug}/results/").json()
    winner_page = client.get(reverse("voting:winner", args=[judging_challenge.slug, jury_award.pk]))
    pdf = client.get(reverse("voting:certificate", args=[judging_challenge.slug, jury_award.pk]))
    # then
    assert hidden.title not in page.content.decode()
    assert entries[4].title in page.content.decode()
    jury = next(award for award in api["awards"] if award["award"] == jury_award.pk)
    assert jury["winner"] is None
    assert hidden.pk not in [place["entry"] for place in jury["places"]]
    assert (winner_page.status_code, pdf.status_code) == (404, 404)
    # the organiser reviewing the published snapshot still sees everything it ranked
    client.force_login(organiser)
    review = client.get(reverse("voting:snapshot", args=[judging_challenge.slug, published.pk]))
    assert review.status_code == 200
    assert hidden.title in review.content.decode()


def test_a_hidden_entry_cannot_win_when_results_are_computed(
    voting_closed, judged, awards, judging_challenge, organiser, entries
):
    # given: the best-scored entry is hidden while a moderator looks at reports
    entries[5].hidden_at = timezone.now()
    entries[5].save(update_fields=["hidden_at"])
    # when
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    # then: the next best wins the jury prize
    jury = snapshot.data["awards"][0]
    assert jury["winner"] == entries[4].pk
    assert entries[5].pk not in jury["finalists"]


def test_publishing_results_and_invalidating_votes_are_in_the_audit_log(
    voting_closed, judged, awards, votes, judging_challenge, organiser, entries
):
    # given
    services.invalidate_votes(
        challenge=judging_challenge,
        votes=Vote.objects.filter(entry=entries[1]),
        by=organiser,
        reason="Bought votes",
    )
    # when
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    services.publish_results(snapshot=snapshot, by=organiser)
    # then
    events = list(AuditEvent.objects.filter(actor=organiser).order_by("pk"))
    actions = [event.action for event in events]
    assert actions[0] == "votes.invalidate"
    assert (events[0].reason, events[0].data["votes"]) == ("Bought votes", 1)
    assert actions[-1] == "results.publish"
    assert events[-1].data["input_hash"] == snapshot.input_hash
    assert sorted(events[-1].data["winners"]) == sorted([entries[5].pk, entries[0].pk])
    # every finalist and winner move is there too, each naming its entry
    moved = {(e.action, e.target_id) for e in events if e.action.startswith("entry.")}
    assert ("entry.winner", str(entries[5].pk)) in moved
    assert ("entry.finalist", str(entries[4].pk)) in moved


@pytest.mark.parametrize(
    ("tie_break", "winner_index"),
    [("jury_earlier", 0), ("jury_votes_earlier", 3), ("earlier", 0)],
)
def test_each_award_breaks_ties_by_its_own_stated_rule(
    voting_closed,
    client,
    jury_round,
    organiser,
    entries,
    judging_challenge,
    tie_break,
    winner_index,
):
    # given: every entry gets the same jury score; entries[3] has the most public votes
    services.assign_jurors(round=jury_round, by=organiser)
    for assignment in Assignment.objects.filter(round=jury_round).select_related("juror"):
        services.save_review(
            juror=assignment.juror,
            assignment=assignment,
            scores={c.pk: 5 for c in judging_challenge.criteria.all()},
            comment="",
            submit=True,
        )
    services.close_round(round=jury_round, by=organiser)
    for _ in range(2):
        services.cast_vote(voter=ParticipantFactory(), entry_id=entries[3].pk)
    award = AwardFactory(
        challenge=judging_challenge, name="Jury prize", decided_by="jury", tie_break=tie_break
    )
    # when
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    services.publish_results(snapshot=snapshot, by=organiser)
    # then
    (result,) = snapshot.data["awards"]
    assert result["winner"] == entries[winner_index].pk
    assert result["snapshot"]["ranking"][0]["tie_broken_by"] is not None
    page = client.get(reverse("voting:results", args=[judging_challenge.slug])).content.decode()
    assert f"Equal results: {award.get_tie_break_display()} places higher." in page


def test_an_audience_award_tie_goes_to_the_better_jury_score(
    voting_closed, judged, judging_challenge, organiser, entries
):
    # given: one vote each for the earliest entry and the one the jury liked best
    AwardFactory(
        challenge=judging_challenge, name="Audience award", decided_by="public", jury_weight=0
    )
    for entry in (entries[0], entries[5]):
        services.cast_vote(voter=ParticipantFactory(), entry_id=entry.pk)
    # when
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    # then: the page promises ties go to the better jury score, and they do
    (result,) = snapshot.data["awards"]
    first, second = result["snapshot"]["ranking"][:2]
    assert (first["entry_id"], second["entry_id"]) == (entries[5].pk, entries[0].pk)
    assert first["tie_broken_by"] == "jury_score"
    assert result["winner"] == entries[5].pk


def test_people_see_ranks_and_rounded_scores_and_only_organisers_the_input_hash(
    voting_closed, client, judged, awards, votes, judging_challenge, organiser, entries
):
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    services.publish_results(snapshot=snapshot, by=organiser)
    url = f"/api/v1/challenges/{judging_challenge.slug}/results/"
    public = client.get(url).json()
    assert "input_hash" not in public
    jury_places = public["awards"][0]["places"]
    assert [place["rank"] for place in jury_places] == [1, 2, 3]
    assert all(place["jury_score"] == round(place["jury_score"], 2) for place in jury_places)
    assert public["awards"][1]["places"][0]["public_votes"] == 3
    page = client.get(reverse("voting:results", args=[judging_challenge.slug])).content.decode()
    assert snapshot.input_hash not in page
    assert "3 votes" in page
    jury_section, audience_section = page.split("<section")[1:3]
    # no tie among the jury's places, so no tie-break sentence; the entries nobody voted
    # for tie on zero votes, and the sentence says which rule placed them
    assert "Equal results" not in jury_section
    assert "tie broken by the better jury score" in audience_section
    client.force_login(organiser)
    assert client.get(url).json()["input_hash"] == snapshot.input_hash


def test_finalists_get_a_certificate_and_nobody_else(
    voting_closed, client, judged, awards, judging_challenge, organiser, entries
):
    # given: the jury prize's first three places are its finalists; entries[5] won
    voting_closed()
    snapshot = services.compute_results(challenge=judging_challenge, by=organiser)
    jury_award = awards[0]

    def url(entry):
        return reverse(
            "voting:finalist_certificate", args=[judging_challenge.slug, jury_award.pk, entry.pk]
        )

    # not before the results are out
    assert client.get(url(entries[4])).status_code == 404
    services.publish_results(snapshot=snapshot, by=organiser)
    # when
    runner_up = client.get(url(entries[4]))
    # then
    assert runner_up.status_code == 200
    text = pdf_text(runner_up.content)
    assert f'reached the final of the "{jury_award.name}"' in text
    assert entries[4].creators.get().display_name in text
    assert client.get(url(entries[0])).status_code == 404  # placed last: not a finalist
    # the creator finds the link on the results page
    client.force_login(entries[4].creators.get())
    page = client.get(reverse("voting:results", args=[judging_challenge.slug])).content.decode()
    assert url(entries[4]) in page
