"""Run a risk scan and keep its results and alerts.

Alert lifecycle, as scan_run applies it:
- An employee has at most one open alert. A scan in which they hit at least
  one indicator creates it, or updates its level, indicators, rule set and
  last_scan to this scan's hits.
- An employee who no longer hits anything keeps the open alert unchanged: a
  person closes alerts, the system never does. Their results (all misses) are
  still stored with the alert, so the page shows that the signal went away.
- After a person dismissed an employee's latest alert as a false positive, the
  employee stays quiet until they hit an indicator the dismissed alert did not
  list. Such a hit opens a new alert. After a person closed the latest alert,
  any hit opens a new one.
- Alert.last_scan is therefore the latest scan in which the alert had a hit.
"""

import datetime
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from hrguard.cases.follow_up import cases_reopen_on_recurrence
from hrguard.core.errors import ValidationFailed
from hrguard.notify.services import alert_notify
from hrguard.people.models import Employee
from hrguard.privacy.audit import audit_record
from hrguard.risk.engine import (
    DEFAULT_RULE_SET,
    Period,
    RuleSetConfig,
    RuleSetInvalid,
    ScanOutcome,
    rule_set_load,
    rule_set_parse,
    scan_evaluate,
)
from hrguard.risk.frames import FRAME_SOURCES, scan_frames
from hrguard.risk.models import Alert, IndicatorResult, RuleSet, ScanRun

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

# Rows per INSERT when storing indicator results.
RESULT_BATCH = 2000

_RULE_SET_PROBLEMS = {
    "unreadable": gettext_lazy("无法读取规则文件 %(source)s：%(detail)s"),
    "syntax": gettext_lazy("规则文件 %(source)s 不是有效的 TOML：%(detail)s"),
    "missing": gettext_lazy("规则文件 %(source)s 缺少 %(key)s。%(detail)s"),
    "wrong_type": gettext_lazy("规则文件 %(source)s 中 %(key)s 的类型不对：%(detail)s"),
    "unknown_key": gettext_lazy("规则文件 %(source)s 中的 %(key)s 不是可用的参数（%(detail)s）。"),
    "unknown_indicator": gettext_lazy(
        "规则文件 %(source)s 中的 %(key)s 不是已注册的指标（%(detail)s）。"
    ),
    "out_of_range": gettext_lazy("规则文件 %(source)s 中 %(key)s 的值超出范围：%(detail)s"),
    "catalogue_version": gettext_lazy(
        "目录文件 %(source)s 的版本与规则集不一致：%(detail)s。请在规则集中更新 catalogue_version 并提高 version。"
    ),
}


def rule_set_read(*, path: Path | None = None) -> RuleSetConfig:
    """Load and validate a rule-set file (the default one unless `path` is given)."""
    try:
        return rule_set_load(path or DEFAULT_RULE_SET)
    except RuleSetInvalid as error:
        raise _rule_set_problem(error) from error


def _rule_set_problem(error: RuleSetInvalid) -> ValidationFailed:
    template = _RULE_SET_PROBLEMS.get(error.problem, _RULE_SET_PROBLEMS["syntax"])
    return ValidationFailed(
        str(template),
        code="ruleset_invalid",
        source=error.source,
        key=error.key,
        detail=error.detail,
    )


def rule_set_in_force() -> RuleSetConfig:
    """Return the rule set a scan uses when no file is named: the newest stored version.

    The shipped default wins while its version was never stored, so an upgrade
    that ships a new default takes effect. Otherwise the newest stored version
    is used: one saved on the rule settings page, or the file an earlier scan
    read (the default, or one named with --rule-set).
    """
    shipped = rule_set_read()
    if not RuleSet.objects.filter(version=shipped.version).exists():
        return shipped
    newest = RuleSet.objects.order_by("-created_at", "-pk").first()
    if newest is None or newest.version == shipped.version:
        return shipped
    try:
        return rule_set_parse(newest.content, source=newest.version)
    except RuleSetInvalid as error:
        raise _rule_set_problem(error) from error


def rule_set_freeze(*, config: RuleSetConfig) -> RuleSet:
    """Return the stored copy of `config`, storing it on first use.

    A version identifies one content: the same text reuses its row, and a
    changed text under an existing version is rejected.
    """
    existing = RuleSet.objects.filter(version=config.version).first()
    if existing is None:
        return RuleSet.objects.create(
            version=config.version, content=config.text, sha256=config.sha256
        )
    if existing.sha256 != config.sha256:
        raise ValidationFailed(
            gettext("规则集版本 %(version)s 已存在，但内容不同。修改规则文件后请提高 version。"),
            code="ruleset_version_reused",
            version=config.version,
        )
    return existing


class _Steps:
    """Report progress as completed steps out of a known total."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0

    def __call__(self, *_: object) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


def scan_run(
    *, as_of: datetime.date, progress: Progress | None = None, rule_set_path: Path | None = None
) -> ScanRun:
    """Scan every current employee for the window ending on `as_of` and update alerts.

    Running again with the same as_of and rule set replaces that scan's
    results instead of adding a scan. Every write (rule set, scan, results,
    alerts, audit entry) happens in one transaction, after all data is read,
    so a long read does not hold SQLite's write lock. `progress(done, total)`
    is called after each loaded source, each indicator and the final write.
    """
    config = rule_set_read(path=rule_set_path) if rule_set_path else rule_set_in_force()
    period = Period.ending_on(as_of, config.window_months)
    steps = _Steps(progress, len(FRAME_SOURCES) + len(config.indicators) + 1)
    started_at = timezone.now()

    inputs = scan_frames(period=period, on_source_done=steps)
    outcome = scan_evaluate(inputs, config, as_of=as_of, on_indicator_done=steps)

    with transaction.atomic():
        rule_set = rule_set_freeze(config=config)
        scan, replaced = _scan_reset(as_of=as_of, rule_set=rule_set, started_at=started_at)
        changes = _outcome_store(scan=scan, outcome=outcome, rule_set=rule_set)

        scan.employees_scanned = inputs.employees.height
        scan.alerts_watch = changes.touched_levels.count("watch")
        scan.alerts_medium = changes.touched_levels.count("medium")
        scan.alerts_high = changes.touched_levels.count("high")
        scan.finished_at = timezone.now()
        scan.save()
        audit_record(
            actor=None,
            action="scan.run",
            target_type="scan_run",
            target_id=str(scan.pk),
            after={
                "as_of": as_of.isoformat(),
                "rule_set": rule_set.version,
                "replaced_earlier_run": replaced,
                "employees_scanned": scan.employees_scanned,
                "payment_records_read_for": len(inputs.scopes.get("payments", ())),
                "alerts_created": changes.created,
                "alerts_updated": changes.updated,
            },
        )
    steps()

    logger.info(
        "scan %s as of %s with rule set %s: %d employees, %d high, %d medium, %d watch",
        scan.pk,
        as_of,
        rule_set.version,
        scan.employees_scanned,
        scan.alerts_high,
        scan.alerts_medium,
        scan.alerts_watch,
    )
    return scan


def _scan_reset(
    *, as_of: datetime.date, rule_set: RuleSet, started_at: datetime.datetime
) -> tuple[ScanRun, bool]:
    """Return the scan row for (as_of, rule_set) with no results, and whether it existed."""
    scan = ScanRun.objects.filter(as_of=as_of, rule_set=rule_set).order_by("pk").first()
    if scan is None:
        return ScanRun.objects.create(as_of=as_of, rule_set=rule_set), False

    IndicatorResult.objects.filter(scan=scan).delete()
    scan.started_at = started_at
    return scan, True


@dataclass
class _Changes:
    created: int = 0
    updated: int = 0
    # Level of every alert this scan created or updated.
    touched_levels: list[str] = field(default_factory=list)


def _outcome_store(*, scan: ScanRun, outcome: ScanOutcome, rule_set: RuleSet) -> _Changes:
    """Create or update alerts from the scores and store the results of every affected employee."""
    scores = {row["employee_no"]: row for row in outcome.scores.iter_rows(named=True)}
    open_alerts = {
        alert.employee.employee_no: alert
        for alert in Alert.objects.filter(status=Alert.Status.OPEN).select_related(
            "employee", "last_scan"
        )
    }
    stored_numbers = set(scores) | set(open_alerts)
    employee_ids = dict(
        Employee.objects.filter(employee_no__in=stored_numbers).values_list("employee_no", "pk")
    )
    dismissed = _dismissed_indicators(
        employee_ids=[employee_ids[no] for no in scores if no not in open_alerts]
    )

    changes = _Changes()
    now = timezone.now()
    alert_of: dict[str, Alert] = {}
    created: list[Alert] = []
    updated: list[Alert] = []
    for employee_no, score in scores.items():
        codes = list(score["indicators"])
        alert = open_alerts.get(employee_no)
        if alert is not None:
            alert_of[employee_no] = alert
            # A scan of an earlier as_of than the alert's last hit leaves the alert as it is.
            if alert.last_scan.as_of <= scan.as_of:
                alert.level, alert.indicators, alert.last_scan = score["level"], codes, scan
                alert.rule_set, alert.updated_at = rule_set, now
                updated.append(alert)
            continue

        quiet_codes = dismissed.get(employee_ids[employee_no])
        if quiet_codes is not None and set(codes) <= quiet_codes:
            continue
        alert = Alert(
            employee_id=employee_ids[employee_no],
            level=score["level"],
            indicators=codes,
            first_scan=scan,
            last_scan=scan,
            rule_set=rule_set,
        )
        alert_of[employee_no] = alert
        created.append(alert)

    Alert.objects.bulk_create(created)
    Alert.objects.bulk_update(
        updated, ["level", "indicators", "last_scan", "rule_set", "updated_at"]
    )
    # Announce each alert once per level it reaches; messages are sent after commit.
    for alert in [*created, *updated]:
        alert_notify(alert=alert)
    # A case under follow-up goes back to 处理中 when its employee's alert recurs.
    cases_reopen_on_recurrence(alerts=[*created, *updated])
    for employee_no, alert in open_alerts.items():
        alert_of.setdefault(employee_no, alert)

    _results_store(
        scan=scan,
        results=outcome.results,
        employee_ids=employee_ids,
        alert_of=alert_of,
        employee_numbers=stored_numbers,
    )
    changes.created, changes.updated = len(created), len(updated)
    changes.touched_levels = [alert.level for alert in [*created, *updated]]
    return changes


def _dismissed_indicators(*, employee_ids: Iterable[int]) -> dict[int, set[str]]:
    """Map employees whose latest decided alert was dismissed to that alert's indicators.

    An employee whose latest decided alert was closed is absent: a closed
    case that recurs deserves a new alert whatever its indicators.
    """
    decided = Alert.objects.filter(employee_id__in=list(employee_ids)).exclude(
        status=Alert.Status.OPEN
    )
    latest = (
        decided.values("employee_id")
        .annotate(latest_pk=Max("pk"))
        .values_list("latest_pk", flat=True)
    )
    return {
        alert.employee_id: set(alert.indicators)
        for alert in Alert.objects.filter(pk__in=list(latest), status=Alert.Status.DISMISSED)
    }


def _results_store(
    *,
    scan: ScanRun,
    results: pl.DataFrame,
    employee_ids: dict[str, int],
    alert_of: dict[str, Alert],
    employee_numbers: set[str],
) -> None:
    """Store every result (hits and misses) of the given employees, linked to their alert."""
    rows = results.filter(pl.col("employee_no").is_in(sorted(employee_numbers)))
    batch: list[IndicatorResult] = []
    for row in rows.iter_rows(named=True):
        alert = alert_of.get(row["employee_no"])
        batch.append(
            IndicatorResult(
                scan=scan,
                alert=alert,
                employee_id=employee_ids[row["employee_no"]],
                code=row["code"],
                hit=row["hit"],
                severity=row["severity"],
                evidence=json.loads(row["evidence"]),
            )
        )
        if len(batch) >= RESULT_BATCH:
            IndicatorResult.objects.bulk_create(batch)
            batch = []
    IndicatorResult.objects.bulk_create(batch)
