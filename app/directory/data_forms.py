"""Forms of the directory's open data: the import, and an organisation's directory place."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, StringField, SubmitField, TimeField
from wtforms.validators import Length, Optional, Regexp

from app.core.uploads import MIB, UploadCheck
from app.directory.timetable import DAYS, MAX_RANGES

DAY_LABELS = (_l("Lundi"), _l("Mardi"), _l("Mercredi"), _l("Jeudi"), _l("Vendredi"),
              _l("Samedi"), _l("Dimanche"))  # fmt: skip


class OpenDataImportForm(FlaskForm):
    kind = SelectField(
        _l("Format"),
        choices=[
            SelectChoice("mednum", _l("Lieux de médiation numérique (CSV La MedNum, v1.0.2)")),
            SelectChoice(
                "data_inclusion",
                _l("data·inclusion (JSON : liste, page de l'API ou « structures »)"),
            ),
        ],
    )
    file = FileField(
        _l("Fichier"),
        validators=[
            FileRequired(_l("Choisissez un fichier.")),
            UploadCheck(("json", "csv"), max_bytes=15 * MIB),
        ],
    )
    dry_run = BooleanField(_l("Vérifier seulement (rien n'est enregistré)"))
    submit = SubmitField(_l("Importer"))


def _time(label: Any) -> TimeField:
    return TimeField(label, validators=[Optional()], format="%H:%M")


class DirectoryPlaceForm(FlaskForm):
    """Days x up to two ranges (``mo_1_start``, ``mo_1_end``, ``mo_2_start``...)."""

    closed_on_holidays = BooleanField(_l("Fermé les jours fériés"), default=True)
    labels = StringField(
        _l("Labels et formations (séparés par des virgules), ex. « ORDI 3.0 »"),
        validators=[Optional(), Length(max=500)],
    )
    rna = StringField(
        _l("Numéro RNA de l'association (W suivi de 9 chiffres)"),
        validators=[Optional(), Regexp(r"^[Ww]\d{9}$", message=_l("W suivi de 9 chiffres."))],
    )
    submit = SubmitField(_l("Enregistrer"))


for _day in DAYS:
    for _n in range(1, MAX_RANGES + 1):
        setattr(DirectoryPlaceForm, f"{_day.lower()}_{_n}_start", _time(_l("Ouverture")))
        setattr(DirectoryPlaceForm, f"{_day.lower()}_{_n}_end", _time(_l("Fermeture")))
