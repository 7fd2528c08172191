"""The directory's words for people (Flask-Babel), one place for the pages to read."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.directory.needs import Need

# Need -> (button label, one-line hint, pictogram name in directory/_icons.html)
NEED_LABELS = {
    Need.DEVICE: (
        _l("Avoir un ordinateur"),
        _l("Un appareil donné, prêté ou à petit prix"),
        "device",
    ),
    Need.CONNECT: (_l("Avoir internet"), _l("Une connexion, un forfait moins cher"), "connect"),
    Need.LEARN: (_l("Apprendre"), _l("Ordinateur, téléphone, internet : des ateliers"), "learn"),
    Need.PROCEDURES: (
        _l("Faire une démarche"),
        _l("CAF, Ameli, impôts : on vous aide"),
        "procedures",
    ),
    Need.REPAIR: (_l("Faire réparer"), _l("Un appareil en panne"), "repair"),
}

# Query-string names of the filters (French, short: they show in the address bar).
FILTERS = (
    ("gratuit", "free", _l("Gratuit")),
    ("accessible", "accessible", _l("Accessible en fauteuil roulant")),
    ("ouvert", "open_now", _l("Ouvert maintenant")),
    ("samedi", "saturday", _l("Ouvert le samedi")),
    ("pass", "pass_numerique", _l("Pass numérique accepté")),
)
