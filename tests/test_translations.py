"""German and Swedish: every message translated, and the committed .mo files match the .po.

A machine with only Python has no msgfmt, so the compiled catalogues are committed; these
tests catch a string added without a translation or a .po edited without compiling.
"""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def _po_entries(path: Path) -> dict[str | tuple[str, int], str]:
    """msgid (or (msgid, plural index)) -> msgstr for every entry but the header; a fuzzy
    entry counts as untranslated, as msgfmt leaves it out."""
    entries: dict[str | tuple[str, int], str] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        fuzzy = False
        current = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in line
            elif line.startswith('"'):
                fields[current] += ast.literal_eval(line)
            elif line and not line.startswith("#"):
                current, _space, value = line.partition(" ")
                fields[current] = ast.literal_eval(value)
        msgid = fields.get("msgid", "")
        if not msgid:
            continue
        if "msgctxt" in fields:
            msgid = fields["msgctxt"] + "\x04" + msgid
        if "msgid_plural" in fields:
            for name, value in fields.items():
                if name.startswith("msgstr["):
                    entries[(msgid, int(name[7:-1]))] = "" if fuzzy else value
        else:
            entries[msgid] = "" if fuzzy else fields.get("msgstr", "")
    return entries


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_a_translation(language):
    entries = _po_entries(LOCALE / language / "LC_MESSAGES" / "django.po")
    missing = sorted(str(key) for key, value in entries.items() if not value)
    assert len(entries) > 900
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po_file(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    compiled = {key: value for key, value in compiled.items() if key != ""}
    assert compiled == _po_entries(folder / "django.po")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", "Wettbewerbe"), ("sv", "Tävlingar"), ("en", "Challenges")],
)
def test_pages_speak_the_chosen_language(client, language, expected):
    # when
    response = client.get("/", headers={"accept-language": language})
    # then
    assert response.headers["Content-Language"] == language
    assert f">{expected}</a>" in response.content.decode()
