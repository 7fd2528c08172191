"""Training forms and the French labels of the training vocabulary (one place for both)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.converters import coerce_id
from app.core.labels import label_choices as _choices
from app.core.urls import WebUrl
from app.training import diagnostic as dg
from app.training.matching import PriceKind, Reason
from app.training.models import OPENING_HOURS_MAX, Attendance, BookingStatus, SessionFormat

THEME_LABELS = {
    dg.Theme.DISCOVER: _l("Découvrir les outils numériques"),
    dg.Theme.ONLINE_PROCEDURES: _l("Faire ses démarches en ligne"),
    dg.Theme.EMPLOYMENT: _l("Le numérique pour chercher un emploi"),
    dg.Theme.COMMUNICATE: _l("Communiquer (e-mail, messages, appels vidéo)"),
    dg.Theme.OFFICE: _l("Utiliser la bureautique"),
    dg.Theme.INFORM: _l("S'informer et se cultiver"),
    dg.Theme.CREATE: _l("Jouer et créer"),
}
LEVEL_LABELS = {
    dg.FieldLevel.BEGINNER_PLUS: _l("Grand débutant"),
    dg.FieldLevel.BEGINNER: _l("Débutant"),
    dg.FieldLevel.INTERMEDIATE: _l("Intermédiaire"),
    dg.FieldLevel.AUTONOMOUS: _l("Autonome"),
}
PATH_LABELS = {
    dg.Path.ASSISTANCE: _l("Assistance : on fait à sa place, pour commencer"),
    dg.Path.ACCOMPANIED: _l("Accompagnement : on fait avec la personne"),
    dg.Path.AUTONOMY: _l("Autonomie : la personne fait seule, on l'aide à aller plus loin"),
}
DOMAIN_LABELS = {
    dg.Domain.INFORMATION: _l("Informations et données"),
    dg.Domain.COMMUNICATION: _l("Communication et collaboration"),
    dg.Domain.CONTENT: _l("Création de contenu"),
    dg.Domain.SAFETY: _l("Protection et sécurité"),
    dg.Domain.ENVIRONMENT: _l("Environnement numérique"),
}
ANSWER_LABELS = {
    dg.Answer.NEVER: _l("Non"),
    dg.Answer.WITH_HELP: _l("Avec de l'aide"),
    dg.Answer.ALONE: _l("Oui, seul"),
}
FORMAT_LABELS = {
    SessionFormat.GROUP: _l("Atelier collectif"),
    SessionFormat.INDIVIDUAL: _l("Rendez-vous individuel"),
}
PRICE_LABELS = {
    PriceKind.FREE: _l("Gratuit"),
    PriceKind.PASS_NUMERIQUE: _l("Pass numérique accepté"),
    PriceKind.MEMBERSHIP: _l("Adhésion à la structure"),
}
PUBLIC_LABELS = {
    "seniors": _l("Seniors"),
    "jeunes": _l("Jeunes"),
    "familles": _l("Familles"),
    "demandeurs_emploi": _l("Demandeurs d'emploi"),
    "allophones": _l("Personnes qui apprennent le français"),
    "handicap": _l("Personnes en situation de handicap"),
    "minimas_sociaux": _l("Bénéficiaires des minima sociaux"),
}
ATTENDANCE_LABELS = {
    Attendance.PRESENT: _l("Présent"),
    Attendance.ABSENT: _l("Absent"),
    Attendance.EXCUSED: _l("Excusé"),
}
BOOKING_STATUS_LABELS = {
    BookingStatus.BOOKED: _l("Inscrit"),
    BookingStatus.WAITING: _l("Liste d'attente"),
    BookingStatus.CANCELLED: _l("Annulé"),
}
WEEKDAY_LABELS = [
    _l("lundi"),
    _l("mardi"),
    _l("mercredi"),
    _l("jeudi"),
    _l("vendredi"),
    _l("samedi"),
    _l("dimanche"),
]


def reason_label(code: Reason, detail: str) -> str:
    """A matching reason in plain French."""
    if code is Reason.THEME:
        return str(_l("Thème utile : %(t)s", t=THEME_LABELS.get(dg.Theme(detail), detail)))
    if code is Reason.SEATS_LEFT:
        return str(_l("%(n)s place(s) libre(s)", n=detail))
    if code is Reason.WAITING_LIST:
        return str(_l("Complet : liste d'attente (%(n)s personne(s) déjà)", n=detail))
    if code is Reason.SAME_COMMUNE:
        return str(_l("Dans la commune du foyer (%(c)s)", c=detail))
    if code is Reason.SAME_DEPARTEMENT:
        return str(_l("Dans le département (%(d)s)", d=detail))
    return str(
        {
            Reason.INDIVIDUAL_FOR_ASSISTANCE: _l("Rendez-vous individuel, adapté pour débuter"),
            Reason.GROUP_FOR_AUTONOMY: _l("Atelier en groupe pour aller plus loin"),
            Reason.SOON: _l("Dans moins d'une semaine"),
            Reason.ACCESSIBLE: _l("Lieu accessible en fauteuil"),
            Reason.DEVICE_PROVIDED: _l("Matériel prêté sur place"),
            Reason.FREE: _l("Gratuit"),
        }[code]
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def diagnostic_form_class() -> type[FlaskForm]:
    """One radio question per diagnostic question, then what the household can do."""
    attrs: dict[str, Any] = {}
    answers = _choices(ANSWER_LABELS)
    for question in dg.QUESTIONS:
        attrs[question.key] = RadioField(
            _l(question.text),
            choices=answers,
            validators=[InputRequired(_l("Choisissez une réponse."))],
        )
    attrs["has_device"] = BooleanField(
        _l("Le foyer peut apporter un appareil (ordinateur, tablette ou smartphone)")
    )
    attrs["needs_accessibility"] = BooleanField(_l("Il faut un lieu accessible en fauteuil"))
    attrs["weekdays"] = MultiCheckboxField(
        _l("Jours possibles (aucun coché : tous les jours)"),
        choices=[SelectChoice(str(n), label) for n, label in enumerate(WEEKDAY_LABELS)],
    )
    attrs["submit"] = SubmitField(_l("Voir le résultat et les créneaux"))
    return type("DiagnosticForm", (FlaskForm,), attrs)


class SessionForm(FlaskForm):
    title = StringField(
        _l("Titre"), validators=[DataRequired(_l("Indiquez un titre.")), Length(max=200)]
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    themes = MultiCheckboxField(_l("Thèmes"), choices=_choices(THEME_LABELS))
    levels = MultiCheckboxField(
        _l("Niveaux accueillis (aucun coché : tous)"), choices=_choices(LEVEL_LABELS)
    )
    format = SelectField(_l("Forme"), choices=_choices(FORMAT_LABELS))
    capacity = IntegerField(
        _l("Nombre de places"),
        default=8,
        validators=[InputRequired(_l("Indiquez le nombre de places.")), NumberRange(1, 200)],
    )
    first_day = DateField(
        _l("Date (de la première séance)"),
        validators=[InputRequired(_l("Indiquez la date."))],
    )
    start_time = TimeField(
        _l("Heure de début"), validators=[InputRequired(_l("Indiquez l'heure."))]
    )
    duration_minutes = IntegerField(
        _l("Durée en minutes"), default=60, validators=[InputRequired(), NumberRange(15, 480)]
    )
    weeks = IntegerField(
        _l("Répéter chaque semaine pendant (semaines)"),
        default=1,
        validators=[InputRequired(), NumberRange(1, 52)],
    )
    price_kind = SelectField(_l("Prix"), choices=_choices(PRICE_LABELS))
    price_note = StringField(_l("Précision sur le prix"), validators=[Optional(), Length(max=200)])
    publics = MultiCheckboxField(_l("Publics visés"), choices=_choices(PUBLIC_LABELS))
    accessible = BooleanField(_l("Accessible en fauteuil"))
    accessibility_note = StringField(
        _l("Précision sur l'accessibilité"), validators=[Optional(), Length(max=300)]
    )
    bring_own_device = BooleanField(_l("Chacun apporte son appareil"))
    address = StringField(
        _l("Adresse (vide : celle du lieu)"), validators=[Optional(), Length(max=300)]
    )
    postcode = StringField(_l("Code postal"), validators=[Optional(), Length(max=10)])
    commune = StringField(_l("Commune"), validators=[Optional(), Length(max=120)])
    course_id = SelectField(_l("Parcours"), coerce=coerce_id, choices=[], validate_choice=False)
    # Asked when a series falls on French public holidays (sessions.holidays_in).
    on_holidays = RadioField(
        _l("Jours fériés"),
        choices=[
            SelectChoice("skip", _l("Ne pas créer les séances des jours fériés")),
            SelectChoice("keep", _l("Les garder : ces séances ont lieu quand même")),
        ],
        validators=[Optional()],
        validate_choice=False,
        default="",
    )
    submit = SubmitField(_l("Enregistrer"))


class CancelSessionForm(FlaskForm):
    reason = TextAreaField(
        _l("Motif, dit aux foyers"),
        validators=[DataRequired(_l("Indiquez le motif de l'annulation.")), Length(max=200)],
    )
    confirm = BooleanField(
        _l("Je confirme l'annulation de cette séance"),
        validators=[DataRequired(_l("Cochez la case pour confirmer l'annulation."))],
    )
    submit = SubmitField(_l("Annuler la séance et prévenir les foyers"))


class CourseForm(FlaskForm):
    title = StringField(
        _l("Titre du parcours"),
        validators=[DataRequired(_l("Indiquez un titre.")), Length(max=200)],
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Créer le parcours"))


class ReadableHours:
    """WTForms validator: OSM opening_hours the directory can read (an empty field passes);
    unreadable hours would be published as they are and read by nobody."""

    def __call__(self, form: Any, field: Any) -> None:
        from app.directory.hours import problem
        from app.eligibility.display import speaker

        why = problem(field.data or "", speaker())
        if why:
            raise ValidationError(why)


class PlaceForm(FlaskForm):
    description = TextAreaField(
        _l("Présentation du lieu"), validators=[Optional(), Length(max=2000)]
    )
    opening_hours = StringField(
        _l("Horaires (format OpenStreetMap, ex. « Tu 09:00-12:00 »)"),
        validators=[
            Optional(),
            Length(
                max=OPENING_HOURS_MAX,
                message=_l(
                    "Ces horaires font %(length)d caractères, %(max)d au plus : regroupez les "
                    "jours qui ont les mêmes horaires (« Mo-Fr 09:00-12:00 »)."
                ),
            ),
            ReadableHours(),
        ],
    )
    accessible = BooleanField(_l("Lieu accessible en fauteuil"))
    accessibility_url = StringField(
        _l("Fiche Acceslibre (lien)"), validators=[Optional(), Length(max=300), WebUrl()]
    )
    booking_url = StringField(
        _l("Prise de rendez-vous en ligne (lien)"),
        validators=[Optional(), Length(max=300), WebUrl()],
    )
    website = StringField(_l("Site web"), validators=[Optional(), Length(max=300), WebUrl()])
    code_insee = StringField(_l("Code INSEE de la commune"), validators=[Optional(), Length(max=5)])
    submit = SubmitField(_l("Enregistrer"))


class BookForm(FlaskForm):
    household_id = SelectField(_l("Foyer"), coerce=coerce_id, choices=[], validate_choice=False)
    submit = SubmitField(_l("Inscrire"))
