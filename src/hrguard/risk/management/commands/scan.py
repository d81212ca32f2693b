"""`hrguard scan [--as-of YYYY-MM-DD] [--json]`: run a risk scan and list its alerts."""

import argparse
import datetime
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hrguard.core.commands import HrguardCommand
from hrguard.core.errors import HrguardError
from hrguard.risk.explain import describe_result, indicator_label
from hrguard.risk.models import AlertLevel, ScanRun
from hrguard.risk.selectors import ScanAlert, scan_alerts
from hrguard.risk.services import Progress as ProgressCallback
from hrguard.risk.services import scan_run


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            gettext("日期「%(value)s」无效，请用 YYYY-MM-DD 格式，例如 2026-07-31。")
            % {"value": value}
        ) from None


def last_complete_month_end(today: datetime.date) -> datetime.date:
    """Return the last day of the month before `today`'s month."""
    return today.replace(day=1) - datetime.timedelta(days=1)


class Command(HrguardCommand):
    help = gettext_lazy(
        "扫描全部在职员工，生成或更新预警。基准日所在月及之前的数据计入；"
        "支付记录只读取基准日授权有效的员工。"
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--as-of",
            type=_date,
            help=gettext(
                "扫描基准日 (YYYY-MM-DD)，默认上个月的最后一天（北京时间），"
                "即最近一个已结束、工资已发放的月份"
            ),
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help=gettext("每条预警输出一行 JSON，而不是中文摘要"),
        )
        parser.add_argument(
            "--rule-set",
            type=Path,
            help=gettext("规则文件 (TOML)，默认使用内置的 default.toml"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        # Indicators compare whole months, and the current month has neither its
        # payroll nor all its spending yet, so the default is the last full month.
        as_of = options["as_of"] or last_complete_month_end(today)
        if as_of > today:
            raise CommandError(
                gettext("扫描基准日 %(as_of)s 晚于今天 %(today)s。")
                % {"as_of": as_of, "today": today}
            )

        try:
            scan = self._run(as_of=as_of, rule_set_path=options["rule_set"])
        except HrguardError as error:
            raise CommandError(error.message) from error

        alerts = scan_alerts(scan=scan)
        if options["json"]:
            for item in alerts:
                self.stdout.write(json.dumps(_alert_json(scan, item), ensure_ascii=False))
        else:
            self._summary_write(scan, alerts)

    def _run(self, *, as_of: datetime.date, rule_set_path: Path | None) -> ScanRun:
        if not sys.stdout.isatty():
            return scan_run(as_of=as_of, rule_set_path=rule_set_path)

        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, transient=True) as bar:
            task = bar.add_task(gettext("扫描中"), total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            callback: ProgressCallback = advance
            return scan_run(as_of=as_of, progress=callback, rule_set_path=rule_set_path)

    def _summary_write(self, scan: ScanRun, alerts: list[ScanAlert]) -> None:
        self.stdout.write(
            gettext("扫描完成：基准日 %(as_of)s，规则集 %(version)s，扫描 %(count)d 人。")
            % {
                "as_of": scan.as_of,
                "version": scan.rule_set.version,
                "count": scan.employees_scanned,
            }
        )
        self.stdout.write(
            gettext(
                "本次新增或更新的预警：高风险 %(high)d 人，中风险 %(medium)d 人，关注 %(watch)d 人。"
            )
            % {"high": scan.alerts_high, "medium": scan.alerts_medium, "watch": scan.alerts_watch}
        )
        for item in alerts:
            alert = item.alert
            self.stdout.write(
                gettext("%(level)s  %(employee_no)s %(pseudonym)s：%(indicators)s（预警 %(id)d）")
                % {
                    "level": AlertLevel(alert.level).label,
                    "employee_no": alert.employee.employee_no,
                    "pseudonym": alert.employee.pseudonym,
                    "indicators": "、".join(indicator_label(code) for code in alert.indicators),
                    "id": alert.pk,
                }
            )


def _alert_json(scan: ScanRun, item: ScanAlert) -> dict[str, Any]:
    alert = item.alert
    return {
        "alert_id": alert.pk,
        "employee_no": alert.employee.employee_no,
        "pseudonym": alert.employee.pseudonym,
        "level": alert.level,
        "status": alert.status,
        "indicators": list(alert.indicators),
        "as_of": scan.as_of.isoformat(),
        "rule_set": scan.rule_set.version,
        "evidence": {
            result.code: describe_result(result.code, result.evidence) for result in item.hits
        },
    }
