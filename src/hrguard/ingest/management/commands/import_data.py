"""`hrguard import KIND FILE`: import one file, or write a template with --template.

The command is for administrators on the server. It runs as the system operator, with no
user and so no department scope: it may create and change every employee. HR staff with
a department scope import through the upload page, which limits them to their scope.
"""

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from hrguard.core.commands import HrguardCommand
from hrguard.core.errors import HrguardError
from hrguard.ingest.display import layout_label
from hrguard.ingest.kinds import importer_classes
from hrguard.ingest.models import ImportBatch
from hrguard.ingest.services import import_file
from hrguard.ingest.templates import TEMPLATE_FORMATS, template_bytes, template_kinds


class Command(HrguardCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # A property, because argparse needs a str and a class attribute would be
        # translated once at import time.
        return _(
            "导入一个文件：hrguard import 类型 文件 [--employee 工号] [--dry-run]"
            " [--accept-totals-mismatch] [--create-departments]。"
            "命令行以系统管理员身份运行，不受部门数据范围限制。"
            "写出导入模板：hrguard import --template 类型 --format xlsx|csv 输出文件。"
        )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "kind",
            nargs="?",
            help=_("数据类型：%(kinds)s") % {"kinds": ", ".join(importer_classes())},
        )
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            help=_("要导入的 xlsx 或 CSV 文件；与 --template 一起用时为输出文件"),
        )
        parser.add_argument(
            "--employee",
            dest="employee_no",
            help=_("个人账单所属员工的工号（导入 payments 时必填）"),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("只校验并统计，不写入数据库"))
        parser.add_argument(
            "--accept-totals-mismatch",
            action="store_true",
            help=_("已核对账单完整：账单声明的笔数与读到的不一致时仍然导入，并把差异记为提示"),
        )
        parser.add_argument(
            "--create-departments",
            action="store_true",
            help=_("导入花名册时新建文件中出现、系统中还没有的部门"),
        )
        parser.add_argument(
            "--template",
            metavar="KIND",
            choices=template_kinds(),
            help=_("写出该类型的导入模板，而不是导入"),
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=TEMPLATE_FORMATS,
            help=_("模板格式；不写时按输出文件的扩展名，默认 xlsx"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["template"]:
            self._write_template(options)
            return

        kind, path = options["kind"], options["file"]
        if not kind or path is None:
            raise CommandError(_("请给出数据类型和文件，例如：hrguard import payroll 工资.xlsx"))
        if path.is_dir():
            raise CommandError(
                _("「%(path)s」是一个目录，不是文件。请给出要导入的文件。") % {"path": path}
            )
        if not path.is_file():
            raise CommandError(_("找不到文件「%(path)s」。") % {"path": path})
        try:
            report = import_file(
                kind=kind,
                path=path,
                file_name=path.name,
                employee_no=options["employee_no"],
                dry_run=options["dry_run"],
                accept_totals_mismatch=options["accept_totals_mismatch"],
                create_departments=options["create_departments"],
            )
        except HrguardError as error:
            raise CommandError(error.message) from error

        for issue in report.issues:
            self.stderr.write(issue.describe(report.file_name))
        for note in report.notes:
            self.stdout.write(note)
        for warning in report.warnings:
            self.stdout.write(
                _("提示：%(warning)s") % {"warning": warning.describe(report.file_name)}
            )
        if report.issues:
            self.stderr.write(
                _("文件「%(file)s」有 %(count)d 个问题，没有写入任何数据。请改正后重新导入。")
                % {"file": report.file_name, "count": report.issues_total}
            )
            sys.exit(1)

        values = {
            "file": report.file_name,
            "rows": report.rows_total,
            "created": report.rows_created,
            "updated": report.rows_updated,
            "unchanged": report.rows_unchanged,
        }
        if report.status == ImportBatch.Status.DRY_RUN:
            summary = _(
                "仅校验「%(file)s」：%(rows)d 行全部有效；导入将新增 %(created)d 条、更新 %(updated)d 条、"
                "%(unchanged)d 条不变。没有写入任何数据。"
            )
        else:
            summary = _(
                "已导入「%(file)s」：%(rows)d 行，新增 %(created)d 条，更新 %(updated)d 条，%(unchanged)d 条不变。"
            )
        self.stdout.write(summary % values)
        if report.layout:
            self.stdout.write(_("文件格式：%(layout)s") % {"layout": layout_label(report.layout)})

    def _write_template(self, options: dict[str, Any]) -> None:
        out = options["file"] or options["kind"]
        if not out:
            raise CommandError(
                _(
                    "请给出模板的输出文件，例如：hrguard import --template payroll --format xlsx 工资模板.xlsx"
                )
            )
        target = Path(out)
        if target.exists():
            raise CommandError(
                _("文件「%(path)s」已存在，没有覆盖。请换一个文件名，或先删除它。")
                % {"path": target}
            )
        file_format = options["file_format"]
        if file_format is None:
            file_format = "csv" if target.suffix.lower() == ".csv" else "xlsx"
        target.write_bytes(template_bytes(options["template"], file_format))
        self.stdout.write(_("已写出模板「%(path)s」。") % {"path": target})
