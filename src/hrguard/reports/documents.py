"""Render the reports as a self-contained HTML file and as PDF with WeasyPrint.

The HTML file and the PDF draw their charts as inline SVG, because neither runs
ECharts. The PDF embeds the vendored Noto Sans SC subset, so Chinese text renders
on a server without CJK fonts.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from hrguard.reports.charts import (
    ChartData,
    bar_chart_height,
    chart_option,
    chart_svg,
    monthly_charts,
)
from hrguard.reports.selectors import EmployeeReport, MonthlyReport
from hrguard.risk.selectors import LEVELS_ASCENDING

FONT_FILE = Path(__file__).parent / "static" / "reports" / "fonts" / "NotoSansSC-Regular-GB2312.ttf"
FONT_FAMILY = "hrguard Noto Sans SC"


@dataclass(frozen=True)
class ChartView:
    data: ChartData
    # Exactly one of `svg` (files) and `option` (the page's ECharts) is set.
    svg: SafeString | None
    option: dict[str, Any] | None
    element_id: str
    height: int


def monthly_title(report: MonthlyReport) -> str:
    return gettext("%(month)s 月度风险报告") % {"month": report.month.strftime("%Y-%m")}


def employee_title(report: EmployeeReport) -> str:
    return gettext("员工风险评估报告 · %(name)s") % {"name": report.display_name}


def monthly_context(report: MonthlyReport, *, svg: bool) -> dict[str, Any]:
    """Return the template context of the monthly report, with SVG or ECharts charts."""
    charts = [
        ChartView(
            data=chart,
            # chart_svg escapes every text it draws.
            svg=mark_safe(chart_svg(chart)) if svg else None,  # noqa: S308
            option=None if svg else chart_option(chart),
            element_id=f"chart-{chart.key}",
            height=bar_chart_height(chart),
        )
        for chart in monthly_charts(report)
    ]
    department_rows = [
        {
            "department": row.department,
            "counts": [row.by_level[level] for level in LEVELS_ASCENDING],
            "total": row.total,
        }
        for row in report.alerts_by_department
    ]
    trend_rows = [
        {
            "month": row.month,
            "levels": [row.alerts_by_level[level] for level in LEVELS_ASCENDING],
            "opened": row.cases_opened,
            "closed": row.cases_closed,
        }
        for row in report.trend
    ]
    return {
        "report": report,
        "charts": charts,
        "department_rows": department_rows,
        "trend_rows": trend_rows,
    }


def monthly_html(report: MonthlyReport) -> str:
    """Return the monthly report as one self-contained HTML document."""
    context = monthly_context(report, svg=True)
    context.update(kind="monthly", title=monthly_title(report), generated_at=report.generated_at)
    return render_to_string("reports/document.html", context)


def employee_html(report: EmployeeReport) -> str:
    """Return the per-employee report as one self-contained HTML document."""
    context = {
        "kind": "employee",
        "report": report,
        "title": employee_title(report),
        "generated_at": report.generated_at,
    }
    return render_to_string("reports/document.html", context)


def html_to_pdf(html: str) -> bytes:
    """Render a report document to PDF, with the vendored CJK font."""
    # WeasyPrint loads Pango and fontconfig on import, so import it only when a PDF is made.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    font_css = CSS(
        string=(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; '
            f'src: url("{FONT_FILE.as_uri()}") format("truetype"); }}'
        ),
        font_config=font_config,
    )
    document = HTML(string=html, base_url=str(FONT_FILE.parent))
    pdf: bytes = document.write_pdf(stylesheets=[font_css], font_config=font_config)
    return pdf


def monthly_pdf(report: MonthlyReport) -> bytes:
    return html_to_pdf(monthly_html(report))


def employee_pdf(report: EmployeeReport) -> bytes:
    return html_to_pdf(employee_html(report))
