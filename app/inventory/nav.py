from flask_babel import lazy_gettext as _l

from app.authz.policy import Permission
from app.core.navigation import NavLink

LINKS = [
    NavLink(
        "inventory.device_list",
        _l("Inventaire"),
        _l("Chercher un appareil, filtrer le stock, exporter, imprimer des étiquettes."),
        Permission.INVENTORY_READ,
        order=100,
    ),
    NavLink(
        "inventory.intake",
        _l("Réception"),
        _l("Enregistrer un lot de don au comptoir, appareil par appareil."),
        Permission.INVENTORY_WRITE,
        order=110,
    ),
    NavLink(
        "inventory.stock_count",
        _l("Comptage du stock"),
        _l("Scanner les étiquettes d'un emplacement et voir ce qui manque."),
        Permission.INVENTORY_READ,
        order=120,
        in_menu=False,
    ),
    NavLink(
        "inventory.import_upload",
        _l("Import d'appareils"),
        _l("Importer un lot depuis un fichier CSV ou Excel."),
        Permission.INVENTORY_MANAGE,
        order=130,
        in_menu=False,
    ),
    NavLink(
        "inventory.checklist_templates",
        _l("Listes de tests"),
        _l("Les tests à faire sur chaque type d'appareil avant de le distribuer."),
        Permission.INVENTORY_MANAGE,
        order=140,
        in_menu=False,
    ),
]
