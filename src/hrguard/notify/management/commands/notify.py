"""`hrguard notify send-due`: queue due notifications and drain the delivery queue."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from hrguard.notify.services import (
    deliveries_requeue_failed,
    deliveries_send_due,
    notifications_collect_due,
)


class Command(BaseCommand):
    help = "Send due notifications. Subcommand: send-due."

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        send_due = subcommands.add_parser(
            "send-due",
            help="Queue messages for unannounced alerts and due case steps, then send every "
            "delivery whose next attempt is due.",
        )
        send_due.add_argument(
            "--retry-failed",
            action="store_true",
            help="Queue deliveries that gave up after the maximum attempts again before sending.",
        )
        send_due.add_argument(
            "--limit", type=int, default=200, help="Maximum deliveries to send in this run."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] != "send-due":
            raise CommandError(f"unknown subcommand {options['subcommand']!r}")

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
