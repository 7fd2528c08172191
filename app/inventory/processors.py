"""The processor index grading needs, found from the processor's name.

Pure module: no Flask, no SQLAlchemy. The table (``data/processors.csv``) holds the
PassMark CPU Mark of the processors refurbishers meet, the index Emmaüs Connect's
recondapi reads from cpubenchmark.net and the scale of ``grading.CPU_BANDS``. Names come
in many spellings (a BIOS string, an import column, a technician's typing): ``model_key``
reduces each to one model ("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz" -> "i5-8250U"),
for the table's names and the device's alike.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).parent / "data" / "processors.csv"


@dataclass(frozen=True)
class Processor:
    model: str  # the key: "i5-8250U", "Celeron N4000", "Ryzen 5 3500U", "M1 Pro"
    name: str  # as PassMark spells it
    cpu_mark: int


# Marks, words and clock speeds that never tell two models apart.
_NOISE = re.compile(
    r"\((?:r|tm|c)\)|[®™©]|\b(?:cpu|processor|apu|\d+(?:st|nd|rd|th) gen(?:eration)?)\b"
)
_CLOCK = re.compile(r"@.*$|\b\d+(?:[.,]\d+)?\s*[gm]hz\b")
# A letter suffix sticks to the number, or stands one space off when it is one letter
# ("i5-7200 U"), so that "i3-6100 SSD" is still an i3-6100.
_SUFFIX = r"(?:([a-z][a-z0-9]{0,2})|\s([a-z]))?"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Intel Core: "i5-8250U", "core i5 8250 u", "I5/8365U", "i7-1165G7".
    (re.compile(r"\bi([3579])\s*[-/ ]?\s*(\d{4,5})(?:[-/]|\s[-/]\s?)?" + _SUFFIX + r"\b"), "core"),
    (
        re.compile(
            r"\b(celeron|pentium)(?:\s+(?:silver|gold|dual(?:[- ]core)?))?\s+"
            r"([a-z]{0,2}\d{3,4}[a-z0-9]{0,2})\b"
        ),
        "name",
    ),
    # Atom: "x5-Z8350" and "Z8350" are one chip.
    (re.compile(r"\b(atom)\s+(?:x[57][\s-]+)?([a-z]{0,2}\d{3,4}[a-z0-9]{0,2})\b"), "name"),
    # Ryzen, with or without PRO (same silicon): "Ryzen 5 PRO 4650U", "ryzen 7 5800x3d".
    (re.compile(r"\bryzen\s+([3579])\s+(?:pro\s+)?(\d{4})" + _SUFFIX + r"\b"), "ryzen"),
    # AMD A-series: "AMD A6-9225 RADEON R4", "AMD PRO A8-8600B", "A10 PRO-7850B".
    (
        re.compile(
            r"(?:^|\bamd\s+(?:pro\s+)?)a(4|6|8|9|10|12)\s*[- ]\s*(?:pro[- ])?(\d{4})"
            + _SUFFIX
            + r"\b"
        ),
        "a",
    ),
    # Apple silicon: "Apple M1", "M2 Pro", "Apple M1 Max 10 Core".
    (re.compile(r"(?:^|\bapple\s+)m([1-9])(?:\s+(pro|max|ultra))?\b"), "apple"),
)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.split(" with ")[0]  # "... with Radeon Vega Mobile Gfx"
    text = _NOISE.sub(" ", text)
    text = _CLOCK.sub(" ", text)
    text = re.sub(r"core(?=i[3579])", "core ", text)  # "IntelCorei5-8250U"
    return " ".join(text.replace("_", " ").split())


def model_key(text: str) -> str | None:
    """The model a processor name designates, or None when it names none we know.

    >>> model_key("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz")
    'i5-8250U'
    """
    text = _normalise(text)
    for pattern, family in _PATTERNS:
        found = pattern.search(text)
        if found is None:
            continue
        groups = found.groups()
        suffix = "".join(g for g in groups[2:4] if g).upper() if len(groups) > 2 else ""
        if family == "core":
            return f"i{groups[0]}-{groups[1]}{suffix}"
        if family == "name":
            return f"{groups[0].capitalize()} {groups[1].upper()}"
        if family == "ryzen":
            return f"Ryzen {groups[0]} {groups[1]}{suffix}"
        if family == "a":
            return f"A{groups[0]}-{groups[1]}{suffix}"
        return f"M{groups[0]}" + (f" {groups[1].capitalize()}" if groups[1] else "")
    return None


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(line for line in handle if not line.startswith("#"))]


@cache
def table(path: Path = TABLE) -> dict[str, Processor]:
    """The processors of the table by model key (casefolded)."""
    rows = _rows(path)
    header, body = rows[0], rows[1:]
    model, name, mark = (header.index(column) for column in ("model", "passmark_name", "cpu_mark"))
    return {
        row[model].casefold(): Processor(row[model], row[name], int(row[mark]))
        for row in body
        if row
    }


def find(text: str) -> Processor | None:
    """The table's processor for a name as typed or imported, or None.

    A model typed without its letters ("i5-8250") is found when only one model of the
    table completes it; "i5-4300" (M or U, apart by a third) is not guessed.
    """
    key = model_key(text)
    if key is None:
        return None
    known = table()
    if key.casefold() in known:
        return known[key.casefold()]
    stem = key.casefold()
    completions = [p for k, p in known.items() if k.startswith(stem) and k[len(stem)].isalpha()]
    return completions[0] if len(completions) == 1 else None


def cpu_score_for(text: str) -> int | None:
    """The PassMark CPU Mark of the processor ``text`` names, when the table knows it."""
    processor = find(text)
    return processor.cpu_mark if processor else None
