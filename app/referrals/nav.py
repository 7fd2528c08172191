from flask_babel import lazy_gettext as _l

from app.authz.policy import Permission
from app.core.navigation import NavLink

LINKS = [
    NavLink(
        "referrals.incoming",
        _l("Orientations"),
        _l("Les personnes orientées vers votre structure, et celles que vous avez orientées."),
        Permission.REFERRAL_ANSWER,
        order=650,
    ),
    NavLink(
        "referrals.reasons",
        _l("Motifs de refus"),
        _l("La liste des motifs qu'une structure choisit pour refuser une orientation."),
        Permission.ADMIN_ORGS,
        order=960,
        in_menu=False,
    ),
]
