"""`hrguard keys generate|rotate`: create a data key and re-encrypt stored data with it."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from hrguard.core import crypto
from hrguard.privacy.keys import (
    DEFAULT_BATCH_SIZE,
    ColumnRotation,
    keys_file_add_current,
    keys_rotate,
)


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # A property, so argparse receives a translated str rather than a lazy proxy.
        return gettext(
            "加密密钥：generate 生成新的数据密钥，rotate 用当前密钥重新加密全部加密字段。"
        )

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        generate = subcommands.add_parser(
            "generate", help=gettext("生成一个新的数据密钥（id:base64）。")
        )
        generate.add_argument(
            "--write",
            action="store_true",
            help=gettext(
                "把新密钥作为当前密钥写入 HRGUARD_HOME/keys.env（仅限未用环境变量配置密钥时）。"
            ),
        )
        rotate = subcommands.add_parser(
            "rotate",
            help=gettext(
                "用当前密钥（HRGUARD_DATA_KEYS 的第一个）分批重新加密全部加密字段，无需停机。"
            ),
        )
        rotate.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=gettext("每个事务处理的行数，默认 %(default)s。"),
        )
        rotate.add_argument(
            "--reindex",
            action="store_true",
            help=gettext("重写所有值并重新计算盲索引；更换 HRGUARD_INDEX_KEY 后使用。"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "generate":
            self._generate(write=options["write"])
        else:
            self._rotate(batch_size=options["batch_size"], reindex=options["reindex"])

    def _generate(self, *, write: bool) -> None:
        entry = crypto.generate_key_entry()
        key_id = entry.partition(":")[0]
        if write:
            path = keys_file_add_current(entry=entry)
            self.stdout.write(
                gettext(
                    "已把新密钥 %(key_id)s 设为 %(path)s 中的当前密钥，旧密钥仍可解密。下一步：运行 hrguard keys rotate。"
                )
                % {"key_id": key_id, "path": path}
            )
            return
        self.stdout.write(entry)
        self.stderr.write(
            gettext(
                "这是新密钥 %(key_id)s。把它放在 HRGUARD_DATA_KEYS 的最前面，旧密钥保留在后面，"
                "重启所有 hrguard 进程，然后运行 hrguard keys rotate。"
            )
            % {"key_id": key_id}
        )

    def _rotate(self, *, batch_size: int, reindex: bool) -> None:
        if batch_size < 1:
            raise CommandError(
                gettext("--batch-size 必须是正整数，当前为 %(value)s。") % {"value": batch_size}
            )

        report = keys_rotate(batch_size=batch_size, reindex=reindex, on_column=self._print_column)

        self.stdout.write(
            gettext("共重新加密 %(rotated)s 个值，%(current)s 个值原本就使用当前密钥 %(key_id)s。")
            % {
                "rotated": report.rotated,
                "current": report.already_current,
                "key_id": report.key_id,
            }
        )
        if report.remaining_old:
            self.stderr.write(
                gettext(
                    "仍有 %(count)s 个值使用旧密钥（运行期间被修改或新写入）。请保留旧密钥并再次运行 hrguard keys rotate。"
                )
                % {"count": report.remaining_old}
            )
            raise SystemExit(1)
        if report.rotated == 0 and not reindex:
            self.stdout.write(
                gettext(
                    "没有需要轮换的数据。要更换密钥：先运行 hrguard keys generate，把新密钥放在 "
                    "HRGUARD_DATA_KEYS 的最前面并重启服务，再运行 hrguard keys rotate。"
                )
            )
            return
        self.stdout.write(
            gettext(
                "所有加密数据都已使用密钥 %(key_id)s，现在可以从 HRGUARD_DATA_KEYS 中删除其他密钥。"
            )
            % {"key_id": report.key_id}
        )

    def _print_column(self, column: ColumnRotation) -> None:
        self.stdout.write(
            gettext(
                "%(column)s：重新加密 %(rotated)s 个，已是当前密钥 %(current)s 个，运行期间被修改 %(changed)s 个。"
            )
            % {
                "column": column.label,
                "rotated": column.rotated,
                "current": column.already_current,
                "changed": column.changed_during_run,
            }
        )
