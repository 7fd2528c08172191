"""Grading on the grid, and overrides."""

from __future__ import annotations

import pytest

from app.inventory.grading import Grade, GradeError, Specs, StorageType, compute_grade, final_grade


def pc(score: int, ram: float, kind: StorageType, size: int) -> Specs:
    return Specs("computer", cpu_score=score, ram_gb=ram, storage_type=kind, storage_gb=size)


@pytest.mark.parametrize(
    "specs,grade",
    [
        (pc(3700, 8, StorageType.SSD, 256), Grade.B),  # ThinkPad T470
        (pc(6200, 16, StorageType.NVME, 512), Grade.A),  # EliteBook 840 G5
        (pc(12500, 32, StorageType.NVME, 1000), Grade.PREMIUM),
        (pc(2300, 4, StorageType.HDD, 500), Grade.C),  # ProBook 450 G3
        (pc(1200, 4, StorageType.HDD, 80), Grade.HC),
        (pc(700, 4, StorageType.SSD, 128), Grade.INVENDABLE),  # CPU too weak
        (pc(4000, 1, StorageType.SSD, 128), Grade.INVENDABLE),  # RAM too small
        (pc(4000, 8, StorageType.NONE, 0), Grade.INVENDABLE),  # no disk
    ],
)
def test_computers(specs: Specs, grade: Grade) -> None:
    assert compute_grade(specs).grade is grade


def test_more_of_anything_never_lowers_the_grade() -> None:
    order = list(Grade)
    base = pc(3000, 4, StorageType.HDD, 250)
    for better in (
        pc(9000, 4, StorageType.HDD, 250),
        pc(3000, 16, StorageType.HDD, 250),
        pc(3000, 4, StorageType.SSD, 250),
        pc(3000, 4, StorageType.HDD, 1000),
    ):
        assert order.index(compute_grade(better).grade) >= order.index(compute_grade(base).grade)


def test_unknown_specs_give_no_grade() -> None:
    result = compute_grade(Specs("computer", ram_gb=8))
    assert result.grade is None and result.reasons
    assert compute_grade(Specs("other")).grade is None


def test_mobiles_and_manual_adjustment() -> None:
    a52 = Specs("mobile", ram_gb=6, storage_gb=128, battery_health_pct=87)
    assert compute_grade(a52).grade is Grade.PREMIUM
    iphone8 = Specs("mobile", ram_gb=2, storage_gb=64, battery_health_pct=74)
    assert compute_grade(iphone8).grade is Grade.C
    assert compute_grade(iphone8, adjustment=1).grade is Grade.B
    assert compute_grade(iphone8, adjustment=-5).grade is Grade.HC  # one step at most
    tiny = Specs("mobile", ram_gb=1, storage_gb=8, battery_health_pct=50)
    assert compute_grade(tiny).grade is Grade.HC
    assert compute_grade(tiny, adjustment=-1).grade is Grade.HC  # never below HC


def test_override_needs_a_reason() -> None:
    assert final_grade(Grade.B, None, "") is Grade.B
    assert final_grade(Grade.B, Grade.C, "Rayures sur le capot") is Grade.C
    with pytest.raises(GradeError) as info:
        final_grade(Grade.B, Grade.A, "  ")
    assert "pourquoi" in info.value.message
