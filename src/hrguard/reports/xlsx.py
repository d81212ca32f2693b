"""Write the reports as .xlsx workbooks with native Excel charts over the sheet data.

Every text cell passes through escape_formula: department names, indicator
labels and case notes come from imported or typed data, and a cell starting
with "=" would otherwise run as a formula when HR opens the file.
"""

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from hrguard.ingest.values import escape_formula
from hrguard.reports.documents import employee_title, monthly_title
from hrguard.reports.selectors import EmployeeReport, MonthlyReport
from hrguard.risk.selectors import LEVELS_ASCENDING
from hrguard.web.charts import LEVEL_COLOURS

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
CHART_WIDTH_CM = 18
CHART_HEIGHT_CM = 9


def _cell(value: Any) -> Any:
    return escape_formula(value) if isinstance(value, str) else value


def _append(sheet: Worksheet, values: Iterable[Any]) -> None:
    sheet.append([_cell(value) for value in values])


def _header(sheet: Worksheet, values: Iterable[Any]) -> None:
    _append(sheet, values)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def _save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bar_chart(
    sheet: Worksheet, *, title: str, series_columns: int, rows: int, stacked: bool = False
) -> BarChart:
    """Return a horizontal bar chart over columns 2.. of rows 1..rows+1 (row 1 is the header)."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.width, chart.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
    data = Reference(sheet, min_col=2, max_col=1 + series_columns, min_row=1, max_row=rows + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows + 1))
    if stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    return chart


def _colour_levels(chart: BarChart | LineChart) -> None:
    for series, level in zip(chart.series, LEVELS_ASCENDING, strict=False):
        colour = LEVEL_COLOURS[level].lstrip("#")
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour


def monthly_xlsx(report: MonthlyReport) -> bytes:
    """Return the monthly report as a workbook: one sheet per table, each with its chart."""
    workbook = Workbook()
    _monthly_summary_sheet(workbook.active, report)
    _monthly_level_sheet(workbook.create_sheet(gettext("预警级别")), report)
    _monthly_department_sheet(workbook.create_sheet(gettext("部门")), report)
    _monthly_indicator_sheet(workbook.create_sheet(gettext("指标")), report)
    _monthly_trend_sheet(workbook.create_sheet(gettext("近6个月趋势")), report)
    _monthly_harassment_sheet(workbook.create_sheet(gettext("骚扰事件")), report)
    return _save(workbook)


def _monthly_summary_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    sheet.title = gettext("概览")
    _append(sheet, [monthly_title(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    _append(
        sheet,
        [gettext("生成时间"), timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M")],
    )
    _append(sheet, [])
    _header(sheet, [gettext("项目"), gettext("数量")])
    rows = [
        (gettext("本月预警合计"), report.alerts_total),
        (gettext("本月新开预警"), report.alerts_opened),
        (gettext("本月更新的既有预警"), report.alerts_updated),
        (gettext("本月立案"), report.cases_opened),
        (gettext("本月结案"), report.cases_closed),
        (
            gettext("逾期未结案件（截至 %(day)s）") % {"day": report.overdue_on.isoformat()},
            report.cases_overdue,
        ),
    ]
    for row in rows:
        _append(sheet, row)
    _append(sheet, [])
    _append(sheet, [gettext("本报告只含部门、指标层面的统计，不含任何员工的个人信息。")])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 18


def _monthly_level_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    _header(sheet, [gettext("级别"), gettext("预警数")])
    for row in report.level_rows:
        _append(sheet, [row.label, row.count])
    chart = _bar_chart(
        sheet, title=gettext("预警级别"), series_columns=1, rows=len(LEVELS_ASCENDING)
    )
    sheet.add_chart(chart, "D2")


def _monthly_department_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    _header(
        sheet, [gettext("部门"), *(str(level.label) for level in LEVELS_ASCENDING), gettext("合计")]
    )
    for row in report.alerts_by_department:
        _append(
            sheet, [row.department, *(row.by_level[level] for level in LEVELS_ASCENDING), row.total]
        )
    sheet.column_dimensions["A"].width = 24
    if not report.alerts_by_department:
        _append(sheet, [gettext("无")])
        return
    chart = _bar_chart(
        sheet,
        title=gettext("各部门预警（按级别）"),
        series_columns=len(LEVELS_ASCENDING),
        rows=len(report.alerts_by_department),
        stacked=True,
    )
    _colour_levels(chart)
    sheet.add_chart(chart, "G2")


def _monthly_indicator_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    _header(sheet, [gettext("指标"), gettext("预警数")])
    for row in report.alerts_by_indicator:
        _append(sheet, [row.label, row.count])
    sheet.column_dimensions["A"].width = 24
    if not report.alerts_by_indicator:
        _append(sheet, [gettext("无")])
        return
    chart = _bar_chart(
        sheet, title=gettext("各指标预警数"), series_columns=1, rows=len(report.alerts_by_indicator)
    )
    sheet.add_chart(chart, "D2")


def _monthly_trend_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    _header(
        sheet,
        [
            gettext("月份"),
            *(str(level.label) for level in LEVELS_ASCENDING),
            gettext("立案"),
            gettext("结案"),
        ],
    )
    for row in report.trend:
        _append(
            sheet,
            [
                row.month.strftime("%Y-%m"),
                *(row.alerts_by_level[level] for level in LEVELS_ASCENDING),
                row.cases_opened,
                row.cases_closed,
            ],
        )
    rows = len(report.trend)
    categories = Reference(sheet, min_col=1, min_row=2, max_row=rows + 1)
    levels = len(LEVELS_ASCENDING)

    alerts_chart = _line_chart(gettext("近 6 个月预警数（按级别）"))
    alerts_chart.add_data(
        Reference(sheet, min_col=2, max_col=1 + levels, min_row=1, max_row=rows + 1),
        titles_from_data=True,
    )
    alerts_chart.set_categories(categories)
    _colour_levels(alerts_chart)
    sheet.add_chart(alerts_chart, "H2")

    cases_chart = _line_chart(gettext("近 6 个月立案与结案数"))
    cases_chart.add_data(
        Reference(sheet, min_col=2 + levels, max_col=3 + levels, min_row=1, max_row=rows + 1),
        titles_from_data=True,
    )
    cases_chart.set_categories(categories)
    sheet.add_chart(cases_chart, "H21")


def _line_chart(title: str) -> LineChart:
    chart = LineChart()
    chart.title = title
    chart.width, chart.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
    chart.y_axis.majorUnit = 1
    return chart


def _monthly_harassment_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    _header(sheet, [gettext("平台"), gettext("事件数")])
    if not report.harassment_by_platform:
        _append(sheet, [gettext("无")])
        return
    for row in report.harassment_by_platform:
        _append(sheet, [row.platform, row.incidents])
    chart = _bar_chart(
        sheet,
        title=gettext("按网贷平台统计的骚扰事件"),
        series_columns=1,
        rows=len(report.harassment_by_platform),
    )
    sheet.add_chart(chart, "D2")


def employee_xlsx(report: EmployeeReport) -> bytes:
    """Return the per-employee report: evidence, case plan, and a chart of hit severities."""
    workbook = Workbook()
    _employee_evidence_sheet(workbook.active, report)
    _employee_case_sheet(workbook.create_sheet(gettext("案件与干预计划")), report)
    return _save(workbook)


def _employee_evidence_sheet(sheet: Worksheet, report: EmployeeReport) -> None:
    sheet.title = gettext("预警与证据")
    _append(sheet, [employee_title(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    _append(sheet, [gettext("预警仅供参考，任何处理决定须由人作出。")])
    _append(sheet, [gettext("工号"), report.employee.employee_no])
    _append(sheet, [gettext("部门"), report.employee.department.name])
    _append(
        sheet,
        [gettext("生成时间"), timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M")],
    )
    _append(sheet, [])

    # The chart reads the severities of the latest alert's hits from the first table.
    latest_hits = report.alerts[0].hits if report.alerts else []
    table_top = sheet.max_row + 1
    _header(sheet, [gettext("指标（最近预警）"), gettext("严重度")])
    for row in latest_hits:
        _append(sheet, [row.label, row.severity])
    if latest_hits:
        chart = BarChart()
        chart.type = "bar"
        chart.title = gettext("最近预警命中指标的严重度")
        chart.width, chart.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
        last_row = table_top + len(latest_hits)
        chart.add_data(
            Reference(sheet, min_col=2, min_row=table_top, max_row=last_row), titles_from_data=True
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=table_top + 1, max_row=last_row))
        sheet.add_chart(chart, "F2")
    _append(sheet, [])

    _header(
        sheet,
        [
            gettext("预警开启日期"),
            gettext("级别"),
            gettext("状态"),
            gettext("指标"),
            gettext("证据"),
        ],
    )
    for section in report.alerts:
        for row in section.hits:
            _append(
                sheet,
                [
                    timezone.localdate(section.alert.created_at).isoformat(),
                    section.alert.get_level_display(),
                    section.alert.get_status_display(),
                    row.label,
                    "\n".join(row.sentences),
                ],
            )
            sheet.cell(row=sheet.max_row, column=5).alignment = WRAP
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["D"].width = 16
    sheet.column_dimensions["E"].width = 80


def _employee_case_sheet(sheet: Worksheet, report: EmployeeReport) -> None:
    if report.case is None:
        _append(sheet, [gettext("无案件")])
        return
    case = report.case.case
    _append(sheet, [gettext("案件状态"), case.get_state_display()])
    _append(sheet, [gettext("立案时间"), timezone.localdate(case.opened_at).isoformat()])
    _append(sheet, [gettext("处理期限"), case.due_date.isoformat() if case.due_date else ""])
    _append(sheet, [])
    _header(sheet, [gettext("干预方式"), gettext("期限"), gettext("状态"), gettext("结果")])
    for step in report.case.steps:
        _append(
            sheet,
            [
                step.get_kind_display(),
                step.due_date.isoformat(),
                step.get_status_display(),
                step.result,
            ],
        )
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["D"].width = 60
