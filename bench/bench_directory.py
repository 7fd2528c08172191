"""Benchmark: the "Où aller" search at national scale, on SQLite.

Prints figures; does not pass or fail. Run: .venv/bin/python bench/bench_directory.py
Data: 20,000 places in communes drawn by population from instance/communes.csv (so
cities hold many, as in the national cartography), each up to 2 km from its commune's
point; 1 to 3 needs each, one of eight real-looking opening hours (one unreadable),
free, accessible and Pass numérique at random. Searches: 300 starting points drawn the
same way (by postcode), one need, open now (a Thursday at 10:00), the first 20 places;
then the same with every filter, and from a rural commune.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ORDILIEN_ENV", "testing")

from app import create_app  # noqa: E402
from app.directory import communes, hours  # noqa: E402
from app.directory.models import GEOCODE_MANUAL, Place  # noqa: E402
from app.directory.needs import Need  # noqa: E402
from app.directory.search import Query, search  # noqa: E402
from app.extensions import db  # noqa: E402

PLACES = 20_000
SEARCHES = 300
NOW = datetime(2025, 12, 4, 10, 0, tzinfo=hours.PARIS)  # a Thursday
HOURS = [
    "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
    "Tu-Sa 09:00-12:00; PH off",
    "Tu,Th 13:00-17:00",
    "We 14:00-18:00; Sa 09:00-12:00; PH off",
    "Mo-Fr 08:30-12:00,13:30-17:00; Sa 09:00-12:00; PH off",
    "Th 09:30-11:00",
    "24/7",
    "le lundi matin",  # unreadable, as some producers publish
]


def build(rng: random.Random, gazetteer: communes.Gazetteer) -> list[communes.Commune]:
    towns = [c for c in gazetteer.by_code.values() if c.population > 0 and c.postcodes]
    weights = [c.population for c in towns]
    rows = []
    for i, town in enumerate(rng.choices(towns, weights=weights, k=PLACES)):
        lat = town.point.latitude + rng.uniform(-0.018, 0.018)
        lon = town.point.longitude + rng.uniform(-0.025, 0.025)
        rows.append(
            dict(
                name=f"Lieu {i}", address=f"{i} rue de la Gare", postcode=town.postcodes[0],
                commune=town.name, code_insee=town.code_insee, departement=town.departement,
                latitude=lat, longitude=lon, geocode_status=GEOCODE_MANUAL,
                geocoded_address="", phone="", email="", website="", booking_url="",
                opening_hours=rng.choice(HOURS),
                needs=rng.sample([n.value for n in Need], rng.randint(1, 3)),
                services=["Accompagnement"], free=rng.random() < 0.7, price_text="",
                pass_numerique=rng.random() < 0.2, accessible=rng.random() < 0.6,
                accessibility_text="", what_to_bring="", description="", published=True,
                source="bench", source_id=str(i), raw={},
            )
        )  # fmt: skip
    db.session.execute(db.insert(Place), rows)
    db.session.commit()
    return towns


def timed(queries: list[Query]) -> tuple[list[float], float]:
    times, found = [], 0
    for query in queries:
        start = time.perf_counter()
        results = search(query, NOW)
        times.append((time.perf_counter() - start) * 1000)
        found += len(results.found)
        db.session.rollback()
    return times, found / len(queries)


def show(label: str, times: list[float], found: float) -> None:
    print(
        f"{label:<44} min {min(times):6.1f} ms   median {statistics.median(times):6.1f} ms   "
        f"max {max(times):6.1f} ms   ({found:.1f} places found on average)"
    )


def main() -> None:
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
        with app.app_context():
            db.create_all()
            gazetteer = communes.load(app.config["COMMUNES_FILE"])
            if not len(gazetteer):
                sys.exit(
                    "instance/communes.csv is missing: run make install (or scripts/build_communes.py)"
                )
            start = time.perf_counter()
            towns = build(rng, gazetteer)
            print(f"{PLACES} places written in {time.perf_counter() - start:.1f} s (SQLite)")
            weights = [c.population for c in towns]
            origins = rng.choices(towns, weights=weights, k=SEARCHES)
            needs = list(Need)
            search(Query(needs=(Need.LEARN,), where=origins[0].postcodes[0]), NOW)  # warm up
            open_now = [
                Query(needs=(rng.choice(needs),), where=o.postcodes[0], open_now=True)
                for o in origins
            ]
            show("need + distance + open now", *timed(open_now))
            every = [
                Query(
                    needs=(rng.choice(needs),),
                    where=o.postcodes[0],
                    open_now=True,
                    free=True,
                    accessible=True,
                    saturday=True,
                )  # fmt: skip
                for o in origins
            ]
            show("need + distance + open now + 3 filters", *timed(every))
            rural = [c for c in towns if c.population < 500]
            far = [
                Query(needs=(rng.choice(needs),), where=rng.choice(rural).code_insee)
                for _ in range(SEARCHES)
            ]
            show("need + distance from a village (< 500 people)", *timed(far))


if __name__ == "__main__":
    main()
