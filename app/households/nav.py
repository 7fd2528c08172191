from flask_babel import lazy_gettext as _l

from app.authz.policy import Permission
from app.core.navigation import NavLink

LINKS = [
    NavLink(
        "households.household_list",
        _l("Foyers"),
        _l("Enregistrer un foyer, voir les programmes possibles et pourquoi."),
        Permission.HOUSEHOLD_WRITE,
        order=200,
    ),
    NavLink(
        "households.prescription_list",
        _l("Prescriptions"),
        _l("Suivre les prescriptions envoyées ou reçues, valider ou refuser."),
        Permission.HOUSEHOLD_READ,
        order=210,
    ),
]
