from flask_babel import lazy_gettext as _l

from app.authz.policy import Permission
from app.core.navigation import NavLink

LINKS = [
    NavLink(
        "training.catalogue",
        _l("Ateliers"),
        _l("Les ateliers numériques du territoire : places libres, listes d'attente."),
        Permission.TRAINING_READ,
        order=600,
    ),
    NavLink(
        "training.my_sessions",
        _l("Mon lieu"),
        _l("Publier des séances, voir les inscrits, noter les présences."),
        Permission.TRAINING_MANAGE,
        order=610,
    ),
]
