"""Winner certificates as PDF (fpdf2: pure Python, no system libraries).

Only display names, the entry, the award and the date go on a certificate: never an
email address or an age.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF


def _latin1(text: str) -> str:
    """The PDF core fonts cover Latin-1; other characters become '?' rather than failing."""
    return text.encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(
    *,
    names: list[str],
    team_name: str,
    entry_title: str,
    award_name: str,
    challenge_title: str,
    published_at: datetime,
) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_compression(False)  # small anyway; keeps the text searchable by simple tools
    pdf.set_title(_latin1(f"{award_name} - {challenge_title}"))
    pdf.set_creator("videoawards")
    pdf.add_page()
    pdf.set_draw_color(191, 135, 0)
    pdf.set_line_width(2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_y(35)
    pdf.set_font("Helvetica", "B", 30)
    pdf.cell(0, 16, _latin1(_("Certificate")), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 16)
    pdf.cell(0, 12, _latin1(_("This certifies that")), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 24)
    who = team_name or ", ".join(names)
    pdf.multi_cell(0, 14, _latin1(who), align="C", new_x="LMARGIN", new_y="NEXT")
    if team_name:
        pdf.set_font("Helvetica", "", 14)
        pdf.multi_cell(0, 9, _latin1(", ".join(names)), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 16)
    pdf.multi_cell(
        0,
        10,
        _latin1(
            _('won the "%(award)s" with the video "%(entry)s" in %(challenge)s.')
            % {"award": award_name, "entry": entry_title, "challenge": challenge_title}
        ),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(10)
    pdf.set_font("Helvetica", "I", 12)
    day = formats.date_format(timezone.localtime(published_at), "DATE_FORMAT")
    pdf.cell(0, 10, _latin1(day), align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
