"""Charts drawn on the server as SVG text: pure functions of their data, no JavaScript, so a
page (and its saved copy) shows them offline. Every label is XML-escaped."""

from __future__ import annotations

from html import escape

PALETTE = ("#1864ab", "#c92a2a", "#2b8a3e", "#e67700", "#862e9c", "#0b7285", "#5c940d", "#a61e4d")


def _fmt(value: float) -> str:
    if abs(value) >= 1e9:
        return f"{value / 1e9:.3g}B"
    if abs(value) >= 1e6:
        return f"{value / 1e6:.3g}M"
    if abs(value) >= 1e3:
        return f"{value / 1e3:.3g}k"
    return f"{value:.3g}"


def line_chart(series: dict[str, list[tuple[str, float]]], unit: str = "", width: int = 720, height: int = 320) -> str:
    """Values by period (x, categories in the order first met across series, each series already
    in period order) and place (one coloured line each). One <circle class="point"> per value."""
    periods: list[str] = []
    for points in series.values():
        for period, _ in points:
            if period not in periods:
                periods.append(period)
    values = [v for points in series.values() for _, v in points]
    if not values:
        return (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="60" role="img">'
                '<text x="10" y="30">no values to chart</text></svg>')
    left, right, top, bottom = 70, 170, 20, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    lo, hi = min(0.0, min(values)), max(values)
    hi = hi if hi > lo else lo + 1
    x_of = {p: left + (plot_w * (i + 0.5) / len(periods)) for i, p in enumerate(periods)}

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - lo) / (hi - lo))

    out = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="values by period and place">']
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>')
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        out.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11">{escape(_fmt(v))}</text>')
        out.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + plot_w}" y2="{y(v):.1f}" stroke="#eee"/>')
    if unit:
        out.append(f'<text x="8" y="{top - 6}" font-size="11">{escape(unit)}</text>')
    for p, x in x_of.items():
        label = p if len(p) <= 18 else p[:17] + "…"
        out.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="10">{escape(label)}</text>')
    for n, (place, points) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        coords = [(x_of[p], y(v)) for p, v in points]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coords)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (p, v), (x, yy) in zip(points, coords):
            out.append(f'<circle class="point" cx="{x:.1f}" cy="{yy:.1f}" r="4" fill="{colour}">'
                       f'<title>{escape(place)} · {escape(p)}: {escape(_fmt(v))}</title></circle>')
        ly = top + 14 * n + 8
        out.append(f'<rect x="{left + plot_w + 12}" y="{ly - 8}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{left + plot_w + 26}" y="{ly + 1}" font-size="11">{escape(place[:22])}</text>')
    out.append("</svg>")
    return "".join(out)


def heat_colour(value: float) -> str:
    """White (0.3 and below) to deep blue (1.0), the comparison report's scale."""
    t = min(1.0, max(0.0, (value - 0.3) / 0.7))
    return f"rgb({int(255 - 200 * t)},{int(255 - 150 * t)},{int(255 - 60 * t)})"


def heatmap(labels: list[str], matrix: list[list[float]], cell: int = 64) -> str:
    """A similarity matrix as coloured cells with their values; one <rect class="cell"> per pair."""
    pad = 190
    size = pad + cell * len(labels)
    # the column labels lean right past the last column: room for them
    out = [f'<svg class="heatmap" xmlns="http://www.w3.org/2000/svg" width="{size + 120}" height="{size}" role="img" '
           'aria-label="document similarity">']
    for i, label in enumerate(labels):
        short = escape(label if len(label) <= 28 else label[:27] + "…")
        out.append(f'<text x="{pad - 6}" y="{pad + cell * i + cell / 2 + 4:.0f}" text-anchor="end" font-size="11">{short}</text>')
        out.append(f'<text transform="translate({pad + cell * i + cell / 2 + 4:.0f},{pad - 6}) rotate(-60)" font-size="11">{short}</text>')
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            x, y = pad + cell * j, pad + cell * i
            dark = value > 0.75
            out.append(f'<rect class="cell" x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{heat_colour(value)}" stroke="#fff"/>')
            out.append(f'<text x="{x + cell / 2:.0f}" y="{y + cell / 2 + 4:.0f}" text-anchor="middle" font-size="12" '
                       f'fill="{"#fff" if dark else "#222"}">{value:.2f}</text>')
    out.append("</svg>")
    return "".join(out)
