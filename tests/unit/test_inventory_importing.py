"""Reading files as French Excel writes them (no database here)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from app.inventory.importing import ImportFileError, parse, parse_number

HEADER = "Type;Marque;Modèle;N° de série;RAM (Go);Type de stockage;Stockage (Go);Écran (pouces);État;Emplacement\r\n"
ROWS = (
    "Portable;Lenovo;ThinkPad T470;PF0ABC12;8;SSD;256 Go;14,0;à tester;Étagère A\r\n"
    "PC portable;Dell;Latitude E7470;5CG7XYZ;7,5;HDD;1 To;15,6;fonctionne;Réserve\r\n"
    "Téléphone;Samsung;Galaxy A52;R58R1234;6;;128;6,5;;\r\n"
)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8", "latin-1"])
def test_french_excel_csv_in_every_encoding(encoding: str) -> None:
    parsed = parse((HEADER + ROWS).encode(encoding), "appareils.csv")
    assert parsed.problems == []
    assert parsed.separator == ";"
    first, second, phone = (row.values for row in parsed.rows)
    assert first["model"] == "ThinkPad T470" and first["location"] == "Étagère A"
    assert first["storage_gb"] == 256 and first["screen_inches"] == 14.0
    assert second["ram_gb"] == 7.5 and second["storage_gb"] == 1000
    assert second["screen_inches"] == 15.6 and second["condition"] == "working"
    assert phone["device_type"].value == "smartphone" and phone["storage_type"] is None
    assert [row.row for row in parsed.rows] == [2, 3, 4]


def test_xlsx_with_french_headers() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Catégorie", "Fabricant", "Modele", "Numéro de série", "Mémoire", "Capacité"])
    sheet.append(["Tour", "Dell", "OptiPlex 7050", "7050AB", 8, 256])
    sheet.append(["Tablette", "Samsung", "Galaxy Tab A", "R52N", 2.5, "32"])
    out = io.BytesIO()
    book.save(out)
    parsed = parse(out.getvalue(), "don.xlsx")
    assert parsed.problems == []
    assert [r.values["device_type"].value for r in parsed.rows] == ["desktop", "tablet"]
    assert parsed.rows[1].values["ram_gb"] == 2.5


def test_every_problem_is_reported_by_row_and_column() -> None:
    text = (
        HEADER
        + "Grille-pain;X;Y;S1;8;SSD;256;14;;\r\n"  # unknown type
        + ";Dell;Latitude;S2;8;SSD;256;14;;\r\n"  # missing type
        + "Portable;;;;8;SSD;256;14;;\r\n"  # nothing to identify it
        + "Portable;HP;840;S1;huit;Disquette;256;14;cassé;\r\n"  # dup serial, bad RAM, storage
        + ";;;;;;;;;\r\n"  # blank line, skipped
    )
    parsed = parse(text.encode("cp1252"), "x.csv")
    found = {(p.row, p.column) for p in parsed.problems}
    assert found == {
        (2, "Type"),
        (3, "Type"),
        (4, "N° de série"),
        (5, "N° de série"),
        (5, "RAM (Go)"),
        (5, "Type de stockage"),
    }
    dup = next(p for p in parsed.problems if p.row == 5 and p.column == "N° de série")
    assert "déjà ligne 2" in dup.message


def test_missing_type_column_and_unreadable_files() -> None:
    parsed = parse("Marque;Modèle\nDell;E7470\n".encode(), "x.csv")
    assert parsed.problems and parsed.problems[0].row == 1
    with pytest.raises(ImportFileError):
        parse(b"not an excel file", "x.xlsx")
    with pytest.raises(ImportFileError):
        parse(b"", "x.xls")


@pytest.mark.parametrize(
    "text,unit,value",
    [
        ("15,6", "", 15.6),
        ("8 Go", "go", 8),
        ("1 To", "go", 1000),
        ("1 000", "", 1000),
        ("512", "go", 512),
    ],
)
def test_numbers(text: str, unit: str, value: float) -> None:
    assert parse_number(text, unit=unit) == value
