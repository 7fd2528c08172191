"""Label sheet geometry: true to the manufacturers' dimensions."""

from __future__ import annotations

import itertools

import pytest

from app.inventory.labels import SHEETS, LabelError, slots

# Avery's published layouts: labels per sheet and label size in mm.
AVERY = {"L7160": (21, 63.5, 38.1), "L7163": (14, 99.1, 38.1), "L7651": (65, 38.1, 21.2)}


@pytest.mark.parametrize("code", list(AVERY))
def test_avery_sheets(code: str) -> None:
    sheet = SHEETS[code]
    count, width, height = AVERY[code]
    assert (sheet.page_width, sheet.page_height) == (210.0, 297.0)
    assert sheet.per_page == count
    assert (sheet.label_width, sheet.label_height) == (width, height)
    places = slots(sheet, count)
    assert {p.page for p in places} == {0}
    # Centred on the page, within it, and never overlapping.
    left = min(p.x for p in places)
    right = sheet.page_width - max(p.x + p.width for p in places)
    bottom = min(p.y for p in places)
    top = sheet.page_height - max(p.y + p.height for p in places)
    assert left == pytest.approx(right, abs=0.01) and left > 0
    assert top == pytest.approx(bottom, abs=0.01) and top >= 0
    for a, b in itertools.combinations(places, 2):
        apart_x = a.x + a.width <= b.x + 1e-6 or b.x + b.width <= a.x + 1e-6
        apart_y = a.y + a.height <= b.y + 1e-6 or b.y + b.height <= a.y + 1e-6
        assert apart_x or apart_y


def test_start_position_skips_used_labels_and_fills_row_by_row() -> None:
    sheet = SHEETS["L7160"]
    places = slots(sheet, 5, start=20)
    assert [(p.page, p.position) for p in places] == [(0, 20), (0, 21), (1, 1), (1, 2), (1, 3)]
    first_row = slots(sheet, 3)
    assert len({p.y for p in first_row}) == 1 and first_row[0].x < first_row[1].x
    assert first_row[0].y + first_row[0].height == pytest.approx(297 - 15.15)


def test_thermal_labels_one_per_page() -> None:
    places = slots(SHEETS["DK62"], 3)
    assert [p.page for p in places] == [0, 1, 2]
    assert (places[0].x, places[0].y, places[0].width) == (0, 0, 62)


@pytest.mark.parametrize("start", [0, 22])
def test_start_out_of_the_sheet(start: int) -> None:
    with pytest.raises(LabelError) as info:
        slots(SHEETS["L7160"], 1, start=start)
    assert "entre 1 et 21" in info.value.message
