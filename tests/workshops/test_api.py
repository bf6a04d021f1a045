from datetime import timedelta

import pytest
import yaml
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from tests.factories import ParticipantFactory, RegistrationFactory, WorkshopFactory
from videoawards.workshops import services
from videoawards.workshops.models import Registration, Workshop

pytestmark = pytest.mark.django_db

REGISTRATIONS = "/api/v1/workshop-registrations/"


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    api.force_authenticate(user)
    return api


# --- workshops ---------------------------------------------------------------------


def test_workshop_detail_has_place_times_places_and_links(api, workshop, confirmed):
    # given
    confirmed(workshop)
    # when
    data = api.get(f"/api/v1/workshops/{workshop.slug}/").json()
    # then
    assert data["title"] == "Film your first experiment"
    assert data["provider_network"] == "Hamburg Science Network"
    assert (data["mode"], data["city"]) == ("on_site", "Hamburg")
    assert (data["capacity"], data["places_left"], data["waitlist_count"]) == (2, 1, 0)
    assert data["is_open_for_registration"] is True
    assert data["url"].endswith(f"/workshops/{workshop.slug}/")
    assert data["calendar_url"].endswith(f"/workshops/{workshop.slug}/calendar.ics")


def test_workshop_list_filters_upcoming(api, workshop):
    # given
    long_ago = timezone.now() - timedelta(days=30)
    past = WorkshopFactory(
        starts_at=long_ago, ends_at=long_ago + timedelta(hours=1), registration_deadline=long_ago
    )
    WorkshopFactory(is_published=False)
    # when
    everything = [w["slug"] for w in api.get("/api/v1/workshops/").json()["results"]]
    upcoming = [w["slug"] for w in api.get("/api/v1/workshops/?upcoming=true").json()["results"]]
    # then
    assert everything == [past.slug, workshop.slug]
    assert upcoming == [workshop.slug]


def test_workshop_list_refuses_an_unclear_upcoming_filter(api):
    # when
    response = api.get("/api/v1/workshops/?upcoming=maybe")
    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "upcoming: Use true or false.",
        "code": "invalid",
        "fields": {"upcoming": ["Use true or false."]},
    }


def test_workshops_are_read_only(api, workshop, participant):
    # when
    response = _as(api, participant).post("/api/v1/workshops/", {"title": "Mine"}, format="json")
    # then
    assert response.status_code == 405
    assert Workshop.objects.count() == 1


# --- registrations -------------------------------------------------------------------


def test_participant_signs_up_for_a_place(api, workshop, participant):
    # when
    response = _as(api, participant).post(REGISTRATIONS, {"workshop": workshop.slug}, format="json")
    # then
    assert response.status_code == 201
    data = response.json()
    assert (data["workshop"], data["status"], data["waitlist_position"]) == (
        workshop.slug,
        "confirmed",
        None,
    )
    assert Registration.objects.get().participant == participant


def test_signing_up_for_a_full_workshop_answers_with_the_waitlist_position(api, workshop):
    # given
    for _ in range(2):
        services.register(workshop=workshop, participant=ParticipantFactory())
    # when
    data = (
        _as(api, ParticipantFactory())
        .post(REGISTRATIONS, {"workshop": workshop.slug}, format="json")
        .json()
    )
    # then
    assert (data["status"], data["waitlist_position"]) == ("waitlisted", 1)


@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        ({}, "workshop: This field is required."),
        ({"workshop": "no-such-thing"}, "workshop: There is no workshop with this slug."),
    ],
)
def test_sign_up_with_a_bad_workshop_is_a_json_error(api, participant, payload, detail):
    # when
    response = _as(api, participant).post(REGISTRATIONS, payload, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["detail"] == detail


def test_sign_up_refusals_are_json_errors_in_plain_words(api, participant, started_workshop):
    # when
    response = _as(api, participant).post(
        REGISTRATIONS, {"workshop": started_workshop.slug}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "This workshop has already started, so you can't sign up any more."
    )


def test_sign_up_needs_a_confirmed_email(api, workshop):
    # when
    response = _as(api, ParticipantFactory(email_verified_at=None)).post(
        REGISTRATIONS, {"workshop": workshop.slug}, format="json"
    )
    # then
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Confirm your email address before you sign up for a workshop."
    )


def test_visitors_have_no_registrations(api, workshop):
    # when
    listed = api.get(REGISTRATIONS)
    created = api.post(REGISTRATIONS, {"workshop": workshop.slug}, format="json")
    # then
    assert (listed.status_code, created.status_code) == (403, 403)
    assert listed.json()["code"] == "not_authenticated"


def test_participant_lists_only_their_own_registrations(api, workshop, participant):
    # given
    mine = RegistrationFactory(workshop=workshop, participant=participant)
    RegistrationFactory(workshop=workshop)
    # when
    results = _as(api, participant).get(REGISTRATIONS).json()["results"]
    # then
    assert [r["id"] for r in results] == [mine.pk]


def test_nobody_sees_or_cancels_someone_elses_registration(api, workshop, participant):
    # given
    theirs = RegistrationFactory(workshop=workshop)
    _as(api, participant)
    # when
    seen = api.get(f"{REGISTRATIONS}{theirs.pk}/")
    cancelled = api.delete(f"{REGISTRATIONS}{theirs.pk}/")
    # then
    assert (seen.status_code, cancelled.status_code) == (404, 404)
    assert seen.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.status == Registration.Status.CONFIRMED


def test_cancelling_promotes_the_next_person_on_the_waitlist(
    api, workshop, participant, django_capture_on_commit_callbacks, mailoutbox
):
    # given
    mine = services.register(workshop=workshop, participant=participant)
    services.register(workshop=workshop, participant=ParticipantFactory())
    waiting = services.register(workshop=workshop, participant=ParticipantFactory())
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(api, participant).delete(f"{REGISTRATIONS}{mine.pk}/")
    # then
    assert response.status_code == 204
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert [m.to for m in mailoutbox] == [[waiting.participant.email]]
    again = api.get(f"{REGISTRATIONS}{mine.pk}/").json()
    assert again["status"] == "cancelled"


def test_registration_writes_are_rate_limited(api, participant):
    # given: 30 writes an hour are allowed
    _as(api, participant)
    workshops = [WorkshopFactory() for _ in range(31)]
    for workshop in workshops[:30]:
        api.post(REGISTRATIONS, {"workshop": workshop.slug}, format="json")
    # when
    response = api.post(REGISTRATIONS, {"workshop": workshops[30].slug}, format="json")
    # then
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert api.get(REGISTRATIONS).status_code == 200  # reading is not limited


# --- schema ------------------------------------------------------------------------------


def test_openapi_schema_documents_workshops_and_validates(api):
    # when
    response = api.get("/api/schema/")
    # then
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    paths = schema["paths"]
    assert set(paths["/api/v1/workshop-registrations/"]) == {"get", "post"}
    assert set(paths["/api/v1/workshop-registrations/{id}/"]) == {"get", "delete"}
    assert set(paths["/api/v1/workshops/"]) == {"get"}
    parameters = [p["name"] for p in paths["/api/v1/workshops/"]["get"]["parameters"]]
    assert "upcoming" in parameters
