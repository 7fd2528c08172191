from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[DataRequired(_l("Indiquez votre adresse e-mail.")), Length(max=254)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired(_l("Indiquez votre mot de passe.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Se connecter"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired(_l("Indiquez votre mot de passe actuel.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    # Its length and content are checked by app/accounts/passwords.py (ASVS 2.1), which
    # says in French what is wrong; nothing is truncated.
    password = PasswordField(
        _l("Nouveau mot de passe"),
        validators=[DataRequired(_l("Indiquez un nouveau mot de passe."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Nouveau mot de passe, encore une fois"),
        validators=[EqualTo("password", _l("Les deux mots de passe ne sont pas identiques."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Changer le mot de passe"))


class TokenForm(FlaskForm):
    name = StringField(
        _l("Nom du jeton (à quoi il sert)"),
        validators=[DataRequired(_l("Donnez un nom au jeton.")), Length(max=100)],
    )
    submit = SubmitField(_l("Créer un jeton"))


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that post."""

    submit = SubmitField(_l("Valider"))
