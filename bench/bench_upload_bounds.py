"""Uploads bounded by what they cost (issue 19): prints figures, judges nothing.

The file of the issue, a 600-800 kB workbook holding a 190 MB sheet (tests/workbooks.py),
held a worker 196 s and grew it to 518 MB before it answered "3392 problèmes". Each case
runs in a fresh subprocess (fresh SQLite file) so that its peak memory (ru_maxrss) is its
own; "before" is the process's peak once the application is created and pandas and
openpyxl are loaded, "peak" the peak after the call, "growth" their difference.

- page: the file posted to the real import page /inventaire/import (a logged-in
  manager), which refuses it in its upload check (the compression ratio);
- streaming pass: the same post with the ratio check turned off
  (UPLOAD_XLSX_MAX_RATIO), so that the sheet is read until the cell limit
  (UPLOAD_MAX_CELLS, 1,000,000 by default) stops it;
- command line: the import service call behind ``flask inventory import``
  (mapped_import.read then import_service.import_table);
- ordinary: 10,000 devices in an ordinary workbook through the same service call
  (read, check, write the batch), for comparison.

    .venv/bin/python bench/bench_upload_bounds.py [--rows 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ORDILIEN_ENV", "testing")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _current_rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def child(case: str, path: str, database: str, trace: bool) -> None:
    """One case, in this process: prints one JSON line. Traced (tracemalloc, slower), the
    run gives the peak of Python allocations during the call; untraced, its time."""
    import pandas  # noqa: F401  (loaded before "before", as in a running worker)
    from openpyxl import load_workbook  # noqa: F401

    from app import create_app
    from app.accounts.sessions import SESSION_KEY, create_record
    from app.extensions import db
    from app.inventory import import_service, importing, mapped_import
    from tests import factories

    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "bench",
                "TESTING": True, "WTF_CSRF_ENABLED": False}  # fmt: skip
    if case == "streaming pass":
        settings["UPLOAD_XLSX_MAX_RATIO"] = 10**9
    app = create_app(settings)
    data = Path(path).read_bytes()
    with app.app_context():
        db.create_all()
        user = factories.create_user()
        org_id = user.organisation_id
        client = app.test_client()
        raw = create_record(user, "bench")
        with client.session_transaction() as session:
            session.update({"_user_id": user.get_id(), "_fresh": True, SESSION_KEY: raw})
        before, current = _rss_mb(), _current_rss_mb()
        if trace:
            import tracemalloc

            tracemalloc.start()
        start = time.perf_counter()
        if case in ("page", "streaming pass"):
            import io

            from werkzeug.datastructures import FileStorage

            response = client.post(
                "/inventaire/import",
                data={"file": FileStorage(io.BytesIO(data), filename="don.xlsx")},
                content_type="multipart/form-data",
            )
            page = response.get_data(as_text=True)
            answer = f"HTTP {response.status_code}: " + next(
                (line.strip() for line in page.splitlines() if "Ce classeur" in line
                 or "cellules" in line or "problèmes" in line), "(no message found)"
            )  # fmt: skip
        else:
            try:
                table = mapped_import.read(data, "don.xlsx")
                result = import_service.import_table(org_id, table)
                answer = f"{result.created} devices imported, {len(result.problems)} problems"
            except importing.ImportFileError as exc:
                answer = exc.message
        seconds = time.perf_counter() - start
        traced = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if trace else 0.0
        peak = _rss_mb()
    print(json.dumps({"seconds": seconds, "before": before, "current": current, "peak": peak,
                      "traced": traced, "answer": answer}))  # fmt: skip


def run(case: str, path: Path, tmp: str, trace: bool) -> dict[str, float | str]:
    database = f"{tmp}/{case[:4]}-{int(trace)}.db"
    command = [sys.executable, __file__, "--child", case, str(path), database]
    out = subprocess.run(command + ["--trace"] * trace, capture_output=True, text=True,
                         check=True, cwd=ROOT)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--child", nargs=3, metavar=("CASE", "FILE", "DB"))
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(*args.child, trace=args.trace)
        return
    import zipfile

    from tests.workbooks import device_workbook, sheet_bomb

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        bomb = Path(tmp, "bomb.xlsx")
        bomb.write_bytes(sheet_bomb())
        sheet = zipfile.ZipFile(bomb).getinfo("xl/worksheets/sheet1.xml").file_size
        print(f"== the workbook of issue 19: {bomb.stat().st_size / 1e3:.0f} kB on the wire, "
              f"sheet {sheet / 1e6:.0f} MB opened (built in {time.perf_counter() - start:.1f} s)")  # fmt: skip
        ordinary = Path(tmp, "ordinary.xlsx")
        ordinary.write_bytes(device_workbook(args.rows))
        cases = [("page", bomb), ("streaming pass", bomb), ("command line", bomb),
                 (f"ordinary {args.rows:,} rows", ordinary)]  # fmt: skip
        for case, path in cases:
            if case.startswith("ordinary"):
                print(f"== an ordinary workbook of {args.rows:,} devices "
                      f"({path.stat().st_size / 1e6:.1f} MB), read, checked and written")  # fmt: skip
            name = case if not case.startswith("ordinary") else "ordinary"
            figures, traced = run(name, path, tmp, False), run(name, path, tmp, True)
            print(f"{case:16} {figures['seconds']:7.2f} s; memory: resident before "
                  f"{figures['current']:4.0f} MB (peak so far {figures['before']:4.0f} MB), "
                  f"peak after {figures['peak']:4.0f} MB; Python allocations during the "
                  f"call at most {traced['traced']:6.1f} MB (tracemalloc)")  # fmt: skip
            print(f"{'':16} -> {figures['answer']}")


if __name__ == "__main__":
    main()
