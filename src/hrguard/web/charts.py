"""ECharts options built on the server, so chart labels go through gettext like the page.

The browser only calls `echarts.init(el).setOption(option)` (static/web/hrguard.js).
"""

from typing import Any

from django.utils.translation import gettext

from hrguard.risk.models import AlertLevel, ScanRun
from hrguard.risk.selectors import LEVELS_ASCENDING, DepartmentAlertCounts, MonthlySpending

LEVEL_COLOURS = {
    AlertLevel.WATCH: "#d4a017",
    AlertLevel.MEDIUM: "#e8710a",
    AlertLevel.HIGH: "#c5221f",
}
SPENDING_COLOUR = "#c5221f"
PAY_COLOUR = "#1a73e8"

FONT_FAMILY = (
    '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif'
)

Option = dict[str, Any]


def _base_option() -> Option:
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 48, "right": 24, "top": 40, "bottom": 32, "containLabel": True},
        # Canvas text does not inherit the page's CSS, so name the same CJK fonts here.
        "textStyle": {"fontFamily": FONT_FAMILY, "fontSize": 13},
    }


def department_bar_option(rows: list[DepartmentAlertCounts]) -> Option:
    """Return horizontal bars per department, stacked by alert level, the most alerts on top.

    Horizontal bars keep every department name readable, where a vertical
    axis drops labels that would overlap.
    """
    option = _base_option()
    option["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}}
    option["legend"] = {"top": 0}
    option["grid"] = {**option["grid"], "left": 16}
    option["xAxis"] = {"type": "value", "minInterval": 1}
    option["yAxis"] = {
        "type": "category",
        "inverse": True,
        "axisLabel": {"interval": 0},
        "data": [row.department for row in rows],
    }
    option["series"] = [
        {
            "type": "bar",
            "name": level.label,
            "stack": "level",
            "barMaxWidth": 22,
            "itemStyle": {"color": LEVEL_COLOURS[level]},
            "data": [row.by_level[level] for row in rows],
        }
        for level in LEVELS_ASCENDING
    ]
    return option


def department_chart_height(rows: list[DepartmentAlertCounts]) -> int:
    """Return a chart height in pixels that gives each department bar room for its label."""
    return max(300, 32 * len(rows) + 90)


def scan_trend_option(scans: list[ScanRun]) -> Option:
    """Return one line per alert level over the scans, by scan reference date."""
    counts = {
        AlertLevel.WATCH: [scan.alerts_watch for scan in scans],
        AlertLevel.MEDIUM: [scan.alerts_medium for scan in scans],
        AlertLevel.HIGH: [scan.alerts_high for scan in scans],
    }
    option = _base_option()
    option["legend"] = {"top": 0}
    option["xAxis"] = {"type": "category", "data": [scan.as_of.isoformat() for scan in scans]}
    option["yAxis"] = {"type": "value", "minInterval": 1}
    option["series"] = [
        {
            "type": "line",
            "name": level.label,
            "smooth": False,
            "itemStyle": {"color": LEVEL_COLOURS[level]},
            "data": counts[level],
        }
        for level in LEVELS_ASCENDING
    ]
    return option


def spending_option(months: list[MonthlySpending]) -> Option:
    """Return monthly spending as bars against net pay as a line, in yuan."""
    option = _base_option()
    option["legend"] = {"top": 0}
    option["xAxis"] = {"type": "category", "data": [row.month.strftime("%Y-%m") for row in months]}
    option["yAxis"] = {"type": "value", "name": gettext("元")}
    # Floats are for drawing only. The table under the chart shows the exact amounts.
    option["series"] = [
        {
            "type": "bar",
            "name": gettext("消费支出"),
            "barMaxWidth": 40,
            "itemStyle": {"color": SPENDING_COLOUR},
            "data": [float(row.spending) for row in months],
        },
        {
            "type": "line",
            "name": gettext("实发工资"),
            "itemStyle": {"color": PAY_COLOUR},
            "connectNulls": False,
            "data": [None if row.net_pay is None else float(row.net_pay) for row in months],
        },
    ]
    return option
