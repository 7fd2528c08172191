"""Demo organisations and accounts, after ../shared/DOMAIN.md section 1 and the field studies.

The names of places come from the studies (Metz: 002:1517-1529; Amiens: 000); the
people are invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.accounts import services
from app.accounts.models import Organisation, User
from app.authz.policy import OrgKind, Role

DEMO_PASSWORD = "ordilien-demo"  # noqa: S105 (published demo password)


@dataclass
class DemoContext:
    """What each domain's seed can build on."""

    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


ORGS = [
    # slug, name, kind, commune, postcode, address, phone
    (
        "atelier-metz",
        "Atelier Numérique Solidaire de Metz",
        OrgKind.ASSOCIATION,
        "Metz",
        "57000",
        "12 rue des Allemands",
        "03 87 00 00 01",
    ),
    (
        "ressourcerie-amiens",
        "Ressourcerie Informatique d'Amiens",
        OrgKind.ASSOCIATION,
        "Amiens",
        "80000",
        "5 rue Saint-Leu",
        "03 22 00 00 02",
    ),
    (
        "ccas-metz",
        "CCAS de Metz",
        OrgKind.PRESCRIBER,
        "Metz",
        "57000",
        "22-24 rue du Wad Billy",
        "03 87 00 00 03",
    ),
    (
        "mds-amiens-nord",
        "Maison départementale des solidarités Amiens Nord",
        OrgKind.PRESCRIBER,
        "Amiens",
        "80080",
        "Place du Pays d'Auge",
        "03 22 00 00 04",
    ),
    (
        "france-services-chartres",
        "France Services Chartres",
        OrgKind.PRESCRIBER,
        "Chartres",
        "28000",
        "32 boulevard Chasles",
        "02 37 00 00 05",
    ),
    (
        "mjc-4-bornes",
        "MJC 4 Bornes",
        OrgKind.TRAINING_PLACE,
        "Metz",
        "57050",
        "2 rue Théodore de Gargan",
        "03 87 00 00 06",
    ),
    (
        "mediatheque-verlaine",
        "Médiathèque Verlaine",
        OrgKind.TRAINING_PLACE,
        "Metz",
        "57000",
        "1 place de la Bibliothèque",
        "03 87 00 00 07",
    ),
    (
        "coordination-moselle",
        "Coordination inclusion numérique de Moselle",
        OrgKind.COORDINATOR,
        "Metz",
        "57000",
        "1 rue du Pont Moreau",
        "03 87 00 00 08",
    ),
]

USERS = [
    # email, name, role, org
    ("admin@ordilien.local", "Camille Admin", Role.ADMIN, "coordination-moselle"),
    ("responsable@atelier-metz.local", "Karim Benali", Role.MANAGER, "atelier-metz"),
    ("technicien@atelier-metz.local", "Lucie Marchal", Role.TECHNICIAN, "atelier-metz"),
    ("accueil@atelier-metz.local", "Jeanne Thiry", Role.FRONT_DESK, "atelier-metz"),
    ("responsable@ressourcerie-amiens.local", "Paul Lefebvre", Role.MANAGER, "ressourcerie-amiens"),
    ("prescripteur@ccas-metz.local", "Nadia Haddad", Role.PRESCRIBER, "ccas-metz"),
    ("responsable@ccas-metz.local", "Hélène Roux", Role.MANAGER, "ccas-metz"),
    ("prescripteur@mds-amiens.local", "Thomas Dubois", Role.PRESCRIBER, "mds-amiens-nord"),
    ("prescripteur@fs-chartres.local", "Aline Morel", Role.PRESCRIBER, "france-services-chartres"),
    ("formateur@mjc-4-bornes.local", "Yannick Weber", Role.TRAINER, "mjc-4-bornes"),
    ("formatrice@mediatheque-verlaine.local", "Sophie Klein", Role.TRAINER, "mediatheque-verlaine"),
    ("financeur@coordination-moselle.local", "Marc Schmitt", Role.VIEWER, "coordination-moselle"),
]


def seed(ctx: DemoContext) -> None:
    for slug, name, kind, commune, postcode, address, phone in ORGS:
        org = services.find_org(slug) or services.create_organisation(
            slug,
            name,
            kind,
            commit=False,
            commune=commune,
            postcode=postcode,
            address=address,
            phone=phone,
            email=f"contact@{slug}.local",
        )
        ctx.orgs[slug] = org
    for email, name, role, org_slug in USERS:
        user = services.find_user(email) or services.create_user(
            email, DEMO_PASSWORD, role, ctx.orgs[org_slug], full_name=name, commit=False
        )
        ctx.users.setdefault(role.value, user)
        ctx.users[email] = user
        ctx.logins.append((email, DEMO_PASSWORD, f"{role.value} · {ctx.orgs[org_slug].name}"))
