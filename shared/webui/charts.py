"""Charts as server-rendered SVG: no script, no CDN, readable by screen readers.

Each chart is an <svg role="img"> with a <title> and <desc>, followed by the same numbers in a
visually compact table, so the figures are never only in the picture (WCAG 1.1.1).
"""
from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

BAR = "#1d4f91"
GOAL = "#b3261e"
INK = "#1f1f1f"
GRID = "#c8c8c8"


def _num(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.0f}{unit}" if float(value).is_integer() else f"{value:,.2f}{unit}"


def _table(caption: str, rows: Sequence[tuple[str, float]], unit: str, goal: float | None) -> str:
    body = "".join(f"<tr><th scope='row'>{escape(str(label))}</th><td>{_num(v, unit)}</td></tr>"
                   for label, v in rows)
    goal_row = f"<tr><th scope='row'>目标 / goal</th><td>{_num(goal, unit)}</td></tr>" if goal is not None else ""
    return (f"<table class='chart-data'><caption>{escape(caption)}</caption>"
            f"<tbody>{body}{goal_row}</tbody></table>")


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, unit: str = "", goal: float | None = None,
              width: int = 640, bar_height: int = 22, data_table: bool = True) -> Markup:
    """Horizontal bars, one per row, with an optional goal line. `data_table=False` leaves out the
    table of the same numbers, for a page that shows them in its own table next to the chart."""
    rows = [(str(label), float(value)) for label, value in rows]
    label_w, pad = 150, 8
    top = max([v for _, v in rows] + ([goal] if goal is not None else []) + [1e-9])
    plot_w = width - label_w - 90
    height = pad * 2 + len(rows) * (bar_height + 6) + (18 if goal is not None else 0)
    parts = [f"<svg class='chart' role='img' viewBox='0 0 {width} {height}' "
             f"width='100%' preserveAspectRatio='xMinYMin meet' xmlns='http://www.w3.org/2000/svg'>",
             f"<title>{escape(title)}</title>",
             f"<desc>{escape('; '.join(f'{lbl}: {_num(v, unit)}' for lbl, v in rows))}</desc>"]
    for i, (label, value) in enumerate(rows):
        y = pad + i * (bar_height + 6)
        w = max(1.0, plot_w * value / top) if value > 0 else 0
        parts.append(f"<text x='{label_w - 6}' y='{y + bar_height * 0.7:.1f}' text-anchor='end' "
                     f"font-size='13' fill='{INK}'>{escape(label)}</text>")
        parts.append(f"<rect x='{label_w}' y='{y}' width='{w:.1f}' height='{bar_height}' fill='{BAR}'/>")
        parts.append(f"<text x='{label_w + w + 4:.1f}' y='{y + bar_height * 0.7:.1f}' font-size='13' "
                     f"fill='{INK}'>{_num(value, unit)}</text>")
    if goal is not None:
        gx = label_w + plot_w * goal / top
        parts.append(f"<line x1='{gx:.1f}' x2='{gx:.1f}' y1='{pad - 4}' y2='{height - 16}' stroke='{GOAL}' "
                     f"stroke-width='2' stroke-dasharray='5 3'/>")
        parts.append(f"<text x='{gx:.1f}' y='{height - 3}' text-anchor='middle' font-size='12' "
                     f"fill='{GOAL}'>目标 {_num(goal, unit)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts) + (_table(title, rows, unit, goal) if data_table else ""))


def line_chart(points: Sequence[tuple[str, float]], *, title: str, unit: str = "", goal: float | None = None,
               width: int = 640, height: int = 240, data_table: bool = True) -> Markup:
    """A line over labelled points (e.g. years), with an optional goal line (`data_table` as bar_chart)."""
    points = [(str(label), float(value)) for label, value in points]
    left, right, top_pad, bottom = 56, 16, 16, 28
    values = [v for _, v in points] + ([goal] if goal is not None else [])
    hi = max(values + [1e-9]) * 1.1
    lo = 0.0
    plot_w, plot_h = width - left - right, height - top_pad - bottom

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (plot_w * i / max(1, len(points) - 1))
        return x, top_pad + plot_h * (1 - (v - lo) / (hi - lo))

    parts = [f"<svg class='chart' role='img' viewBox='0 0 {width} {height}' width='100%' "
             f"xmlns='http://www.w3.org/2000/svg'><title>{escape(title)}</title>",
             f"<desc>{escape('; '.join(f'{lbl}: {_num(v, unit)}' for lbl, v in points))}</desc>"]
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        _, y = xy(0, v)
        parts.append(f"<line x1='{left}' x2='{width - right}' y1='{y:.1f}' y2='{y:.1f}' stroke='{GRID}'/>")
        parts.append(f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end' font-size='11' "
                     f"fill='{INK}'>{_num(round(v, 1), unit)}</text>")
    if goal is not None:
        _, gy = xy(0, goal)
        parts.append(f"<line x1='{left}' x2='{width - right}' y1='{gy:.1f}' y2='{gy:.1f}' stroke='{GOAL}' "
                     f"stroke-width='2' stroke-dasharray='5 3'/>")
    path = " ".join(f"{'M' if i == 0 else 'L'}{xy(i, v)[0]:.1f},{xy(i, v)[1]:.1f}" for i, (_, v) in enumerate(points))
    if points:
        parts.append(f"<path d='{path}' fill='none' stroke='{BAR}' stroke-width='2.5'/>")
    for i, (label, v) in enumerate(points):
        x, y = xy(i, v)
        parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3.5' fill='{BAR}'/>")
        anchor = "end" if i == len(points) - 1 and len(points) > 1 else "start" if i == 0 else "middle"
        parts.append(f"<text x='{x:.1f}' y='{height - 8}' text-anchor='{anchor}' font-size='11' "
                     f"fill='{INK}'>{escape(label)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts) + (_table(title, points, unit, goal) if data_table else ""))
