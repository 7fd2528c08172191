from flask_babel import lazy_gettext as _l

from app.authz.policy import Permission
from app.core.navigation import NavLink

LINKS = [
    NavLink(
        "tariffs.index",
        _l("Tarifs sociaux"),
        _l("Les offres internet et mobile à prix réduit, datées et sourcées ; qui y a droit."),
        Permission.TARIFF_READ,
        order=500,
    ),
]
