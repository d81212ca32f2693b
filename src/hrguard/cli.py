"""The `hrguard` console command: Django management commands behind one name."""

import os
import sys

from django.core.management import ManagementUtility, get_commands
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy

# `import` is a Python keyword, so its management command module has another name.
_ALIASES = {"import": "import_data"}

# The commands an HR team or an administrator uses, in the order they are needed.
# Django's own commands stay reachable and are listed by `hrguard help --all`.
_OVERVIEW = [
    ("demo", gettext_lazy("生成演示公司、导入、扫描并启动网页界面")),
    ("serve", gettext_lazy("在 127.0.0.1 上启动网页界面")),
    ("migrate", gettext_lazy("创建或升级数据库表")),
    ("import", gettext_lazy("导入花名册、工资、请假、报销、授权、支付账单或聊天记录")),
    ("scan", gettext_lazy("扫描风险指标，生成或更新预警")),
    ("chat", gettext_lazy("识别聊天消息中的借钱请求")),
    ("report", gettext_lazy("生成月度报表或员工风险评估报告")),
    ("evidence", gettext_lazy("导出或校验证据包")),
    ("notify", gettext_lazy("发送到期的通知")),
    ("retention", gettext_lazy("按保存期限删除或匿名化到期数据")),
    ("audit", gettext_lazy("校验审计日志哈希链")),
    ("keys", gettext_lazy("生成数据密钥或轮换加密")),
    ("roles", gettext_lazy("创建角色、给用户分配角色和数据范围")),
    ("users", gettext_lazy("创建用户、重置密码")),
]


class _Utility(ManagementUtility):
    """Django's command dispatcher with hrguard's aliases and a short overview."""

    def fetch_command(self, subcommand: str) -> BaseCommand:
        # The parser keeps the typed name, so usage lines read `hrguard import`.
        return super().fetch_command(_ALIASES.get(subcommand, subcommand))

    def main_help_text(self, commands_only: bool = False) -> str:
        if commands_only or "--all" in self.argv:
            return super().main_help_text(commands_only=commands_only)
        return _overview_text()


def _overview_text() -> str:
    from django.utils.translation import gettext

    available = set(get_commands()) | set(_ALIASES)
    lines = [
        gettext("人事风控（hrguard）命令行。用法：hrguard <命令> [选项]"),
        "",
        gettext("常用命令："),
    ]
    lines += [f"  {name:<10} {description}" for name, description in _OVERVIEW if name in available]
    lines += [
        "",
        gettext("查看某个命令的说明：hrguard <命令> --help"),
        gettext("列出全部命令（含 Django 自带命令）：hrguard help --all"),
    ]
    return "\n".join(lines)


def _apply_home_option(args: list[str]) -> None:
    """Set HRGUARD_HOME from a `--home DIR` option, since settings read it at start-up."""
    for index, arg in enumerate(args):
        if arg == "--home" and index + 1 < len(args):
            os.environ["HRGUARD_HOME"] = args[index + 1]
        elif arg.startswith("--home="):
            os.environ["HRGUARD_HOME"] = arg.removeprefix("--home=")


def main(argv: list[str] | None = None) -> None:
    """Run a hrguard subcommand, e.g. `hrguard import payments bill.csv`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrguard.config.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    _apply_home_option(args)

    _Utility(["hrguard", *args]).execute()


if __name__ == "__main__":
    main()
