"""Household and prescription forms: the shape of the input only (checks in services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.converters import coerce_id
from app.core.i18n import language_names
from app.core.labels import label_choices as _choices
from app.documents.pdf import PrintableName
from app.eligibility.vocabulary import (
    ATTESTATION_METHOD_LABELS,
    COMMITMENT_LABELS,
    CONNECTION_LABELS,
    CONTACT_CHANNEL_LABELS,
    DEVICE_TYPE_LABELS,
    PURPOSE_LABELS,
    STATUS_LABELS,
)
from app.households.models import ConsentBasis


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (large targets on a phone) instead of a multiple select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


EQUIPMENT_CHOICES = [
    SelectChoice("computer", _l("Un ordinateur")),
    SelectChoice("smartphone", _l("Un smartphone")),
    SelectChoice("tablet", _l("Une tablette")),
]

CONSENT_LABELS = {
    ConsentBasis.CONSENT: _l("La personne est d'accord"),
    ConsentBasis.PUBLIC_INTEREST: _l("Mission de service public (CCAS, Département)"),
}


class HouseholdForm(FlaskForm):
    reference_name = StringField(
        _l("Prénom et nom (ou initiales)"),
        validators=[
            DataRequired(_l("Indiquez comment appeler la personne.")),
            Length(max=120),
            PrintableName(),  # printed on the loan sheet and the receipt
        ],
        render_kw={"autocomplete": "off"},
    )
    reference_age = IntegerField(
        _l("Son âge"),
        validators=[Optional(), NumberRange(0, 120, _l("Âge impossible."))],
        render_kw={"inputmode": "numeric"},
    )
    other_ages = StringField(
        _l("Âges des autres personnes du foyer"),
        validators=[Optional(), Length(max=120)],
        render_kw={"inputmode": "numeric", "placeholder": "8, 12"},
    )
    commune = StringField(_l("Commune"), validators=[Optional(), Length(max=120)])
    postcode = StringField(
        _l("Code postal"),
        validators=[Optional(), Length(max=10)],
        render_kw={"inputmode": "numeric", "autocomplete": "postal-code"},
    )
    qpv = BooleanField(_l("Habite un quartier prioritaire (QPV)"))
    statuses = MultiCheckboxField(_l("Statuts que vous attestez"), choices=_choices(STATUS_LABELS))
    attestation_method = RadioField(
        _l("Vous les attestez"),
        choices=_choices(ATTESTATION_METHOD_LABELS),
        default="declared",
    )
    attestation_valid_until = DateField(
        _l("Valable jusqu'au (facultatif)"), validators=[Optional()]
    )
    equipment = MultiCheckboxField(_l("Le foyer a déjà"), choices=EQUIPMENT_CHOICES)
    connection = SelectField(
        _l("Connexion internet à la maison"), choices=_choices(CONNECTION_LABELS), default="none"
    )
    telecom_spend_eur = IntegerField(
        _l("Dépense téléphone et internet par mois (€, facultatif)"),
        validators=[Optional(), NumberRange(0, 1000, _l("Montant impossible."))],
        render_kw={"inputmode": "numeric"},
    )
    contact_channel = RadioField(
        _l("Comment la joindre"), choices=_choices(CONTACT_CHANNEL_LABELS), default="sms"
    )
    # The language of its SMS, e-mails and page: each named in itself (Français, English).
    language = SelectField(
        _l("Langue des messages"),
        choices=lambda: list(language_names().items()),
        default="fr",
    )
    phone = TelField(
        _l("Téléphone"), validators=[Optional(), Length(max=40)], render_kw={"autocomplete": "off"}
    )
    email = EmailField(
        _l("E-mail (facultatif)"),
        validators=[Optional(), Email(_l("Adresse e-mail invalide.")), Length(max=254)],
    )
    postal_address = StringField(
        _l("Adresse postale (seulement pour le courrier)"), validators=[Optional(), Length(max=300)]
    )
    consent_basis = RadioField(
        _l("Base de l'enregistrement"), choices=_choices(CONSENT_LABELS), default="consent"
    )
    consent = BooleanField(
        _l("J'ai expliqué à la personne pourquoi ces informations sont enregistrées.")
    )
    submit = SubmitField(_l("Enregistrer et voir les programmes"))


class PrescriptionForm(FlaskForm):
    programme_code = RadioField(
        _l("Programme"), choices=[], validators=[InputRequired(_l("Choisissez un programme."))]
    )
    device_type = RadioField(
        _l("Appareil"),
        choices=_choices(DEVICE_TYPE_LABELS),
        validators=[InputRequired(_l("Choisissez un appareil."))],
    )
    purposes = MultiCheckboxField(_l("Pour quoi faire"), choices=_choices(PURPOSE_LABELS))
    commitments = MultiCheckboxField(
        _l("La personne s'engage à"), choices=_choices(COMMITMENT_LABELS)
    )
    association_org_id = SelectField(_l("Association"), coerce=coerce_id, choices=[])
    justification = TextAreaField(
        _l("Justification (facultatif)"), validators=[Optional(), Length(max=2000)]
    )
    send = SubmitField(_l("Envoyer à l'association"))
    save_draft = SubmitField(_l("Garder en brouillon"))


class RefuseForm(FlaskForm):
    reason = TextAreaField(
        _l("Raison du refus"),
        validators=[
            DataRequired(_l("Indiquez la raison : le prescripteur la lira.")),
            Length(max=1000),
        ],
    )
    submit = SubmitField(_l("Refuser"))


class ActionForm(FlaskForm):
    """Only the CSRF token: for the buttons that post (send, validate, cancel)."""

    submit = SubmitField(_l("Valider"))
