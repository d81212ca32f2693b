"""`hrguard chat classify`: classify chat messages read from standard input."""

import json
import sys
from argparse import ArgumentParser
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, BinaryIO

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrguard.chat.detector import Detection, classify
from hrguard.core.commands import HrguardCommand


class Command(HrguardCommand):
    help = gettext_lazy(
        "识别向同事借钱的聊天消息：hrguard chat classify < 消息.txt。"
        "每行读入一条消息（UTF-8），每行输出一个 JSON 对象。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser(
            "classify",
            help=_("从标准输入每行读一条消息，向标准输出每行写一个 JSON 结果"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "classify":
            self._classify(sys.stdin.buffer)

    def _classify(self, source: BinaryIO) -> None:
        for text in _read_lines(source):
            line = json.dumps(_as_json(text, classify(text)), ensure_ascii=False)
            self.stdout.write(line)
        self.stdout.flush()


def _read_lines(source: BinaryIO) -> Iterator[str]:
    for number, raw in enumerate(source, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise CommandError(
                _("第 %(line)s 行不是有效的 UTF-8 文本，请先把输入转换为 UTF-8。")
                % {"line": number}
            ) from error
        yield line.rstrip("\r\n")


def _as_json(text: str, detection: Detection) -> dict[str, Any]:
    return {
        "text": text,
        "borrowing": detection.borrowing,
        "amount": _as_number(detection.amount),
        "urgent": detection.urgent,
    }


def _as_number(amount: Decimal | None) -> int | float | None:
    if amount is None:
        return None
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount)
