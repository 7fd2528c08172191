"""What an open-data file read row by row gives: each row's facts and its problems (pure).

The readers (``mednum.py``, ``datainclusion.py``) return one ``RowResult`` per row; the
import (``imports.py``) writes all of them or none. A *blocking* problem (a required field
missing or invalid, a row given twice) refuses the file; a warning (one optional field
that does not validate) is reported on its row and that field is not used. A value longer
than its ``Place`` column holds refuses its row too (``refuse_too_long``): a third party's
fact is never cut on the way through.

Every message is a ``Message``: a French template marked with ``N_`` and its values, put
into words when shown (``words(speaker)``: the import page in the reader's language, the
command line in French), so that this module stays pure. The values a producer wrote
are never translated; pydantic's own messages (data·inclusion) come as the library
writes them (in English).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core.marking import N_
from app.directory.needs import Need
from app.eligibility.wording import FRENCH, Speaker


@dataclass(frozen=True)
class Message:
    """A French template (``N_``) and its values; a value may be a ``Message`` too (a
    field's label, a nested reason), translated with it."""

    template: str
    values: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def words(self, speaker: Speaker = FRENCH) -> str:
        text = speaker.gettext(self.template)
        if not self.values:
            return text
        return text % {
            k: v.words(speaker) if isinstance(v, Message) else v for k, v in self.values.items()
        }


@dataclass(frozen=True)
class Problem:
    row: int  # CSV: as a spreadsheet numbers it (1 is the header); JSON: 1 is the first
    field: str  # "" for the whole row or file
    text: Message
    blocking: bool = True

    @property
    def message(self) -> str:
        """In French (the source language)."""
        return self.text.words()

    def words(self, speaker: Speaker) -> str:
        return self.text.words(speaker)


OWN_PLACE = N_("Un lieu de cette instance (notre propre export) : laissé tel quel.")


@dataclass
class RowResult:
    row: int
    source: str
    source_id: str
    name: str
    facts: dict[str, Any] = field(default_factory=dict)  # Place attributes
    problems: list[Problem] = field(default_factory=list)
    skipped: str = ""  # why the row is left aside (OWN_PLACE: our own places coming back)

    @property
    def blocking(self) -> bool:
        return any(p.blocking for p in self.problems)

    def warn(self, field_name: str, message: Message) -> None:
        self.problems.append(Problem(self.row, field_name, message, blocking=False))

    def refuse(self, field_name: str, message: Message) -> None:
        self.problems.append(Problem(self.row, field_name, message, blocking=True))


@dataclass
class Report:
    rows: list[RowResult] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    written: bool = False

    @property
    def problems(self) -> list[Problem]:
        return [*self.file_problems, *(p for r in self.rows for p in r.problems)]

    @property
    def ok(self) -> bool:
        """Nothing blocks, and there is at least one row to write."""
        return not any(p.blocking for p in self.problems) and any(not r.skipped for r in self.rows)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.blocking]


def split_list(value: str, separator: str = "|") -> list[str]:
    return [part.strip() for part in (value or "").split(separator) if part.strip()]


def refuse_duplicates(rows: list[RowResult]) -> None:
    """The same (source, id) twice in one file: the second would silently win."""
    counts = Counter((r.source, r.source_id) for r in rows if not r.skipped)
    seen: set[tuple[str, str]] = set()
    for r in rows:
        key = (r.source, r.source_id)
        if r.skipped or counts[key] < 2:
            continue
        if key in seen:
            r.refuse(
                "id",
                Message(
                    N_("L'identifiant « %(id)s » (%(source)s) est déjà sur une ligne précédente."),
                    {"id": r.source_id, "source": r.source},
                ),
            )
        seen.add(key)


# What the report calls each ``Place`` column a row fills (the producer's field is named
# too): the one list of these labels, translated where the report is shown.
LABELS = {
    "name": N_("Nom"),
    "address": N_("Adresse"),
    "postcode": N_("Code postal"),
    "commune": N_("Commune"),
    "code_insee": N_("Code INSEE"),
    "phone": N_("Téléphone"),
    "email": N_("Courriel"),
    "website": N_("Site web"),
    "booking_url": N_("Prise de rendez-vous"),
    "opening_hours": N_("Horaires"),
    "price_text": N_("Frais à charge"),
    "source": N_("Source"),
    "source_id": N_("Identifiant"),
}
TOO_LONG = N_(
    "%(label)s : %(length)s caractères, %(limit)s au plus : la ligne n'est pas importée "
    "(Ordilien ne coupe pas les données d'un autre)."
)


def refuse_too_long(rows: list[RowResult], limits: Mapping[str, int], fields: Mapping[str, str]) -> None:  # fmt: skip
    """Refuse each row whose value is longer than its column holds, rather than cut it.

    ``limits``: the ``Place`` columns' lengths (``models.PLACE_LENGTHS``, given by the
    caller so that this module stays pure); ``fields``: the producer's field each column
    is read from, named in the report.
    """
    for r in rows:
        for column, value in r.facts.items():
            limit = limits.get(column)
            if limit is None or not isinstance(value, str) or len(value) <= limit:
                continue
            label = Message(LABELS.get(column, column))
            r.refuse(
                fields.get(column, column),
                Message(TOO_LONG, {"label": label, "length": len(value), "limit": limit}),
            )


def needs_from_words(values: list[str]) -> list[str]:
    """``needs.Need`` codes from a producer's service labels or thématiques (any standard).

    Matched on words rather than exact labels: La MedNum v1.0.2's services ("Acquisition
    de matériel informatique à prix solidaire", "Aide aux démarches administratives"...),
    the cartography's newer ones ("Prendre en main un ordinateur", "Réparer son
    matériel"...) and data·inclusion's thématiques ("numerique--acquerir-un-equipement").
    """
    found: set[Need] = set()
    for value in values:
        if value in Need.__members__.values():
            found.add(Need(value))  # already a code
            continue
        key = _fold(value)
        if any(w in key for w in ("prix solidaire", "acquisition", "acquerir", "equipement")):
            found.add(Need.DEVICE)
        elif any(w in key for w in ("repar",)):
            found.add(Need.REPAIR)
        elif any(w in key for w in ("connexion", "acces internet", "acceder a internet")):
            found.add(Need.CONNECT)
        elif any(w in key for w in ("demarche", "services en ligne", "acces aux droits")):
            found.add(Need.PROCEDURES)
        elif key:
            found.add(Need.LEARN)  # every other mediation service teaches something
    return [need.value for need in Need if need in found]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(text.replace("-", " ").replace("_", " ").split())
