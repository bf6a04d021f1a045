"""A workshop as an iCalendar (.ics) event people can add to their calendar."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from .models import Workshop

PRODID = "-//videoawards//workshops//EN"


def event_uid(*, workshop: Workshop, site_url: str) -> str:
    """Stable for the workshop, so a calendar updates the event instead of adding a copy."""
    host = urlsplit(site_url).hostname or "videoawards.invalid"
    return f"workshop-{workshop.pk}@{host}"


def workshop_calendar(*, workshop: Workshop, site_url: str, now: datetime | None = None) -> bytes:
    """One VEVENT with times in UTC, the city (or "Online") as location and the page's URL."""
    event = Event()
    event.add("uid", event_uid(workshop=workshop, site_url=site_url))
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", workshop.starts_at.astimezone(UTC))
    event.add("dtend", workshop.ends_at.astimezone(UTC))
    event.add("summary", workshop.title)
    if workshop.description:
        event.add("description", workshop.description)
    event.add("location", workshop.location)
    event.add("url", site_url.rstrip("/") + workshop.get_absolute_url())
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical()
