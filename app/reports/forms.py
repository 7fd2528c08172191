"""The dashboard's filters (a GET form: bookmarkable, no CSRF needed) and the erasure form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SubmitField
from wtforms.validators import DataRequired, Optional


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False  # read-only filters in the query string

    debut = DateField(_l("Du"), validators=[Optional()])
    fin = DateField(_l("Au"), validators=[Optional()])
    organisation = SelectField(_l("Organisation"), validators=[Optional()], default="")
    submit = SubmitField(_l("Afficher"))


class EraseForm(FlaskForm):
    confirm = BooleanField(
        _l("Je confirme : la personne a demandé l'effacement de ses données."),
        validators=[DataRequired(_l("Cochez la case pour confirmer l'effacement."))],
    )
    submit = SubmitField(_l("Effacer les données personnelles"))
