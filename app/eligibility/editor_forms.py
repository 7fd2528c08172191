"""The programme editor's forms: the shape of the input only (editing.py turns it into a
definition, feasibility.py and the loader check it).

Every number is a ``DatedForm``: its value from the programme's start, and rows "from day
D: value V"; each has an "Ajouter une date" button that redraws the form with one more row.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from app.core.labels import label_choices as _choices
from app.core.urls import WebUrl
from app.eligibility.editing import DEVICES, GRADES, NUMBERS, Dated
from app.eligibility.vocabulary import COMMITMENT_LABELS, DEVICE_TYPE_LABELS, STATUS_LABELS
from app.households.forms import EQUIPMENT_CHOICES, MultiCheckboxField

NUMBER = {"inputmode": "numeric"}
POSITIVE = NumberRange(min=0, message=_l("Un nombre positif ou nul."))
PERIODS = [
    SelectChoice("year", _l("par an")),
    SelectChoice("month", _l("par mois")),
    SelectChoice("ever", _l("en tout (sur toute la durée)")),
]
ENVELOPE_PERIODS = [PERIODS[2], PERIODS[0], PERIODS[1]]
KINDS = [
    SelectChoice("sale", _l("Vente")),
    SelectChoice("loan", _l("Prêt")),
    SelectChoice("gift", _l("Don")),
    SelectChoice("aid", _l("Aide (montant décidé par l'organisation)")),
]


class ChangeRow(Form):
    day = DateField(_l("À partir du"), validators=[Optional()])
    value = IntegerField(_l("Valeur"), validators=[Optional(), POSITIVE], render_kw=NUMBER)


class DatedForm(Form):
    value = IntegerField(
        _l("Au début du programme"), validators=[Optional(), POSITIVE], render_kw=NUMBER
    )
    changes = FieldList(FormField(ChangeRow), min_entries=1)
    add_row = SubmitField(_l("Ajouter une date"))


class GridChangeRow(Form):
    day = DateField(_l("À partir du"), validators=[Optional()])
    device = SelectField(
        _l("Appareil"), choices=_choices(DEVICE_TYPE_LABELS, blank="—"), validate_choice=False
    )
    grade = SelectField(_l("État"), choices=[SelectChoice("", "—"), *GRADES], validate_choice=False)
    value = IntegerField(_l("Prix (€)"), validators=[Optional(), POSITIVE], render_kw=NUMBER)


def _grid_form() -> type[Form]:
    fields = {
        f"{device}_{grade}": IntegerField(
            f"{device} {grade}", validators=[Optional(), POSITIVE], render_kw=NUMBER
        )
        for device in DEVICES
        for grade in GRADES
    }
    return type("GridForm", (Form,), fields)


GridForm = _grid_form()


def _dated(label: Any) -> FormField:  # type: ignore[type-arg]
    return FormField(DatedForm, label=label)


class ProgrammeForm(FlaskForm):
    # Identity
    code = StringField(
        _l("Code du programme"),
        validators=[
            DataRequired(_l("Indiquez un code.")),
            Regexp(r"^[a-z0-9][a-z0-9-]{1,58}$", message=_l("Minuscules, chiffres et tirets.")),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "none"},
    )
    owner_org_id = SelectField(_l("Organisation propriétaire"), choices=[])
    name = StringField(
        _l("Nom"), validators=[DataRequired(_l("Indiquez le nom.")), Length(max=200)]
    )
    summary = TextAreaField(
        _l("En quelques phrases"),
        validators=[DataRequired(_l("Décrivez le programme.")), Length(max=2000)],
    )
    territory = StringField(_l("Territoire (en mots)"), validators=[Optional(), Length(max=200)])
    device_types = MultiCheckboxField(_l("Appareils"), choices=_choices(DEVICE_TYPE_LABELS))
    priority = IntegerField(
        _l("Priorité (facultatif)"), validators=[Optional(), POSITIVE], render_kw=NUMBER
    )
    # Dates
    valid_from = DateField(
        _l("Le programme commence le"),
        validators=[DataRequired(_l("Indiquez le jour où le programme commence."))],
    )
    end_kind = RadioField(
        _l("Il se termine"),
        choices=[
            SelectChoice("none", _l("Pas de date de fin")),
            SelectChoice("date", _l("À une date")),
            SelectChoice("campaign", _l("Après une campagne de quelques mois")),
        ],
        default="none",
    )
    valid_to = DateField(_l("Dernier jour"), validators=[Optional()])
    campaign_months = IntegerField(
        _l("Durée de la campagne (mois)"), validators=[Optional()], render_kw=NUMBER
    )
    # Who
    statuses_mode = RadioField(
        _l("Le foyer doit avoir"),
        choices=[
            SelectChoice("any_of", _l("au moins un de ces statuts")),
            SelectChoice("all_of", _l("tous ces statuts")),
        ],
        default="any_of",
    )
    statuses = MultiCheckboxField(_l("Statuts"), choices=_choices(STATUS_LABELS))
    proof = RadioField(
        _l("Preuve demandée"),
        choices=[
            SelectChoice("declared", _l("La parole du prescripteur suffit")),
            SelectChoice("document_seen", _l("Un justificatif vu")),
        ],
        default="declared",
    )
    age_who = RadioField(
        _l("L'âge de"),
        choices=[
            SelectChoice("any", _l("une personne du foyer")),
            SelectChoice("reference", _l("la personne de référence")),
        ],
        default="any",
    )
    age_min = _dated(_l("Âge minimum"))
    age_max = _dated(_l("Âge maximum"))
    age_at_least = IntegerField(
        _l("Au moins combien de personnes de cet âge"),
        validators=[Optional(), POSITIVE],
        render_kw=NUMBER,
    )
    communes = TextAreaField(_l("Communes (une par ligne)"), validators=[Optional()])
    postcodes = StringField(_l("Codes postaux"), validators=[Optional()], render_kw=NUMBER)
    departments = StringField(_l("Départements"), validators=[Optional()])
    qpv = BooleanField(_l("Seulement en quartier prioritaire (QPV)"))
    household_min = _dated(_l("Taille minimum du foyer"))
    household_max = _dated(_l("Taille maximum du foyer"))
    no_equipment = MultiCheckboxField(_l("Le foyer n'a pas déjà"), choices=EQUIPMENT_CHOICES)
    quota_max = _dated(_l("Attributions par foyer au plus"))
    quota_per = SelectField(_l("Période du quota"), choices=PERIODS, default="year")
    commitments = MultiCheckboxField(
        _l("La personne s'engage à"), choices=_choices(COMMITMENT_LABELS)
    )
    # Envelope
    envelope_max_grants = _dated(_l("Nombre d'attributions en tout"))
    envelope_max_eur = _dated(_l("Budget en euros"))
    envelope_grant_eur = _dated(_l("Euros pris par attribution"))
    envelope_per = SelectField(_l("Période de l'enveloppe"), choices=ENVELOPE_PERIODS)
    # Outcome
    outcome_kind = RadioField(_l("Ce que reçoit le foyer"), choices=KINDS, default="sale")
    price_eur = _dated(_l("Prix (€)"))
    grid = FormField(GridForm, label=_l("Prix par appareil et par état (€)"))
    grid_changes = FieldList(
        FormField(GridChangeRow), label=_l("Changements datés de la grille"), min_entries=1
    )
    grid_add_row = SubmitField(_l("Ajouter une date"))
    warranty_months = _dated(_l("Garantie (mois)"))
    loan_months = _dated(_l("Durée du prêt (mois)"))
    deposit_eur = _dated(_l("Dépôt de garantie (€)"))
    cession_after_months = _dated(_l("Cédé au foyer après (mois)"))
    terms = TextAreaField(_l("Conditions en mots"), validators=[Optional(), Length(max=2000)])
    # Source
    source_title = StringField(_l("Titre du texte"), validators=[Optional(), Length(max=300)])
    source_citation = StringField(
        _l("Référence (délibération, convention, page)"), validators=[Optional()]
    )
    source_url = StringField(_l("Adresse web"), validators=[Optional(), Length(max=500), WebUrl()])
    source_date = DateField(_l("Date du texte"), validators=[Optional()])
    source_note = TextAreaField(_l("Remarque"), validators=[Optional(), Length(max=2000)])
    note = TextAreaField(_l("Ce qui change (pour l'historique)"), validators=[Optional()])
    save = SubmitField(_l("Enregistrer le brouillon"))


DATED_FIELDS = tuple(NUMBERS)


def added_row(form: ProgrammeForm) -> bool:
    """Was an "Ajouter une date" button pressed? Then add a row to that list."""
    for name in DATED_FIELDS:
        sub = form[name].form
        if sub.add_row.data:
            sub.changes.append_entry()
            return True
    if form.grid_add_row.data:
        form.grid_changes.append_entry()
        return True
    return False


def _lines(text: str | None, split: str = r"[\n,;]+") -> list[str]:
    return [part.strip() for part in re.split(split, text or "") if part.strip()]


def fields_from_form(
    form: ProgrammeForm, base: dict[str, Any]
) -> tuple[dict[str, Any], list[tuple[Any, str]]]:
    """The form's input over ``base`` (the fields of the definition being edited: its
    parameters' names and descriptions are kept). Returns (fields, [(field, message)])."""
    errors: list[tuple[Any, str]] = []
    fields = dict(base)
    start = form.valid_from.data
    for name in ("name", "summary", "territory", "priority", "statuses_mode", "proof"):
        fields[name] = form[name].data
    for name in ("age_who", "age_at_least", "qpv", "quota_per", "envelope_per", "terms"):
        fields[name] = form[name].data
    for name in ("source_title", "source_citation", "source_url", "source_date", "source_note"):
        fields[name] = form[name].data
    fields["outcome_kind"] = form.outcome_kind.data
    for name in ("device_types", "statuses", "no_equipment", "commitments"):
        fields[name] = list(form[name].data or [])
    fields["valid_from"] = start
    fields["valid_to"] = form.valid_to.data if form.end_kind.data == "date" else None
    fields["campaign_months"] = (
        form.campaign_months.data if form.end_kind.data == "campaign" else None
    )
    if form.end_kind.data == "date" and form.valid_to.data is None:
        errors.append((form.valid_to, _l("Indiquez le dernier jour.")))
    if form.end_kind.data == "campaign" and form.campaign_months.data is None:
        errors.append((form.campaign_months, _l("Indiquez la durée en mois.")))
    fields["communes"] = _lines(form.communes.data, r"\n+")
    fields["postcodes"] = _lines(form.postcodes.data, r"[\s,;]+")
    fields["departments"] = _lines(form.departments.data, r"[\s,;]+")
    for name in DATED_FIELDS:
        sub = form[name].form
        changes: list[tuple[date, int | None]] = []
        for row in sub.changes:
            day, value = row.form.day.data, row.form.value.data
            if day is None and value is None:
                continue
            if day is None:
                errors.append((row.form.day, _l("Indiquez le jour du changement.")))
            elif value is None:
                errors.append((row.form.value, _l("Indiquez la valeur à partir de ce jour.")))
            elif start is not None and day <= start:
                errors.append((row.form.day, _l("Un changement vient après le début.")))
            else:
                changes.append((day, value))
        kept = base.get(name) or Dated()
        fields[name] = replace(kept, value=sub.value.data, changes=tuple(changes))
    fields["price_grid"] = _grid_from_form(form, base.get("price_grid") or {}, errors)
    if not (form.source_citation.data or form.source_url.data):
        errors.append((form.source_citation, _l("Indiquez une référence ou une adresse web.")))
    return fields, errors


def _grid_from_form(
    form: ProgrammeForm, base: dict[str, Any], errors: list[tuple[Any, str]]
) -> dict[str, Any]:
    cells: dict[str, dict[str, Dated]] = {}
    for device in DEVICES:
        for grade in GRADES:
            value = form.grid.form[f"{device}_{grade}"].data
            if value is not None:
                cells.setdefault(device, {})[grade] = Dated(value)
    for row in form.grid_changes:
        r = row.form
        if r.day.data is None and r.value.data is None:
            continue
        if (
            r.day.data is None
            or r.device.data not in DEVICES
            or r.grade.data not in GRADES
            or r.value.data is None
        ):
            errors.append((r.day, _l("Indiquez le jour, l'appareil, l'état et le prix.")))
            continue
        cell = cells.setdefault(r.device.data, {}).get(r.grade.data) or Dated()
        cells[r.device.data][r.grade.data] = replace(
            cell, changes=(*cell.changes, (r.day.data, r.value.data))
        )
    return {**base, "cells": cells} if cells else {}


def fill_form(form: ProgrammeForm, fields: dict[str, Any]) -> None:
    """Show a definition's fields in the form (GET)."""
    for name in ("code", "name", "summary", "territory", "priority", "device_types"):
        if name in form:
            form[name].data = fields.get(name)
    simple = (
        "valid_from", "valid_to", "campaign_months", "statuses_mode", "statuses", "proof",
        "age_who", "age_at_least", "qpv", "no_equipment", "quota_per", "commitments",
        "envelope_per", "outcome_kind", "terms", "source_title", "source_citation",
        "source_url", "source_date", "source_note",
    )  # fmt: skip
    for name in simple:
        form[name].data = fields.get(name)
    form.end_kind.data = (
        "campaign"
        if fields.get("campaign_months") is not None
        else "date"
        if fields.get("valid_to")
        else "none"
    )
    form.communes.data = "\n".join(fields.get("communes") or [])
    form.postcodes.data = " ".join(fields.get("postcodes") or [])
    form.departments.data = " ".join(fields.get("departments") or [])
    for name in DATED_FIELDS:
        dated: Dated = fields.get(name) or Dated()
        sub = form[name].form
        sub.value.data = dated.value
        _rows(sub.changes, [{"day": d, "value": v} for d, v in dated.changes])
    cells: dict[str, dict[str, Dated]] = (fields.get("price_grid") or {}).get("cells") or {}
    grid_rows = []
    for device, grades in cells.items():
        for grade, cell in grades.items():
            form.grid.form[f"{device}_{grade}"].data = cell.value
            grid_rows += [
                {"day": d, "device": device, "grade": grade, "value": v} for d, v in cell.changes
            ]
    _rows(form.grid_changes, grid_rows)


def _rows(rows: FieldList, data: list[dict[str, Any]]) -> None:  # type: ignore[type-arg]
    while len(rows.entries):
        rows.pop_entry()
    for item in [*data, {}]:  # one empty row to type a new change in
        rows.append_entry(item)


class PublishForm(FlaskForm):
    effective_from = DateField(
        _l("En vigueur à partir du"), validators=[DataRequired(_l("Indiquez le jour."))]
    )
    # Its own id: the draft's form above, on the same page, has a field "note" too.
    note = TextAreaField(
        _l("Ce qui change"), validators=[Optional(), Length(max=2000)], id="publish-note"
    )
    submit = SubmitField(_l("Publier"))


class EndForm(FlaskForm):
    last_day = DateField(
        _l("Dernier jour du programme"), validators=[DataRequired(_l("Indiquez le jour."))]
    )
    note = TextAreaField(_l("Pourquoi (facultatif)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Mettre fin au programme"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("Fichier du programme (.yaml)"),
        validators=[FileRequired(_l("Choisissez un fichier."))],
    )
    owner_org_id = SelectField(_l("Organisation propriétaire"), choices=[])
    dry_run = BooleanField(_l("Seulement voir ce qui changerait (rien n'est enregistré)"))
    submit = SubmitField(_l("Importer"))
