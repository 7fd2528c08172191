"""Importing 10,000 devices from a French Excel CSV (cp1252, ';', decimal commas), and the
label PDF of 1,000 devices: prints figures, judges nothing.

On a shared machine the wall-clock figures grow with the other processes' load; the CPU
time of this process is printed too.

Targets (issue 3): the import under 10 s, the label PDF under 5 s. Each figure is the
whole action as a user waits for it: read and check the file, check the stock, write the
batch, devices, events and journal (fresh SQLite file each run); build the PDF.

    .venv/bin/python bench/bench_inventory_import.py [--rows 10000] [--labels 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ORDILIEN_ENV", "testing")

from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.authz.policy import OrgKind  # noqa: E402
from app.extensions import db  # noqa: E402
from app.inventory import import_service, importing  # noqa: E402
from app.inventory.models import Device  # noqa: E402
from app.inventory.pdfs import labels_pdf  # noqa: E402

MODELS = [
    ("Portable", "Lenovo", "ThinkPad T470", "Intel Core i5-7300U", "3 700", "8", "SSD", "256", "14"),
    ("PC portable", "Dell", "Latitude E7470", "Intel Core i5-6300U", "3200", "7,5", "SSD", "240", "14,0"),
    ("Portable", "HP", "EliteBook 840 G5", "Intel Core i5-8250U", "6000", "16", "NVMe", "512 Go", "14"),
    ("Tour", "Dell", "OptiPlex 7050", "Intel Core i5-7500", "6000", "8", "HDD", "1 To", ""),
    ("Smartphone", "Samsung", "Galaxy A52", "Snapdragon 720G", "", "6", "", "128", "6,5"),
]  # fmt: skip
HEADER = (
    "Type;Marque;Modèle;N° de série;Processeur;Indice processeur;RAM (Go);Type de stockage;"
    "Stockage (Go);Écran (pouces);État;Emplacement;Remarques\r\n"
)


def french_csv(rows: int) -> bytes:
    rng = random.Random(rows)
    lines = [HEADER]
    for n in range(rows):
        kind, brand, model, cpu, score, ram, storage, size, screen = MODELS[n % len(MODELS)]
        state = rng.choice(["à tester", "fonctionne", "en panne"])
        place = f"Étagère {'ABCDEFGH'[n % 8]}"
        lines.append(
            f"{kind};{brand};{model};SN{n:08d};{cpu};{score};{ram};{storage};{size};{screen};"
            f"{state};{place};Reçu du don n° {n // 100}\r\n"
        )
    return "".join(lines).encode("cp1252")


def new_app(path: str):  # type: ignore[no-untyped-def]
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench", "TESTING": True}
    )
    with app.app_context():
        db.create_all()
        accounts.create_organisation("atelier-bench", "Atelier Bench", OrgKind.ASSOCIATION)
    return app


def summary(label: str, values: list[float], unit: str = "s") -> str:
    return (
        f"{label:44} median {statistics.median(values):6.2f} {unit}   "
        f"min {min(values):6.2f}   max {max(values):6.2f}   ({len(values)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--labels", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = french_csv(args.rows)
    parse_times, import_times, import_cpu = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            app = new_app(f"{tmp}/import-{run}.db")
            with app.app_context():
                start, cpu = time.perf_counter(), time.process_time()
                parsed = importing.parse(data, "don.csv")
                parsed_at = time.perf_counter()
                result = import_service.import_devices(1, parsed)
                done = time.perf_counter()
                assert result.ok and result.created == args.rows, result.problems[:3]
                assert db.session.scalar(select(func.count()).select_from(Device)) == args.rows
                parse_times.append(parsed_at - start)
                import_times.append(done - start)
                import_cpu.append(time.process_time() - cpu)
                db.session.remove()
                db.engine.dispose()
        print(f"== import of {args.rows:,} rows ({len(data) / 1e6:.1f} MB, cp1252, ';')")
        print(summary("read and check the file", parse_times))
        print(summary("whole import (file to committed rows)", import_times))
        print(summary("  the same, CPU time of this process", import_cpu))

        app = new_app(f"{tmp}/labels.db")
        with app.app_context():
            parsed = importing.parse(french_csv(args.labels), "don.csv")
            import_service.import_devices(1, parsed)
            devices = db.session.scalars(select(Device).order_by(Device.id)).all()
            for sheet in ("L7160", "L7651"):
                times, cpu_times, size = [], [], 0
                for _ in range(args.runs):
                    from app.documents.qr import qr_matrix

                    qr_matrix.cache_clear()  # every run encodes every QR code again
                    start, cpu = time.perf_counter(), time.process_time()
                    pdf = labels_pdf(
                        devices, sheet, "https://ordilien.example.org", org_name="Atelier Bench"
                    )
                    times.append(time.perf_counter() - start)
                    cpu_times.append(time.process_time() - cpu)
                    size = len(pdf)
                print(f"== label PDF of {len(devices):,} labels, {sheet} ({size / 1e6:.2f} MB)")
                print(summary("build the PDF", times))
                print(summary("  the same, CPU time of this process", cpu_times))
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
