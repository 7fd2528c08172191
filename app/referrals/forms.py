"""Referral forms: the shape of the input only (the rules are in services and lifecycle)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from app.core.converters import coerce_id
from app.core.labels import label_choices
from app.referrals.lifecycle import NEED_LABELS


class ReferralForm(FlaskForm):
    need = SelectField(
        _l("Besoin de la personne"),
        choices=label_choices(NEED_LABELS, blank=_l("Choisir…")),
        validators=[DataRequired(_l("Choisissez le besoin de la personne."))],
    )
    to_organisation_id = SelectField(
        _l("Structure sur Ordilien"), coerce=coerce_id, validators=[Optional()]
    )
    to_place_id = HiddenField()  # a place of the directory ("Orienter vers ce lieu")
    to_name = StringField(_l("Ou : nom d'une structure sans compte"), [Length(max=200)])
    to_address = StringField(_l("Son adresse"), [Length(max=300)])
    to_phone = TelField(_l("Son téléphone"), [Length(max=40)])
    to_email = EmailField(
        _l("Son e-mail (elle recevra le lien pour répondre)"),
        [Optional(), Email(_l("Adresse e-mail invalide.")), Length(max=254)],
    )
    hours = StringField(_l("Horaires à donner à la personne"), [Length(max=300)])
    bring = StringField(_l("Ce que la personne doit apporter"), [Length(max=300)])
    message = TextAreaField(
        _l("Message pour la structure"),
        [DataRequired(_l("Expliquez en quelques mots pourquoi vous orientez.")), Length(max=2000)],
    )
    person_message = TextAreaField(
        _l("Message pour la personne (SMS ou e-mail)"), [Length(max=300)]
    )
    consent = BooleanField(
        _l("La personne est d'accord pour que ses coordonnées soient transmises à cette structure")
    )
    submit = SubmitField(_l("Orienter"))


class AnswerForm(FlaskForm):
    action = HiddenField()
    reason = SelectField(_l("Motif du refus"), coerce=coerce_id, validators=[Optional()])
    message = TextAreaField(_l("Message pour la structure qui oriente"), [Length(max=2000)])
    submit = SubmitField(_l("Envoyer"))


class ReasonForm(FlaskForm):
    label = StringField(
        _l("Nouveau motif de refus"),
        [DataRequired(_l("Écrivez le motif.")), Length(max=120)],
    )
    submit = SubmitField(_l("Ajouter"))
