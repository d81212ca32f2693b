"""The monthly report's charts: ECharts options for the page and inline SVG for files.

Both are built from the same series, so the page, the saved HTML file and the
PDF show the same numbers.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from hrguard.reports.selectors import MonthlyReport
from hrguard.reports.svg import Series, line_svg, stacked_bar_svg
from hrguard.risk.selectors import LEVELS_ASCENDING
from hrguard.web.charts import FONT_FAMILY, LEVEL_COLOURS

INDICATOR_COLOUR = "#1a73e8"
OPENED_COLOUR = "#e8710a"
CLOSED_COLOUR = "#188038"

Option = dict[str, Any]


@dataclass(frozen=True)
class ChartData:
    key: str
    title: str
    kind: str  # "bar" (horizontal, stacked) or "line"
    categories: list[str]
    series: list[Series]


def monthly_charts(report: MonthlyReport) -> list[ChartData]:
    """Return the monthly report's charts in page order."""
    trend_months = [row.month.strftime("%Y-%m") for row in report.trend]
    return [
        ChartData(
            "departments",
            gettext("各部门预警（按级别）"),
            "bar",
            [row.department for row in report.alerts_by_department],
            [
                Series(
                    str(level.label),
                    LEVEL_COLOURS[level],
                    [row.by_level[level] for row in report.alerts_by_department],
                )
                for level in LEVELS_ASCENDING
            ],
        ),
        ChartData(
            "indicators",
            gettext("各指标预警数"),
            "bar",
            [row.label for row in report.alerts_by_indicator],
            [
                Series(
                    gettext("预警数"),
                    INDICATOR_COLOUR,
                    [row.count for row in report.alerts_by_indicator],
                )
            ],
        ),
        ChartData(
            "alert-trend",
            gettext("近 6 个月预警数（按级别）"),
            "line",
            trend_months,
            [
                Series(
                    str(level.label),
                    LEVEL_COLOURS[level],
                    [row.alerts_by_level[level] for row in report.trend],
                )
                for level in LEVELS_ASCENDING
            ],
        ),
        ChartData(
            "case-trend",
            gettext("近 6 个月立案与结案数"),
            "line",
            trend_months,
            [
                Series(gettext("立案"), OPENED_COLOUR, [row.cases_opened for row in report.trend]),
                Series(gettext("结案"), CLOSED_COLOUR, [row.cases_closed for row in report.trend]),
            ],
        ),
    ]


def chart_svg(chart: ChartData) -> str:
    if chart.kind == "line":
        return line_svg(chart.categories, chart.series, label=chart.title)
    return stacked_bar_svg(chart.categories, chart.series, label=chart.title)


def chart_option(chart: ChartData) -> Option:
    """Return the ECharts option of a chart; the browser passes it to setOption unchanged."""
    option: Option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 16, "right": 24, "top": 40, "bottom": 24, "containLabel": True},
        # Canvas text does not inherit the page's CSS, so name the CJK fonts here.
        "textStyle": {"fontFamily": FONT_FAMILY, "fontSize": 13},
    }
    if chart.kind == "line":
        option["xAxis"] = {"type": "category", "data": chart.categories}
        option["yAxis"] = {"type": "value", "minInterval": 1}
        option["series"] = [
            {
                "type": "line",
                "name": item.name,
                "itemStyle": {"color": item.colour},
                "data": item.values,
            }
            for item in chart.series
        ]
        return option

    option["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}}
    option["xAxis"] = {"type": "value", "minInterval": 1}
    option["yAxis"] = {
        "type": "category",
        "inverse": True,
        "axisLabel": {"interval": 0},
        "data": chart.categories,
    }
    option["series"] = [
        {
            "type": "bar",
            "name": item.name,
            "stack": "total",
            "barMaxWidth": 22,
            "itemStyle": {"color": item.colour},
            "data": item.values,
        }
        for item in chart.series
    ]
    return option


def bar_chart_height(chart: ChartData) -> int:
    """Return a page chart height in pixels that gives each bar room for its label."""
    if chart.kind == "line":
        return 300
    return max(220, 32 * len(chart.categories) + 90)
