"""Tables that leave the platform as CSV, for organisers' spreadsheets: one writer for
every export, so each gets the same protection and the same file shape.

A spreadsheet runs a cell that starts with one of FORMULA_START as a formula, so a
display name or a title typed by a stranger ("=HYPERLINK(...)") could run in an
organiser's spreadsheet (CSV injection). Every text cell goes through safe_cell; numbers
are written as numbers. The file starts with a byte-order mark, which is what makes
spreadsheet programs read it as UTF-8 (Ł, ř, „quotes“ and all).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | datetime | None


def safe_cell(value: str) -> str:
    """The text as a spreadsheet shows it, never as a formula: a leading quote defuses it."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def _cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return safe_cell(str(value))


def csv_text(header: Sequence[object], rows: Iterable[Sequence[Cell]]) -> str:
    """The table as CSV text, every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(str(name)) for name in header])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def csv_response(content: str, *, filename: str) -> HttpResponse:
    """A download of `content`; `filename` is built from slugs, so it needs no quoting."""
    response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
