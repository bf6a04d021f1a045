"""Winner certificates as PDF (fpdf2: pure Python, no system libraries).

Only display names, the entry, the award and the date go on a certificate: never an
email address or an age. The text is set in DejaVu Sans, bundled in voting/fonts (free
licence, in LICENSE there), so every name prints in its own letters: Ł, Ş, ř, ė, „“ ”.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"


def certificate_pdf(
    *,
    names: list[str],
    team_name: str,
    entry_title: str,
    award_name: str,
    challenge_title: str,
    published_at: datetime,
    network_name: str = "",
    award_description: str = "",
    finalist: bool = False,
) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_compression(False)  # small anyway; keeps the text searchable by simple tools
    pdf.set_title(f"{award_name} - {challenge_title}")
    pdf.set_creator("videoawards")
    pdf.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.add_font(FONT, "I", FONTS / "DejaVuSans-Oblique.ttf")
    pdf.add_page()
    pdf.set_draw_color(191, 135, 0)
    pdf.set_line_width(2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_y(35)
    pdf.set_font(FONT, "B", 30)
    pdf.cell(0, 16, _("Certificate"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 16)
    pdf.cell(0, 12, _("This certifies that"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 24)
    who = team_name or ", ".join(names)
    pdf.multi_cell(0, 14, who, align="C", new_x="LMARGIN", new_y="NEXT")
    if team_name:
        pdf.set_font(FONT, "", 14)
        pdf.multi_cell(0, 9, ", ".join(names), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 16)
    pdf.multi_cell(
        0,
        10,
        (
            _('reached the final of the "%(award)s" with the video "%(entry)s" in %(challenge)s.')
            if finalist
            else _('won the "%(award)s" with the video "%(entry)s" in %(challenge)s.')
        )
        % {"award": award_name, "entry": entry_title, "challenge": challenge_title},
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if award_description:
        pdf.set_font(FONT, "I", 12)
        pdf.multi_cell(0, 8, award_description, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    if network_name:
        pdf.set_font(FONT, "", 13)
        pdf.cell(0, 9, network_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "I", 12)
    day = formats.date_format(timezone.localtime(published_at), "DATE_FORMAT")
    pdf.cell(0, 10, day, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
