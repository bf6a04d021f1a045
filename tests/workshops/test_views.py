from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ParticipantFactory, RegistrationFactory, WorkshopFactory
from videoawards.workshops import services
from videoawards.workshops.models import Registration, Workshop

pytestmark = pytest.mark.django_db


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user:
        client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _fill(workshop):
    for _ in range(workshop.capacity):
        services.register(workshop=workshop, participant=ParticipantFactory())


# --- list and detail -----------------------------------------------------------------


def test_list_shows_upcoming_published_workshops_with_places_left(workshop, confirmed):
    # given
    confirmed(workshop)
    WorkshopFactory(title="Hidden draft", is_published=False)
    long_ago = timezone.now() - timedelta(days=30)
    WorkshopFactory(
        title="Last month",
        starts_at=long_ago,
        ends_at=long_ago + timedelta(hours=2),
        registration_deadline=long_ago,
    )
    # when
    response = _client().get(reverse("workshops:list"))
    # then
    assert [w.title for w in response.context["workshops"]] == ["Film your first experiment"]
    assert "1 place left" in response.content.decode()


def test_list_says_when_registration_has_closed(started_workshop):
    # when
    response = _client().get(reverse("workshops:list"))
    # then
    body = response.content.decode()
    assert "Registration closed" in body
    assert "places left" not in body


def test_list_reads_the_same_number_of_queries_however_many_workshops(
    django_assert_num_queries,
):
    # given
    client = _client()
    WorkshopFactory()
    client.get(reverse("workshops:list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("workshops:list"))
    for _ in range(5):
        RegistrationFactory(workshop=WorkshopFactory())
    # when / then
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("workshops:list"))
    assert len(response.context["workshops"]) == 6


def test_detail_asks_visitors_to_log_in_to_sign_up(workshop):
    # when
    response = _client().get(workshop.get_absolute_url())
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "Log in to sign up" in body
    assert "Hamburg" in body
    assert f'href="/workshops/{workshop.slug}/calendar.ics"' in body


def test_detail_links_the_networks_organisers_to_attendance(workshop, organiser, participant):
    # given
    link = f'href="{reverse("workshops:attendance", kwargs={"slug": workshop.slug})}"'
    # when
    as_organiser = _client(organiser).get(workshop.get_absolute_url()).content.decode()
    as_participant = _client(participant).get(workshop.get_absolute_url()).content.decode()
    # then
    assert (link in as_organiser, link in as_participant) == (True, False)


def test_detail_of_an_online_workshop_shows_no_city():
    # given
    workshop = WorkshopFactory(mode=Workshop.Mode.ONLINE, city="")
    # when
    response = _client().get(workshop.get_absolute_url())
    # then
    assert "Online (you get the link by email before it starts)" in response.content.decode()


def test_unpublished_workshop_is_not_found():
    # given
    workshop = WorkshopFactory(is_published=False)
    # when
    response = _client().get(workshop.get_absolute_url())
    # then
    assert response.status_code == 404


# --- register and cancel -----------------------------------------------------------------


def test_participant_signs_up_and_sees_their_confirmed_place(workshop, participant):
    # given
    client = _client(participant)
    # when
    response = client.post(
        reverse("workshops:register", kwargs={"slug": workshop.slug}), follow=True
    )
    # then
    assert _messages(response) == ["You have a place. See you at the workshop!"]
    assert response.context["registration"].status == Registration.Status.CONFIRMED
    assert 'data-status="confirmed"' in response.content.decode()


def test_signing_up_for_a_full_workshop_shows_the_waitlist_position(workshop, participant):
    # given
    _fill(workshop)
    # when
    response = _client(participant).post(
        reverse("workshops:register", kwargs={"slug": workshop.slug}), follow=True
    )
    # then
    assert _messages(response) == [
        "The workshop is full, so you are on the waitlist: number 1. "
        "We email you if a place becomes free."
    ]
    assert "On the waitlist: number 1" in response.content.decode()


def test_sign_up_refusal_is_shown_as_a_message(workshop):
    # given
    unverified = ParticipantFactory(email_verified_at=None)
    # when
    response = _client(unverified).post(
        reverse("workshops:register", kwargs={"slug": workshop.slug}), follow=True
    )
    # then
    assert _messages(response) == ["Confirm your email address before you sign up for a workshop."]
    assert workshop.registrations.count() == 0


def test_sign_up_needs_a_post_with_a_csrf_token(workshop, participant):
    # given
    client = _client(participant, enforce_csrf_checks=True)
    url = reverse("workshops:register", kwargs={"slug": workshop.slug})
    # when
    by_get = client.get(url)
    without_token = client.post(url)
    # then
    assert (by_get.status_code, without_token.status_code) == (405, 403)
    assert workshop.registrations.count() == 0


def test_visitor_signing_up_is_sent_to_log_in(workshop):
    # when
    response = _client().post(reverse("workshops:register", kwargs={"slug": workshop.slug}))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_participant_cancels_and_returns_to_the_page_they_came_from(workshop, participant):
    # given
    registration = services.register(workshop=workshop, participant=participant)
    # when
    response = _client(participant).post(
        reverse("workshops:cancel", kwargs={"pk": registration.pk}),
        {"next": workshop.get_absolute_url()},
    )
    # then
    assert response["Location"] == workshop.get_absolute_url()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_cancel_ignores_a_next_address_on_another_site(workshop, participant):
    # given
    registration = services.register(workshop=workshop, participant=participant)
    # when
    response = _client(participant).post(
        reverse("workshops:cancel", kwargs={"pk": registration.pk}),
        {"next": "https://evil.example/"},
    )
    # then
    assert response["Location"] == reverse("workshops:mine")


def test_nobody_can_cancel_someone_elses_registration(workshop, participant):
    # given
    registration = services.register(workshop=workshop, participant=participant)
    # when
    response = _client(ParticipantFactory()).post(
        reverse("workshops:cancel", kwargs={"pk": registration.pk})
    )
    # then
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_sign_ups_are_rate_limited(participant):
    # given: 30 sign-ups an hour are allowed
    client = _client(participant)
    workshop = WorkshopFactory()
    url = reverse("workshops:register", kwargs={"slug": workshop.slug})
    for _ in range(30):
        client.post(url)
    # when
    response = client.post(url)
    # then
    assert response.status_code == 429


# --- my workshops ----------------------------------------------------------------------


def test_my_workshops_lists_status_position_and_a_cancel_button(participant):
    # given
    mine = services.register(workshop=WorkshopFactory(title="Sound"), participant=participant)
    full = WorkshopFactory(title="Light", capacity=1)
    _fill(full)
    services.register(workshop=full, participant=participant)
    old = WorkshopFactory(title="Cancelled one")
    services.cancel_registration(
        registration=services.register(workshop=old, participant=participant), by=participant
    )
    RegistrationFactory(workshop=mine.workshop)  # someone else's
    # when
    response = _client(participant).get(reverse("workshops:mine"))
    # then
    rows = {r.workshop.title: r for r in response.context["registrations"]}
    assert set(rows) == {"Sound", "Light", "Cancelled one"}
    assert rows["Light"].waitlist_position == 1
    body = response.content.decode()
    assert "On the waitlist: number 1" in body
    assert body.count("Cancel my registration</button>") == 2
    assert f'action="/workshops/registrations/{mine.pk}/cancel/"' in body


def test_my_workshops_reads_the_same_number_of_queries_however_many(
    participant, django_assert_num_queries
):
    # given
    client = _client(participant)
    services.register(workshop=WorkshopFactory(), participant=participant)
    client.get(reverse("workshops:mine"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("workshops:mine"))
    for _ in range(5):
        services.register(workshop=WorkshopFactory(), participant=participant)
    # when / then
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("workshops:mine"))
    assert len(response.context["registrations"]) == 6


def test_my_workshops_needs_a_login():
    # when
    response = _client().get(reverse("workshops:mine"))
    # then
    assert response.status_code == 302


def test_profile_links_to_my_workshops(participant):
    # when
    response = _client(participant).get(reverse("accounts:profile"))
    # then
    assert f'href="{reverse("workshops:mine")}"' in response.content.decode()


# --- homepage ----------------------------------------------------------------------------


def test_homepage_lists_upcoming_workshops_with_a_fixed_number_of_queries(
    django_assert_num_queries, settings
):
    # given: the rendered page is measured, not the page cache (a hit reads nothing)
    settings.VIDEOAWARDS_PAGE_CACHE_SECONDS = 0
    client = _client()
    WorkshopFactory(title="Workshop 0")
    client.get("/")
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for n in range(1, 8):
        RegistrationFactory(workshop=WorkshopFactory(title=f"Workshop {n}"))
    # when / then
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/")
    body = response.content.decode()
    assert [f"Workshop {n}" in body for n in range(8)] == [True] * 6 + [False] * 2
