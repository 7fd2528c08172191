"""La MedNum v1.0.2 rows read against the standard's own schema file (pure)."""

from __future__ import annotations

from datetime import date

from app.directory import mednum
from app.directory.rows import needs_from_words


def test_services_become_needs() -> None:
    assert needs_from_words(["Acquisition de matériel informatique à prix solidaire"]) == ["device"]
    assert needs_from_words(["Accéder à une connexion internet"]) == ["connect"]
    assert needs_from_words(["Accès internet et matériel informatique"]) == ["connect"]
    assert needs_from_words(["Prendre en main un ordinateur", "Prendre en main un smartphone"]) == [
        "learn"
    ]
    assert needs_from_words(["Réaliser des démarches administratives avec un accompagnement"]) == [
        "procedures"
    ]
    assert needs_from_words(["Aide aux démarches administratives"]) == ["procedures"]
    assert needs_from_words(["Réparer son matériel"]) == ["repair"]
    assert needs_from_words(["numerique--acquerir-un-equipement", "learn"]) == ["device", "learn"]


def test_field_checks_read_the_schema() -> None:
    assert mednum.field_problem("pivot", "43493312300029") is None
    assert mednum.field_problem("pivot", "W573001234") is None
    assert mednum.field_problem("pivot", "") == "Champ obligatoire vide."
    assert mednum.field_problem("frais_a_charge", "Gratuit|Payant") is None
    assert "Gratuit sous condition" in (mednum.field_problem("frais_a_charge", "Gratuite") or "")
    assert mednum.field_problem("latitude", "nord") is not None
    assert mednum.field_problem("date_maj", "02/04/2024") is not None
    assert "ORDI 3.0" in mednum.vocabulary("formations_labels")


def test_an_own_place_without_siret_or_rna_is_not_published() -> None:
    place = mednum.OwnPlace(identifier="ordilien--x", name="X", address="1 rue", postcode="57000",
                            commune="Metz", date_maj=date(2026, 1, 5))  # fmt: skip
    assert mednum.own_row(place) == (None, "ni SIRET ni RNA")
    place.rna, place.needs, place.free = "W573001234", ["device", "learn"], True
    place.opening_hours = "pas lisible"
    row, why = mednum.own_row(place)
    assert row is not None and not why
    assert row["pivot"] == "W573001234" and row["frais_a_charge"] == "Gratuit"
    assert (
        row["services"]
        == "Acquisition de matériel informatique à prix solidaire|Maîtrise des outils numériques du quotidien"
    )
    assert row["horaires"] == ""  # unreadable hours are not published
