"""Grading a device from its specs, on a grid in the spirit of Emmaüs Connect's.

Pure module: no Flask, no SQLAlchemy. Computers are scored on a CPU benchmark index, RAM
and disk type and size into INVENDABLE / HC / C / B / A / PREMIUM; smartphones and
tablets on storage, RAM and battery health into HC / C / B / A / PREMIUM, with a manual
adjustment of one step either way. A person may override any grade, with a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from app.core.marking import N_


class Grade(StrEnum):
    INVENDABLE = "invendable"
    HC = "hc"
    C = "c"
    B = "b"
    A = "a"
    PREMIUM = "premium"


GRADE_LABELS: dict[Grade, str] = {
    Grade.INVENDABLE: N_("Invendable"),
    Grade.HC: N_("HC (hors catégorie)"),
    Grade.C: N_("C"),
    Grade.B: N_("B"),
    Grade.A: N_("A"),
    Grade.PREMIUM: N_("Premium"),
}

# Worst to best: adjustments move along this order.
ORDER: tuple[Grade, ...] = tuple(Grade)


class StorageType(StrEnum):
    NONE = "none"
    HDD = "hdd"
    SSD = "ssd"
    NVME = "nvme"
    EMMC = "emmc"


STORAGE_LABELS: dict[StorageType, str] = {
    StorageType.NONE: N_("Aucun"),
    StorageType.HDD: N_("Disque dur (HDD)"),
    StorageType.SSD: N_("SSD"),
    StorageType.NVME: N_("SSD NVMe"),
    StorageType.EMMC: N_("eMMC"),
}


@dataclass(frozen=True)
class Specs:
    """The specs grading reads. Unknown values are None."""

    kind: str  # "computer" or "mobile"
    cpu_score: int | None = None  # CPU benchmark index (PassMark CPU Mark)
    ram_gb: float | None = None
    storage_type: StorageType | None = None
    storage_gb: int | None = None
    battery_health_pct: int | None = None


@dataclass(frozen=True)
class GradeResult:
    grade: Grade | None
    points: int
    reasons: list[str] = field(default_factory=list)  # French
    # The same reasons as N_ templates and their parameters, translated where shown.
    templates: list[tuple[str, dict[str, str]]] = field(default_factory=list)


def _result(grade: Grade | None, points: int, *reasons: tuple[str, dict[str, str]]) -> GradeResult:
    """A result whose reasons are (N_ template, parameters) pairs."""
    french = [template % params if params else template for template, params in reasons]
    return GradeResult(grade, points, french, list(reasons))


class GradeError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _band(value: float, bands: Sequence[tuple[float, int]]) -> int:
    """Points of the highest band whose threshold ``value`` reaches."""
    points = 0
    for threshold, band_points in bands:
        if value >= threshold:
            points = band_points
    return points


CPU_BANDS = [(1500, 1), (3500, 2), (7000, 3), (12000, 4)]
RAM_BANDS = [(4, 1), (8, 2), (16, 3)]
DISK_SIZE_BANDS = [(120, 1), (240, 2), (480, 3)]
PC_GRADES = [(0, Grade.HC), (4, Grade.C), (6, Grade.B), (9, Grade.A), (12, Grade.PREMIUM)]

MOBILE_STORAGE_BANDS = [(16, 1), (32, 2), (64, 3), (128, 4)]
MOBILE_RAM_BANDS = [(2, 1), (3, 2), (4, 3), (6, 4)]
BATTERY_BANDS = [(70, 1), (80, 2), (90, 3)]
MOBILE_GRADES = [(0, Grade.HC), (4, Grade.C), (6, Grade.B), (8, Grade.A), (10, Grade.PREMIUM)]


def _grade_for(points: int, table: list[tuple[int, Grade]]) -> Grade:
    grade = table[0][1]
    for threshold, candidate in table:
        if points >= threshold:
            grade = candidate
    return grade


def compute_grade(specs: Specs, adjustment: int = 0) -> GradeResult:
    """Grade from specs; ``grade`` is None when the specs needed are not known."""
    if specs.kind == "computer":
        return _computer(specs)
    if specs.kind == "mobile":
        return _mobile(specs, adjustment)
    return _result(None, 0, (N_("Pas de grille pour ce type : note à donner à la main."), {}))


def _computer(specs: Specs) -> GradeResult:
    if specs.cpu_score is None or specs.ram_gb is None or specs.storage_type is None:
        return _result(
            None, 0, (N_("Indice processeur, mémoire et type de disque nécessaires au calcul."), {})
        )
    if specs.storage_type is StorageType.NONE or not specs.storage_gb:
        return _result(Grade.INVENDABLE, 0, (N_("Pas de disque."), {}))
    if specs.ram_gb < 2 or specs.cpu_score < 800:
        return _result(Grade.INVENDABLE, 0, (N_("Mémoire ou processeur trop faibles."), {}))
    cpu = _band(specs.cpu_score, CPU_BANDS)
    ram = _band(specs.ram_gb, RAM_BANDS)
    disk = 2 if specs.storage_type in (StorageType.SSD, StorageType.NVME) else 0
    if specs.storage_type is StorageType.EMMC:
        disk = 1
    size = _band(specs.storage_gb, DISK_SIZE_BANDS)
    points = cpu + ram + disk + size
    return _result(
        _grade_for(points, PC_GRADES),
        points,
        (N_("processeur %(v)s : %(n)s pt"), {"v": str(specs.cpu_score), "n": str(cpu)}),
        (N_("mémoire %(v)s Go : %(n)s pt"), {"v": f"{specs.ram_gb:g}", "n": str(ram)}),
        (
            N_("disque %(v)s : %(n)s pt"),
            {"v": specs.storage_type.value.upper(), "n": str(disk)},
        ),
        (N_("capacité %(v)s Go : %(n)s pt"), {"v": str(specs.storage_gb), "n": str(size)}),
    )


def _mobile(specs: Specs, adjustment: int) -> GradeResult:
    if specs.storage_gb is None or specs.ram_gb is None:
        return _result(None, 0, (N_("Stockage et mémoire nécessaires au calcul."), {}))
    storage = _band(specs.storage_gb, MOBILE_STORAGE_BANDS)
    ram = _band(specs.ram_gb, MOBILE_RAM_BANDS)
    battery = (
        0 if specs.battery_health_pct is None else _band(specs.battery_health_pct, BATTERY_BANDS)
    )
    points = storage + ram + battery
    grade = _grade_for(points, MOBILE_GRADES)
    health = specs.battery_health_pct
    reasons: list[tuple[str, dict[str, str]]] = [
        (N_("stockage %(v)s Go : %(n)s pt"), {"v": str(specs.storage_gb), "n": str(storage)}),
        (N_("mémoire %(v)s Go : %(n)s pt"), {"v": f"{specs.ram_gb:g}", "n": str(ram)}),
        (
            N_("batterie %(v)s %% : %(n)s pt"),
            {"v": str(health) if health is not None else "?", "n": str(battery)},
        ),
    ]
    if adjustment:
        step = max(-1, min(1, adjustment))
        # Mobiles are never "invendable" by the grid: HC is the floor.
        index = max(ORDER.index(Grade.HC), min(len(ORDER) - 1, ORDER.index(grade) + step))
        grade = ORDER[index]
        reasons.append((N_("ajustement manuel : %(v)s cran"), {"v": f"{step:+d}"}))
    return _result(grade, points, *reasons)


def final_grade(computed: Grade | None, override: Grade | None, reason: str) -> Grade | None:
    """The grade that counts: the override when given (it needs a reason), else the computed one."""
    if override is None:
        return computed
    if not reason.strip():
        raise GradeError("Indiquez pourquoi vous changez la note calculée.")
    return override


# What to tell a person whose device cannot be graded yet, by form field (one source for
# the device page and the grade page).
MISSING_LABELS: dict[str, str] = {
    "cpu": N_("Indiquez le processeur ou son indice"),
    "cpu_score": N_("Processeur absent de la table : indiquez son indice (PassMark)"),
    "ram_gb": N_("Indiquez la mémoire vive"),
    "storage_type": N_("Indiquez le type de disque"),
    "storage_gb": N_("Indiquez la capacité de stockage"),
}


def missing_for_grade(specs: Specs, *, cpu_named: bool = False) -> list[str]:
    """The fields to fill before the grid can grade, as keys of ``MISSING_LABELS``.

    ``cpu_named``: a processor name was given but gave no index (unknown to the table),
    so it is the index that is asked for, not the name. Empty when a grade is computable
    or when no grid applies (then the grade is given by hand).
    """
    missing: list[str] = []
    if specs.kind == "computer":
        if specs.cpu_score is None:
            missing.append("cpu_score" if cpu_named else "cpu")
        if specs.ram_gb is None:
            missing.append("ram_gb")
        if specs.storage_type is None:
            missing.append("storage_type")
    elif specs.kind == "mobile":
        if specs.storage_gb is None:
            missing.append("storage_gb")
        if specs.ram_gb is None:
            missing.append("ram_gb")
    return missing
