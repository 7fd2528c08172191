from flask_babel import lazy_gettext as _l

from app.authz.policy import Permission
from app.core.navigation import NavLink

LINKS = [
    NavLink(
        "admin.organisations",
        _l("Organisations"),
        _l("Créer et modifier les organisations du territoire."),
        Permission.ADMIN_ORGS,
        order=900,
    ),
    NavLink(
        "admin.users",
        _l("Comptes"),
        _l("Créer des comptes, réinitialiser un mot de passe, désactiver un compte."),
        Permission.ADMIN_USERS,
        order=910,
    ),
]
