"""Line charts as SVG text: the bench's curves without a plotting library.

Each panel has a logarithmic x axis (concurrency, catalogue size) and a linear y axis from 0,
with ticks at round values, one coloured line per series, points marked, a legend.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

COLOURS = ["#1f6fb2", "#d9480f", "#2b8a3e", "#862e9c"]
WIDTH, HEIGHT = 360, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 34, 70  # margins inside a panel


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[float, float]]


@dataclass(frozen=True)
class Panel:
    title: str
    x_label: str
    y_label: str
    series: Sequence[Series]


def _round_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks
    magnitude: float = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def short(value: float) -> str:
    """10000 → 10k, 1000000 → 1M."""
    if value >= 1_000_000 and value % 1_000_000 == 0:
        return f"{value / 1_000_000:g}M"
    if value >= 1_000 and value % 1_000 == 0:
        return f"{value / 1_000:g}k"
    return f"{value:g}"


def _panel(panel: Panel, left: float) -> list[str]:
    points = [p for s in panel.series for p in s.points if p[0] > 0]
    if not points:
        return []
    xs = sorted({x for x, _ in points})
    lo, hi = math.log10(xs[0]), math.log10(xs[-1])
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    highest = max(y for _, y in points) or 1.0
    step = _round_step(highest)
    top = step * math.ceil(highest / step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    x0, y0 = left + LEFT, TOP + plot_h

    def sx(x: float) -> float:
        return x0 + (math.log10(x) - lo) / (hi - lo) * plot_w

    def sy(y: float) -> float:
        return y0 - y / top * plot_h

    out = [
        f'<text x="{left + WIDTH / 2:.1f}" y="20" text-anchor="middle" font-weight="bold">'
        f"{escape(panel.title)}</text>",
        f'<rect x="{x0}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>',
    ]
    tick = 0.0
    while tick <= top + step / 2:
        y = sy(tick)
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + plot_w}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(
            f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{round(tick, 6):g}</text>'
        )
        tick += step
    for x in xs:
        out.append(f'<text x="{sx(x):.1f}" y="{y0 + 16}" text-anchor="middle">{short(x)}</text>')
    out.append(
        f'<text x="{x0 + plot_w / 2:.1f}" y="{y0 + 34}" text-anchor="middle">'
        f"{escape(panel.x_label)}</text>"
    )
    out.append(
        f'<text transform="translate({left + 14},{TOP + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">{escape(panel.y_label)}</text>'
    )
    for i, series in enumerate(panel.series):
        colour = COLOURS[i % len(COLOURS)]
        kept = sorted(p for p in series.points if p[0] > 0)
        if not kept:
            continue
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in kept)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out += [
            f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{colour}"/>' for x, y in kept
        ]
        lx, ly = left + LEFT + (i % 2) * 150, y0 + 50 + (i // 2) * 16
        out.append(f'<rect x="{lx}" y="{ly - 9}" width="12" height="4" fill="{colour}"/>')
        out.append(f'<text x="{lx + 16}" y="{ly - 4}">{escape(series.label)}</text>')
    return out


def chart(panels: Sequence[Panel]) -> str:
    """Panels side by side, as one SVG document."""
    shown = [p for p in panels if any(s.points for s in p.series)]
    body: list[str] = []
    for i, panel in enumerate(shown):
        body += _panel(panel, i * WIDTH)
    width = max(1, len(shown)) * WIDTH
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" font-family="sans-serif" font-size="11">\n'
        f'<rect width="{width}" height="{HEIGHT}" fill="white"/>\n' + "\n".join(body) + "\n</svg>\n"
    )
