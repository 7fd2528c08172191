"""The load test of a handover day in its short form (bench/load_handover.py --short):
10 people for 30 seconds against gunicorn on PostgreSQL, through the real forms.

Judges what does not depend on the machine: no failed request, no server traceback,
every page of the scenario requested. The figures (throughput, medians, 95th
percentiles) are printed by the benchmark, never asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.postgres_only


def test_handover_day_under_load_has_no_error(database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL: runs in the PostgreSQL pass of make test")
    figures = tmp_path / "load.json"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load_handover.py"),
            "--short",
            "--pg-url",
            database_url,  # a database of its own is created on this server, then dropped
            "--json",
            str(figures),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = f"{run.stdout[-6000:]}\n{run.stderr[-6000:]}"
    assert figures.exists(), output
    summary = json.loads(figures.read_text())
    assert summary["errors"] == 0, output
    assert summary["server_tracebacks"] == 0, output
    assert summary["missing_pages"] == [], output
    assert run.returncode == 0, output
