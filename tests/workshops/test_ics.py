from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from icalendar import Calendar

from tests.factories import WorkshopFactory
from videoawards.workshops.ics import workshop_calendar
from videoawards.workshops.models import Workshop

pytestmark = pytest.mark.django_db

SITE = "https://awards.example.org"


def _event(ics: bytes):
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return event


def test_calendar_has_uid_times_in_utc_title_city_and_link():
    # given: 18:00 to 21:00 in Berlin (summer time, UTC+2)
    starts = datetime(2031, 6, 2, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    workshop = WorkshopFactory(
        title="Film your first experiment",
        city="Hamburg",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        registration_deadline=starts - timedelta(days=1),
    )
    # when
    event = _event(workshop_calendar(workshop=workshop, site_url=SITE))
    # then
    assert str(event["UID"]) == f"workshop-{workshop.pk}@awards.example.org"
    assert event.decoded("DTSTART") == starts
    assert event.decoded("DTEND") == starts + timedelta(hours=3)
    assert event["DTSTART"].to_ical() == b"20310602T160000Z"
    assert event["DTEND"].to_ical() == b"20310602T190000Z"
    assert str(event["SUMMARY"]) == "Film your first experiment"
    assert str(event["LOCATION"]) == "Hamburg"
    assert str(event["URL"]) == f"{SITE}/workshops/{workshop.slug}/"
    assert "DTSTAMP" in event


def test_online_workshop_is_located_online():
    # given
    workshop = WorkshopFactory(mode=Workshop.Mode.ONLINE, city="")
    # when
    event = _event(workshop_calendar(workshop=workshop, site_url=SITE))
    # then
    assert str(event["LOCATION"]) == "Online"


def test_calendar_download_is_an_ics_attachment_that_parses(client: Client):
    # given
    workshop = WorkshopFactory(title="Editing on your phone")
    # when
    response = client.get(f"/workshops/{workshop.slug}/calendar.ics")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{workshop.slug}.ics"'
    event = _event(response.content)
    assert str(event["SUMMARY"]) == "Editing on your phone"
    assert str(event["URL"]).endswith(workshop.get_absolute_url())


def test_unpublished_workshop_has_no_calendar(client: Client):
    # given
    workshop = WorkshopFactory(is_published=False)
    # when
    response = client.get(f"/workshops/{workshop.slug}/calendar.ics")
    # then
    assert response.status_code == 404
