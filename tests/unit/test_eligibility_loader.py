"""Programme files: a bad file is refused with its name, the line and the fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.eligibility.loader import PROGRAMMES_DIR, ProgrammeFileError, load_directory, parse

GOOD = (PROGRAMMES_DIR / "rsa-ordinateur-15.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def refused(text: str) -> ProgrammeFileError:
    with pytest.raises(ProgrammeFileError) as info:
        parse(text, "programmes/essai.yaml")
    return info.value


def test_every_shipped_file_loads() -> None:
    programmes = load_directory()
    assert len(programmes) >= 4
    assert len({p.code for p in programmes}) == len(programmes)


@pytest.mark.parametrize(
    ("old", "new", "fault"),
    [
        (
            "  - no_equipment: [computer]",
            "  - no_computer: true",
            "condition inconnue « no_computer »",
        ),
        ("      any_of: [rsa]", "      any_of: [rsaa]", "valeur inconnue « rsaa »"),
        ("      proof: declared", "      proof: sworn", "proof : valeur inconnue « sworn »"),
        ("valid_from: 2023-01-01", "valid_from: bientôt", "« valid_from » doit être une date"),
        ("valid_to: null", "valid_to: 2020-01-01", "valid_to est avant valid_from"),
        ("device_types: [laptop, desktop]", "device_types: [laptop, fax]", "« fax »"),
        (
            "      max: {param: max_per_year}",
            "      max: {param: max_par_an}",
            "paramètre « max_par_an » non déclaré",
        ),
        ("      per: year", "      per: decade", "per : « decade » inconnu"),
        ("  kind: sale", "  kind: swap", "valeur inconnue « swap »"),
        ("      2023-01-01: 15", "      demain: 15", "chaque valeur commence à une date"),
        ('  citation: "004:18"', '  citation: ""', "« citation » doit être un texte non vide"),
        ("code: rsa-ordinateur-15", "code: RSA Ordinateur", "code : minuscules"),
        (
            "territory: Nogent-le-Rotrou et Châteaudun",
            "territoire: Nogent-le-Rotrou et Châteaudun",
            "clé inconnue « territoire »",
        ),
        ("  - commitment: pix_test", "  - commitment: pray", "« pray »"),
    ],
)
def test_a_bad_file_is_refused_with_line_and_fault(old: str, new: str, fault: str) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new)
    error = refused(text)
    assert fault in error.fault
    assert error.path == "programmes/essai.yaml"
    assert error.line == line_of(text, new.strip())
    assert str(error).startswith(f"programmes/essai.yaml, ligne {error.line} : ")


def test_yaml_syntax_error_names_the_line() -> None:
    text = GOOD.replace("  - no_equipment: [computer]", "  - no_equipment: [computer")
    error = refused(text)
    assert "YAML illisible" in error.fault
    assert error.line >= line_of(text, "no_equipment: [computer")


def test_duplicate_key_is_refused_at_its_line() -> None:
    text = GOOD.replace("priority: 10\n", "priority: 10\npriority: 20\n")
    error = refused(text)
    assert "en double" in error.fault
    assert error.line == line_of(text, "priority: 20")


def test_missing_required_key_is_refused() -> None:
    kept: list[str] = []
    in_summary = False
    for line in GOOD.splitlines():  # the summary and its folded lines
        if line.startswith("summary"):
            in_summary = True
        elif not line.startswith(" "):
            in_summary = False
        if not in_summary:
            kept.append(line)
    error = refused("\n".join(kept))
    assert "« summary »" in error.fault


def test_parameter_without_value_at_programme_start_is_refused() -> None:
    text = GOOD.replace("      2023-01-01: 15", "      2024-01-01: 15")
    error = refused(text)
    assert "price_eur" in error.fault and "pas de valeur au début" in error.fault


def test_two_files_with_one_code_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(ProgrammeFileError) as info:
        load_directory(tmp_path)
    assert "déjà pris" in info.value.fault and info.value.path.endswith("b.yaml")


def test_a_price_grid_with_an_unknown_grade_is_refused() -> None:
    text = (PROGRAMMES_DIR / "prix-solidaires.yaml").read_text(encoding="utf-8")
    error = refused(text.replace("PREMIUM: 150", "LUXE: 150"))
    assert "état inconnu « LUXE »" in error.fault
