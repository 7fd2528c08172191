from flask_babel import lazy_gettext as _l

from app.authz.policy import Permission
from app.core.navigation import NavLink

LINKS = [
    NavLink(
        "directory.search_page",
        _l("Où aller"),
        _l("Les lieux du territoire par besoin : ordinateur, internet, ateliers, démarches."),
        Permission.API_TOKENS,  # everyone logged in; the page itself is public
        order=620,
        in_menu=False,
    ),
]
