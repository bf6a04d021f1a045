"""Organisers mark attendance; those who came get the workshop badge, once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.factories import (
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
    RegistrationFactory,
)
from videoawards.badges.models import Assertion, BadgeKind
from videoawards.workshops import services
from videoawards.workshops.models import Registration

pytestmark = pytest.mark.django_db


def _workshop_badges():
    return Assertion.objects.filter(badge_class__kind=BadgeKind.WORKSHOP_ATTENDED)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_marking_attendance_issues_the_workshop_badge_once(
    started_workshop, organiser, participant, confirmed
):
    # given
    registration = confirmed(started_workshop, participant)
    # when: marked, unmarked and marked again
    services.mark_attendance(registration=registration, attended=True, by=organiser)
    services.mark_attendance(registration=registration, attended=False, by=organiser)
    services.mark_attendance(registration=registration, attended=True, by=organiser)
    # then
    registration.refresh_from_db()
    assert registration.attended is True
    badge = _workshop_badges().get()
    assert badge.recipient == participant
    assert badge.source == f"workshop:{started_workshop.pk}"
    assert badge.evidence_url == started_workshop.get_absolute_url()


def test_marking_someone_absent_issues_no_badge(started_workshop, organiser, confirmed):
    # given
    registration = confirmed(started_workshop)
    # when
    services.mark_attendance(registration=registration, attended=False, by=organiser)
    # then
    registration.refresh_from_db()
    assert registration.attended is False
    assert _workshop_badges().count() == 0


def test_organiser_of_another_network_cannot_mark_attendance(started_workshop, confirmed):
    # given
    registration = confirmed(started_workshop)
    stranger = OrganiserFactory(provider_network=ProviderNetworkFactory())
    # when / then
    with pytest.raises(PermissionDenied):
        services.mark_attendance(registration=registration, attended=True, by=stranger)
    assert _workshop_badges().count() == 0


def test_platform_organiser_may_mark_attendance(started_workshop, confirmed):
    # given
    registration = confirmed(started_workshop)
    platform_organiser = OrganiserFactory(provider_network=None)
    # when
    services.mark_attendance(registration=registration, attended=True, by=platform_organiser)
    # then
    assert _workshop_badges().count() == 1


def test_attendance_cannot_be_marked_before_the_workshop_starts(workshop, organiser, confirmed):
    # given
    registration = confirmed(workshop)
    # when / then
    with pytest.raises(ValidationError) as error:
        services.mark_attendance(registration=registration, attended=True, by=organiser)
    assert error.value.code == "not_started"


def test_only_confirmed_places_can_be_marked(started_workshop, organiser):
    # given
    waiting = RegistrationFactory(workshop=started_workshop, status=Registration.Status.WAITLISTED)
    # when / then
    with pytest.raises(ValidationError) as error:
        services.mark_attendance(registration=waiting, attended=True, by=organiser)
    assert error.value.code == "not_confirmed"


# --- the attendance page ------------------------------------------------------------


def test_attendance_page_lists_confirmed_people_with_checkboxes(
    started_workshop, organiser, confirmed
):
    # given
    confirmed(started_workshop, ParticipantFactory(display_name="Zara"))
    confirmed(started_workshop, ParticipantFactory(display_name="Ada"))
    RegistrationFactory(workshop=started_workshop, status=Registration.Status.WAITLISTED)
    url = reverse("workshops:attendance", kwargs={"slug": started_workshop.slug})
    # when
    response = _client(organiser).get(url)
    # then
    assert response.status_code == 200
    names = [r.participant.display_name for r in response.context["registrations"]]
    assert names == ["Ada", "Zara"]
    assert response.content.decode().count('type="checkbox" name="attended"') == 2


def test_saving_the_attendance_page_marks_ticked_people_and_gives_them_the_badge(
    started_workshop, organiser, confirmed
):
    # given
    came = confirmed(started_workshop)
    missed = confirmed(started_workshop)
    url = reverse("workshops:attendance", kwargs={"slug": started_workshop.slug})
    # when
    response = _client(organiser).post(url, {"attended": [str(came.pk), "not-a-number"]})
    # then
    assert response.status_code == 302
    came.refresh_from_db()
    missed.refresh_from_db()
    assert (came.attended, missed.attended) == (True, False)
    assert list(_workshop_badges().values_list("recipient", flat=True)) == [came.participant_id]


@pytest.mark.parametrize("who", ["participant", "other_organiser"])
def test_attendance_page_is_not_found_for_others(started_workshop, confirmed, who):
    # given
    registration = confirmed(started_workshop)
    other = OrganiserFactory(provider_network=ProviderNetworkFactory())
    user = registration.participant if who == "participant" else other
    url = reverse("workshops:attendance", kwargs={"slug": started_workshop.slug})
    # when
    response = _client(user).post(url, {"attended": [str(registration.pk)]})
    # then
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.attended is None


def test_attendance_page_before_the_start_has_no_save_button(workshop, organiser, confirmed):
    # given
    confirmed(workshop)
    url = reverse("workshops:attendance", kwargs={"slug": workshop.slug})
    # when
    response = _client(organiser).get(url)
    # then
    body = response.content.decode()
    assert "You can mark attendance once the workshop has started." in body
    assert "Save attendance" not in body
