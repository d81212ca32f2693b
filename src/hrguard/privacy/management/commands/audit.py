"""`hrguard audit verify`: recompute the audit hash chain and report the first break."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from hrguard.privacy.audit import audit_verify


def _parse_anchor(text: str) -> tuple[int, str]:
    seq, separator, digest = text.partition(":")
    if not separator or not seq.isdigit() or len(digest) != 64:
        raise CommandError(
            gettext("锚点 %(anchor)s 无效：格式应为 序号:64位哈希，例如 120:3fa4…。")
            % {"anchor": text}
        )
    return int(seq), digest.lower()


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # A property, so argparse receives a translated str rather than a lazy proxy.
        return gettext("审计日志：verify 重新计算哈希链，报告第一条被修改、删除或调换顺序的记录。")

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        verify = subcommands.add_parser(
            "verify", help=gettext("重新计算审计哈希链；链断裂时以状态码 1 退出。")
        )
        verify.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help=gettext("先前在数据库之外保存的 序号:哈希（可重复），用于发现整条链被重写。"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = dict(_parse_anchor(text) for text in options["anchor"])

        report = audit_verify(anchors=anchors)

        if not report.intact:
            self.stderr.write(report.problem or "")
            self.stderr.write(
                gettext("此前的 %(count)s 条记录完好。请保留数据库现状并通知个人信息保护负责人。")
                % {"count": report.checked}
            )
            raise SystemExit(1)
        if report.checked == 0:
            self.stdout.write(gettext("审计日志中还没有记录。"))
            return
        self.stdout.write(
            gettext(
                "审计链完整：共 %(count)s 条记录。最新一条的哈希为 %(hash)s，可记录在数据库之外作为锚点（%(count)s:%(hash)s）。"
            )
            % {"count": report.checked, "hash": report.last_hash}
        )
