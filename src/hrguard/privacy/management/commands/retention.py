"""`hrguard retention run [--dry-run] [--date YYYY-MM-DD]`: the daily retention job."""

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrguard.core.commands import HrguardCommand
from hrguard.core.errors import HrguardError
from hrguard.privacy.retention import retention_run, retention_summary_text


class Command(HrguardCommand):
    help = gettext_lazy(
        "保存期限：run 按保存期限删除或匿名化到期数据，并执行撤回同意和删除请求产生的删除任务。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        run = subcommands.add_parser("run", help=_("执行一次保存期限任务（建议每日运行）"))
        run.add_argument(
            "--dry-run", action="store_true", help=_("只统计将被处理的条数，不修改任何数据")
        )
        run.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help=_("按哪一天计算到期（YYYY-MM-DD），默认今天"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = retention_run(today=options["date"], dry_run=options["dry_run"])
        except (HrguardError, ValueError, transaction.TransactionManagementError) as error:
            raise CommandError(str(error)) from error
        heading = (
            _("保存期限任务（%(day)s，仅统计）") if report.dry_run else _("保存期限任务（%(day)s）")
        )
        self.stdout.write(heading % {"day": report.day.isoformat()})
        for line in retention_summary_text(report):
            self.stdout.write(line)
