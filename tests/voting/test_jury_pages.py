"""The juror's pages: the queue, the scoring page with drafts and submit, and who sees what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import JurorFactory, ParticipantFactory
from voting import services
from voting.models import Assignment, Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(jury_round, organiser, jurors):
    services.assign_jurors(round=jury_round, by=organiser)
    return Assignment.objects.filter(round=jury_round, juror=jurors[0]).select_related("entry")


def review_url(assignment):
    return reverse("voting:review", args=[assignment.round_id, assignment.entry_id])


def test_the_juror_queue_lists_only_their_own_entries(client, assigned, jurors, jury_round):
    # given
    client.force_login(jurors[0])
    # when
    response = client.get(reverse("voting:jury_round", args=[jury_round.pk]))
    # then
    assert response.status_code == 200
    listed = [a.entry_id for a in response.context["queue"]]
    assert sorted(listed) == sorted(a.entry_id for a in assigned)


def test_the_queue_has_a_fixed_number_of_queries(
    client, assigned, jurors, jury_round, django_assert_num_queries
):
    client.force_login(jurors[0])
    # session, user, round, queue (with reviews)
    with django_assert_num_queries(4):
        client.get(reverse("voting:jury_round", args=[jury_round.pk]))


def test_saving_a_draft_then_submitting(client, assigned, jurors, criteria):
    # given
    client.force_login(jurors[0])
    assignment = assigned[0]
    url = review_url(assignment)
    # when: a draft with one score
    response = client.post(
        url, {f"criterion_{criteria[0].pk}": "8", "comment": "Nice", "action": "draft"}
    )
    # then
    assert response.status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert review.submitted_at is None
    assert client.get(url).context["form"].initial[f"criterion_{criteria[0].pk}"] == 8
    # when: submitting with the missing score
    response = client.post(
        url,
        {
            f"criterion_{criteria[0].pk}": "8",
            f"criterion_{criteria[1].pk}": "6",
            "comment": "Nice",
            "action": "submit",
        },
    )
    # then
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.submitted_at is not None


def test_submitting_with_a_missing_score_shows_a_plain_message(client, assigned, jurors, criteria):
    client.force_login(jurors[0])
    response = client.post(
        review_url(assigned[0]), {f"criterion_{criteria[0].pk}": "8", "action": "submit"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"criterion_{criteria[1].pk}": ["Give a score before you submit."]
    }


def test_a_score_out_of_range_is_explained(client, assigned, jurors, criteria):
    client.force_login(jurors[0])
    response = client.post(
        review_url(assigned[0]), {f"criterion_{criteria[0].pk}": "12", "action": "draft"}
    )
    assert response.context["form"].errors == {
        f"criterion_{criteria[0].pk}": ["Pick a score from 1 to 10."]
    }


def test_changing_the_entry_id_to_someone_elses_gives_404(client, assigned, jurors, jury_round):
    # given: an entry not assigned to juror 0
    mine = {a.entry_id for a in assigned}
    other = Assignment.objects.filter(round=jury_round).exclude(entry_id__in=mine).first()
    client.force_login(jurors[0])
    # when / then
    assert client.get(review_url(other)).status_code == 404
    assert client.post(review_url(other), {"action": "draft"}).status_code == 404
    assert not Review.objects.filter(assignment=other).exists()


@pytest.mark.parametrize("who", ["participant", "other juror", "anonymous"])
def test_strangers_cannot_open_a_scoring_page(client, assigned, who):
    if who == "participant":
        client.force_login(ParticipantFactory())
    elif who == "other juror":
        client.force_login(JurorFactory())
    response = client.get(review_url(assigned[0]))
    assert response.status_code == (302 if who == "anonymous" else 404)


def test_scoring_page_hides_other_jurors_until_the_round_closes(
    client, assigned, jurors, jury_round, organiser, criteria
):
    # given: the other reviewer of the entry submitted
    assignment = assigned[0]
    other = (
        Assignment.objects.filter(round=jury_round, entry=assignment.entry)
        .exclude(juror=jurors[0])
        .get()
    )
    services.save_review(
        juror=other.juror,
        assignment=other,
        scores={c.pk: 9 for c in criteria},
        comment="Secret opinion",
        submit=True,
    )
    client.force_login(jurors[0])
    # then
    assert b"Secret opinion" not in client.get(review_url(assignment)).content
    services.close_round(round=jury_round, by=organiser)
    assert b"Secret opinion" in client.get(review_url(assignment)).content


def test_declaring_a_conflict_from_the_scoring_page(client, assigned, jurors):
    client.force_login(jurors[0])
    assignment = assigned[0]
    response = client.post(
        reverse("voting:declare_conflict", args=[assignment.round_id, assignment.entry_id]),
        {"reason": "My sister made it"},
    )
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_organiser_page_shows_progress_and_only_to_organisers(
    client, assigned, jurors, organiser, judging_challenge
):
    url = reverse("voting:organise", args=[judging_challenge.slug])
    client.force_login(jurors[0])
    assert client.get(url).status_code == 403
    client.force_login(organiser)
    response = client.get(url)
    assert response.status_code == 200
    per_juror = response.context["rounds"][0]["per_juror"]
    assert [(p.assigned, p.submitted) for p in per_juror] == [(3, 0)] * 4


def test_review_api_saves_own_review_and_404s_on_others(
    client, assigned, jurors, jury_round, criteria
):
    client.force_login(jurors[0])
    mine = assigned[0]
    theirs = Assignment.objects.filter(round=jury_round).exclude(juror=jurors[0]).first()
    body = {"scores": {str(c.pk): 5 for c in criteria}, "comment": "ok", "submit": True}
    response = client.put(
        reverse("jury-review", args=[mine.pk]), body, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["submitted"] is True
    response = client.put(
        reverse("jury-review", args=[theirs.pk]), body, content_type="application/json"
    )
    assert response.status_code == 404
    listed = client.get(reverse("jury-assignments")).json()
    assert {item["id"] for item in listed} == {a.pk for a in assigned}
