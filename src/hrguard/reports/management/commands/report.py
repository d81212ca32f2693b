"""`hrguard report monthly|employee`: write a report as HTML, .xlsx and PDF files."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from hrguard.core.errors import HrguardError
from hrguard.reports.selectors import month_parse, monthly_report_for_organisation
from hrguard.reports.services import (
    ReportOutput,
    employee_report_files_write,
    employee_report_generate_by_system,
    monthly_report_files_write,
)


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # A property, so argparse receives a translated str rather than a lazy proxy.
        return gettext(
            "生成报表文件：monthly 为全公司月度风险报告，employee 为单个员工的风险评估报告。"
        )

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)

        monthly = subcommands.add_parser(
            "monthly", help=gettext("全公司月度风险报告，不含个人信息。")
        )
        monthly.add_argument(
            "--month", required=True, metavar="YYYY-MM", help=gettext("报告月份，例如 2026-11。")
        )
        monthly.add_argument(
            "--out",
            type=Path,
            default=Path(),
            metavar="DIR",
            help=gettext("输出目录，默认当前目录。"),
        )

        employee = subcommands.add_parser(
            "employee", help=gettext("单个员工的风险评估报告；生成记入审计日志。")
        )
        employee.add_argument("employee_no", metavar="工号", help=gettext("员工工号。"))
        employee.add_argument(
            "--reason",
            required=True,
            help=gettext("生成报告的理由，记入审计日志，不得含手机号或身份证号。"),
        )
        employee.add_argument(
            "--show-name",
            action="store_true",
            help=gettext("在报告中显示员工姓名；默认只显示化名。"),
        )
        employee.add_argument(
            "--out",
            type=Path,
            default=Path(),
            metavar="DIR",
            help=gettext("输出目录，默认当前目录。"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "monthly":
                paths = self._monthly(options)
            else:
                paths = self._employee(options)
        except HrguardError as error:
            raise CommandError(error.message) from error

        for path in paths:
            self.stdout.write(gettext("已生成：%(path)s") % {"path": path.resolve()})

    def _monthly(self, options: dict[str, Any]) -> list[Path]:
        month = month_parse(options["month"])
        report = monthly_report_for_organisation(month=month)
        return monthly_report_files_write(report=report, out_dir=options["out"])

    def _employee(self, options: dict[str, Any]) -> list[Path]:
        report = employee_report_generate_by_system(
            employee_no=options["employee_no"],
            reason=options["reason"],
            show_name=options["show_name"],
            output=ReportOutput.FILES,
        )
        return employee_report_files_write(report=report, out_dir=options["out"])
