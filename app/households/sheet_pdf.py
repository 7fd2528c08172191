"""The printable prescription sheet as a PDF, in the reader's language.

Same content as ``households/prescription_sheet.html`` (who, which programme, what the
household gets, the association, the prescriber, the date), plus the decision condition
by condition with the values in force that day and the programme's source. A4, true to
size, DejaVu (every accent) through ``app/documents/pdf.py``. Sentences come from
``app/eligibility/display.py``: call it in a request (or inside ``force_locale``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from app.core.labels import Translated
from app.documents.pdf import fonts, render
from app.eligibility import display
from app.eligibility.vocabulary import COMMITMENT_LABELS, DEVICE_TYPE_LABELS
from app.households.lifecycle import STATE_LABELS

PAGE = (210.0, 297.0)  # A4, mm
MARGIN = 20 * mm
LABEL_WIDTH = 45 * mm
GREY = colors.HexColor("#555555")


class _Writer:
    """A top-down cursor on the canvas: wrapped lines, new pages when the page is full."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.regular, self.bold = fonts()
        self.width = PAGE[0] * mm - 2 * MARGIN
        self.y = PAGE[1] * mm - MARGIN

    def need(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.canvas.showPage()
            self.y = PAGE[1] * mm - MARGIN

    def lines(self, text: str, size: float, width: float, bold: bool = False) -> list[str]:
        font = self.bold if bold else self.regular
        out: list[str] = []
        for paragraph in (text or "").split("\n"):
            out += simpleSplit(paragraph, font, size, width) or [""]
        return out

    def paragraph(
        self,
        text: str,
        size: float = 10,
        *,
        bold: bool = False,
        indent: float = 0,
        color: Any = colors.black,
        after: float = 2 * mm,
    ) -> None:
        leading = size * 1.3
        for line in self.lines(text, size, self.width - indent, bold):
            self.need(leading)
            self.y -= leading
            self.canvas.setFillColor(color)
            self.canvas.setFont(self.bold if bold else self.regular, size)
            self.canvas.drawString(MARGIN + indent, self.y + size * 0.25, line)
        self.canvas.setFillColor(colors.black)
        self.y -= after

    def row(self, label: str, value: str, size: float = 10) -> None:
        """A two-column row of the sheet's table: the label in bold, the value wrapped."""
        leading = size * 1.3
        value_width = self.width - LABEL_WIDTH
        left = self.lines(label, size, LABEL_WIDTH - 3 * mm, bold=True)
        right = self.lines(value, size, value_width)
        height = max(len(left), len(right)) * leading + 2 * mm
        self.need(height)
        top = self.y
        for i, line in enumerate(left):
            self.canvas.setFont(self.bold, size)
            self.canvas.drawString(MARGIN, top - (i + 1) * leading + size * 0.25, line)
        for i, line in enumerate(right):
            self.canvas.setFont(self.regular, size)
            self.canvas.drawString(
                MARGIN + LABEL_WIDTH, top - (i + 1) * leading + size * 0.25, line
            )
        self.y = top - height
        self.canvas.setStrokeColor(colors.lightgrey)
        self.canvas.setLineWidth(0.5)
        self.canvas.line(MARGIN, self.y + 1 * mm, MARGIN + self.width, self.y + 1 * mm)
        self.canvas.setStrokeColor(colors.black)

    def mark(self, met: bool | None, text: str, size: float = 10) -> None:
        """A condition: its mark (met, not met, to confirm) then its sentence."""
        dejavu = self.regular != "Helvetica"
        if met is None:
            sign, state = "?", _("À confirmer :")
        elif met:
            sign, state = ("✓" if dejavu else "+"), _("Condition remplie :")
        else:
            sign, state = ("✗" if dejavu else "-"), _("Condition non remplie :")
        leading = size * 1.3
        lines = self.lines(f"{state} {text}", size, self.width - 7 * mm)
        self.need(leading * min(len(lines), 2))
        self.canvas.setFont(self.bold, size)
        self.canvas.drawString(MARGIN, self.y - leading + size * 0.25, sign)
        for line in lines:
            self.need(leading)
            self.y -= leading
            self.canvas.setFont(self.regular, size)
            self.canvas.drawString(MARGIN + 7 * mm, self.y + size * 0.25, line)
        self.y -= 1 * mm


def _day(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _address(org: Any) -> str:
    place = " ".join(p for p in (org.address, org.postcode, org.commune) if p)
    lines = [org.name, place]
    if org.phone:
        lines.append(f"{_('Tél.')} {org.phone}")
    return "\n".join(line for line in lines if line)


def _prescriber(org: Any, user: Any) -> str:
    text = org.name + (f", {user.display_name}" if user else "")
    if org.phone:
        text += f"\n{_('Tél.')} {org.phone}"
    return text


def prescription_sheet_pdf(
    prescription: Any,
    household: Any,
    programme: Any,
    association: Any,
    prescriber_org: Any,
    prescriber: Any,
    *,
    hours: str = "",
) -> bytes:
    """The sheet the household brings to the association, as PDF bytes."""
    devices = Translated(DEVICE_TYPE_LABELS)
    commitments = Translated(COMMITMENT_LABELS)
    states = Translated(STATE_LABELS)
    decision: Mapping[str, Any] = prescription.decision or {}
    title = _("Fiche de prescription n° %(id)s", id=prescription.id)

    def build(canvas: Canvas) -> None:
        w = _Writer(canvas)
        w.paragraph(_("Fiche de prescription"), 18, bold=True, after=1 * mm)
        w.paragraph(_("n° %(id)s", id=prescription.id), 12, color=GREY, after=3 * mm)
        w.paragraph(
            _(
                "Apportez cette fiche à l'association, avec une pièce d'identité si vous "
                "en avez une."
            ),
            11,
            after=4 * mm,
        )
        w.row(_("Pour"), household.reference_name)
        w.row(_("Programme"), programme.name if programme else prescription.programme_code)
        w.row(_("Appareil"), devices[prescription.device_type])
        if prescription.outcome:
            gets = display.outcome_text(prescription.outcome, prescription.device_type)
            terms = prescription.outcome.get("terms")
            if terms and terms not in gets:
                gets += f" {terms}"
            w.row(_("Ce que le foyer reçoit"), gets)
        promised = decision.get("commitments") or []
        if promised:
            w.row(
                _("La personne s'engage à"),
                ", ".join(commitments.get(c, c) for c in promised),
            )
        w.row(_("État"), states[prescription.state])
        w.row(_("Association"), _address(association))
        if hours:
            w.row(_("Horaires"), hours)
        w.row(_("Prescrit par"), _prescriber(prescriber_org, prescriber))
        w.row(_("Date"), _day(prescription.submitted_at or prescription.created_at))

        conditions = decision.get("conditions") or []
        if conditions:
            on = str(decision.get("on", ""))
            w.y -= 4 * mm
            w.paragraph(
                _("Vérification du %(d)s", d=f"{on[8:10]}/{on[5:7]}/{on[:4]}"),
                13,
                bold=True,
                after=2 * mm,
            )
            for c in conditions:
                w.mark(c.get("met"), display.condition_text(c))
                for p in c.get("parameters") or ():
                    w.paragraph(display.parameter_text(p), 8.5, indent=7 * mm, color=GREY, after=0)
                w.y -= 1 * mm
        if programme is not None:
            w.y -= 2 * mm
            w.paragraph(f"{_('Source :')} {programme.source.sentence()}", 9, color=GREY)

        w.y -= 6 * mm
        w.need(35 * mm)
        w.paragraph(_("Cachet et signature du prescripteur :"), 10, bold=True, after=2 * mm)
        canvas.setStrokeColor(colors.grey)
        canvas.rect(MARGIN, w.y - 28 * mm, 80 * mm, 28 * mm, stroke=1, fill=0)

    return render(build, PAGE, title)
