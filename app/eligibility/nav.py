from flask_babel import lazy_gettext as _l

from app.authz.policy import Permission
from app.core.navigation import NavLink

LINKS = [
    NavLink(
        "eligibility.programme_list",
        _l("Programmes"),
        _l("Les programmes d'équipement en vigueur, leurs conditions et leurs sources."),
        Permission.HOUSEHOLD_READ,
        order=220,
        in_menu=False,
    ),
]
