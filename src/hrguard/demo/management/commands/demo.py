"""`hrguard demo`: a fictional company, imported and scanned, served on 127.0.0.1."""

import logging
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
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
    HR_MANAGER_USERNAME,
    demo_alert_counts,
    demo_case_alerts,
    demo_files_generate,
    demo_files_import,
    demo_scan,
    demo_user_reset,
)
from hrguard.ingest.base import ImportReport
from hrguard.people.models import Employee
from hrguard.risk.models import AlertLevel


class Command(BaseCommand):
    help = _(
        "生成一家虚构的演示公司，导入并扫描其数据，创建 HR 经理登录，"
        "然后在 127.0.0.1 上启动网页界面。可重复运行。"
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
            password = demo_user_reset()
        finally:
            hrguard_logger.setLevel(level)

        self._print_summary(manifest, reports, home)
        self._print_login(password, options["port"])
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

    def _print_login(self, password: str, port: int) -> None:
        write = self.stdout.write
        write("")
        write(_("网址：http://%(host)s:%(port)d/") % {"host": BIND_ADDRESS, "port": port})
        write(_("用户名：%(username)s") % {"username": HR_MANAGER_USERNAME})
        write(_("密码：%(password)s") % {"password": password})
        write(_("（密码每次运行 hrguard demo 时重新生成。）"))
        write(_("首次登录后，请用身份验证器应用扫描页面上的二维码，完成双因素认证。"))
