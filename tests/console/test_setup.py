"""Setting a challenge up in the console: one page, plain-language errors, copying."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AwardFactory,
    CategoryFactory,
    ChallengeFactory,
    OrganiserFactory,
    ProviderNetworkFactory,
)
from videoawards.challenges.models import Challenge
from voting.models import Criterion, VotePolicy

pytestmark = pytest.mark.django_db

NEW = reverse("console:challenge_new")


def _when(days: int) -> str:
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _rows(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        data.update({f"{prefix}-{number}-{key}": value for key, value in row.items()})
    return data


def setup_data(**overrides) -> dict:
    data = {
        "title": "Tiny Machines",
        "slug": "",
        "brief": "Build a machine smaller than your hand.",
        "rules": "Your own footage.",
        "entries_open_at": _when(1),
        "entries_close_at": _when(30),
        "voting_opens_at": _when(32),
        "voting_closes_at": _when(39),
        "results_at": _when(41),
        "on_schedule": "on",
        "max_duration_seconds": "120",
        "max_file_size_mb": "500",
        "policy-kind": "per_entry",
        "policy-votes_per_account": "3",
        "publish": "0",
        **_rows("categories", [{"name": "12–15"}, {"name": "16–19"}]),  # noqa: RUF001
        **_rows(
            "awards",
            [
                {"name": "Jury Prize", "decided_by": "jury", "tie_break": "jury_earlier"},
                {
                    "name": "Best of both",
                    "decided_by": "blended",
                    "jury_weight": "70",
                    "tie_break": "jury_votes_earlier",
                },
            ],
        ),
        **_rows(
            "criteria",
            [
                {
                    "name": name,
                    "description": rubric,
                    "weight": "1",
                    "scale_min": "1",
                    "scale_max": "10",
                }
                for name, rubric in (
                    ("Science", "Is it right?"),
                    ("Storytelling", "Does it hold you?"),
                    ("Creativity", "Is it fresh?"),
                )
            ],
        ),
    }
    data.update(overrides)
    return data


def test_an_organiser_sets_up_a_challenge_on_one_page_as_a_draft(client, network, organiser):
    client.force_login(organiser)
    assert client.get(NEW).status_code == 200
    # when
    response = client.post(NEW, setup_data())
    # then
    challenge = Challenge.objects.get(slug="tiny-machines")
    assert response["Location"] == reverse("console:preview", args=[challenge.slug])
    assert challenge.provider_network == network
    assert not challenge.is_published
    assert challenge.max_file_size_bytes == 500 * 1024 * 1024
    assert list(challenge.categories.values_list("name", flat=True)) == ["12–15", "16–19"]  # noqa: RUF001
    assert [(a.name, a.jury_weight) for a in challenge.awards.order_by("name")] == [
        ("Best of both", 70),
        ("Jury Prize", 100),
    ]
    assert Criterion.objects.filter(challenge=challenge).count() == 3
    assert VotePolicy.objects.get(challenge=challenge).kind == "per_entry"
    # the draft is not public, but its preview is there for the organiser
    preview = client.get(response["Location"]).content.decode()
    assert "Preview of a draft" in preview
    client.logout()
    assert client.get(challenge.get_absolute_url()).status_code == 404


def test_publishing_from_the_set_up_page(client, organiser):
    client.force_login(organiser)
    client.post(NEW, setup_data(publish="1"))
    assert Challenge.objects.get(slug="tiny-machines").is_published


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"entries_close_at": _when(0)}, "Entries must close after they open."),
        ({"voting_opens_at": _when(20)}, "Public voting can open only once entries have closed."),
        ({"voting_closes_at": ""}, "Give public voting both an opening and a closing time"),
        ({"results_at": _when(35)}, "Results come after public voting closes."),
        ({"max_duration_seconds": "100000"}, "this site takes videos of up to that length"),
        ({"awards-1-jury_weight": "0"}, "Say how much the jury counts"),
        ({"criteria-0-scale_max": "1"}, "The highest score must be above the lowest."),
        ({"criteria-1-name": "Science"}, "Two rows have the name"),
    ],
)
def test_mistakes_are_said_in_plain_words_and_nothing_is_saved(
    client, organiser, overrides, message
):
    client.force_login(organiser)
    response = client.post(NEW, setup_data(**overrides))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "constraint" not in html
    assert not Challenge.objects.exists()


def test_a_taken_address_is_refused_kindly(client, network, organiser):
    ChallengeFactory(slug="tiny-machines", provider_network=network)
    client.force_login(organiser)
    html = client.post(NEW, setup_data()).content.decode()
    assert "Another challenge already has the address “tiny-machines”" in html


def test_another_networks_organiser_cannot_open_or_change_the_set_up(client, network):
    challenge = ChallengeFactory(provider_network=network)
    client.force_login(OrganiserFactory(provider_network=ProviderNetworkFactory()))
    url = reverse("console:challenge_edit", args=[challenge.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, setup_data(title="Mine now")).status_code == 403
    assert client.get(reverse("console:preview", args=[challenge.slug])).status_code == 403
    challenge.refresh_from_db()
    assert challenge.title != "Mine now"


def test_last_seasons_challenge_is_copied_a_year_later_as_a_draft(client, network, organiser):
    # given
    source = ChallengeFactory(provider_network=network, slug="light")
    category = CategoryFactory(challenge=source, name="Ages 12–15", slug="12-15")  # noqa: RUF001
    AwardFactory(challenge=source, name="Jury Prize", category=category)
    Criterion.objects.create(challenge=source, name="Science", weight=2)
    VotePolicy.objects.create(challenge=source, kind="per_challenge", votes_per_account=2)
    client.force_login(organiser)
    # when
    response = client.post(reverse("console:challenge_copy", args=[source.slug]))
    # then
    copy = Challenge.objects.exclude(pk=source.pk).get()
    assert response["Location"] == reverse("console:challenge_edit", args=[copy.slug])
    assert not copy.is_published
    assert copy.entries_open_at - source.entries_open_at == timedelta(days=364)
    award = copy.awards.get()
    assert (award.name, award.category.challenge_id) == ("Jury Prize", copy.pk)
    assert copy.criteria.get().weight == 2
    assert VotePolicy.objects.get(challenge=copy).votes_per_account == 2
