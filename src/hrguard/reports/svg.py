"""Bar and line charts drawn as inline SVG on the server, for the PDF and the saved HTML file.

WeasyPrint runs no JavaScript, so these stand in for the ECharts charts of the
pages. They are deliberately plain: axis, bars or lines, values and a legend.
"""

from dataclasses import dataclass
from html import escape

WIDTH = 640
PLOT_LEFT = 150
PLOT_RIGHT = 24
ROW_HEIGHT = 26
LEGEND_HEIGHT = 28
AXIS_HEIGHT = 22
LINE_HEIGHT = 240
GRID_COLOUR = "#d0d4da"
TEXT_COLOUR = "#333333"


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: list[int]


def _legend(series: list[Series], left: int) -> list[str]:
    parts = []
    x = left
    for item in series:
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{item.colour}"/>')
        parts.append(
            f'<text x="{x + 16}" y="16" font-size="12" fill="{TEXT_COLOUR}">{escape(item.name)}</text>'
        )
        x += 24 + 13 * len(item.name)
    return parts


def _svg(height: int, parts: list[str], label: str) -> str:
    body = "".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(label)}">{body}</svg>'
    )


def _nice_max(value: int) -> int:
    """Return an axis maximum at or above `value` that divides into 4 whole steps."""
    if value <= 4:
        return 4
    step = -(-value // 4)
    return step * 4


def stacked_bar_svg(categories: list[str], series: list[Series], *, label: str) -> str:
    """Draw horizontal bars, one per category, stacked by series, with each bar's total."""
    totals = [sum(item.values[index] for item in series) for index in range(len(categories))]
    axis_max = _nice_max(max(totals, default=0))
    plot_width = WIDTH - PLOT_LEFT - PLOT_RIGHT
    height = LEGEND_HEIGHT + ROW_HEIGHT * max(len(categories), 1) + AXIS_HEIGHT
    parts = _legend(series, PLOT_LEFT)

    for tick in range(5):
        x = PLOT_LEFT + plot_width * tick / 4
        parts.append(
            f'<line x1="{x:.1f}" y1="{LEGEND_HEIGHT}" x2="{x:.1f}" y2="{height - AXIS_HEIGHT}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6}" font-size="11" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{axis_max * tick // 4}</text>'
        )

    for index, category in enumerate(categories):
        y = LEGEND_HEIGHT + ROW_HEIGHT * index
        parts.append(
            f'<text x="{PLOT_LEFT - 8}" y="{y + 17}" font-size="12" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(category)}</text>'
        )
        x = float(PLOT_LEFT)
        for item in series:
            width = plot_width * item.values[index] / axis_max
            if width > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 5}" width="{width:.1f}" height="{ROW_HEIGHT - 10}" '
                    f'fill="{item.colour}"/>'
                )
            x += width
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 17}" font-size="11" fill="{TEXT_COLOUR}">'
            f"{totals[index]}</text>"
        )
    return _svg(height, parts, label)


def line_svg(categories: list[str], series: list[Series], *, label: str) -> str:
    """Draw one line per series over the categories (months), with a marker at each value."""
    axis_max = _nice_max(max((max(item.values, default=0) for item in series), default=0))
    plot_left = 48
    # Wider than PLOT_RIGHT, so the last month's label is centred on its point without clipping.
    plot_right = 40
    plot_width = WIDTH - plot_left - plot_right
    plot_top = LEGEND_HEIGHT + 8
    plot_height = LINE_HEIGHT - plot_top - AXIS_HEIGHT
    step = plot_width / max(len(categories) - 1, 1)
    parts = _legend(series, plot_left)

    for tick in range(5):
        y = plot_top + plot_height * (4 - tick) / 4
        parts.append(
            f'<line x1="{plot_left}" y1="{y:.1f}" x2="{WIDTH - plot_right}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{plot_left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{axis_max * tick // 4}</text>'
        )
    for index, category in enumerate(categories):
        parts.append(
            f'<text x="{plot_left + step * index:.1f}" y="{LINE_HEIGHT - 6}" font-size="11" '
            f'text-anchor="middle" fill="{TEXT_COLOUR}">{escape(category)}</text>'
        )

    for item in series:
        points = [
            (plot_left + step * index, plot_top + plot_height * (1 - value / axis_max))
            for index, value in enumerate(item.values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{item.colour}" stroke-width="2"/>'
        )
        parts.extend(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{item.colour}"/>' for x, y in points
        )
    return _svg(LINE_HEIGHT, parts, label)
