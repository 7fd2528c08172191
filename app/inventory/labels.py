"""Label sheet geometry: where each label sits on the page, in millimetres.

Pure module: no Flask, no SQLAlchemy. One source for the sheet sizes: the PDF, the form's
choices and the tests read them from here. Dimensions are the manufacturer's (Avery
L7160, L7163, L7651 on A4) and the Brother DK-11209 62 x 29 mm thermal roll.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sheet:
    code: str
    name: str
    page_width: float
    page_height: float
    columns: int
    rows: int
    label_width: float
    label_height: float
    left: float  # from the page's left edge to the first label's left edge
    top: float  # from the page's top edge to the first label's top edge
    pitch_x: float  # from one label's left edge to the next one's
    pitch_y: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


@dataclass(frozen=True)
class Slot:
    """One label's place: page index from 0; x, y of its bottom-left corner from the page's
    bottom-left corner (the PDF's origin), in mm."""

    page: int
    position: int  # 1-based position on its page, row by row
    x: float
    y: float
    width: float
    height: float


A4 = (210.0, 297.0)

SHEETS: dict[str, Sheet] = {
    "L7160": Sheet("L7160", "Avery L7160 (3 × 7, 63,5 × 38,1 mm)", *A4, 3, 7, 63.5, 38.1,
                   7.25, 15.15, 66.0, 38.1),
    "L7163": Sheet("L7163", "Avery L7163 (2 × 7, 99,1 × 38,1 mm)", *A4, 2, 7, 99.1, 38.1,
                   4.65, 15.15, 101.6, 38.1),
    "L7651": Sheet("L7651", "Avery L7651 (5 × 13, 38,1 × 21,2 mm)", *A4, 5, 13, 38.1, 21.2,
                   4.75, 10.7, 40.6, 21.2),
    "DK62": Sheet("DK62", "Étiquette thermique 62 × 29 mm (une par page)", 62.0, 29.0, 1, 1,
                  62.0, 29.0, 0.0, 0.0, 62.0, 29.0),
}  # fmt: skip


class LabelError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def slots(sheet: Sheet, count: int, start: int = 1) -> list[Slot]:
    """Places for ``count`` labels, the first at position ``start`` (1-based) of the first
    page, so a partly used sheet can be fed again."""
    if not 1 <= start <= sheet.per_page:
        raise LabelError(f"La position de départ doit être comprise entre 1 et {sheet.per_page}.")
    result = []
    for n in range(count):
        index = start - 1 + n
        page, on_page = divmod(index, sheet.per_page)
        row, column = divmod(on_page, sheet.columns)
        x = sheet.left + column * sheet.pitch_x
        top_edge = sheet.top + row * sheet.pitch_y
        y = sheet.page_height - top_edge - sheet.label_height
        result.append(Slot(page, on_page + 1, x, y, sheet.label_width, sheet.label_height))
    return result
