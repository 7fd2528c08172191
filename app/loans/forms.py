"""Counter forms: the shape of the input only; the rules are in terms.py and services.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.documents.pdf import PrintableName
from app.loans.models import SignatureKind
from app.loans.printing import ACCESSORY_LABELS, PAYMENT_LABELS
from app.loans.terms import DEFAULT_RESERVATION_DAYS, ReturnCheck

RETURN_CHECK_LABELS = {
    ReturnCheck.POWERS_ON: _l("L'appareil s'allume"),
    ReturnCheck.SCREEN_OK: _l("L'écran est intact"),
    ReturnCheck.KEYBOARD_OK: _l("Le clavier et le pavé tactile marchent"),
    ReturnCheck.CHARGER_BACK: _l("Le chargeur est rendu"),
    ReturnCheck.ACCESSORIES_BACK: _l("Les autres accessoires sont rendus"),
    ReturnCheck.NO_VISIBLE_DAMAGE: _l("Aucun dégât visible"),
}

SIGNATURE_LABELS = {
    SignatureKind.SCREEN: _l("Signature sur l'écran, ici"),
    SignatureKind.PAPER: _l("Signature sur la convention imprimée"),
}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


SCAN_KW = {
    "autofocus": True,
    "autocomplete": "off",
    "autocapitalize": "characters",
    "spellcheck": "false",
    "enterkeyhint": "go",
}


class ScanForm(FlaskForm):
    """One text field for a USB scanner (it types the label's URL, then Enter) or a person."""

    scanned = StringField(
        _l("Étiquette de l'appareil (scannez le QR code ou tapez le numéro)"),
        validators=[DataRequired(_l("Scannez l'étiquette ou tapez le numéro de l'appareil."))],
        render_kw=SCAN_KW,
    )
    submit = SubmitField(_l("Continuer"))


class ReserveForm(FlaskForm):
    scanned = StringField(
        _l("Étiquette de l'appareil à réserver"),
        validators=[DataRequired(_l("Scannez l'étiquette ou tapez le numéro de l'appareil."))],
        render_kw={**SCAN_KW, "autofocus": False},
    )
    days = IntegerField(
        _l("Réserver pendant (jours)"),
        default=DEFAULT_RESERVATION_DAYS,
        validators=[NumberRange(1, 60, _l("Entre 1 et 60 jours."))],
    )
    submit = SubmitField(_l("Réserver cet appareil"))


class HandoverForm(FlaskForm):
    scanned = HiddenField()
    accessories = MultiCheckboxField(
        _l("Accessoires remis"),
        choices=[SelectChoice(a.value, label) for a, label in ACCESSORY_LABELS.items()],
    )
    condition_note = StringField(
        _l("État de l'appareil à la remise (rayures, etc.)"),
        validators=[Optional(), Length(max=500)],
    )
    # Loans
    signature_kind = RadioField(
        _l("Signature de la convention"),
        choices=[SelectChoice(k.value, label) for k, label in SIGNATURE_LABELS.items()],
        validators=[Optional()],
    )
    signature_data = HiddenField()
    signer_name = StringField(
        _l("Nom de la personne qui signe"),
        validators=[Optional(), Length(max=200), PrintableName()],
    )
    # Sales
    payment_method = RadioField(
        _l("Moyen de paiement"),
        choices=[SelectChoice(p.value, label) for p, label in PAYMENT_LABELS.items()],
        validators=[Optional()],
    )
    submit = SubmitField(_l("Valider la remise"))


class ReturnForm(FlaskForm):
    checklist = MultiCheckboxField(
        _l("Vérifications au retour"),
        choices=[SelectChoice(c.value, label) for c, label in RETURN_CHECK_LABELS.items()],
    )
    damage_notes = TextAreaField(_l("Dégâts constatés"), validators=[Optional(), Length(max=2000)])
    retained = StringField(
        _l("Retenue sur la caution (en euros, 0 si rien)"),
        default="0",
        validators=[Optional(), Length(max=12)],
        render_kw={"inputmode": "decimal"},
    )
    submit = SubmitField(_l("Enregistrer le retour"))
