"""flask programmes list / export / import: a programme goes from one territory to another
as a file; a bad file names its line and fault and writes nothing; --dry-run writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.authz.policy import OrgKind
from app.eligibility import services
from app.eligibility.cli import programmes
from app.eligibility.loader import PROGRAMMES_DIR, definition_from_yaml
from app.eligibility.models import ProgrammeRecord, ProgrammeVersion
from app.extensions import db

SHIPPED = "rsa-ordinateur-15"


def _counts() -> tuple[int, ...]:
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (ProgrammeRecord, ProgrammeVersion, AuditEntry)
    )


def _lines(result: Any) -> list[str]:
    return result.stdout.splitlines()


def test_export_then_import_into_another_code_round_trips(
    runner: Any, tmp_path: Path, make_org: Any
) -> None:
    make_org(OrgKind.COORDINATOR, slug="dep-57", name="Département de la Moselle")
    listed = runner.invoke(programmes, ["list"])
    assert listed.exit_code == 0, listed.output
    row = next(line for line in _lines(listed) if line.startswith(SHIPPED + " "))
    assert row.split() == [SHIPPED, "v1", "administrateur", "2023-01-01", "-"]

    exported = runner.invoke(programmes, ["export", SHIPPED])
    assert exported.exit_code == 0, exported.output
    original = services.get_programme(SHIPPED).versions[0].definition
    assert definition_from_yaml(exported.stdout, "export.yaml") == original

    # Another territory takes it under its own code, owned by its own organisation.
    file = tmp_path / "moselle.yaml"
    file.write_text(exported.stdout.replace(SHIPPED, "rsa-ordinateur-57"), encoding="utf-8")
    imported = runner.invoke(
        programmes, ["import", str(file), "--org", "dep-57", "--publish-from", "2023-01-01"]
    )
    assert imported.exit_code == 0, imported.output
    assert "nouveau programme" in imported.stdout and "Version 1 publiée" in imported.stdout
    record = services.get_programme("rsa-ordinateur-57")
    assert record.organisation_id is not None
    assert record.versions[0].definition == {**original, "code": "rsa-ordinateur-57"}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "programme.create"))
    assert entry is not None and entry.actor_id is None  # the system, on the command line

    again = runner.invoke(programmes, ["export", "rsa-ordinateur-57", "-o", str(tmp_path / "b")])
    assert again.exit_code == 0, again.output
    assert (tmp_path / "b").read_text(encoding="utf-8") == file.read_text(encoding="utf-8")
    listed = runner.invoke(programmes, ["list"])
    row = next(line for line in _lines(listed) if line.startswith("rsa-ordinateur-57 "))
    assert row.split() == ["rsa-ordinateur-57", "v1", "dep-57", "2023-01-01", "-"]


SHIPPED_TEXT = (PROGRAMMES_DIR / f"{SHIPPED}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "line", "fault"),
    [
        # bad indentation: YAML notices it on the next line
        ("      any_of: [rsa]\n", "     any_of: [rsa]\n", 40, "YAML illisible"),
        ("  - no_equipment: [computer]", "  - no_equipement: [computer]", 43, "condition inconnue"),
        ("any_of: [rsa]", "any_of: [riche]", 39, "any_of : valeur inconnue « riche »"),
    ],
    ids=["indentation", "unknown-condition", "unknown-status"],
)
def test_a_broken_file_names_its_line_and_fault_and_writes_nothing(
    runner: Any, tmp_path: Path, old: str, new: str, line: int, fault: str
) -> None:
    runner.invoke(programmes, ["list"])  # the shipped programmes exist
    file = tmp_path / "broken.yaml"
    assert old in SHIPPED_TEXT
    file.write_text(SHIPPED_TEXT.replace(old, new).replace(SHIPPED, "x-57"), encoding="utf-8")
    before = _counts()
    result = runner.invoke(programmes, ["import", str(file), "--publish-from", "2030-01-01"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{file}, ligne {line} : {fault}"), result.stderr
    assert "Rien n'a été enregistré." in result.stderr and result.stdout == ""
    assert _counts() == before
    assert db.session.scalar(select(ProgrammeRecord).where(ProgrammeRecord.code == "x-57")) is None


def test_dry_run_says_what_it_would_do_and_writes_nothing(runner: Any, tmp_path: Path) -> None:
    runner.invoke(programmes, ["list"])
    before = _counts()
    new = tmp_path / "new.yaml"
    new.write_text(SHIPPED_TEXT.replace(SHIPPED, "rsa-ordinateur-28"), encoding="utf-8")
    result = runner.invoke(programmes, ["import", str(new), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "rsa-ordinateur-28 : nouveau programme" in result.stdout
    assert "rien n'a été enregistré" in result.stdout
    # The same code with a new price: a new draft, and what would change.
    changed = tmp_path / "changed.yaml"
    changed.write_text(SHIPPED_TEXT.replace("2023-01-01: 15", "2023-01-01: 20"), encoding="utf-8")
    result = runner.invoke(
        programmes, ["import", str(changed), "--dry-run", "--publish-from", "2099-01-01"]
    )
    assert result.exit_code == 0, result.output
    assert "nouveau brouillon (changements depuis la version publiée : parameters.price_eur)" in (
        result.stdout
    )
    assert "Serait publié, en vigueur à partir du 01/01/2099" in result.stdout
    assert _counts() == before
    assert services.draft_of(services.get_programme(SHIPPED)) is None


def test_refusals_write_nothing(runner: Any, tmp_path: Path, make_org: Any) -> None:
    make_org(OrgKind.COORDINATOR, slug="dep-28", name="Département")
    runner.invoke(programmes, ["list"])
    before = _counts()
    changed = tmp_path / "changed.yaml"
    changed.write_text(SHIPPED_TEXT.replace("2023-01-01: 15", "2023-01-01: 20"), encoding="utf-8")
    # A version cannot start in the past, nor can another territory take over a code.
    past = runner.invoke(programmes, ["import", str(changed), "--publish-from", "2024-01-01"])
    assert past.exit_code == 1 and "aujourd'hui ou d'un jour à venir" in past.stderr
    taken = runner.invoke(programmes, ["import", str(changed), "--org", "dep-28"])
    assert taken.exit_code == 1 and "n'appartient pas à « dep-28 »" in taken.stderr
    unknown = runner.invoke(programmes, ["export", "nope"])
    assert unknown.exit_code == 1 and "Programme introuvable" in unknown.stderr
    assert _counts() == before
