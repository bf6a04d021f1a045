"""The personal-data guard's scanner (moderation.guard): each kind of finding, and the
STEM text it must leave alone. Pure functions: no database."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from videoawards.moderation import guard
from videoawards.moderation.guard import Hit, Kind, Rules

RULES = Rules(school_names=["Parkschule Nord", "Lincoln Elementary"])


def found(text: str, rules: Rules = RULES) -> list[tuple[str, str]]:
    return [(hit.kind, hit.text) for hit in guard.scan_text(text, field="description", rules=rules)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Made by Lena Berg", [(Kind.NAME, "Lena Berg")]),
        ("Lena Berg und Jonas Fischer", [(Kind.NAME, "Lena Berg"), (Kind.NAME, "Jonas Fischer")]),
        ("Hej, jag heter Åsa Öberg", [(Kind.NAME, "Åsa Öberg")]),
        ("by Lena-Marie Müller", [(Kind.NAME, "Lena-Marie Müller")]),
    ],
)
def test_full_names_are_found(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Marie Curie explains gravity",
        "Isaac Newton and Max Planck meet Ada Lovelace",
        "The 3 laws of motion",
        "Why The Sky Is Blue: Rayleigh Scattering With A Torch",
        "Lena and Jonas build a Water Rocket",  # first names alone are fine
        "Solar System In A Shoebox",
    ],
)
def test_stem_titles_famous_scientists_and_first_names_alone_are_not_names(text):
    assert found(text) == []


def test_first_names_and_allowed_names_are_configurable():
    # given
    rules = Rules(first_names=["Zorro"], allowed_names=["Lena  Berg"])
    # when / then
    assert found("Zorro Vega and Lena Berg", rules) == [(Kind.NAME, "Zorro Vega")]


@pytest.mark.parametrize(
    "phone",
    [
        "0170 1234567",  # DE mobile
        "030/1234567",  # DE landline
        "+49 170 1234567",
        "0049 170 1234567",
        "+49 (0)30 1234567",
        "070-123 45 67",  # SE mobile
        "08-123 456 78",  # SE Stockholm
        "+46 70 123 45 67",
        "07700 900123",  # UK mobile
        "020 7946 0958",  # UK London
        "+44 20 7946 0958",
        "(555) 123-4567",  # US
        "555-123-4567",
        "555.123.4567",
        "+1 555 123 4567",
        "01701234567",
    ],
)
def test_phone_numbers_are_found(phone):
    assert found(f"Call me on {phone} after school.") == [(Kind.PHONE, phone)]


@pytest.mark.parametrize(
    "text",
    [
        "Filmed on 01.02.2024 at 10:30",
        "Filmed on 2024-05-17 and 12/05/2023",
        "From 1969 1970 1971 to 2019-2023",
        "The 3 laws of motion",
        "pi is 3.14159265 and g is 9.81 m/s²",
        "0 10 20 30 40 50 60 degrees",
        "A light year is 9460730472580 km, about 1234567890 football pitches",
        "100 000 000 stars",
    ],
)
def test_dates_years_and_measurements_are_not_phone_numbers(text):
    assert found(text) == []


def test_email_addresses_are_found_and_their_at_is_no_handle():
    assert found("Write to lena.berg+films@example.co.uk!") == [
        (Kind.EMAIL, "lena.berg+films@example.co.uk")
    ]


@pytest.mark.parametrize(
    "handle",
    [
        "@lena_films",
        "instagram.com/lena.films",
        "https://www.instagram.com/lena.films",
        "tiktok.com/@lena",
        "youtube.com/@lenafilms",
    ],
)
def test_social_handles_are_found(handle):
    assert found(f"Follow {handle} for more") == [(Kind.SOCIAL, handle)]


@pytest.mark.parametrize(
    "address",
    [
        "Hauptstraße 12",
        "Hauptstr. 3",
        "Karl-Marx-Straße 5a",
        "Berliner Allee 5",
        "Storgatan 5",
        "Kungsvägen 12B",
        "12 Baker Street",
        "221B Baker Street",
        "10 Downing St",
    ],
)
def test_street_addresses_are_found(address):
    assert found(f"We live at {address} in town") == [(Kind.ADDRESS, address)]


def test_seasons_and_years_are_not_addresses():
    assert found("Spring 2024: the 3 Laws of Motion, 2 Ways to Fly") == []


@pytest.mark.parametrize(
    "school",
    [
        "Goethe-Gymnasium",
        "Albert-Einstein-Gymnasium",
        "Heinrich Heine Schule",
        "Goetheschule",
        "Vasaskolan",
        "Internationella Engelska Skolan",
        "Lincoln High School",
        "St Mary's Primary School",
        "parkschule nord",  # from the configured list, any case
        "Lincoln  Elementary",
    ],
)
def test_school_names_are_found(school):
    assert found(f"Filmed at the {school} lab") == [(Kind.SCHOOL, school)]


@pytest.mark.parametrize("text", ["The School of Rock", "Summer School", "High School Musical"])
def test_schools_without_a_name_are_not_school_names(text):
    assert found(text) == []


def test_scan_reports_field_span_kind_and_text():
    # given
    fields = {"title": "Water rockets", "team_name": "Team Lena Berg"}
    # when
    hits = guard.scan(fields, rules=RULES)
    # then
    assert hits == [Hit(field="team_name", start=5, end=14, kind=Kind.NAME, text="Lena Berg")]
    assert fields["team_name"][hits[0].start : hits[0].end] == "Lena Berg"


def test_caption_text_keeps_the_words_without_timings_ids_or_notes():
    # given
    webvtt = (
        "WEBVTT - my captions\n\n"
        "NOTE filmed 01.02.2024\n\n"
        "1\n00:00.000 --> 00:02.000\nHi, I'm <b>Lena Berg</b>\n\n"
        "00:02.000 --> 00:04.000 align:start\nCall 0170 1234567\nor not\n"
    )
    # when
    text = guard.caption_text(webvtt)
    # then
    assert text == "Hi, I'm Lena Berg\nCall 0170 1234567\nor not"
    assert found(text) == [(Kind.NAME, "Lena Berg"), (Kind.PHONE, "0170 1234567")]


def test_text_hash_changes_with_any_field():
    before = guard.text_hash({"title": "Rockets", "description": "Water"})
    assert before == guard.text_hash({"description": "Water", "title": "Rockets"})
    assert before != guard.text_hash({"title": "Rockets", "description": "Water!"})


def test_snippets_mark_hits_in_their_context():
    # given
    text = "x" * 100 + " call 0170 1234567 today " + "y" * 100
    hits = guard.scan_text(text, field="description", rules=RULES)
    # when
    (snippet,) = guard.snippets(text, hits, context=6)
    # then
    assert snippet == [
        guard.Segment("…"),
        guard.Segment(" call "),
        guard.Segment("0170 1234567", Kind.PHONE),
        guard.Segment(" today"),
        guard.Segment("…"),
    ]


@given(st.text(max_size=300))
def test_every_hit_is_the_text_at_its_span_and_hits_do_not_overlap(text):
    hits = guard.scan_text(text, field="f", rules=RULES)
    assert all(text[hit.start : hit.end] == hit.text for hit in hits)
    assert all(a.end <= b.start for a, b in pairwise(hits))
