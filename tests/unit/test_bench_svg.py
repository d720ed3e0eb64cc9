"""The bench's SVG curves: well-formed, one line per series, points placed on the axes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bench import _svg

NS = "{http://www.w3.org/2000/svg}"


def test_a_chart_draws_each_series_with_its_points_on_log_x_and_linear_y() -> None:
    svg = _svg.chart(
        [
            _svg.Panel(
                "Growth",
                "offers",
                "ms",
                [
                    _svg.Series("Meilisearch", [(10_000, 40.0), (100_000, 76.0), (1e6, 300.0)]),
                    _svg.Series("app", [(10_000, 42.0), (100_000, 78.4), (1e6, 310.0)]),
                ],
            ),
            _svg.Panel("Empty", "x", "y", [_svg.Series("nothing", [])]),
        ]
    )
    root = ET.fromstring(svg)
    assert root.get("width") == str(_svg.WIDTH)  # the empty panel is left out
    lines = root.findall(f"{NS}polyline")
    assert len(lines) == 2
    points = [
        [tuple(map(float, p.split(","))) for p in line.get("points", "").split()] for line in lines
    ]
    xs = [x for x, _ in points[0]]
    # Logarithmic x: 10k → 100k → 1M are equally spaced, left to right.
    assert xs[0] < xs[1] < xs[2]
    assert abs((xs[1] - xs[0]) - (xs[2] - xs[1])) < 0.2
    # Linear y from 0 (SVG y grows downwards): the larger value is higher up.
    assert points[1][2][1] < points[0][2][1]
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert {"10k", "100k", "1M", "Growth", "Meilisearch", "app", "0"} <= set(texts)
    top_tick = max(float(t) for t in texts if t and t.replace(".", "").isdigit())
    assert top_tick >= 310  # the axis reaches past the largest value, at a round tick
