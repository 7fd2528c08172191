"""Charts drawn on the server as SVG: no script, no third-party asset. Pure module.

Each chart is an image with a title and a description (role="img"); the numbers are in
the table printed under it, which is what screen readers and copy-paste use. Bars carry
their value as text, and series differ by pattern-free colours chosen for contrast
against white (>= 3:1) and against each other, plus a text legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

# Colour-blind-safe palette (Okabe-Ito, darkened for 3:1 contrast on white).
PALETTE = ("#1d4e89", "#b35c00", "#1e6b34", "#a4161a", "#6a3d9a", "#0b6e79", "#5a5a5a")

# Bar charts are drawn narrow, so their text stays legible once scaled to a phone's width;
# monthly charts need room for the months, so their text is drawn larger instead.
BAR_WIDTH = 400
MONTHLY_WIDTH = 640
BAR_HEIGHT = 24
GAP = 8


def _num(value: float) -> str:
    text = f"{value:,.1f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",")


def hbar_chart(labels: Sequence[str], values: Sequence[float], title: str, chart_id: str) -> str:
    """Horizontal bars, one per label: readable on a phone whatever the label length."""
    top = max([float(v) for v in values] + [0.0])
    label_w = 0  # labels sit above their bar: the bar can use the full width
    height = len(labels) * (BAR_HEIGHT + GAP + 20) + 10
    parts = [_open(chart_id, title, BAR_WIDTH, height, _describe(labels, values))]
    y = 8
    for label, value in zip(labels, values, strict=True):
        width = 0 if top <= 0 else max(2, int((BAR_WIDTH - 70) * float(value) / top))
        parts.append(
            f'<text x="{label_w}" y="{y + 14}" font-size="15" fill="#1b1b1b">{escape(str(label))}</text>'
        )
        y += 20
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
            f'fill="{PALETTE[0]}"/>'
        )
        parts.append(
            f'<text x="{label_w + width + 6}" y="{y + 18}" font-size="15" '
            f'font-weight="600" fill="#1b1b1b">{_num(float(value))}</text>'
        )
        y += BAR_HEIGHT + GAP
    parts.append("</svg>")
    return "".join(parts)


def monthly_chart(
    months: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    title: str,
    chart_id: str,
) -> str:
    """Grouped vertical bars per month, a legend above; values above non-zero bars."""
    plot_h = 220
    legend_h = 30 * ((len(series) + 1) // 2)
    axis_h = 44
    width = MONTHLY_WIDTH
    height = legend_h + plot_h + axis_h + 10
    top = max([float(v) for _, values in series for v in values] + [0.0])
    n_months = max(len(months), 1)
    group_w = (width - 20) / n_months
    bar_w = max(2.0, min(28.0, (group_w - 6) / max(len(series), 1)))
    desc = "; ".join(
        f"{name} : "
        + ", ".join(f"{m} {_num(float(v))}" for m, v in zip(months, values, strict=True))
        for name, values in series
    )
    parts = [_open(chart_id, title, width, height, desc)]
    for i, (name, _values) in enumerate(series):
        lx = 10 + (i % 2) * (width // 2)
        ly = 6 + 30 * (i // 2)
        parts.append(
            f'<rect x="{lx}" y="{ly}" width="20" height="20" fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        parts.append(
            f'<text x="{lx + 28}" y="{ly + 17}" font-size="20" fill="#1b1b1b">{escape(name)}</text>'
        )
    base = legend_h + plot_h + 4
    parts.append(
        f'<line x1="10" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#767676" stroke-width="1"/>'
    )
    for m_index, month in enumerate(months):
        gx = 10 + m_index * group_w + 3
        for s_index, (_name, values) in enumerate(series):
            value = float(values[m_index])
            h = 0.0 if top <= 0 else (plot_h - 18) * value / top
            x = gx + s_index * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[s_index % len(PALETTE)]}"/>'
            )
            if value and bar_w >= 16:
                parts.append(
                    f'<text x="{x + (bar_w - 1) / 2:.1f}" y="{base - h - 3:.1f}" font-size="14" '
                    f'text-anchor="middle" fill="#1b1b1b">{_num(value)}</text>'
                )
        # Every month labelled when there is room, else one in three.
        step = 1 if n_months <= 4 else 3 if n_months <= 15 else 6
        if m_index % step == 0:
            parts.append(
                f'<text x="{gx:.1f}" y="{base + 24}" font-size="18" '
                f'fill="#1b1b1b">{escape(month)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _describe(labels: Sequence[str], values: Sequence[float]) -> str:
    return "; ".join(f"{label} : {_num(float(v))}" for label, v in zip(labels, values, strict=True))


def _open(chart_id: str, title: str, width: int, height: int, desc: str) -> str:
    cid = escape(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" role="img" '
        f'aria-labelledby="{cid}-titre {cid}-desc" font-family="system-ui, sans-serif">'
        f'<title id="{cid}-titre">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(desc)}</desc>'
    )
