from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.authz.policy import OrgKind, Role
from app.core.converters import coerce_id

ORG_KIND_LABELS = {
    OrgKind.ASSOCIATION: _l("Association de reconditionnement"),
    OrgKind.PRESCRIBER: _l("Structure prescriptrice (CCAS, MDS, France Services…)"),
    OrgKind.TRAINING_PLACE: _l("Lieu de formation"),
    OrgKind.COORDINATOR: _l("Coordination ou financeur"),
}

ROLE_LABELS = {
    Role.ADMIN: _l("Administrateur de l'instance"),
    Role.MANAGER: _l("Responsable d'association"),
    Role.TECHNICIAN: _l("Technicien·ne"),
    Role.FRONT_DESK: _l("Accueil / bénévole"),
    Role.PRESCRIBER: _l("Prescripteur (travailleur social, conseiller)"),
    Role.TRAINER: _l("Formateur·rice"),
    Role.VIEWER: _l("Lecture des chiffres (financeur)"),
}


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Nom"), validators=[DataRequired(_l("Indiquez le nom.")), Length(max=200)]
    )
    slug = StringField(
        _l("Identifiant court (minuscules, chiffres, tirets)"),
        validators=[DataRequired(_l("Indiquez un identifiant court.")), Length(min=3, max=80)],
    )
    kind = SelectField(
        _l("Type"), choices=[SelectChoice(k.value, label) for k, label in ORG_KIND_LABELS.items()]
    )
    commune = StringField(_l("Commune"), validators=[Optional(), Length(max=120)])
    postcode = StringField(_l("Code postal"), validators=[Optional(), Length(max=10)])
    address = StringField(_l("Adresse"), validators=[Optional(), Length(max=300)])
    phone = StringField(_l("Téléphone"), validators=[Optional(), Length(max=40)])
    email = EmailField(
        _l("E-mail de contact"),
        validators=[Optional(), Email(_l("Adresse e-mail invalide.")), Length(max=254)],
    )
    submit = SubmitField(_l("Enregistrer"))


class UserForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[
            DataRequired(_l("Indiquez l'adresse e-mail.")),
            Email(_l("Adresse e-mail invalide.")),
            Length(max=254),
        ],
    )
    full_name = StringField(_l("Nom et prénom"), validators=[Optional(), Length(max=200)])
    role = SelectField(
        _l("Rôle"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    organisation_id = SelectField(_l("Organisation"), coerce=coerce_id, choices=[])
    password = PasswordField(
        _l("Mot de passe provisoire"),
        validators=[DataRequired(_l("Indiquez un mot de passe provisoire."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Créer le compte"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nouveau mot de passe provisoire"),
        validators=[DataRequired(_l("Indiquez un mot de passe."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Réinitialiser le mot de passe"))
