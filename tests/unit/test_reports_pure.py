"""Pure modules of the reports: periods, impact factors, SVG charts, French numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 (our own SVG, not untrusted input)
from datetime import date

import pytest

from app.reports import charts
from app.reports.impact import avoided, load_factors, parse_factors, sources_used
from app.reports.period import (
    Period,
    PeriodError,
    last_twelve_months,
    month_label,
    month_label_short,
    parse_period,
)
from app.reports.tables import fr_number, fr_percent

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own SVG, not untrusted input)


def test_period_months_span_years() -> None:
    period = Period(date(2025, 11, 15), date(2026, 2, 3))
    assert period.months() == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert period.days == 81
    assert period.end_before.isoformat() == "2026-02-04T00:00:00"


def test_default_period_is_the_last_twelve_months() -> None:
    period = last_twelve_months(date(2026, 3, 10))
    assert (period.start, period.end) == (date(2025, 4, 1), date(2026, 3, 10))
    assert len(period.months()) == 12
    assert parse_period(None, None, date(2026, 3, 10)) == period
    assert parse_period("", "", date(2026, 3, 10)) == period


def test_period_errors_are_french() -> None:
    with pytest.raises(PeriodError, match="avant la date de début"):
        parse_period("2026-05-01", "2026-04-01", date(2026, 6, 1))
    with pytest.raises(PeriodError, match="Date invalide"):
        parse_period("01/05/2026", None, date(2026, 6, 1))
    with pytest.raises(PeriodError, match="trop longue"):
        parse_period("2000-01-01", "2026-01-01", date(2026, 6, 1))


def test_start_alone_runs_to_today() -> None:
    period = parse_period("2026-01-01", None, date(2026, 6, 1))
    assert period == Period(date(2026, 1, 1), date(2026, 6, 1))


def test_month_labels() -> None:
    assert month_label("2026-08") == "août 2026"
    assert month_label_short("2026-02") == "févr. 2026"


def test_every_factor_names_a_source_with_a_year() -> None:
    factors = load_factors()
    assert {"laptop", "desktop", "tablet", "smartphone"} <= set(factors)
    for factor in factors.values():
        assert factor.source.title and 2000 < factor.source.year < 2100
        assert factor.mass_kg > 0
    assert any("ADEME" in s.title for s in sources_used())


def test_avoided_multiplies_counts_by_factors() -> None:
    factors = load_factors()
    impact = avoided({"laptop": 3, "smartphone": 10})
    laptop = next(line for line in impact.lines if line.device_type == "laptop")
    assert laptop.mass_kg == pytest.approx(3 * factors["laptop"].mass_kg)
    assert laptop.co2e_kg == pytest.approx(3 * factors["laptop"].co2e_kg)
    assert impact.devices == 13
    assert impact.co2e_kg == pytest.approx(
        3 * factors["laptop"].co2e_kg + 10 * factors["smartphone"].co2e_kg
    )


def test_unknown_type_counts_devices_but_no_impact() -> None:
    impact = avoided({"robot": 2})
    assert impact.devices == 2 and impact.mass_kg == 0 and impact.co2e_kg == 0


def test_a_factor_without_a_known_source_is_refused() -> None:
    with pytest.raises(ValueError, match="source inconnue"):
        parse_factors(
            {
                "sources": [],
                "facteurs": {
                    "laptop": {"libelle": "x", "masse_kg": 1, "co2e_kg": 1, "source": "?"}
                },
            }
        )


def test_bar_chart_is_an_accessible_image_with_escaped_text() -> None:
    svg = charts.hbar_chart(["Reçu", "<b>Prêt</b>"], [3, 0], "Stock & états", "g1")
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "g1-titre g1-desc"
    assert root.find(f"{SVG}title").text == "Stock & états"
    assert "Reçu : 3" in root.find(f"{SVG}desc").text
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<b>Prêt</b>" in texts  # escaped in the markup, plain text once parsed
    assert "script" not in svg and "style=" not in svg


def test_monthly_chart_has_a_legend_and_one_bar_per_value() -> None:
    svg = charts.monthly_chart(
        ["janv. 2026", "févr. 2026"], [("Reçus", [4, 2]), ("Remis", [1, 0])], "Flux", "g2"
    )
    root = _parse(svg)
    rects = list(root.iter(f"{SVG}rect"))
    assert len(rects) == 2 + 4  # two legend keys, four bars
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Reçus" in texts and "Remis" in texts and "janv. 2026" in texts


def test_charts_survive_empty_and_zero_data() -> None:
    _parse(charts.hbar_chart([], [], "Vide", "g3"))
    _parse(charts.monthly_chart(["mars 2026"], [("Reçus", [0])], "Zéro", "g4"))


def test_french_numbers() -> None:
    assert fr_number(1234.5, 1) == "1\u202f234,5"
    assert fr_number(12) == "12"
    assert fr_percent(1, 3) == "33,3 %"
    assert fr_percent(1, 0) == "—"
