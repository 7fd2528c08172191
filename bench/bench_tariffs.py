"""Benchmark of the tariff matching: households against a catalogue of 200 offers.

Prints figures (no pass/fail): the time to match 1,000 to 10,000 households, per
household, and the growth against 1,000 (linear growth means the ratio follows the
household count). Targets (issue 17): every offer explained for 10,000 households under
1 s, the best three for 10,000 households under 0.3 s. The reference loop line says how
busy the machine was: compare figures taken at similar reference times.

    .venv/bin/python bench/bench_tariffs.py
"""

from __future__ import annotations

import os
import random
import sys
import time
import timeit
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.tariffs.matching import (  # noqa: E402
    AreaKind,
    Facts,
    Need,
    Offer,
    OfferKind,
    match,
    prepare,
)
from app.tariffs.savings import split_by_connection  # noqa: E402
from app.tariffs.sms import tariff_sms  # noqa: E402

ON = date(2026, 11, 23)
STATUSES = [
    "rsa",
    "aah",
    "ass",
    "aspa",
    "css",
    "prime_activite",
    "job_seeker",
    "qpv_resident",
    "senior_60",
]
PLACES = [
    ("Metz", "57000"),
    ("Woippy", "57140"),
    ("Amiens", "80000"),
    ("Chartres", "28000"),
    ("Lille", "59000"),
    ("Rennes", "35000"),
    ("Lyon", "69001"),
    ("Marseille", "13001"),
]


def catalogue(rng: random.Random, size: int = 200) -> list[Offer]:
    offers = []
    for i in range(size):
        area_kind = rng.choice(
            [AreaKind.NATIONAL] * 5 + [AreaKind.REGION, AreaKind.DEPARTMENT, AreaKind.COMMUNES]
        )
        codes: tuple[str, ...] = ()
        if area_kind is AreaKind.REGION:
            codes = (rng.choice(["Grand Est", "Hauts-de-France", "Bretagne", "Occitanie"]),)
        elif area_kind is AreaKind.DEPARTMENT:
            codes = tuple(rng.sample(["57", "80", "28", "59", "35", "69", "13"], 2))
        elif area_kind is AreaKind.COMMUNES:
            codes = tuple(p[rng.randrange(2)] for p in rng.sample(PLACES, 2))
        start = ON - timedelta(days=rng.randint(0, 900)) if rng.random() < 0.5 else None
        end = ON + timedelta(days=rng.randint(-100, 500)) if rng.random() < 0.3 else None
        offers.append(
            Offer(
                id=i,
                provider=rng.choice(
                    ["Orange", "SFR", "Bouygues", "Free", "Emmaüs Connect", "Régie"]
                ),
                name=f"Offre {i}",
                kind=rng.choice(list(OfferKind)),
                monthly_price_cents=rng.randint(200, 3500),
                intro_price_cents=rng.randint(0, 1000) if rng.random() < 0.2 else None,
                intro_months=rng.choice([3, 6, 12]),
                setup_fee_cents=rng.choice([0, 0, 0, 1900, 4800]),
                rental_cents=rng.choice([0, 0, 300]),
                commitment_months=rng.choice([0, 0, 12, 24]),
                data_gb=rng.choice([None, 2.0, 50.0]),
                area_kind=area_kind,
                area_codes=codes,
                statuses_any=frozenset(rng.sample(STATUSES, rng.randint(0, 3))),
                statuses_all=frozenset(rng.sample(STATUSES, 1))
                if rng.random() < 0.1
                else frozenset(),
                other_conditions="orientation par un travailleur social"
                if rng.random() < 0.2
                else "",
                proof_required="attestation de droits" if rng.random() < 0.5 else "",
                checked_on=ON - timedelta(days=rng.randint(0, 900)) if rng.random() < 0.9 else None,
                valid_from=start,
                valid_to=end,
            )
        )
    return offers


def households(rng: random.Random, n: int) -> list[Facts]:
    out = []
    for _ in range(n):
        commune, postcode = rng.choice(PLACES)
        spend = rng.choice([None, 0, 1500, 3000, 4500])
        # The spend split by what it pays for, as the app does from the connection.
        box, mobile = split_by_connection(
            rng.choice(["none", "mobile", "box", "box_and_mobile"]), spend
        )
        out.append(
            Facts(
                statuses=frozenset(rng.sample(STATUSES, rng.randint(0, 2))),
                pending_statuses=frozenset(rng.sample(STATUSES, rng.randint(0, 1))),
                commune=commune,
                postcode=postcode,
                needs=frozenset(rng.sample(list(Need), rng.randint(1, 3))),
                monthly_spend_cents=spend,
                box_spend_cents=box,
                mobile_spend_cents=mobile,
            )
        )
    return out


def run(facts: list[Facts], offers: list[Offer], limit: int | None) -> tuple[float, int]:
    start = time.perf_counter()
    prepared = prepare(offers, ON)
    proposals = 0
    for f in facts:
        result = match(f, prepared, limit)
        proposals += len(result.eligible) + len(result.almost)
    return time.perf_counter() - start, proposals


def main() -> None:
    rng = random.Random(6)
    offers = catalogue(rng)
    everyone = households(rng, 10_000)
    print(f"catalogue: {len(offers)} offers; Python {sys.version.split()[0]}")
    # How busy the machine is: the same loop takes about 0.7 us on an idle laptop.
    reference = min(timeit.repeat("sum(range(100))", number=100_000, repeat=5)) / 100_000
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; reference loop {reference * 1e6:.2f} us"
    )
    for limit, label in (
        (None, "every offer, explained"),
        (3, "best 3 + 3 almost (household page)"),
    ):
        print(f"\n== {label}")
        print(
            f"{'households':>10} {'seconds':>9} {'us/household':>13} {'x 1,000':>8} {'proposals':>10}"
        )
        base = None
        for n in (1_000, 2_000, 5_000, 10_000):
            best = min(run(everyone[:n], offers, limit)[0] for _ in range(3))
            _, proposals = run(everyone[:n], offers, limit)
            base = base or best
            print(
                f"{n:>10,} {best:>9.3f} {best / n * 1e6:>13.1f} {best / base:>8.2f} {proposals:>10,}"
            )
    start = time.perf_counter()
    prepared = prepare(offers, ON)
    texts = [tariff_sms(match(f, prepared, 2)) for f in everyone]
    elapsed = time.perf_counter() - start
    print(
        f"\nSMS texts for 10,000 households: {elapsed:.3f} s; longest {max(map(len, texts))} characters"
    )


if __name__ == "__main__":
    main()
