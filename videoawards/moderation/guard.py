"""The personal-data guard: finds what could identify a child in an entry's text.

Pure functions on plain strings (no ORM, no settings), so they are fast to test. The
moderation service feeds them the entry's title, description, team name and caption
text, and refuses an approval while hits are not confirmed by a moderator.

Names are found as "First Last" pairs whose first word is a known first name
(FIRST_NAMES plus a configurable list), because a "two capitalised words" rule flags
half of all Title Case STEM titles ("Solar System", "Water Rockets"). Famous people
("Marie Curie explains gravity") are on an allow-list.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


class Kind:
    NAME = "name"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    SCHOOL = "school"
    SOCIAL = "social"


KINDS = (Kind.NAME, Kind.PHONE, Kind.EMAIL, Kind.ADDRESS, Kind.SCHOOL, Kind.SOCIAL)


@dataclass(frozen=True, order=True)
class Hit:
    """One finding: `text` is `fields[field][start:end]`."""

    field: str
    start: int
    end: int
    kind: str
    text: str


@dataclass(frozen=True)
class Rules:
    """What the scanner looks for beyond its built-in patterns (from settings)."""

    school_names: Sequence[str] = ()
    first_names: Sequence[str] = ()
    allowed_names: Sequence[str] = ()
    _first: frozenset[str] = field(init=False, repr=False, compare=False)
    _allowed: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first = FIRST_NAMES | {name.strip().casefold() for name in self.first_names}
        allowed = FAMOUS_PEOPLE | {_squash(name) for name in self.allowed_names}
        object.__setattr__(self, "_first", frozenset(first - {""}))
        object.__setattr__(self, "_allowed", frozenset(allowed - {""}))


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Common first names in Germany, Sweden, the UK and the US (children born 2005-2020),
# lower case. Extend with VIDEOAWARDS_GUARD_FIRST_NAMES.
FIRST_NAMES = _words(
    """
    aaron adam adrian alba albin alexander alfred alice alicia alina alma amelia amelie
    amir amy anna anni anton arthur åsa astrid ava axel ben benjamin bella carl carla
    caroline charlie charlotte chloe clara daniel david dominik ebba edvin elias elin
    elisa ella ellen ellie elsa emil emilia emily emma erik evelyn ezra felix filip
    finn florian frida gabriel grace greta hannah harper harry hugo ida isabella isak
    isla ivy jack jacob jakob james jan jana jannik jayden joel johanna jonas jonathan
    josefine joshua julia julian justus karl kevin klara lara laura lea lena leo leon
    leonie liam lilly lily lina linnea linus lisa liv logan louis lucas luca luis luisa
    lukas luke maja malte marie mason matilda mats max maya mia michael mila milan
    moritz nathan nele nico niklas noah nora olivia oliver oscar otto paul paula
    pia rasmus ronja ruby sam samuel sara sarah sebastian selma siri sofia sofie
    sophia sophie stella svea theo theodor thomas tilda tim tobias tom valentina
    vera viktor wilma william wilhelm zoe
    """
)

# Famous people STEM videos talk about, as casefolded "first last" pairs.
FAMOUS_PEOPLE = frozenset(
    name.strip()
    for name in """
    ada lovelace|albert einstein|alan turing|alexander fleming|alfred nobel|anders celsius
    |carl linnaeus|carl sagan|charles darwin|charles babbage|emmy noether|galileo galilei
    |gregor mendel|grace hopper|isaac newton|james watt|jane goodall|johannes kepler
    |katherine johnson|lise meitner|louis pasteur|marie curie|max planck|michael faraday
    |neil armstrong|niels bohr|nikola tesla|richard feynman|robert koch|rosalind franklin
    |sally ride|stephen hawking|thomas edison|ada yonath|mae jemison|greta thunberg
    |alexander humboldt|wilhelm röntgen|max born|james maxwell|carl gauss|leonhard euler
    |emil fischer|lisa randall|chien-shiung wu|dorothy hodgkin|tim berners-lee
    """.replace("\n", "").split("|")
)

_UPPER = "A-ZÄÖÜÅÆØÉ"
_LOWER = "a-zäöüåæøéèßç"
_WORD = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
# Overlapping pairs of capitalised words, so "Lena Marie Berg" yields both pairs.
_NAME_PAIR = re.compile(rf"(?<![\w-])(?=({_WORD})[ \t]+({_WORD})(?![\w-]))")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")

_SOCIAL_URL = re.compile(
    r"(?<![\w.])(?:https?://)?(?:www\.|m\.|vm\.)?"
    r"(?:instagram\.com|tiktok\.com|youtube\.com|youtu\.be|snapchat\.com|twitter\.com"
    r"|x\.com|facebook\.com|fb\.com|twitch\.tv|threads\.net|discord\.gg)"
    r"/[\w@.%/-]*[\w@]",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@./])@(?=[\w.]*[A-Za-z])[A-Za-z0-9_](?:[\w.]{0,28}[\w])?")

# A run of digits with the separators phone numbers use; classified in _is_phone.
_PHONE_RUN = re.compile(r"(?<![\w+.,/-])(?:\+|00)?\(?\d[\d ()./-]{5,22}\d(?![\w]|[.,/-]\d)")
_DATE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_YEAR_RANGE = re.compile(r"^(?:1[5-9]|20)\d\d(?:\s*[-/ ]\s*(?:1[5-9]|20)\d\d)+$")
_US_PHONE = re.compile(r"^(?:\+?1[ .-]?)?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}$")

_STREET_DE = re.compile(
    rf"(?<![\w-])[{_UPPER}][{_UPPER}{_LOWER}-]*?"
    r"(?:straße|strasse|str\.|weg|gasse|allee|platz|damm|ufer|chaussee"
    r"|-Straße|-Strasse|-Str\.|-Weg|-Gasse|-Allee|-Platz|-Damm|-Ufer)"
    r"[ \t]*\d{1,4}[ \t]?[a-zA-Z]?(?![\w])"
)
_STREET_DE_WORD = re.compile(
    rf"(?<![\w-])[{_UPPER}][\w-]*[ \t]+(?:Straße|Strasse|Str\.|Weg|Gasse|Allee|Platz)"
    r"[ \t]*\d{1,4}[ \t]?[a-zA-Z]?(?![\w])"
)
_STREET_SE = re.compile(
    rf"(?<![\w-])[{_UPPER}][{_LOWER}-]*"
    r"(?:gatan|gata|vägen|väg|gränd|torget|stigen|backen|allén|leden)"
    r"[ \t]*\d{1,4}[ \t]?[A-Za-z]?(?![\w])"
)
_STREET_EN = re.compile(
    rf"(?<![\w.,])\d{{1,4}}[A-Za-z]?,?[ \t]+(?:[{_UPPER}][\w'-]*[ \t]+){{1,3}}"
    r"(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Close|Court|Place"
    r"|Boulevard|Blvd\.?|Crescent|Terrace|Gardens|Square)(?![\w])"
)

_SCHOOL_DE = re.compile(
    rf"(?<![\w-])(?:[{_UPPER}][\w.]*[- ]){{1,4}}"
    r"(?:Gymnasium|Realschule|Gesamtschule|Grundschule|Oberschule|Mittelschule"
    r"|Hauptschule|Schule|Gemeinschaftsschule|Stadtteilschule)(?![\w])"
    rf"|(?<![\w-])[{_UPPER}][{_LOWER}]+(?:schule|gymnasium)(?![\w])"
)
_SCHOOL_SE = re.compile(
    rf"(?<![\w-])(?:[{_UPPER}][\w]*[ \t]+){{0,3}}[{_UPPER}][{_LOWER}]*skolan(?![\w])"
    rf"|(?<![\w-])(?:[{_UPPER}][\w]*[ \t]+){{1,3}}(?:skola|Skolan|gymnasiet)(?![\w])"
)
_SCHOOL_EN = re.compile(
    rf"(?<![\w-])(?:[{_UPPER}][\w'.-]*[ \t]+){{1,4}}"
    r"(?:(?:High|Primary|Secondary|Middle|Elementary|Grammar|Junior|Senior)[ \t]+)?"
    r"(?:School|Academy|College)(?![\w])"
)
# Words that begin a phrase and name no school ("The School of Rock", "My Academy").
_NOT_A_SCHOOL_NAME = _words(
    """the a an my our your their this that at in to from of for and summer coding
    science film video art music dance online high primary secondary middle
    elementary grammar junior senior"""
)


_SCHOOL_WORDS = _words(
    """school academy college gymnasium schule skolan skola gymnasiet realschule
    gesamtschule grundschule oberschule mittelschule hauptschule"""
)


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _find_names(text: str, rules: Rules) -> Iterable[tuple[int, int]]:
    for match in _NAME_PAIR.finditer(text):
        first, last = match.group(1), match.group(2)
        if first.split("-")[0].casefold() not in rules._first:
            continue
        if _squash(f"{first} {last}") in rules._allowed:
            continue
        start = match.start(1)
        yield start, match.end(2)


def _is_phone(candidate: str) -> bool:
    text = candidate.strip(" ()./-")
    if _DATE.match(text) or _YEAR_RANGE.match(text):
        return False
    digits = re.sub(r"\D", "", text)
    if candidate.startswith(("+", "00")):
        return 8 <= len(digits) <= 15
    if _US_PHONE.match(candidate):
        return True
    # National numbers with a trunk 0 (DE, SE, UK): an area or mobile code of 2-5
    # digits starting with 0, then the subscriber number; 9 to 12 digits in all.
    first_group = re.match(r"\(?(0\d{1,4})\)?(?:[ ./-]|$)", candidate)
    if first_group is None:
        return bool(re.fullmatch(r"0\d{8,11}", candidate))
    return 9 <= len(digits) <= 12 and len(re.findall(r"\d+", candidate)) <= 5


def _find_phones(text: str) -> Iterable[tuple[int, int]]:
    for match in _PHONE_RUN.finditer(text):
        candidate = match.group(0).rstrip(" ./-")
        if candidate.startswith("(") and ")" not in candidate:
            candidate = candidate[1:]
            offset = 1
        else:
            offset = 0
        if _is_phone(candidate):
            start = match.start() + offset
            yield start, start + len(candidate)


def _find_schools(text: str, rules: Rules) -> Iterable[tuple[int, int]]:
    for pattern in (_SCHOOL_DE, _SCHOOL_SE, _SCHOOL_EN):
        for match in pattern.finditer(text):
            start, rest = match.start(), match.group(0)
            # Drop leading words that name no school; the suffix alone is no name.
            while (lead := re.match(r"(\S+)\s+", rest)) and lead.group(1).casefold() in (
                _NOT_A_SCHOOL_NAME
            ):
                start, rest = start + lead.end(), rest[lead.end() :]
            if rest.casefold() in _SCHOOL_WORDS:
                continue
            yield start, match.end()
    for name in rules.school_names:
        words = name.split()
        if not words:
            continue
        needle = r"\s+".join(re.escape(word) for word in words)
        yield from _find(re.compile(rf"(?<!\w){needle}(?!\w)", re.IGNORECASE), text)


def _find_addresses(text: str) -> Iterable[tuple[int, int]]:
    for pattern in (_STREET_DE, _STREET_DE_WORD, _STREET_SE, _STREET_EN):
        for match in pattern.finditer(text):
            yield match.start(), match.end()


def _find(pattern: re.Pattern[str], text: str) -> Iterable[tuple[int, int]]:
    for match in pattern.finditer(text):
        yield match.span()


def scan_text(text: str, *, field: str, rules: Rules) -> list[Hit]:
    """Every hit in one field, in order; a hit inside a longer one is dropped (the
    "@mail" of an email address is the address, not a handle)."""
    found: list[tuple[int, int, str]] = []
    found += [(s, e, Kind.EMAIL) for s, e in _find(_EMAIL, text)]
    found += [(s, e, Kind.SOCIAL) for s, e in _find(_SOCIAL_URL, text)]
    found += [(s, e, Kind.SOCIAL) for s, e in _find(_HANDLE, text)]
    found += [(s, e, Kind.PHONE) for s, e in _find_phones(text)]
    found += [(s, e, Kind.ADDRESS) for s, e in _find_addresses(text)]
    found += [(s, e, Kind.SCHOOL) for s, e in _find_schools(text, rules)]
    found += [(s, e, Kind.NAME) for s, e in _find_names(text, rules)]
    # Longest first (then by kind), and keep only those that do not overlap a kept one.
    found.sort(key=lambda item: (-(item[1] - item[0]), KINDS.index(item[2]), item[0]))
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in found:
        if all(end <= s or start >= e for s, e, _k in kept):
            kept.append((start, end, kind))
    return [Hit(field=field, start=s, end=e, kind=k, text=text[s:e]) for s, e, k in sorted(kept)]


def scan(fields: Mapping[str, str], *, rules: Rules) -> list[Hit]:
    """Hits in every field, field by field in the given order."""
    return [
        hit for name, text in fields.items() for hit in scan_text(text, field=name, rules=rules)
    ]


def text_hash(fields: Mapping[str, str]) -> str:
    """A fingerprint of exactly the text that was scanned: a confirmation covers it."""
    payload = json.dumps(sorted(fields.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_CUE_TIMING = re.compile(r"^\S+[ \t]+-->[ \t]+\S+")


def caption_text(webvtt: str) -> str:
    """The words of a WebVTT file, one cue line per line: without the header, cue ids,
    timings (which look like numbers), NOTE/STYLE/REGION blocks and inline tags."""
    lines: list[str] = []
    blocks = webvtt.replace("\r\n", "\n").replace("\r", "\n").split("\n\n")
    for number, block in enumerate(blocks):
        rows = [row for row in block.split("\n") if row.strip()]
        if not rows:
            continue
        if number == 0 and rows[0].startswith("WEBVTT"):
            continue
        if rows[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing = next((i for i, row in enumerate(rows) if _CUE_TIMING.match(row)), None)
        if timing is None:
            continue
        lines += [re.sub(r"<[^>]*>", "", row).strip() for row in rows[timing + 1 :]]
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class Segment:
    """A piece of a field's text for the page: `kind` is set on the highlighted ones."""

    text: str
    kind: str = ""


def snippets(text: str, hits: Sequence[Hit], *, context: int = 40) -> list[list[Segment]]:
    """The hits of one field in their context: a few words either side of each,
    windows that touch merged, each window as plain and highlighted segments."""
    if not hits:
        return []
    ordered = sorted(hits)
    windows: list[list[Hit]] = []
    bounds: list[tuple[int, int]] = []
    for hit in ordered:
        start, end = max(0, hit.start - context), min(len(text), hit.end + context)
        if bounds and start <= bounds[-1][1]:
            bounds[-1] = (bounds[-1][0], max(bounds[-1][1], end))
            windows[-1].append(hit)
        else:
            bounds.append((start, end))
            windows.append([hit])
    result = []
    for (start, end), inside in zip(bounds, windows, strict=True):
        parts: list[Segment] = []
        if start > 0:
            parts.append(Segment("…"))
        cursor = start
        for hit in inside:
            if hit.start > cursor:
                parts.append(Segment(text[cursor : hit.start]))
            parts.append(Segment(text[hit.start : hit.end], hit.kind))
            cursor = hit.end
        if end > cursor:
            parts.append(Segment(text[cursor:end]))
        if end < len(text):
            parts.append(Segment("…"))
        result.append(parts)
    return result
