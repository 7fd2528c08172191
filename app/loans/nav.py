from flask_babel import lazy_gettext as _l

from app.authz.policy import Permission
from app.core.navigation import NavLink

LINKS = [
    NavLink(
        "loans.counter",
        _l("Comptoir"),
        _l("Remettre un appareil à un foyer (prêt ou vente), réserver, enregistrer un retour."),
        Permission.HANDOVER,
        order=300,
    ),
    NavLink(
        "loans.loans",
        _l("Prêts"),
        _l("Prêts en cours, en retard, rendus ; prolonger, céder, réimprimer la convention."),
        Permission.HANDOVER,
        order=310,
    ),
    NavLink(
        "loans.sales",
        _l("Ventes"),
        _l("Ventes et reçus numérotés de l'année."),
        Permission.HANDOVER,
        order=320,
    ),
]
