"""A training place's sessions as activity reports in La Coop de la médiation numérique's words.

So that a mediator does not type them twice: one row per past session (not cancelled),
in the vocabulary of inclusion-numerique/coop-mediation-numerique (apps/web/src/features:
``typeActiviteLabels``, ``thematiquesNonAdministrativesLabels``, ``materielLabels``,
``niveauAtelierLabels``, ``trancheAgeLabels``, ``statutSocialLabels``; read at commit
46aa33b). Participants are the bookings marked present; where attendance was not taken,
the booked seats (the "Présence relevée" column says which).

What Ordilien does not know is left "Non communiqué" rather than guessed: a participant's
age band is the household's reference person's (else its only adult's), and the
status from the household's attested statuses; gender is not recorded here, and the
equipment only where the theme implies it (office software: a computer).
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.clock import utcnow
from app.core.spreadsheet import safe_row
from app.eligibility.vocabulary import Status
from app.extensions import db
from app.training import recurrence
from app.training.models import (
    Attendance,
    Booking,
    BookingStatus,
    SessionStatus,
    TrainingSession,
)

TYPE_INDIVIDUAL = "Accompagnement individuel"
TYPE_GROUP = "Atelier collectif"
# Catalogue theme (training.diagnostic.Theme) -> La Coop's thématiques.
THEMES = {
    "decouvrir": ["Prendre en main du matériel", "Navigation sur internet"],
    "demarches": ["Aide aux démarches administratives"],
    "emploi": ["Insertion professionnelle"],
    "communiquer": ["E-mail", "Réseaux sociaux communication"],
    "bureautique": ["Bureautique"],
    "sinformer": ["Navigation sur internet", "Culture numérique"],
    "creer": ["Créer avec le numérique"],
}
EQUIPMENT = {"bureautique": "Ordinateur"}
LEVELS = {"grand_debutant": "Débutant", "debutant": "Débutant",
          "intermediaire": "Intermédiaire", "autonome": "Avancé"}  # fmt: skip
UNKNOWN_AGE = "Non communiqué"
AGE_BANDS = [(12, "Moins de 12 ans"), (18, "12 - 17 ans"), (25, "18 - 24 ans"),
             (40, "25 - 39 ans"), (60, "40 - 59 ans"), (70, "60 - 69 ans"),
             (200, "70 ans et plus")]  # fmt: skip
AGE_COLUMNS = [label for _limit, label in reversed(AGE_BANDS)] + [UNKNOWN_AGE]
UNKNOWN_STATUS = "Non communiqué ou hétérogène"
STATUS_COLUMNS = ["Retraité", "Sans emploi", "En emploi", "Scolarisé", UNKNOWN_STATUS]
_STATUS = {Status.ASPA: "Retraité", Status.RSA: "Sans emploi", Status.ASS: "Sans emploi",
           Status.JOB_SEEKER: "Sans emploi", Status.PRIME_ACTIVITE: "En emploi",
           Status.BURSARY_STUDENT: "Scolarisé"}  # fmt: skip

HEADERS = [
    "Date", "Type", "Nom de l'atelier", "Durée (min)", "Nom du lieu", "Adresse", "Commune",
    "Code postal", "Matériel numérique utilisé", "Thématique(s) d'accompagnement",
    "Niveau d'autonomie (ou de l'atelier)", "Participants", "Présence relevée",
    *(f"Tranche d'âge : {c}" for c in AGE_COLUMNS),
    *(f"Statut : {c}" for c in STATUS_COLUMNS),
]  # fmt: skip


def age_band(age: int | None) -> str:
    if age is None:
        return UNKNOWN_AGE
    return next(label for limit, label in AGE_BANDS if age < limit)


def participant_age(members: list[Any], on: date) -> int | None:
    """The reference person's age; else the only adult's; else unknown."""
    for member in members:
        if member.is_reference:
            return int(member.age_on(on))
    adults = [m.age_on(on) for m in members if m.age_on(on) >= 18]
    return int(adults[0]) if len(adults) == 1 else None


def participant_status(statuses: set[Status]) -> str:
    found = {_STATUS[s] for s in statuses if s in _STATUS}
    return found.pop() if len(found) == 1 else UNKNOWN_STATUS


def activity_rows(org_id: int, now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or utcnow()
    sessions = db.session.scalars(
        select(TrainingSession)
        .where(
            TrainingSession.organisation_id == org_id,
            TrainingSession.status != SessionStatus.CANCELLED,
            TrainingSession.starts_at < now,
        )
        .options(selectinload(TrainingSession.bookings).selectinload(Booking.household))
        .order_by(TrainingSession.starts_at)
    ).all()
    rows = []
    for session in sessions:
        booked = [b for b in session.bookings if b.status is BookingStatus.BOOKED]
        taken = any(b.attendance is not None for b in booked)
        came = [b for b in booked if b.attendance is Attendance.PRESENT] if taken else booked
        day = recurrence.to_local(session.starts_at).date()
        ages: Counter[str] = Counter()
        statuses: Counter[str] = Counter()
        for booking in came:
            household = booking.household
            ages[age_band(participant_age(household.members, day))] += 1
            statuses[participant_status(household.statuses_on(day))] += 1
        themes = list(dict.fromkeys(t for theme in session.themes for t in THEMES.get(theme, [])))
        equipment = list(dict.fromkeys(EQUIPMENT[t] for t in session.themes if t in EQUIPMENT))
        levels = list(dict.fromkeys(LEVELS[lv] for lv in session.levels if lv in LEVELS))
        org = session.organisation
        rows.append(
            {
                "Date": day,
                "Type": TYPE_INDIVIDUAL if session.individual else TYPE_GROUP,
                "Nom de l'atelier": session.title,
                "Durée (min)": session.duration_minutes,
                "Nom du lieu": org.name,
                "Adresse": session.address or org.address,
                "Commune": session.commune or org.commune,
                "Code postal": session.postcode or org.postcode,
                "Matériel numérique utilisé": ", ".join(equipment),
                "Thématique(s) d'accompagnement": ", ".join(themes),
                "Niveau d'autonomie (ou de l'atelier)": levels[0] if len(levels) == 1 else "",
                "Participants": len(came),
                "Présence relevée": "Oui" if taken else "Non",
                **{f"Tranche d'âge : {c}": ages[c] for c in AGE_COLUMNS},
                **{f"Statut : {c}": statuses[c] for c in STATUS_COLUMNS},
            }
        )
    return rows


def workbook(org_id: int, now: datetime | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Activités"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in activity_rows(org_id, now):
        sheet.append(safe_row(row[h] for h in HEADERS))
    for cell in sheet["A"][1:]:
        cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
