"""The one GSM-7 source (app/notify/gsm7.py): septets, segments, transliteration."""

from __future__ import annotations

from app.notify import gsm7
from app.tariffs import matching


def test_extension_table_counts_two_septets() -> None:
    assert gsm7.gsm7_length("abc") == 3
    assert gsm7.gsm7_length("5 €") == 4
    assert gsm7.gsm7_length("[x]") == 5
    assert gsm7.gsm7_length("«") is None


def test_segments_follow_gsm7_then_ucs2() -> None:
    assert gsm7.segments("a" * 160) == 1
    assert gsm7.segments("a" * 161) == 2  # 153 per part once split
    assert gsm7.segments("a" * 306) == 2
    assert gsm7.segments("€" * 80) == 1  # 160 septets
    assert gsm7.segments("€" * 81) == 2
    assert gsm7.segments("ê" * 70) == 1  # UCS-2
    assert gsm7.segments("ê" * 71) == 2


def test_french_goes_to_gsm7() -> None:
    text = gsm7.to_gsm7("« Créer sa boîte », n° 3 – fenêtre\u202fà 9h")
    assert text == '" Créer sa boite ", no 3 - fenetre à 9h'
    assert gsm7.gsm7_length(text) is not None


def test_shorten_and_fit() -> None:
    assert gsm7.shorten("Atelier très long", 10) == "Atelier..."
    assert gsm7.fit(["x" * 200, "court"]) == "court"


def test_one_source() -> None:
    assert matching.to_gsm7 is gsm7.to_gsm7 and matching.gsm7_length is gsm7.gsm7_length
