"""Retention: purge or anonymise data past its period, and run the scheduled purge jobs.

The periods and actions come from retention.toml beside this module. Employees
with an open case are under legal hold (their records may become evidence), so
nothing of theirs is purged, and their purge jobs wait until the case closes.
`retention_run` is the daily job behind `hrguard retention run`.
"""

from __future__ import annotations

import datetime
import logging
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from hrguard.cases.models import Case, CaseEvent, InterventionStep
from hrguard.cases.states import CaseState
from hrguard.chat.models import ChatFlag
from hrguard.ingest.models import ImportBatch
from hrguard.payments.models import PaymentTransaction
from hrguard.people.models import Employee
from hrguard.privacy.audit import audit_record
from hrguard.privacy.models import DataCategory, PurgeJob
from hrguard.privacy.permissions import Actor, require
from hrguard.privacy.roles import Action
from hrguard.risk.models import Alert

logger = logging.getLogger(__name__)

DELETE = "delete"
ANONYMISE = "anonymise"
ACTION_LABELS = {DELETE: gettext_lazy("删除"), ANONYMISE: gettext_lazy("匿名化")}

# The actions each category supports; see retention.toml for what each one keeps.
SUPPORTED_ACTIONS: dict[str, frozenset[str]] = {
    "payments": frozenset({DELETE}),
    "chat_snippets": frozenset({DELETE}),
    "dismissed_alerts": frozenset({DELETE}),
    "closed_cases": frozenset({DELETE}),
    "departed_employees": frozenset({ANONYMISE}),
    "import_errors": frozenset({DELETE, ANONYMISE}),
}


@dataclass(frozen=True)
class RetentionPolicy:
    category: str
    label: str
    counted_from: str
    days: int
    action: str

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    def cutoff(self, today: datetime.date) -> datetime.date:
        """Return the first day whose data is still kept."""
        return today - datetime.timedelta(days=self.days)


def retention_policies_parse(raw: str) -> list[RetentionPolicy]:
    """Build the policies from the text of a retention file; raise ValueError when invalid."""
    data = tomllib.loads(raw)
    missing = set(SUPPORTED_ACTIONS) - set(data)
    if missing:
        raise ValueError(f"retention file lacks categories {sorted(missing)}")
    policies = []
    for category, supported in SUPPORTED_ACTIONS.items():
        entry = data[category]
        days = entry["days"]
        action = entry["action"]
        if not isinstance(days, int) or days < 1:
            raise ValueError(f"retention {category}.days must be a positive whole number of days")
        if action not in supported:
            raise ValueError(f"retention {category}.action must be one of {sorted(supported)}")
        policies.append(
            RetentionPolicy(
                category=category,
                label=str(entry["label"]),
                counted_from=str(entry["from"]),
                days=days,
                action=action,
            )
        )
    return policies


@cache
def retention_policies() -> list[RetentionPolicy]:
    """Return the retention schedule shipped with the package."""
    raw = resources.files("hrguard.privacy").joinpath("retention.toml").read_text("utf-8")
    return retention_policies_parse(raw)


def legal_hold_employee_ids() -> set[int]:
    """Return the employees with an open case, whose data must not be purged."""
    open_cases = Case.objects.exclude(state=CaseState.CLOSED)
    return set(open_cases.values_list("employee_id", flat=True))


@dataclass
class RetentionReport:
    day: datetime.date
    dry_run: bool
    # Rows purged or anonymised (or, in a dry run, that would be) per category.
    counts: dict[str, int] = field(default_factory=dict)
    purge_jobs_done: int = 0
    purge_rows: int = 0
    purge_jobs_held: int = 0
    held_employees: int = 0


def retention_run(
    *, actor: Actor = None, today: datetime.date | None = None, dry_run: bool = False
) -> RetentionReport:
    """Apply every retention policy and the due purge jobs as of `today` (MANAGE_RETENTION).

    A dry run counts what would change and writes nothing. A real run writes
    one audit entry per category and per executed job, in the same transaction.
    """
    require(actor, Action.MANAGE_RETENTION)
    today = today or timezone.localdate()
    held = legal_hold_employee_ids()
    report = RetentionReport(day=today, dry_run=dry_run, held_employees=len(held))

    with transaction.atomic():
        for policy in retention_policies():
            handler = _HANDLERS[policy.category]
            count = handler(policy, _start_of(policy.cutoff(today)), held, not dry_run)
            report.counts[policy.category] = count
            if count and not dry_run:
                audit_record(
                    actor=actor,
                    action=f"retention.{policy.action}",
                    target_type="retention_category",
                    target_id=policy.category,
                    after={"rows": count, "cutoff": policy.cutoff(today)},
                )
        _purge_jobs_run(report, today=today, held=held, actor=actor)

    logger.info(
        "retention run for %s (dry run %s): %s; %d purge jobs, %d rows; %d held employees",
        today,
        dry_run,
        report.counts,
        report.purge_jobs_done,
        report.purge_rows,
        report.held_employees,
    )
    return report


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


Handler = Callable[[RetentionPolicy, datetime.datetime, set[int], bool], int]


def _payments(
    policy: RetentionPolicy, cutoff: datetime.datetime, held: set[int], apply: bool
) -> int:
    rows = PaymentTransaction.objects.filter(occurred_at__lt=cutoff).exclude(employee_id__in=held)
    if not apply:
        return rows.count()
    deleted, _ = rows.delete()
    return deleted


def _chat_snippets(
    policy: RetentionPolicy, cutoff: datetime.datetime, held: set[int], apply: bool
) -> int:
    # A flag carries its context messages in the same row, so deleting it deletes them too.
    rows = ChatFlag.objects.filter(created_at__lt=cutoff).exclude(employee_id__in=held)
    if not apply:
        return rows.count()
    deleted, _ = rows.delete()
    return deleted


def _dismissed_alerts(
    policy: RetentionPolicy, cutoff: datetime.datetime, held: set[int], apply: bool
) -> int:
    # Alerts a case was opened from stay with that case and follow its retention.
    alerts = (
        Alert.objects.filter(status=Alert.Status.DISMISSED, dismissal__dismissed_at__lt=cutoff)
        .exclude(employee_id__in=held)
        .filter(cases__isnull=True)
    )
    if not apply:
        return alerts.count()
    count = 0
    for alert in alerts:
        alert.delete()
        count += 1
    return count


def _closed_cases(
    policy: RetentionPolicy, cutoff: datetime.datetime, held: set[int], apply: bool
) -> int:
    cases = Case.objects.filter(state=CaseState.CLOSED, closed_at__lt=cutoff).exclude(
        employee_id__in=held
    )
    if not apply:
        return cases.count()
    count = 0
    for case in cases:
        try:
            with transaction.atomic():
                InterventionStep.objects.filter(case=case).delete()
                # Case events are append-only for every other writer; retention is
                # the one deleter, so it goes around the guarded queryset.
                models.QuerySet(model=CaseEvent).filter(case=case).delete()
                case.delete()
        except ProtectedError:
            logger.warning("closed case %s kept: other records still refer to it", case.pk)
            continue
        count += 1
    return count


def _departed_employees(
    policy: RetentionPolicy, cutoff: datetime.datetime, held: set[int], apply: bool
) -> int:
    # NOTE: the roster has no leaving date, so the period counts from the last roster update
    # of a departed employee, and a later correction of their row restarts the period.
    departed = (
        Employee.objects.filter(status=Employee.Status.LEFT, updated_at__lt=cutoff)
        .exclude(pk__in=held)
        .exclude(name=models.F("pseudonym"), position="", phone_index="")
    )
    if not apply:
        return departed.count()
    count = 0
    for employee in departed:
        employee.name = employee.pseudonym
        employee.phone = ""
        employee.position = ""
        employee.save(update_fields=["name", "phone", "phone_index", "position", "updated_at"])
        count += 1
    return count


def _import_errors(
    policy: RetentionPolicy, cutoff: datetime.datetime, held: set[int], apply: bool
) -> int:
    batches = ImportBatch.objects.filter(created_at__lt=cutoff).exclude(errors=[])
    batches = batches.exclude(employee_id__in=held)
    count = 0
    for batch in batches:
        if policy.action == DELETE:
            errors: list[dict[str, object]] = []
        else:
            errors = [
                {
                    "row": error.get("row"),
                    "column": error.get("column"),
                    "message": error.get("message"),
                    "value": "",
                    "cells": [],
                }
                for error in batch.errors
            ]
            if errors == batch.errors:
                continue
        count += 1
        if apply:
            batch.errors = errors
            batch.save(update_fields=["errors"])
    return count


_HANDLERS: dict[str, Handler] = {
    "payments": _payments,
    "chat_snippets": _chat_snippets,
    "dismissed_alerts": _dismissed_alerts,
    "closed_cases": _closed_cases,
    "departed_employees": _departed_employees,
    "import_errors": _import_errors,
}


def _purge_jobs_run(
    report: RetentionReport, *, today: datetime.date, held: set[int], actor: Actor
) -> None:
    due = PurgeJob.objects.filter(status=PurgeJob.Status.PENDING, scheduled_for__lte=today)
    report.purge_jobs_held = due.filter(employee_id__in=held).count()
    for job in due.exclude(employee_id__in=held).select_related("employee"):
        rows = category_rows(employee_id=job.employee_id, category=job.category)
        if report.dry_run:
            report.purge_rows += rows.count() if rows is not None else 0
            report.purge_jobs_done += 1
            continue

        deleted = rows.delete()[0] if rows is not None else 0
        job.status = PurgeJob.Status.DONE
        job.executed_at = timezone.now()
        job.rows_deleted = deleted
        job.save(update_fields=["status", "executed_at", "rows_deleted"])
        audit_record(
            actor=actor,
            action="retention.purge_job",
            target_type="employee",
            target_id=job.employee.employee_no,
            after={"job": job.pk, "category": job.category, "rows": deleted, "reason": job.reason},
        )
        report.purge_jobs_done += 1
        report.purge_rows += deleted


def category_rows(*, employee_id: int, category: str) -> models.QuerySet | None:
    """Return an employee's stored rows of a sensitive category, or None when none are stored."""
    if category == DataCategory.PAYMENTS:
        return PaymentTransaction.objects.filter(employee_id=employee_id)
    if category == DataCategory.CHAT:
        return ChatFlag.objects.filter(employee_id=employee_id)
    # TODO: credit reports have no stored rows yet; add their model here.
    return None


def retention_summary_text(report: RetentionReport) -> list[str]:
    """Return one Chinese line per category and one for the purge jobs, for the CLI and page."""
    verb = gettext("将处理") if report.dry_run else gettext("已处理")
    lines = []
    for policy in retention_policies():
        lines.append(
            gettext("%(label)s（保存 %(days)s 天后%(action)s）：%(verb)s %(count)s 条")
            % {
                "label": policy.label,
                "days": policy.days,
                "action": policy.action_label,
                "verb": verb,
                "count": report.counts.get(policy.category, 0),
            }
        )
    lines.append(
        gettext("删除任务：%(verb)s %(jobs)s 个，删除 %(rows)s 行；%(held)s 个因法律保全暂缓")
        % {
            "verb": verb,
            "jobs": report.purge_jobs_done,
            "rows": report.purge_rows,
            "held": report.purge_jobs_held,
        }
    )
    lines.append(
        gettext("有未结案件、处于法律保全中的员工：%(count)s 人") % {"count": report.held_employees}
    )
    return lines
