"""`hrguard notify send-due`: queue due notifications and drain the delivery queue."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_lazy

from hrguard.core.commands import HrguardCommand
from hrguard.notify.services import (
    deliveries_requeue_failed,
    deliveries_send_due,
    notifications_collect_due,
)


class Command(HrguardCommand):
    help = gettext_lazy("发送到期的通知。子命令：send-due。建议每隔几分钟由定时任务运行一次。")

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        send_due = subcommands.add_parser(
            "send-due",
            help=gettext("为尚未通知的预警和到期的处理步骤生成通知，然后发送所有到期的投递。"),
        )
        send_due.add_argument(
            "--retry-failed",
            action="store_true",
            help=gettext("发送前，把已达到最大重试次数而放弃的投递重新排队。"),
        )
        send_due.add_argument(
            "--limit",
            type=int,
            default=200,
            help=gettext("本次最多发送的投递数，默认 %(default)s。"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] != "send-due":
            raise CommandError(gettext("未知的子命令 %(name)s。") % {"name": options["subcommand"]})

        requeued = deliveries_requeue_failed() if options["retry_failed"] else 0
        queued = notifications_collect_due()
        report = deliveries_send_due(limit=options["limit"])

        self.stdout.write(
            gettext(
                "新排队 %(queued)s 条，重新排队 %(requeued)s 条，发送成功 %(sent)s 条，"
                "发送失败 %(failed)s 条（其中 %(gave_up)s 条已停止重试）。"
            )
            % {
                "queued": queued,
                "requeued": requeued,
                "sent": report.sent,
                "failed": report.failed,
                "gave_up": report.gave_up,
            }
        )
        for error in report.errors:
            self.stderr.write(error)
