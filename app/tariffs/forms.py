"""Forms of the tariff catalogue: the shape of input only (rules are in services.clean)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.core.uploads import MIB, UploadCheck
from app.core.urls import WebUrl
from app.tariffs.matching import (
    AREA_KIND_LABELS,
    COUNTRY_LABELS,
    NEED_LABELS,
    OFFER_KIND_LABELS,
    known_statuses,
    status_label,
)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


MAX_AMOUNT = 99_999
_AMOUNT_RANGE = _l("Entre 0 et 99 999.")
_MONTHS = NumberRange(min=0, max=120, message=_l("Entre 0 et 120 mois."))


class FrenchDecimalField(DecimalField):
    """Accepts '12,99', '12.99' and '12,99 €' (people type French decimal commas); shows
    '12,99'. A text input: number inputs refuse the comma in some browsers."""

    widget = TextInput()

    def _value(self) -> str:
        return super()._value().replace(".", ",")

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            valuelist = [
                str(v)
                .replace("\u00a0", "")
                .replace(" ", "")
                .replace("€", "")
                .replace("£", "")
                .replace(",", ".")
                for v in valuelist
            ]
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


def kind_choices() -> list[SelectChoice]:
    return [SelectChoice(k.value, _l(label)) for k, label in OFFER_KIND_LABELS.items()]


def country_choices() -> list[SelectChoice]:
    return [SelectChoice(code, _l(label)) for code, label in COUNTRY_LABELS.items()]


# The states an owner sets (app.tariffs.governance.STATES); "to verify" also comes on its
# own from the verification date.
STATE_LABELS = {"current": _l("À jour"), "to_verify": _l("À vérifier"), "withdrawn": _l("Retirée")}


def state_choices() -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in STATE_LABELS.items()]


def status_choices() -> list[SelectChoice]:
    return [SelectChoice(code, _l(status_label(code))) for code in known_statuses()]


def _amount(label: str, required: bool = False) -> FrenchDecimalField:
    validators = [DataRequired(_l("Indiquez le prix."))] if required else [Optional()]
    return FrenchDecimalField(
        label,
        places=2,
        validators=[*validators, NumberRange(min=0, max=MAX_AMOUNT, message=_AMOUNT_RANGE)],
        render_kw={"inputmode": "decimal"},
    )


class TariffForm(FlaskForm):
    version = HiddenField()
    provider = StringField(
        _l("Fournisseur"),
        validators=[DataRequired(_l("Indiquez le fournisseur.")), Length(max=120)],
    )
    name = StringField(
        _l("Nom de l'offre"), validators=[DataRequired(_l("Indiquez le nom.")), Length(max=200)]
    )
    kind = SelectField(_l("Type"), choices=kind_choices())
    country = SelectField(_l("Pays"), choices=country_choices())
    monthly_price = _amount(_l("Prix par mois (après la période de découverte)"), required=True)
    intro_price = _amount(_l("Prix par mois pendant la découverte"))
    intro_months = IntegerField(
        _l("Durée de la découverte (mois)"), default=0, validators=[Optional(), _MONTHS]
    )
    setup_fee = _amount(_l("Frais d'ouverture"))
    equipment_rental = _amount(_l("Location du matériel, par mois"))
    commitment_months = IntegerField(
        _l("Engagement (mois)"), default=0, validators=[Optional(), _MONTHS]
    )
    speed_mbps = IntegerField(
        _l("Débit (Mb/s)"), validators=[Optional(), NumberRange(min=0, max=100_000)]
    )
    data_gb = FrenchDecimalField(
        _l("Données mobiles (Go par mois)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=MAX_AMOUNT, message=_AMOUNT_RANGE)],
    )
    content = StringField(_l("Contenu en quelques mots"), validators=[Optional(), Length(max=300)])
    area_kind = SelectField(
        _l("Où l'offre existe"),
        choices=[SelectChoice(k.value, _l(label)) for k, label in AREA_KIND_LABELS.items()],
    )
    area_codes = StringField(
        _l("Zone (séparée par des |)"), validators=[Optional(), Length(max=2000)]
    )
    statuses_any = MultiCheckboxField(_l("Il faut au moins un de ces statuts"), choices=[])
    statuses_all = MultiCheckboxField(_l("Il faut tous ces statuts"), choices=[])
    other_conditions = TextAreaField(_l("Autres conditions"), validators=[Optional()])
    proof_required = TextAreaField(
        _l("Justificatif demandé par l'opérateur"), validators=[Optional()]
    )
    how_to_subscribe = TextAreaField(_l("Comment souscrire"), validators=[Optional()])
    source_url = URLField(
        _l("Source (adresse web)"), validators=[Optional(), Length(max=500), WebUrl()]
    )
    notes = TextAreaField(_l("Notes pour l'équipe"), validators=[Optional()])
    checked_on = DateField(_l("Vérifiée le"), validators=[Optional()])
    valid_from = DateField(_l("Valable à partir du"), validators=[Optional()])
    valid_to = DateField(_l("Valable jusqu'au"), validators=[Optional()])
    # Governance (issue 17): where the offer is the territory's, and the state its owner
    # sets (who verified it is the person who records a verification date).
    territory = StringField(
        _l("Territoire"),
        validators=[Optional(), Length(max=120, message=_l("120 caractères au plus."))],
    )
    state = SelectField(_l("État"), choices=state_choices(), default="current")
    submit = SubmitField(_l("Enregistrer"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.statuses_any.choices = status_choices()
        self.statuses_all.choices = status_choices()


class ImportForm(FlaskForm):
    file = FileField(
        _l("Fichier CSV (séparateur ; ou ,)"),
        validators=[
            FileRequired(_l("Choisissez un fichier.")),
            UploadCheck(("csv",), max_bytes=2 * MIB),
        ],
    )
    submit = SubmitField(_l("Importer"))


class CheckedForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField(_l("Vérifiée aujourd'hui"))


class SimulatorForm(FlaskForm):
    """Facts typed by hand (GET form): try the matching without recording a household."""

    class Meta:
        csrf = False

    statuses = MultiCheckboxField(_l("Statuts attestés"), choices=[])
    pending_statuses = MultiCheckboxField(
        _l("Statuts déclarés mais pas encore attestés"), choices=[]
    )
    commune = StringField(_l("Commune"), validators=[Optional(), Length(max=120)])
    postcode = StringField(_l("Code postal"), validators=[Optional(), Length(max=10)])
    country = SelectField(_l("Pays"), choices=country_choices())
    needs = MultiCheckboxField(
        _l("Ce que le foyer cherche"),
        choices=[SelectChoice(n.value, _l(label)) for n, label in NEED_LABELS.items()],
    )
    monthly_spend = FrenchDecimalField(
        _l("Ce que le foyer paie aujourd'hui par mois (téléphone et internet)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=MAX_AMOUNT, message=_AMOUNT_RANGE)],
        render_kw={"inputmode": "decimal"},
    )
    # The saving compares like with like: a box with the box spend, a plan with the mobile.
    box_spend = FrenchDecimalField(
        _l("Dont la box internet (0 si le foyer n'en a pas)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=MAX_AMOUNT, message=_AMOUNT_RANGE)],
        render_kw={"inputmode": "decimal"},
    )
    mobile_spend = FrenchDecimalField(
        _l("Dont le forfait mobile (0 si le foyer n'en a pas)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=MAX_AMOUNT, message=_AMOUNT_RANGE)],
        render_kw={"inputmode": "decimal"},
    )
    submit = SubmitField(_l("Chercher les offres"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.statuses.choices = status_choices()
        self.pending_statuses.choices = status_choices()
