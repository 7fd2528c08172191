"""Benchmark of a programme's preview before publishing (issue 14).

Prints figures (no pass/fail):
1. the preview's evaluation: 100,000 households built in memory (as in
   bench_eligibility.py) against a draft of rsa-ordinateur-15 whose price changes, and
   the version in force (two classifications, the gains, losses and changes, the
   envelope); and one classification alone by the slowest shipped programme
   (prix-solidaires: eleven statuses). Target: under 1 s for 100,000 households.
2. separately, the time to read those 100,000 households' facts from SQLite with the
   bulk loader (preview_service.load_facts: four queries, no ORM object per row).

    .venv/bin/python bench/bench_programme_preview.py [households]
"""

from __future__ import annotations

import dataclasses
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("ORDILIEN_ENV", "testing")

from bench_eligibility import DAY, calibration, households  # noqa: E402

from app.eligibility.classify import classify  # noqa: E402
from app.eligibility.engine import Eligibility  # noqa: E402
from app.eligibility.loader import load_directory  # noqa: E402
from app.eligibility.preview import compare  # noqa: E402
from app.eligibility.programme import Envelope, Programme  # noqa: E402

REPEAT = 5


def timed(run: Callable[[], object], repeat: int = REPEAT) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def price_draft(programme: Programme, price: int, since: date) -> Programme:
    parameter = programme.parameters["price_eur"]
    changed = dataclasses.replace(parameter, values=(*parameter.values, (since, price)))
    return dataclasses.replace(
        programme,
        parameters={**programme.parameters, "price_eur": changed},
        envelope=Envelope(max_grants=500),
    )


def in_memory(count: int) -> None:
    by_code = {p.code: p for p in load_directory()}
    current = by_code["rsa-ordinateur-15"]
    draft = price_draft(current, 20, DAY)
    population = households(count)
    # The bench's places are not the experiment's communes: half move to Châteaudun.
    population = [
        dataclasses.replace(f, commune="Châteaudun", postcode="28200") if i % 2 else f
        for i, f in enumerate(population)
    ]
    pairs = list(enumerate(population))
    grants = [DAY - timedelta(days=d) for d in range(0, 90, 3)]
    result = compare(current, draft, pairs, DAY, None, grants, DAY)
    best, median = timed(lambda: compare(current, draft, pairs, DAY, None, grants, DAY))
    print(
        f"  preview of rsa-ordinateur-15 (draft vs in force), {count:,} households: "
        f"min {best:.3f} s, median {median:.3f} s"
    )
    envelope = result.envelope
    assert envelope is not None
    print(
        f"    {len(result.gains)} gain, {len(result.losses)} lose, {len(result.changes)} change "
        f"(price 15 -> 20 EUR); draft {result.draft_counts[Eligibility.ELIGIBLE]} "
        f"eligible; envelope of 500: would run out {envelope.would_run_out}, "
        f"{envelope.pace_per_month:.1f} a month, runs out on {envelope.runs_out_on}"
    )
    for code in ("rsa-ordinateur-15", "prix-solidaires"):
        programme = by_code[code]
        best, median = timed(lambda p=programme: classify(p, population, DAY))  # type: ignore[misc]
        print(
            f"  classify alone, {code}, {count:,} households: "
            f"min {best:.3f} s, median {median:.3f} s"
        )


def from_sqlite(count: int) -> None:
    from sqlalchemy import insert

    from app import create_app
    from app.accounts.models import Organisation
    from app.authz.policy import OrgKind
    from app.eligibility import preview_service
    from app.eligibility.vocabulary import AttestationMethod, Status
    from app.extensions import db
    from app.households.models import Household, HouseholdMember, StatusAttestation
    from tests.conftest import make_test_config

    rng = random.Random(4)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(make_test_config(f"sqlite:///{tmp}/preview.db"))
        with app.app_context():
            db.create_all()
            org = Organisation(slug="ccas-bench", name="CCAS", kind=OrgKind.PRESCRIBER)
            db.session.add(org)
            db.session.flush()
            places = [("Châteaudun", "28200"), ("Metz", "57000"), ("Chartres", "28000")]
            homes, members, attestations = [], [], []
            for i in range(1, count + 1):
                commune, postcode = rng.choice(places)
                homes.append(
                    {
                        "id": i,
                        "organisation_id": org.id,
                        "reference_name": f"Foyer {i}",
                        "commune": commune,
                        "postcode": postcode,
                        "qpv": rng.random() < 0.3,
                        "has_computer": rng.random() < 0.4,
                    }
                )
                for n in range(rng.choice([1, 1, 2, 3, 4])):
                    members.append(
                        {
                            "household_id": i,
                            "is_reference": n == 0,
                            "age": rng.randint(18, 80) if n == 0 else rng.randint(0, 17),
                            "age_recorded_on": date(2026, rng.randint(1, 11), 1),
                        }
                    )
                for status in rng.sample([Status.RSA, Status.AAH, Status.CSS], rng.randint(0, 2)):
                    attestations.append(
                        {
                            "household_id": i,
                            "status": status,
                            "method": rng.choice(list(AttestationMethod)),
                            "attested_on": date(2026, rng.randint(1, 11), 1),
                            "valid_until": rng.choice([None, date(2027, 6, 30)]),
                        }
                    )
            db.session.execute(insert(Household), homes)
            db.session.execute(insert(HouseholdMember), members)
            db.session.execute(insert(StatusAttestation), attestations)
            db.session.commit()
            db.session.remove()
            print(
                f"  SQLite file with {count:,} households, {len(members):,} members, "
                f"{len(attestations):,} attestations"
            )

            def load() -> None:
                preview_service.load_facts(DAY)
                db.session.remove()

            best, median = timed(load, 3)
            print(
                f"  load_facts from SQLite, {count:,} households: "
                f"min {best:.3f} s, median {median:.3f} s"
            )
            db.engine.dispose()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(f"Machine: 10 million empty loop turns in {calibration():.2f} s")
    print(f"Programme preview, checked on {DAY} ({REPEAT} runs unless said)")
    in_memory(count)
    from_sqlite(count)
    print("  target: the preview's evaluation of 100,000 households under 1 s.")


if __name__ == "__main__":
    main()
