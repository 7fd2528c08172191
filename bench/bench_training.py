"""Benchmark: matching households against training slots (pure module, no database).

Prints figures; does not pass or fail. Run: .venv/bin/python bench/bench_training.py
Data: 2,000 sessions over the next 8 weeks in 20 départements of 10 communes each; each
household gets a diagnostic from random answers, a commune among the same ones, and
random constraints (device, accessibility, days, price).
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.training import diagnostic as dg  # noqa: E402
from app.training import matching as mt  # noqa: E402

NOW = datetime(2026, 11, 23, 8, 0)
DEPARTEMENTS = [f"{n:02d}" for n in range(1, 21)]
COMMUNES = [(f"Commune {d}-{c}", f"{d}{c:03d}") for d in DEPARTEMENTS for c in range(10)]
THEMES = [t.value for t in dg.Theme]
LEVELS = [lv.value for lv in dg.FieldLevel]


def make_slots(n: int, rng: random.Random) -> list[mt.Slot]:
    slots = []
    for i in range(n):
        commune, postcode = rng.choice(COMMUNES)
        individual = rng.random() < 0.3
        capacity = 1 if individual else rng.choice([5, 8, 10, 12])
        slots.append(
            mt.Slot(
                id=i,
                commune=commune,
                postcode=postcode,
                themes=frozenset(rng.sample(THEMES, rng.randint(1, 3))),
                levels=frozenset(rng.sample(LEVELS, rng.randint(1, 3)))
                if rng.random() < 0.6
                else frozenset(),
                individual=individual,
                capacity=capacity,
                booked=rng.randint(0, capacity),
                starts_at=NOW + timedelta(hours=rng.randint(2, 8 * 7 * 24)),
                price_kind=rng.choice(list(mt.PriceKind)),
                accessible=rng.random() < 0.6,
                bring_own_device=rng.random() < 0.2,
            )
        )
    return slots


def make_needs(n: int, rng: random.Random) -> list[mt.Need]:
    needs = []
    for _ in range(n):
        answers = {q: dg.Answer(rng.choice([0, 0, 1, 1, 2])) for q in dg.QUESTION_KEYS}
        result = dg.evaluate(answers)
        commune, postcode = rng.choice(COMMUNES)
        needs.append(
            mt.Need(
                field_level=result.field_level.value,
                themes=tuple(t.value for t in result.themes),
                commune=commune,
                postcode=postcode,
                path=result.path.value,
                has_device=rng.random() < 0.6,
                needs_accessibility=rng.random() < 0.1,
                prices=frozenset(rng.sample(list(mt.PriceKind), rng.randint(1, 3))),
                weekdays=frozenset(rng.sample(range(5), 3)) if rng.random() < 0.3 else None,
            )
        )
    return needs


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> None:
    rng = random.Random(7)
    slots = make_slots(2000, rng)
    needs, t_diag = timed(lambda: make_needs(10_000, rng))
    import os
    import timeit

    reference = min(timeit.repeat("sum(range(1000))", number=1000, repeat=5)) * 1000
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print("Training matching benchmark (pure Python, one core)")
    print(f"  machine: sum(range(1000)) takes {reference:.1f} µs (lower is faster); "
          f"load average {load:.1f} on {os.cpu_count()} CPU(s)")  # fmt: skip
    print(f"  10,000 diagnostics evaluated + households built: {t_diag:.2f} s")
    index, t_index = timed(lambda: mt.SlotIndex(slots))
    print(f"  index of 2,000 sessions built: {t_index * 1000:.1f} ms")
    print(
        f"  {'households':>10} {'sessions':>9} {'seconds':>8} {'µs/household':>13} {'with a match':>13}"
    )
    for n in (1_000, 2_500, 5_000, 10_000):
        results, seconds = timed(lambda n=n: [mt.match(need, index, NOW) for need in needs[:n]])
        found = sum(1 for r in results if r)
        print(
            f"  {n:>10,} {2000:>9,} {seconds:>8.2f} {seconds / n * 1e6:>13.0f} {found / n:>12.0%}"
        )
    for s in (500, 1000, 2000, 4000):
        idx = mt.SlotIndex(make_slots(s, random.Random(s)))
        _, seconds = timed(lambda idx=idx: [mt.match(need, idx, NOW) for need in needs[:2000]])
        print(
            f"  {2000:>10,} {s:>9,} {seconds:>8.2f} {seconds / 2000 * 1e6:>13.0f}   (sessions vary)"
        )
    # For comparison: every household scored against every session, without the index.
    sample = needs[:200]
    _, naive = timed(lambda: [[mt.score_slot(nd, sl, NOW) for sl in slots] for nd in sample])
    print(f"  without index: {naive / len(sample) * 1e6:.0f} µs/household "
          f"(~{naive / len(sample) * 10_000:.1f} s for 10,000)")  # fmt: skip
    _, total = timed(lambda: mt.match_many(needs, slots, NOW))
    print(
        f"  match_many(10,000 households, 2,000 sessions), index included: {total:.2f} s (target < 5 s)"
    )


if __name__ == "__main__":
    main()
