"""Reads behind the monthly organisation report and the per-employee risk assessment.

The monthly report counts alerts and cases of the employees in a user's data
scope and carries no personal details: departments and indicators only. The
per-employee report is built here too, but it is handed out through
`reports.services`, which writes the audit entry.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.cases.models import Case, CaseEvent, InterventionStep
from hrguard.cases.states import CaseState
from hrguard.core.errors import NotFound, ValidationFailed
from hrguard.people.models import Employee
from hrguard.privacy.roles import Action, can
from hrguard.privacy.scopes import employees_visible_to
from hrguard.privacy.selectors import name_revealed
from hrguard.risk.engine.inputs import month_shift
from hrguard.risk.explain import indicator_label
from hrguard.risk.models import Alert, IndicatorResult, ScanRun
from hrguard.risk.selectors import LEVELS_ASCENDING, alert_profile
from hrguard.web.indicators import evidence_sentences

User = AuthUser | AnonymousUser

TREND_MONTHS = 6


@dataclass(frozen=True)
class MonthWindow:
    """One calendar month as dates and as aware datetimes in the current time zone."""

    first_day: datetime.date
    start: datetime.datetime
    end: datetime.datetime

    @property
    def next_first_day(self) -> datetime.date:
        return month_shift(self.first_day, 1)

    @property
    def label(self) -> str:
        return self.first_day.strftime("%Y-%m")


def month_window(first_day: datetime.date) -> MonthWindow:
    tz = timezone.get_current_timezone()
    first_day = first_day.replace(day=1)
    return MonthWindow(
        first_day=first_day,
        start=datetime.datetime.combine(first_day, datetime.time.min, tzinfo=tz),
        end=datetime.datetime.combine(month_shift(first_day, 1), datetime.time.min, tzinfo=tz),
    )


def month_parse(text: str) -> datetime.date:
    """Parse "2026-11" into the first day of that month; raise ValidationFailed otherwise."""
    try:
        first_day = datetime.datetime.strptime(text.strip(), "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        raise ValidationFailed(
            gettext("月份“%(month)s”无效，请写成 YYYY-MM，例如 2026-11。"), month=text
        ) from None
    return first_day


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class DepartmentRow:
    department: str
    by_level: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_level.values())


@dataclass(frozen=True)
class TrendMonth:
    month: datetime.date
    alerts_by_level: dict[str, int]
    cases_opened: int
    cases_closed: int


@dataclass(frozen=True)
class PlatformCount:
    platform: str
    incidents: int


class HarassmentSource(Protocol):
    """Counts of harassment incidents by lending platform, for the monthly report."""

    def counts_by_platform(
        self, *, employees: QuerySet[Employee], start: datetime.datetime, end: datetime.datetime
    ) -> list[PlatformCount]:
        """Return incidents recorded in [start, end) that concern `employees`, most first."""
        ...


_harassment_source: HarassmentSource | None = None


def harassment_source_register(source: HarassmentSource | None) -> None:
    """Set the source of harassment counts; None shows the section as 无."""
    global _harassment_source
    _harassment_source = source


def harassment_by_platform(
    *, employees: QuerySet[Employee], window: MonthWindow
) -> list[PlatformCount] | None:
    """Return harassment incidents by platform in the month, or None when nothing records them."""
    if _harassment_source is None:
        return None
    return _harassment_source.counts_by_platform(
        employees=employees, start=window.start, end=window.end
    )


@dataclass(frozen=True)
class MonthlyReport:
    month: datetime.date
    generated_at: datetime.datetime
    alerts_by_level: dict[str, int]
    alerts_by_department: list[DepartmentRow]
    alerts_by_indicator: list[CountRow]
    alerts_opened: int
    alerts_updated: int
    cases_opened: int
    cases_closed: int
    cases_overdue: int
    # The day on which `cases_overdue` was counted: the month's last day, or today.
    overdue_on: datetime.date
    trend: list[TrendMonth]
    harassment_by_platform: list[PlatformCount] | None

    @property
    def alerts_total(self) -> int:
        return self.alerts_opened + self.alerts_updated

    @property
    def level_rows(self) -> list[CountRow]:
        return [
            CountRow(str(level), str(level.label), self.alerts_by_level[level])
            for level in LEVELS_ASCENDING
        ]


def monthly_report_for_user(*, user: User, month: datetime.date) -> MonthlyReport:
    """Return the monthly report over the employees in the user's scope (empty without VIEW_ALERTS)."""
    employees = (
        employees_visible_to(user) if can(user, Action.VIEW_ALERTS) else Employee.objects.none()
    )
    return monthly_report_build(employees=employees, month=month)


def monthly_report_for_organisation(*, month: datetime.date) -> MonthlyReport:
    """Return the monthly report over every employee, for the command line."""
    return monthly_report_build(employees=Employee.objects.all(), month=month)


def monthly_report_build(*, employees: QuerySet[Employee], month: datetime.date) -> MonthlyReport:
    window = month_window(month)
    alerts = Alert.objects.filter(employee__in=employees)
    cases = Case.objects.filter(employee__in=employees)
    in_month = _alerts_in_month(alerts, window)
    opened = in_month.filter(_first_scan_in(window)).count()
    overdue_on = min(window.next_first_day - datetime.timedelta(days=1), timezone.localdate())

    return MonthlyReport(
        month=window.first_day,
        generated_at=timezone.now(),
        alerts_by_level=_count_by_level(in_month),
        alerts_by_department=_count_by_department(in_month),
        alerts_by_indicator=_count_by_indicator(in_month),
        alerts_opened=opened,
        alerts_updated=in_month.count() - opened,
        cases_opened=_cases_opened(cases, window),
        cases_closed=_cases_closed(cases, window),
        cases_overdue=_cases_overdue(cases, overdue_on),
        overdue_on=overdue_on,
        trend=_trend(alerts, cases, window.first_day),
        harassment_by_platform=harassment_by_platform(employees=employees, window=window),
    )


def _alerts_in_month(alerts: QuerySet[Alert], window: MonthWindow) -> QuerySet[Alert]:
    """Return the alerts first raised or hit again by a scan dated in the month.

    Months follow the scans' reference dates, not the clock: a scan run on
    4 December as of 30 November reports on November. Alert.updated_at moves
    with every later change, so a past month's updates are read from the
    stored hits of that month's scans instead.
    """
    hit_in_month = IndicatorResult.objects.filter(
        hit=True,
        alert__in=alerts,
        scan__as_of__gte=window.first_day,
        scan__as_of__lt=window.next_first_day,
    ).values("alert_id")
    return alerts.filter(_first_scan_in(window) | Q(pk__in=hit_in_month))


def _first_scan_in(window: MonthWindow) -> Q:
    return Q(first_scan__as_of__gte=window.first_day, first_scan__as_of__lt=window.next_first_day)


# NOTE: the breakdowns use each alert's current level, department and indicators,
# because an alert stores no history of them.
def _count_by_level(alerts: QuerySet[Alert]) -> dict[str, int]:
    counts = {str(level): 0 for level in LEVELS_ASCENDING}
    for row in alerts.values("level").annotate(count=Count("pk")).order_by():
        counts[row["level"]] = row["count"]
    return counts


def _count_by_department(alerts: QuerySet[Alert]) -> list[DepartmentRow]:
    rows = alerts.values("employee__department__name", "level").annotate(count=Count("pk"))
    by_department: dict[str, dict[str, int]] = {}
    for row in rows.order_by():
        name = row["employee__department__name"]
        counts = by_department.setdefault(name, {str(level): 0 for level in LEVELS_ASCENDING})
        counts[row["level"]] = row["count"]
    departments = [DepartmentRow(name, counts) for name, counts in by_department.items()]
    return sorted(departments, key=lambda row: (-row.total, row.department))


def _count_by_indicator(alerts: QuerySet[Alert]) -> list[CountRow]:
    counts: Counter[str] = Counter()
    for codes in alerts.values_list("indicators", flat=True):
        counts.update(set(codes))
    rows = [CountRow(code, indicator_label(code), count) for code, count in counts.items()]
    return sorted(rows, key=lambda row: (-row.count, row.key))


def _cases_opened(cases: QuerySet[Case], window: MonthWindow) -> int:
    return cases.filter(opened_at__gte=window.start, opened_at__lt=window.end).count()


def _cases_closed(cases: QuerySet[Case], window: MonthWindow) -> int:
    """Count the cases closed in the month, from the case history.

    Reopening a case clears Case.closed_at, so the events are the record that
    survives. A case closed twice in one month counts once.
    """
    closings = CaseEvent.objects.filter(
        case__in=cases,
        kind=CaseEvent.Kind.STATE_CHANGED,
        after__state=CaseState.CLOSED.value,
        created_at__gte=window.start,
        created_at__lt=window.end,
    )
    return closings.values("case_id").distinct().count()


def _cases_overdue(cases: QuerySet[Case], day: datetime.date) -> int:
    """Count the cases open at the end of `day` whose due date was before `day`."""
    tz = timezone.get_current_timezone()
    end_of_day = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return (
        cases.filter(opened_at__lt=end_of_day, due_date__lt=day)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end_of_day))
        .count()
    )


def _trend(
    alerts: QuerySet[Alert], cases: QuerySet[Case], last_month: datetime.date
) -> list[TrendMonth]:
    months = [month_shift(last_month, offset) for offset in range(1 - TREND_MONTHS, 1)]
    trend = []
    for month in months:
        window = month_window(month)
        trend.append(
            TrendMonth(
                month=month,
                alerts_by_level=_count_by_level(_alerts_in_month(alerts, window)),
                cases_opened=_cases_opened(cases, window),
                cases_closed=_cases_closed(cases, window),
            )
        )
    return trend


@dataclass(frozen=True)
class IndicatorEvidence:
    code: str
    label: str
    hit: bool
    severity: int
    sentences: list[str]


@dataclass(frozen=True)
class AlertSection:
    alert: Alert
    # The scan whose results are shown: the latest one stored for the alert.
    scan: ScanRun | None
    hits: list[IndicatorEvidence]
    misses: list[IndicatorEvidence]


@dataclass(frozen=True)
class CaseSection:
    case: Case
    steps: list[InterventionStep]


@dataclass(frozen=True)
class EmployeeReport:
    employee: Employee
    # The real name where the reader may see it, otherwise the pseudonym.
    display_name: str
    name_shown: bool
    alerts: list[AlertSection]
    # None when the employee has no case or the reader may not handle cases.
    case: CaseSection | None
    generated_at: datetime.datetime = field(default_factory=timezone.now)


def employee_report_for_user(*, user: User, employee_id: int) -> EmployeeReport:
    """Return the risk assessment of one employee in the user's scope; raise NotFound otherwise.

    The name is shown only to a user with REVEAL_NAME who has revealed it,
    with a reason, for one of the employee's alerts or cases.
    """
    if not can(user, Action.VIEW_ALERTS):
        raise NotFound(gettext("员工不存在，或不在您的数据范围内。"))
    employee = employees_visible_to(user).select_related("department").filter(pk=employee_id)
    found = employee.first()
    if found is None:
        raise NotFound(gettext("员工不存在，或不在您的数据范围内。"))

    alerts = _employee_alerts(found)
    case = _employee_case(found) if can(user, Action.MANAGE_CASES) else None
    name_shown = any(
        name_revealed(user=user, employee=found, alert_id=alert.pk) for alert in alerts
    ) or (case is not None and name_revealed(user=user, employee=found, case_id=case.pk))
    return _employee_report_build(found, alerts, case, name_shown=name_shown)


def employee_id_for_user(*, user: User, employee_no: str) -> int:
    """Return the id of the employee with this 工号 in the user's scope; raise NotFound otherwise."""
    employees = (
        employees_visible_to(user) if can(user, Action.VIEW_ALERTS) else Employee.objects.none()
    )
    # PostgreSQL rejects a NUL character in a query parameter, and no 工号 contains one.
    employee_id = (
        None
        if "\x00" in employee_no
        else employees.filter(employee_no=employee_no).values_list("pk", flat=True).first()
    )
    if employee_id is None:
        raise NotFound(gettext("员工 %(no)s 不存在，或不在您的数据范围内。"), no=employee_no)
    return employee_id


def employee_report_for_system(*, employee_no: str, show_name: bool) -> EmployeeReport:
    """Return the risk assessment of one employee by 工号, for the command line."""
    employee = Employee.objects.select_related("department").filter(employee_no=employee_no)
    found = employee.first()
    if found is None:
        raise NotFound(gettext("员工 %(no)s 不存在。"), no=employee_no)
    return _employee_report_build(
        found, _employee_alerts(found), _employee_case(found), name_shown=show_name
    )


def _employee_alerts(employee: Employee) -> list[Alert]:
    alerts = Alert.objects.filter(employee=employee).select_related(
        "employee__department", "first_scan", "last_scan", "rule_set"
    )
    return list(alerts.order_by("-created_at", "-pk"))


def _employee_case(employee: Employee) -> Case | None:
    cases = Case.objects.filter(employee=employee).select_related("assignee")
    return (
        cases.exclude(state=CaseState.CLOSED).first() or cases.order_by("-opened_at", "-pk").first()
    )


def _employee_report_build(
    employee: Employee, alerts: list[Alert], case: Case | None, *, name_shown: bool
) -> EmployeeReport:
    sections = [_alert_section(alert) for alert in alerts]
    case_section = None
    if case is not None:
        steps = list(case.steps.select_related("owner", "legal_aid_provider"))
        case_section = CaseSection(case, steps)
    return EmployeeReport(
        employee=employee,
        display_name=employee.name if name_shown else employee.pseudonym,
        name_shown=name_shown,
        alerts=sections,
        case=case_section,
    )


def _alert_section(alert: Alert) -> AlertSection:
    profile = alert_profile(alert=alert)
    evidence = [_indicator_evidence(result) for result in profile.results]
    return AlertSection(
        alert=alert,
        scan=profile.scan,
        hits=[row for row in evidence if row.hit],
        misses=[row for row in evidence if not row.hit],
    )


def _indicator_evidence(result: IndicatorResult) -> IndicatorEvidence:
    return IndicatorEvidence(
        code=result.code,
        label=indicator_label(result.code),
        hit=result.hit,
        severity=result.severity,
        sentences=evidence_sentences(result.code, result.evidence, result_id=result.pk),
    )
