"""Demo directory: the instance's own organisations (synchronised), placed on the map,
plus four places that are not organisations of the instance.

The slots and places of DOMAIN.md section 7 (002:1517-1529, 1842, 1891) come from the
training demo; their coordinates here, the hours of the association and the CCAS, and the
four extra places (a médiathèque "docteur numérique" in Borny, a priority neighbourhood,
open on Saturday morning and free; a paid club in Bellecroix; a free public digital space
in Maizières-lès-Metz; a repair café) are plausible inventions for the demo, not facts.
"""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.demo import DemoContext
from app.directory import services
from app.directory.models import GEOCODE_MANUAL, Place
from app.extensions import db

# organisation slug -> (latitude, longitude), invented but in the right district of Metz
POINTS = {
    "atelier-metz": (49.11960, 6.18220),
    "ccas-metz": (49.11650, 6.18000),
    "mixytes": (49.11665, 6.18015),
    "mjc-4-bornes": (49.12900, 6.15100),
    "mediatheque-verlaine": (49.12150, 6.17050),
    "le-quai": (49.12400, 6.17100),
    "arc-en-ciel": (49.11250, 6.22300),
    "famille-lorraine": (49.11050, 6.22600),
}

# Hours of own places that have no training-place record (OSM syntax).
HOURS = {
    "atelier-metz": "We 14:00-18:00; Sa 09:00-12:00; PH off",
    "ccas-metz": "Mo-Fr 08:30-12:00,13:30-17:00; PH off",
    "ressourcerie-amiens": "Tu-Fr 14:00-18:00; PH off",
    "mds-amiens-nord": "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
    "france-services-chartres": "Mo-Fr 09:00-12:30,13:30-17:00; Sa 09:00-12:00; PH off",
}

EXTRA = [
    dict(
        name="Médiathèque Jean-Macé (Borny) : docteur numérique",
        address="2 boulevard de Provence", postcode="57070", commune="Metz",
        code_insee="57463", latitude=49.10980, longitude=6.22900,
        opening_hours="Tu,Th 14:00-18:00; We 10:00-12:00,14:00-18:00; Sa 10:00-12:30; PH off",
        needs=["learn", "procedures"], free=True, price_text="Gratuit", accessible=True,
        services=["Docteur numérique : une question, un rendez-vous de 30 minutes",
                  "Ordinateurs en accès libre"],
        what_to_bring="Votre appareil et vos mots de passe si vous en avez",
        phone="03 87 00 00 20",
    ),
    dict(
        name="Club informatique de Bellecroix",
        address="Rue de Toul", postcode="57070", commune="Metz", code_insee="57463",
        latitude=49.12620, longitude=6.20500,
        opening_hours="Mo,We 14:00-17:00; Sa 09:00-12:00; PH off",
        needs=["learn"], free=False, price_text="Adhésion : 20 € par an", accessible=False,
        accessibility_text="Salle à l'étage, sans ascenseur",
        services=["Cours d'informatique en petit groupe"], phone="03 87 00 00 21",
    ),
    dict(
        name="Espace public numérique de Maizières-lès-Metz",
        address="Place de la Mairie", postcode="57280", commune="Maizières-lès-Metz",
        code_insee="57433", latitude=49.21200, longitude=6.16000,
        opening_hours="Tu-Fr 14:00-18:00; Sa 09:00-12:00; PH off",
        needs=["learn", "procedures"], free=True, pass_numerique=True,
        price_text="Gratuit ; Pass numérique accepté pour les parcours", accessible=True,
        services=["Ateliers premiers pas", "Aide aux démarches en ligne"],
        phone="03 87 00 00 22",
    ),
    dict(
        name="Repair café du Sablon",
        address="Rue de Castelnau", postcode="57000", commune="Metz", code_insee="57463",
        latitude=49.10500, longitude=6.17900,
        opening_hours="Sa[1] 09:30-12:30; PH off",
        needs=["repair"], free=True, price_text="Gratuit (participation libre)",
        services=["Diagnostic et petite réparation d'ordinateurs et de téléphones"],
        what_to_bring="L'appareil, son chargeur, et vos mots de passe",
    ),
]  # fmt: skip


def seed(ctx: DemoContext) -> None:
    services.sync_own_places(commit=False)
    for slug, org in ctx.orgs.items():
        place = services.own_place(org)
        if place is None:
            continue
        if slug in POINTS and place.geocode_status != GEOCODE_MANUAL:
            services.set_manual_point(place, *POINTS[slug])
        if slug in HOURS and not place.opening_hours:
            place.opening_hours = HOURS[slug]
    for data in EXTRA:
        name = str(data["name"])
        place = db.session.scalar(select(Place).where(Place.name == name, Place.source == ""))
        if place is not None:
            continue
        fields = dict(data)
        latitude, longitude = float(fields.pop("latitude")), float(fields.pop("longitude"))  # type: ignore[arg-type]
        place = Place(**fields)
        services.set_manual_point(place, latitude, longitude)
        db.session.add(place)
