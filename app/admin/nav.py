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
        _l("Réinitialiser un mot de passe, terminer les sessions d'une personne."),
        # The administrator (every account) and managers (their organisation's): the
        # roles that hold AUDIT_READ; the page checks the organisation.
        Permission.AUDIT_READ,
        order=910,
    ),
]
