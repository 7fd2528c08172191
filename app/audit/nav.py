from flask_babel import lazy_gettext as _l

from app.authz.policy import Permission
from app.core.navigation import NavLink

LINKS = [
    NavLink(
        "audit.journal",
        _l("Journal"),
        _l("Qui a consulté ou modifié quoi, et quand."),
        Permission.AUDIT_READ,
        order=950,
    ),
]
