"""Benchmark of the eligibility engine: households against every shipped programme.

Prints figures (no pass/fail): the time to check 1,000 and 10,000 households (and
100,000 to see the trend) against all programmes at once, with every decision fully
explained (a sentence and the parameters for each condition) and ranked. Linear growth
means the time ratio follows the household ratio. Target: 10,000 households under 2 s.
Then the fast path (app/eligibility/classify.py: classes and best offer only, each
distinct situation once), which the programme preview uses. Target: 10,000 x every
programme under 0.5 s.

    .venv/bin/python bench/bench_eligibility.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.eligibility.classify import best_offers  # noqa: E402
from app.eligibility.engine import Eligibility, evaluate_all  # noqa: E402
from app.eligibility.facts import Facts, Proof, QuotaUse, StatusFact  # noqa: E402
from app.eligibility.loader import load_directory  # noqa: E402
from app.eligibility.vocabulary import Commitment, DeviceType, Status  # noqa: E402

DAY = date(2026, 11, 23)
PLACES = [("Metz", "57000"), ("Metz", "57070"), ("Chartres", "28000"), ("Amiens", "80080"),
          ("Dreux", "28100"), ("Paris", "75011")]  # fmt: skip


def households(count: int, seed: int = 4) -> list[Facts]:
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        adults = [rng.randint(16, 85) for _ in range(rng.choice([1, 1, 2]))]
        children = [rng.randint(0, 17) for _ in range(rng.choice([0, 0, 1, 2, 3]))]
        statuses = tuple(
            StatusFact(
                status,
                rng.choice([Proof.DECLARED, Proof.DOCUMENT_SEEN, Proof.CLAIMED]),
                date(2026, rng.randint(1, 11), 1),
                rng.choice([None, date(2026, 6, 30), date(2027, 6, 30)]),
            )
            for status in rng.sample(list(Status), rng.randint(0, 3))
        )
        commune, postcode = rng.choice(PLACES)
        made.append(
            Facts(
                statuses=statuses,
                ages=tuple(adults + children),
                reference_age=adults[0],
                postcode=postcode,
                commune=commune,
                qpv=rng.random() < 0.3,
                has_computer=rng.random() < 0.4,
                has_smartphone=rng.random() < 0.7,
                quota_uses=(QuotaUse("ordinateur-rsa", "2026"),) if rng.random() < 0.05 else (),
                commitments=rng.choice([None, frozenset({Commitment.PIX_TEST})]),
            )
        )
    return made


def run(
    count: int, programmes: tuple[object, ...], repeat: int = 3
) -> tuple[float, float, dict[str, int]]:
    facts = households(count)
    timings = []
    cpu = []
    tally: dict[str, int] = {}
    for _ in range(repeat):
        tally = {e.value: 0 for e in Eligibility}
        for programme in programmes:
            programme.day_cache.clear()  # type: ignore[attr-defined]  # each run starts cold
        start, start_cpu = time.perf_counter(), time.process_time()
        for household in facts:
            decisions = evaluate_all(programmes, household, DAY, DeviceType.LAPTOP)  # type: ignore[arg-type]
            tally[decisions[0].eligibility.value] += 1
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(timings), statistics.median(cpu), tally


def calibration() -> float:
    """Seconds for 10 million empty loop turns: says how busy the machine was."""
    start = time.perf_counter()
    for _ in range(10_000_000):
        pass
    return time.perf_counter() - start


def main() -> None:
    print(
        f"Machine: 10 million empty loop turns in {calibration():.2f} s (the busier the machine, the longer)"
    )
    programmes = load_directory()
    conditions = sum(len(p.conditions) for p in programmes)
    print(
        f"Eligibility engine: {len(programmes)} programmes, {conditions} conditions in all, "
        f"checked on {DAY} (median of 3 runs)"
    )
    base: float | None = None
    for count in (1_000, 10_000, 100_000):
        seconds, cpu, tally = run(count, programmes, repeat=3 if count <= 10_000 else 1)
        base = base or seconds
        per = seconds / count * 1e6
        print(
            f"  {count:>7,} households x {len(programmes)} programmes: {seconds:7.3f} s"
            f" (CPU {cpu:6.3f} s)"
            f"  ({per:6.1f} µs per household, x{seconds / base:5.1f} the time of 1,000)"
            f"  best offer: {tally['eligible']} eligible, {tally['almost']} almost,"
            f" {tally['not_eligible']} none"
        )
    print("  target: 10,000 households under 2 s; linear growth means x10 then x100.")
    print("Fast path (classify.best_offers: classes and the best offer, no explanations):")
    for count in (10_000, 100_000):
        facts = households(count)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            offers = best_offers(programmes, facts, DAY, DeviceType.LAPTOP)
            times.append(time.perf_counter() - start)
        tally = {e: sum(1 for found, _ in offers if found is e) for e in Eligibility}
        print(
            f"  {count:>7,} households x {len(programmes)} programmes: min {min(times):.3f} s,"
            f" median {statistics.median(times):.3f} s  best offer:"
            f" {tally[Eligibility.ELIGIBLE]} eligible, {tally[Eligibility.ALMOST]} almost,"
            f" {tally[Eligibility.NOT_ELIGIBLE]} none"
        )
    print("  target: 10,000 households x every programme under 0.5 s (same tallies as above).")


if __name__ == "__main__":
    main()
