"""`hrguard demo`: a fictional company, imported and scanned, served on 127.0.0.1."""

import logging
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hrguard.demo.generator import DEMO_EMPLOYEES, DemoFile, DemoManifest
from hrguard.demo.management.commands.serve import (
    BIND_ADDRESS,
    DEFAULT_PORT,
    add_home_argument,
    check_home_option,
)
from hrguard.demo.services import (
    DemoLogin,
    demo_alert_counts,
    demo_case_alerts,
    demo_files_generate,
    demo_files_import,
    demo_logins_reset,
    demo_scan,
)
from hrguard.ingest.base import ImportReport
from hrguard.people.models import Employee
from hrguard.privacy.roles import Role
from hrguard.risk.models import AlertLevel

# The purpose of each demo login, printed above its user name.
LOGIN_PURPOSES = {
    Role.HR_MANAGER: gettext_lazy("HR 经理：查看全公司的风险预警，处理案件，调整规则。"),
    Role.EMPLOYEE: gettext_lazy(
        "员工自助（关联工号 %(no)s，一名没有预警的演示员工）：查看公司保存的本人数据类别和"
        "单独同意，撤回同意，提交查阅、更正、删除等请求。"
    ),
    Role.PRIVACY_OFFICER: gettext_lazy("个人信息保护负责人：答复员工提交的个人信息权利请求。"),
}


class Command(BaseCommand):
    help = _(
        "生成一家虚构的演示公司，导入并扫描其数据，创建 HR 经理、员工自助和"
        "个人信息保护负责人三个登录，然后在 127.0.0.1 上启动网页界面。可重复运行。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        add_home_argument(parser)
        parser.add_argument(
            "--no-serve", action="store_true", help=_("准备好数据后退出，不启动网页")
        )
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=_("网页端口，默认 8000"))
        parser.add_argument(
            "--employees",
            type=int,
            default=DEMO_EMPLOYEES,
            help=_("演示公司的人数，默认 300"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        check_home_option(options["home"], command="demo")
        home = Path(settings.HRGUARD_HOME)

        console = Console(stderr=True, highlight=False)
        hrguard_logger = logging.getLogger("hrguard")
        level = hrguard_logger.level
        if options["verbosity"] < 2:
            # Per-file import logs would break up the progress bars.
            hrguard_logger.setLevel(logging.WARNING)
        try:
            with console.status(_("正在准备数据库……")):
                call_command("migrate", interactive=False, verbosity=0)
            with console.status(_("正在生成演示公司……")):
                manifest = demo_files_generate(home=home, employees=options["employees"])
            reports = self._import(console, manifest)
            self._scan(console, manifest)
            logins = demo_logins_reset(manifest=manifest)
        finally:
            hrguard_logger.setLevel(level)

        self._print_summary(manifest, reports, home)
        self._print_logins(logins, options["port"])
        if not options["no_serve"]:
            call_command("serve", port=options["port"])

    def _progress(self, console: Console) -> Progress:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        return Progress(*columns, console=console, transient=True)

    def _import(
        self, console: Console, manifest: DemoManifest
    ) -> list[tuple[DemoFile, ImportReport]]:
        with self._progress(console) as progress:
            task = progress.add_task(_("正在导入文件"), total=len(manifest.files))
            return demo_files_import(
                manifest=manifest, on_file=lambda _file: progress.advance(task)
            )

    def _scan(self, console: Console, manifest: DemoManifest) -> None:
        with self._progress(console) as progress:
            task = progress.add_task(_("正在扫描风险"), total=None)

            def step(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            demo_scan(manifest=manifest, progress=step)

    def _print_summary(
        self, manifest: DemoManifest, reports: list[tuple[DemoFile, ImportReport]], home: Path
    ) -> None:
        write = self.stdout.write
        rejected = [(file, report) for file, report in reports if report.issues]
        created = sum(report.rows_created for _file, report in reports)
        alerts = demo_alert_counts()

        write(self.style.SUCCESS(_("演示公司已就绪，数据截至 %(day)s。") % {"day": manifest.as_of}))
        write(
            _("员工：%(employees)d 人，%(departments)d 个部门。")
            % {"employees": Employee.objects.count(), "departments": manifest.departments}
        )
        write(
            _(
                "文件：%(files)d 个（在 %(folder)s），本次新增 %(rows)d 行，未通过校验 %(rejected)d 个。"
            )
            % {
                "files": len(reports),
                "folder": home / "demo-data",
                "rows": created,
                "rejected": len(rejected),
            }
        )
        for demo_file, report in rejected:
            write(self.style.WARNING(report.issues[0].describe(demo_file.path.name)))
        write(
            _("待处理预警：高风险 %(high)d，中风险 %(medium)d，关注 %(watch)d。")
            % {
                "high": alerts.get(AlertLevel.HIGH, 0),
                "medium": alerts.get(AlertLevel.MEDIUM, 0),
                "watch": alerts.get(AlertLevel.WATCH, 0),
            }
        )

        write(_("预设的案例："))
        alerts_by_case = demo_case_alerts(manifest=manifest)
        for case in manifest.cases:
            pseudonym, level = alerts_by_case[case.employee_no]
            outcome = AlertLevel(level).label if level else _("无预警")
            write(
                _("  工号 %(no)s（%(pseudonym)s）：%(title)s → %(outcome)s")
                % {
                    "no": case.employee_no,
                    "pseudonym": pseudonym,
                    "title": case.title,
                    "outcome": outcome,
                }
            )

    def _print_logins(self, logins: list[DemoLogin], port: int) -> None:
        write = self.stdout.write
        site = f"http://{BIND_ADDRESS}:{port}"
        write("")
        write(_("网址：%(site)s/") % {"site": site})
        write(_("（密码每次运行 hrguard demo 时重新生成。）"))
        for login in logins:
            write("")
            purpose = str(LOGIN_PURPOSES[login.role])
            if login.employee_no:
                purpose = purpose % {"no": login.employee_no}
            write(purpose)
            write(_("  用户名：%(username)s") % {"username": login.username})
            write(_("  密码：%(password)s") % {"password": login.password})
            write(_("  登录后打开：%(url)s") % {"url": site + login.path})
            if login.needs_otp:
                write(_("  首次登录后，请用身份验证器应用扫描页面上的二维码，完成双因素认证。"))
            else:
                write(_("  此账号只能查看本人数据，登录不需要双因素认证。"))
