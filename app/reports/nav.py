from flask_babel import lazy_gettext as _l

from app.authz.policy import Permission
from app.core.navigation import NavLink

LINKS = [
    NavLink(
        "reports.dashboard",
        _l("Tableau de bord"),
        _l(
            "L'activité d'une période en chiffres : stock, remises, formations, impact. Tableur et rapport PDF."
        ),
        Permission.REPORTS_READ,
        order=800,
    ),
    NavLink(
        "reports.privacy_index",
        _l("Données personnelles"),
        _l("Donner à un foyer ses données, les effacer à sa demande, voir qui les a consultées."),
        Permission.HOUSEHOLD_WRITE,
        order=860,
    ),
]
