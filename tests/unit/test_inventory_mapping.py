"""The import's mapping, pure: folding, the tools' headers, value words, IMEI, costs."""

from __future__ import annotations

import pytest

from app.inventory.column_headers import detect_source, fold, propose
from app.inventory.identifiers import former_tag, imei_problem, luhn_ok
from app.inventory.mapping import FileMapping, MappingError, known_value


def test_look_alikes_and_accents_are_folded() -> None:
    assert fold("\u0421atégorie") == fold("Catégorie") == "categorie"  # Cyrillic С
    assert fold("Ѕerial Νumber") == "serialnumber"  # Cyrillic Ѕ, Greek Ν
    assert fold("N° de série") == fold("n de serie") == "ndeserie"


def test_snipeit_french_category_with_a_cyrillic_c_fills_the_type() -> None:
    headers = ["Numéro d'inventaire", "\u0421atégorie", "Fabricant", "Modèle", "Statut"]
    source, columns = propose(headers)
    assert source == "snipeit"
    assert [c.field for c in columns] == ["external_ref", "device_type", "brand", "model", "state"]


def test_sources_are_told_apart_by_their_headers() -> None:
    assert detect_source(["Asset Tag", "Category", "Model name"]) == "snipeit"
    assert detect_source(["Name", "Serial number", "Inventory number", "Last update"]) == "glpi"
    assert detect_source(["Nom", "Numéro de série", "Dernière modification", "Lieu"]) == "glpi"
    assert detect_source(["Type", "Marque", "N° de série"]) == "ordilien"


def test_two_columns_never_fill_one_field_and_the_reason_is_given() -> None:
    _source, columns = propose(["Model name", "Model Number", "Checked Out To", "Foo"], "snipeit")
    assert columns[0].field == "model" and columns[1].field == ""
    assert "« Model name » remplit déjà" in columns[1].reason
    assert "personne" in columns[2].reason
    assert "non reconnue" in columns[3].reason


def test_a_file_written_with_the_mapping_pages_own_labels_reads_back() -> None:
    from app.inventory.column_headers import FIELDS

    _source, columns = propose(list(FIELDS.values()))
    assert [c.field for c in columns] == list(FIELDS)


def test_the_users_choice_wins_over_the_proposal() -> None:
    _source, columns = propose(["Notes", "Type"], "ordilien", chosen={"Notes": "condition_notes"})
    assert columns[0].field == "condition_notes" and columns[0].proposed == "notes"


@pytest.mark.parametrize(
    ("kind", "word", "target"),
    [
        ("device_type", "Laptops", "laptop"),
        ("device_type", "Mobile Phones", "smartphone"),
        ("device_type", "Notebook", "laptop"),
        ("device_type", "Mini Tower", "desktop"),
        ("device_type", "Space-saving", "desktop"),
        ("device_type", "All-in-one", "desktop"),
        ("device_type", "Monitors", "screen"),
        ("state", "Ready to Deploy", "reconditioning"),
        ("state", "Pending", "triage"),
        ("state", "Archived", "e_waste"),
        ("state", "Broken - Not Fixable", "parts"),
        ("state", "Lost/Stolen", "skip"),
        ("state", "Deployed", "received"),
    ],
)
def test_value_words(kind: str, word: str, target: str) -> None:
    assert known_value(kind, word) == target


def test_imei_needs_fifteen_digits_and_a_good_luhn_digit() -> None:
    assert luhn_ok("356938035643809")
    assert imei_problem("356938035643809") is None
    assert "Luhn" in (imei_problem("356938035643808") or "")
    assert "15 chiffres" in (imei_problem("35693803564380") or "")


def test_former_labels_scanned_as_snipeit_urls() -> None:
    assert former_tag("https://snipe.example.org/ht/ASSET-0017") == "ASSET-0017"
    assert former_tag(" ASSET-0017 ") == "ASSET-0017"


def test_mapping_json_round_trip_and_wrong_entries() -> None:
    mapping = FileMapping("glpi", {"Serial number": "serial"}, {"Kiosk": "other"}, {})
    assert FileMapping.from_json(mapping.to_json()) == mapping
    with pytest.raises(MappingError, match="n'est pas un choix possible"):
        FileMapping.from_json({"columns": {"X": "colour"}})
    with pytest.raises(MappingError, match="ready"):
        FileMapping.from_json({"states": {"Ready": "ready"}})  # nothing arrives ready
