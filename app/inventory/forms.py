"""Inventory forms: the shape of input only. Labels in French (lazy)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.core.labels import label_choices as _choices
from app.core.uploads import MIB, UploadCheck
from app.inventory.grading import GRADE_LABELS, STORAGE_LABELS
from app.inventory.importing import parse_number
from app.inventory.labels import SHEETS
from app.inventory.lifecycle import DEVICE_TYPE_LABELS, STATE_LABELS
from app.inventory.models import Condition, DonorKind, ErasureLevel, ErasureMethod, ErasureResult

DONOR_KIND_LABELS = {
    DonorKind.COMPANY: _l("Entreprise"),
    DonorKind.PUBLIC_BODY: _l("Collectivité ou organisme public"),
    DonorKind.INDIVIDUAL: _l("Particulier"),
}
CONDITION_LABELS = {
    Condition.WORKING: _l("Fonctionne"),
    Condition.UNTESTED: _l("À tester"),
    Condition.FAULTY: _l("En panne"),
    Condition.BROKEN: _l("Cassé"),
}
LEVEL_LABELS = {
    ErasureLevel.CLEAR: _l("Clear : effacement logique"),
    ErasureLevel.PURGE: _l("Purge : effacement complet du support"),
    ErasureLevel.DESTROY: _l("Destroy : destruction du support"),
}
METHOD_LABELS = {
    ErasureMethod.OVERWRITE: _l("Écrasement (passes)"),
    ErasureMethod.ATA_SANITIZE: _l("ATA Sanitize / Secure Erase"),
    ErasureMethod.NVME_SANITIZE: _l("NVMe Sanitize / Format"),
    ErasureMethod.CRYPTO_ERASE: _l("Effacement cryptographique"),
    ErasureMethod.FACTORY_RESET: _l("Réinitialisation usine (stockage chiffré)"),
    ErasureMethod.DEGAUSS: _l("Démagnétisation (disque dur)"),
    ErasureMethod.DESTRUCTION: _l("Destruction physique (broyage, désintégration, incinération)"),
}
RESULT_LABELS = {ErasureResult.ERASED: _l("Effacé"), ErasureResult.FAILED: _l("Échec")}


def type_choices(blank: str | None = None) -> list[SelectChoice]:
    return _choices(DEVICE_TYPE_LABELS, blank)


def state_choices(blank: str | None = None) -> list[SelectChoice]:
    return _choices(STATE_LABELS, blank)


class DecimalCommaField(StringField):
    """A number typed the French way ("15,6") or the English way ("15.6")."""

    def __init__(self, *args: Any, integer: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(*args, **kwargs)
        self.integer = integer
        self.number: float | int | None = None

    def pre_validate(self, form: Any) -> None:
        self.number = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            value = parse_number(text, unit="go")
        except ValueError:
            raise ValidationError(_l("Indiquez un nombre, par exemple 8 ou 15,6.")) from None
        self.number = round(value) if self.integer else value


class DonorForm(FlaskForm):
    name = StringField(
        _l("Nom du donateur"),
        validators=[DataRequired(_l("Indiquez le nom du donateur.")), Length(max=200)],
    )
    kind = SelectField(_l("Type de donateur"), choices=_choices(DONOR_KIND_LABELS))
    contact_name = StringField(_l("Personne à contacter"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Téléphone"), validators=[Optional(), Length(max=40)])
    address = StringField(_l("Adresse"), validators=[Optional(), Length(max=300)])
    siret = StringField(_l("SIRET"), validators=[Optional(), Length(max=14)])
    submit = SubmitField(_l("Enregistrer le donateur"))


class BatchForm(FlaskForm):
    donor_id = SelectField(_l("Donateur"), choices=[], validate_choice=False)
    new_donor_name = StringField(
        _l("Ou nouveau donateur : nom"), validators=[Optional(), Length(max=200)]
    )
    new_donor_kind = SelectField(
        _l("Type du nouveau donateur"), choices=_choices(DONOR_KIND_LABELS)
    )
    reference = StringField(
        _l("Référence (bon de don, convention…)"), validators=[Optional(), Length(max=80)]
    )
    received_on = DateField(_l("Reçu le"), validators=[Optional()])
    notes = TextAreaField(_l("Remarques"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Créer le lot"))


class DeviceForm(FlaskForm):
    device_type = SelectField(_l("Type"), choices=type_choices())
    brand = StringField(_l("Marque"), validators=[Optional(), Length(max=80)])
    model = StringField(_l("Modèle"), validators=[Optional(), Length(max=120)])
    serial = StringField(
        _l("Numéro de série"),
        validators=[Optional(), Length(max=100)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    imei = StringField(
        _l("IMEI (téléphones)"),
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    cpu = StringField(_l("Processeur"), validators=[Optional(), Length(max=120)])
    cpu_score = DecimalCommaField(_l("Indice processeur (PassMark)"), integer=True)
    ram_gb = DecimalCommaField(_l("Mémoire vive (Go)"))
    storage_type = SelectField(_l("Type de stockage"), choices=_choices(STORAGE_LABELS, blank="—"))
    storage_gb = DecimalCommaField(_l("Stockage (Go)"), integer=True)
    screen_inches = DecimalCommaField(_l("Écran (pouces)"))
    os = StringField(_l("Système"), validators=[Optional(), Length(max=120)])
    battery_health_pct = DecimalCommaField(_l("Santé de la batterie (%)"), integer=True)
    condition = SelectField(_l("État à l'arrivée"), choices=_choices(CONDITION_LABELS))
    condition_notes = TextAreaField(
        _l("Remarques sur l'état"), validators=[Optional(), Length(max=2000)]
    )
    location = StringField(
        _l("Emplacement"), validators=[Optional(), Length(max=120)], render_kw={"list": "lieux"}
    )
    duplicate_reason = StringField(
        _l("Motif pour accepter un doublon (responsable)"),
        validators=[Optional(), Length(max=500)],
    )
    submit = SubmitField(_l("Enregistrer"))

    def validate_serial(self, field: Any) -> None:
        if not (field.data or self.imei.data or (self.brand.data and self.model.data)):
            raise ValidationError(
                _l("Indiquez le numéro de série (ou, à défaut, la marque et le modèle).")
            )


class DeviceEditForm(DeviceForm):
    """The edit form also shows what a device brought from another tool (issue 16)."""

    external_ref = StringField(
        _l("Ancienne étiquette"),
        validators=[Optional(), Length(max=100)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    purchase_date = DateField(_l("Date d'achat"), validators=[Optional()])
    purchase_cost = DecimalCommaField(_l("Prix d'achat (€)"))
    supplier = StringField(_l("Fournisseur"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class IntakeForm(DeviceForm):
    batch_id = SelectField(_l("Lot de don"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Enregistrer et continuer"))


class TransitionForm(FlaskForm):
    to_state = SelectField(_l("Nouvel état"), choices=state_choices())
    reason = StringField(_l("Pourquoi (facultatif)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Changer l'état"))


class ErasureForm(FlaskForm):
    disk_make = StringField(_l("Fabricant du disque"), validators=[Optional(), Length(max=80)])
    disk_model = StringField(_l("Modèle du disque"), validators=[Optional(), Length(max=120)])
    disk_serial = StringField(
        _l("Numéro de série du disque"), validators=[Optional(), Length(max=100)]
    )
    disk_size_gb = IntegerField(
        _l("Capacité (Go)"), validators=[Optional(), NumberRange(min=0, max=100_000)]
    )
    # The route narrows the choices to the medium's (erasure_rules); the service refuses, with
    # a sentence, a level the method does not reach there.
    medium = SelectField(_l("Type de support"), choices=[], validate_choice=False)
    level = SelectField(
        _l("Niveau (NIST 800-88)"), choices=_choices(LEVEL_LABELS), validate_choice=False
    )
    method = SelectField(_l("Méthode"), choices=_choices(METHOD_LABELS), validate_choice=False)
    passes = IntegerField(
        _l("Nombre de passes (écrasement)"), validators=[Optional(), NumberRange(min=1, max=35)]
    )
    tool = StringField(
        _l("Outil"),
        validators=[DataRequired(_l("Indiquez l'outil utilisé.")), Length(max=120)],
        render_kw={"list": "outils"},
    )
    tool_version = StringField(_l("Version de l'outil"), validators=[Optional(), Length(max=40)])
    verification = StringField(
        _l("Vérification"),
        validators=[
            DataRequired(_l("Indiquez comment l'effacement a été vérifié.")),
            Length(max=200),
        ],
        render_kw={"placeholder": _l("par ex. lecture de vérification complète")},
    )
    started_at = DateTimeLocalField(
        _l("Début"), format="%Y-%m-%dT%H:%M", validators=[DataRequired(_l("Indiquez le début."))]
    )
    ended_at = DateTimeLocalField(
        _l("Fin"), format="%Y-%m-%dT%H:%M", validators=[DataRequired(_l("Indiquez la fin."))]
    )
    result = SelectField(_l("Résultat"), choices=_choices(RESULT_LABELS))
    technician_name = StringField(
        _l("Technicien·ne"),
        validators=[DataRequired(_l("Indiquez qui a fait l'effacement.")), Length(max=200)],
    )
    signature = StringField(
        _l("Signature : recopiez le nom du technicien ou de la technicienne"),
        validators=[DataRequired(_l("Signez en recopiant le nom.")), Length(max=200)],
    )
    notes = TextAreaField(_l("Remarques"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Enregistrer l'effacement"))


class GradeForm(FlaskForm):
    adjustment = SelectField(
        _l("Ajustement (téléphones et tablettes)"),
        default="0",
        choices=[
            SelectChoice("0", _l("Aucun")),
            SelectChoice("1", _l("Un cran de mieux (très bon état)")),
            SelectChoice("-1", _l("Un cran de moins (rayures, usure)")),
        ],
    )
    override = SelectField(
        _l("Changer la note (facultatif)"),
        default="",
        choices=_choices(GRADE_LABELS, blank=_l("Garder la note calculée")),
    )
    reason = StringField(_l("Pourquoi changer la note"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Valider la note"))


class LabelsForm(FlaskForm):
    sheet = SelectField(
        _l("Planche d'étiquettes"),
        choices=[SelectChoice(code, sheet.name) for code, sheet in SHEETS.items()],
    )
    start = IntegerField(
        _l("Commencer à l'étiquette n°"),
        default=1,
        validators=[DataRequired(_l("Indiquez un numéro.")), NumberRange(min=1, max=65)],
    )
    batch_id = SelectField(_l("Lot de don"), choices=[], validate_choice=False)
    outlines = BooleanField(_l("Tracer le contour des étiquettes (essai sur papier blanc)"))
    submit = SubmitField(_l("Imprimer les étiquettes (PDF)"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("Fichier CSV ou Excel (.xlsx)"),
        validators=[
            FileRequired(_l("Choisissez un fichier.")),
            UploadCheck(("csv", "xlsx"), max_bytes=10 * MIB),
        ],
    )
    donor_id = SelectField(_l("Donateur"), choices=[], validate_choice=False)
    reference = StringField(_l("Référence du lot"), validators=[Optional(), Length(max=80)])
    submit = SubmitField(_l("Vérifier le fichier"))


class StockCountForm(FlaskForm):
    location_id = SelectField(_l("Emplacement compté"), choices=[], validate_choice=False)
    tags = TextAreaField(
        _l("Étiquettes scannées (une par ligne)"),
        validators=[Optional(), Length(max=200_000)],
        render_kw={"rows": 10, "autocomplete": "off", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Comparer avec le stock"))


class ChecklistTemplateForm(FlaskForm):
    device_type = SelectField(_l("Type d'appareil"), choices=type_choices())
    items = TextAreaField(
        _l("Tests, un par ligne"),
        validators=[DataRequired(_l("Indiquez au moins un test.")), Length(max=10_000)],
        render_kw={"rows": 12},
    )
    submit = SubmitField(_l("Enregistrer la liste"))


class FilterForm(FlaskForm):
    """The list's filters: a GET form, no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Rechercher (étiquette, série, modèle)"), validators=[Optional()])
    state = SelectField(
        _l("État"),
        choices=[SelectChoice("", _l("Tous")), SelectChoice("in_stock", _l("En stock"))]
        + state_choices(),
        validate_choice=False,
    )
    device_type = SelectField(
        _l("Type"), choices=type_choices(blank=str(_l("Tous"))), validate_choice=False
    )
    grade = SelectField(
        _l("Note"),
        choices=[SelectChoice("", _l("Toutes")), SelectChoice("none", _l("Sans note"))]
        + _choices(GRADE_LABELS),
        validate_choice=False,
    )
    batch_id = SelectField(_l("Lot"), choices=[], validate_choice=False)
    location_id = SelectField(_l("Emplacement"), choices=[], validate_choice=False)
    sort = SelectField(
        _l("Trier par"),
        choices=[
            SelectChoice("recent", _l("Plus récents")),
            SelectChoice("oldest", _l("Plus anciens")),
            SelectChoice("tag", _l("Étiquette")),
            SelectChoice("brand", _l("Marque")),
            SelectChoice("model", _l("Modèle")),
            SelectChoice("state", _l("État")),
        ],
        validate_choice=False,
    )
