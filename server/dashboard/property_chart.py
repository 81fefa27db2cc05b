"""Drug-likeness at a glance: a compound's computed properties as horizontal bars against the Lipinski (rule of
five) and Veber limits, drawn by the server as inline SVG (no script, no library, every label escaped).

Each bar is the value over its limit, so one dashed line marks every limit; a value past it is drawn red and
flagged. Bars past three times the limit are cut there and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any


@dataclass(frozen=True)
class Limit:
    prop: str  # key in the properties table the chemistry lab computes
    label: str
    unit: str
    maximum: float
    rule: str


LIMITS = (
    Limit("molecular_weight", "MW", "g/mol", 500, "Lipinski"),
    Limit("logp", "logP", "", 5, "Lipinski"),
    Limit("hbd", "H-bond donors", "", 5, "Lipinski"),
    Limit("hba", "H-bond acceptors", "", 10, "Lipinski"),
    Limit("tpsa", "TPSA", "Å²", 140, "Veber"),
    Limit("rotatable_bonds", "Rotatable bonds", "", 10, "Veber"),
)
LABEL_W, BAR_W, VALUE_W, ROW_H, TOP = 120, 340, 220, 24, 34
WIDTH = LABEL_W + BAR_W + VALUE_W
SPAN = (-1.0, 3.0)  # the axis never reaches past these multiples of a limit
INSIDE, OUTSIDE = "#3b6ea5", "#c62828"


@dataclass(frozen=True)
class Bar:
    limit: Limit
    value: float

    @property
    def ratio(self) -> float:
        return self.value / self.limit.maximum

    @property
    def outside(self) -> bool:
        return self.value > self.limit.maximum


def bars(properties: dict[str, Any]) -> list[Bar]:
    """The limited properties present in `properties` (a run that computed a subset charts only that)."""
    numeric = {k: v for k, v in properties.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    return [Bar(lim, float(numeric[lim.prop])) for lim in LIMITS if lim.prop in numeric]


def violations(chart: list[Bar]) -> dict[str, int]:
    """Limits exceeded per rule, e.g. {"Lipinski": 1, "Veber": 0}."""
    rules = dict.fromkeys(lim.rule for lim in LIMITS)
    return {rule: sum(b.outside for b in chart if b.limit.rule == rule) for rule in rules}


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def svg(name: str, properties: dict[str, Any]) -> str | None:
    """The chart of `name`'s properties as SVG markup, or None when none of the limited properties is there."""
    chart = bars(properties)
    if not chart:
        return None
    low = max(SPAN[0], min(0.0, *(b.ratio for b in chart)))
    high = min(SPAN[1], max(1.5, *(b.ratio for b in chart)))

    def x(ratio: float) -> float:
        return LABEL_W + BAR_W * (min(max(ratio, low), high) - low) / (high - low)

    height = TOP + ROW_H * len(chart) + 8
    over = violations(chart)
    summary = ", ".join(f"{rule} limits exceeded: {n}" for rule, n in over.items())
    title = escape(f"Drug-likeness of {name}: {summary}")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="property-chart" role="img" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" aria-label="{title}">',
        f"<title>{title}</title>",
        '<g font-family="sans-serif" font-size="11">',
        f'<rect class="allowed" x="{x(low):.1f}" y="{TOP - 6}" width="{x(1) - x(low):.1f}" '
        f'height="{ROW_H * len(chart) + 4}" fill="#e8f5e9"/>',
        f'<rect class="beyond" x="{x(1):.1f}" y="{TOP - 6}" width="{x(high) - x(1):.1f}" '
        f'height="{ROW_H * len(chart) + 4}" fill="#ffebee"/>',
        f'<line class="limit" x1="{x(1):.1f}" y1="{TOP - 14}" x2="{x(1):.1f}" y2="{TOP + ROW_H * len(chart) - 2}" '
        'stroke="#555" stroke-dasharray="4 3"/>',
        f'<text x="{x(1):.1f}" y="{TOP - 18}" text-anchor="middle" fill="#555">limit</text>',
        f'<text x="0" y="12" font-weight="600" fill="#222">{escape(name)}</text>',
    ]
    if low < 0:
        parts.append(f'<line class="zero" x1="{x(0):.1f}" y1="{TOP - 6}" x2="{x(0):.1f}" '
                     f'y2="{TOP + ROW_H * len(chart) - 2}" stroke="#999"/>')  # fmt: skip
    for i, bar in enumerate(chart):
        parts.append(_row(bar, TOP + i * ROW_H, x, high))
    parts.append("</g></svg>")
    return "".join(parts)


def _row(bar: Bar, y: float, x, high: float) -> str:
    lim = bar.limit
    unit = f" {lim.unit}" if lim.unit else ""
    start, end = sorted((x(0), x(bar.ratio)))
    state = "outside" if bar.outside else "within"
    colour = OUTSIDE if bar.outside else INSIDE
    tip = f"{lim.label} {_number(bar.value)}{unit}: {lim.rule} limit ≤ {_number(lim.maximum)}{unit}"
    parts = [
        f'<g class="row {state}" data-property="{lim.prop}" data-value="{_number(bar.value)}" '
        f'data-limit="{_number(lim.maximum)}"><title>{escape(tip)}</title>',
        f'<text class="label" x="0" y="{y + 15:.0f}" fill="#222">{escape(lim.label)}</text>',
        f'<rect class="bar" x="{start:.1f}" y="{y + 4:.0f}" width="{max(end - start, 1):.1f}" height="{ROW_H - 8}" '
        f'fill="{colour}"/>',
        f'<text class="value" x="{LABEL_W + BAR_W + 8}" y="{y + 15:.0f}" fill="{colour}">'
        f"{escape(_number(bar.value) + unit)} (≤ {escape(_number(lim.maximum))})</text>",
    ]
    if bar.ratio > high:
        parts.append(f'<text class="clipped" x="{x(high) - 2:.1f}" y="{y + 15:.0f}" text-anchor="end" '
                     'fill="#fff">»</text>')  # fmt: skip
    if bar.outside:
        parts.append(f'<text class="flag" x="{WIDTH - 4}" y="{y + 15:.0f}" text-anchor="end" fill="{OUTSIDE}" '
                     f'font-weight="700">✗ over</text>')  # fmt: skip
    parts.append("</g>")
    return "".join(parts)
