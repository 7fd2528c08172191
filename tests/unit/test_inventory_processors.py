"""The processor table and its forgiving name matcher (app/inventory/processors.py)."""

from __future__ import annotations

import pytest

from app.inventory import grading, processors


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", "i5-8250U"),  # what Windows and dmidecode say
        ("Intel Core i5 8250U", "i5-8250U"),
        ("intel core i5-8365/u @ 1.60ghz", "i5-8365U"),  # recondapi's examples
        ("INTEL CORE I5-7200 U", "i5-7200U"),
        ("I5/8365U", "i5-8365U"),
        ("IntelCorei5-8250U", "i5-8250U"),
        ("Intel Core i5-3570 3,40 GHZ", "i5-3570"),
        ("i3-6100 SSD 256", "i3-6100"),
        ("13th Gen Intel(R) Core(TM) i5-1335U", "i5-1335U"),
        ("11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz", "i7-1165G7"),
        ("Intel(R) Celeron(R) N4000 CPU @ 1.10GHz", "Celeron N4000"),
        ("Intel® Pentium® Silver N5000", "Pentium N5000"),
        ("Intel Pentium Dual-Core T4200", "Pentium T4200"),
        ("Intel(R) Atom(TM) x5-Z8350 CPU @ 1.44GHz", "Atom Z8350"),
        ("AMD Ryzen 5 3500U with Radeon Vega Mobile Gfx", "Ryzen 5 3500U"),
        ("AMD Ryzen 5 PRO 4650U with Radeon Graphics", "Ryzen 5 4650U"),
        ("AMD Ryzen 7 5800X3D 8-Core Processor", "Ryzen 7 5800X3D"),
        ("AMD A6-9225 RADEON R4, 5 COMPUTE CORES 2C+3G", "A6-9225"),
        ("AMD PRO A8-8600B R6, 10 Compute Cores 4C+6G", "A8-8600B"),
        ("Apple M1", "M1"),
        ("Apple M2 Pro 12 Core 3480 MHz", "M2 Pro"),
    ],
)
def test_model_key_reads_the_spellings_met_at_import(text: str, model: str) -> None:
    assert processors.model_key(text) == model


@pytest.mark.parametrize(
    "text",
    ["", "Snapdragon 720G", "A11 Bionic", "Intel Core 2 Duo T7500", "Intel Pentium 4 3.00GHz"],
)
def test_model_key_names_nothing_it_does_not_know(text: str) -> None:
    assert processors.model_key(text) is None


def test_every_row_of_the_table_is_found_by_its_own_passmark_name() -> None:
    table = processors.table()
    assert len(table) > 1000
    for processor in table.values():
        assert processors.model_key(processor.name) == processor.model, processor.name
        assert 0 < processor.cpu_mark <= 200_000, processor  # the cpu_score field's bounds


def test_the_table_covers_what_refurbishers_meet() -> None:
    for model in (
        "i3-2310M",  # 2nd generation
        "i5-3320M",
        "i5-4300U",
        "i5-6300U",
        "i7-7600U",
        "i5-8250U",
        "i5-10210U",
        "i5-1135G7",
        "i5-1235U",
        "i7-1355U",  # 13th generation
        "Celeron N4000",
        "Pentium N5000",
        "Atom Z8350",
        "Ryzen 3 3250U",
        "Ryzen 5 3500U",
        "Ryzen 7 4700U",
        "A6-9225",
        "M1",
        "M2",
    ):
        assert processors.find(model) is not None, model


def test_an_i5_8250u_gets_its_passmark_mark_and_a_grade() -> None:
    processor = processors.find("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz")
    assert processor is not None
    assert processor.name == "Intel Core i5-8250U @ 1.60GHz"
    assert processor.cpu_mark == 5885
    specs = grading.Specs(
        kind="computer",
        cpu_score=processor.cpu_mark,
        ram_gb=8,
        storage_type=grading.StorageType.SSD,
        storage_gb=256,
    )
    assert grading.compute_grade(specs).grade is grading.Grade.B


def test_a_model_typed_without_its_letters_is_found_only_when_unambiguous() -> None:
    found = processors.find("i5-8250")
    assert found is not None and found.model == "i5-8250U"
    # i5-4300M and i5-4300U differ: the matcher does not guess.
    assert processors.find("i5-4300") is None


def test_cpu_score_for_unknown_text_is_none() -> None:
    assert processors.cpu_score_for("processeur inconnu") is None
    assert processors.cpu_score_for("Intel Core i5-8250U") == 5885
