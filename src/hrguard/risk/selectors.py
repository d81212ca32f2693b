"""Read-side queries for alerts, scans and the risk dashboards."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db import transaction
from django.db.models import Case, Count, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.core.errors import NotFound
from hrguard.payments.models import PaymentTransaction
from hrguard.payroll.models import PayrollRecord
from hrguard.people.models import Department, Employee
from hrguard.privacy.audit import audit_record
from hrguard.privacy.models import Consent, DataCategory
from hrguard.privacy.roles import Action, can
from hrguard.privacy.scopes import employees_visible_to
from hrguard.risk.models import LEVEL_ORDER, Alert, AlertLevel, IndicatorResult, ScanRun

User = AuthUser | AnonymousUser

LEVELS_ASCENDING = (AlertLevel.WATCH, AlertLevel.MEDIUM, AlertLevel.HIGH)


@dataclass(frozen=True)
class DepartmentAlertCounts:
    department_id: int
    department: str
    by_level: dict[str, int]


@dataclass(frozen=True)
class MonthlySpending:
    """Succeeded expense payments and net pay of one calendar month, in yuan."""

    month: datetime.date
    spending: Decimal
    net_pay: Decimal | None

    @property
    def ratio(self) -> Decimal | None:
        if not self.net_pay:
            return None
        return (self.spending / self.net_pay).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class RiskProfile:
    employee: Employee
    alert: Alert | None
    scan: ScanRun | None
    results: list[IndicatorResult]


def _alerts_visible_to(user: User) -> QuerySet[Alert]:
    """Return the alerts of employees in the user's data scope, if the user may view alerts."""
    if not can(user, Action.VIEW_ALERTS):
        return Alert.objects.none()
    return Alert.objects.filter(employee__in=employees_visible_to(user)).select_related(
        "employee__department", "first_scan", "last_scan", "rule_set"
    )


def _employees_visible_to(user: User) -> QuerySet[Employee]:
    if not can(user, Action.VIEW_ALERTS):
        return Employee.objects.none()
    return employees_visible_to(user).select_related("department")


def alert_list_for_user(
    *,
    user: User,
    status: str = Alert.Status.OPEN,
    level: str | None = None,
    department_id: int | None = None,
    indicator: str | None = None,
) -> QuerySet[Alert]:
    """Return the alerts the user may see, highest level and newest change first, filtered."""
    alerts = _alerts_visible_to(user).filter(status=status)
    if level:
        alerts = alerts.filter(level=level)
    if department_id is not None:
        alerts = alerts.filter(employee__department_id=department_id)
    if indicator:
        # Alert.indicators is a JSON list of codes, and SQLite has no JSON `contains`
        # lookup. So match the quoted code in the stored text: the quotes keep
        # one snake_case code from matching inside another.
        alerts = alerts.filter(indicators__icontains=f'"{indicator}"')
    level_rank = Case(
        *(When(level=level, then=Value(rank)) for level, rank in LEVEL_ORDER.items()),
        default=Value(0),
    )
    return alerts.order_by(level_rank.desc(), "-updated_at", "-pk")


def alert_get_for_user(*, alert_id: int, user: User) -> Alert:
    """Return one alert the user may see, or raise NotFound."""
    try:
        return _alerts_visible_to(user).get(pk=alert_id)
    except Alert.DoesNotExist:
        raise NotFound(gettext("预警 %(id)s 不存在。"), id=alert_id) from None


def alert_profile(*, alert: Alert) -> RiskProfile:
    """Return the alert with the results of the latest scan stored for it: hits first, then misses.

    scan_run links every later result of the employee to the open alert, but
    moves Alert.last_scan only on a hit. So the latest linked scan can be newer
    than last_scan and show that the signal went away.
    """
    latest_scan_id = (
        IndicatorResult.objects.filter(alert=alert)
        .order_by("-scan__as_of", "-scan__started_at", "-scan_id")
        .values_list("scan_id", flat=True)
        .first()
    )
    scan = alert.last_scan
    if latest_scan_id is not None and latest_scan_id != scan.pk:
        scan = ScanRun.objects.select_related("rule_set").get(pk=latest_scan_id)
    return RiskProfile(alert.employee, alert, scan, _scan_results(scan, alert.employee))


def _scan_results(scan: ScanRun, employee: Employee) -> list[IndicatorResult]:
    results = IndicatorResult.objects.filter(scan=scan, employee=employee)
    return list(results.order_by("-hit", "-severity", "code"))


def risk_profile_for_user(*, employee_id: int, user: User) -> RiskProfile:
    """Return the employee's current alert (open, else latest) and latest indicator results."""
    try:
        employee = _employees_visible_to(user).get(pk=employee_id)
    except Employee.DoesNotExist:
        raise NotFound(gettext("员工 %(id)s 不存在。"), id=employee_id) from None

    alerts = _alerts_visible_to(user).filter(employee=employee)
    alert = (
        alerts.filter(status=Alert.Status.OPEN).first() or alerts.order_by("-updated_at").first()
    )
    if alert is not None:
        return alert_profile(alert=alert)

    latest = (
        IndicatorResult.objects.filter(employee=employee)
        .select_related("scan__rule_set")
        .order_by("-scan__as_of", "-scan__started_at")
        .first()
    )
    if latest is None:
        # Results are stored only for employees with a hit, so an employee the
        # latest scan looked at and found nothing for has no rows of their own.
        return RiskProfile(employee, None, scan_latest(), [])
    return RiskProfile(employee, None, latest.scan, _scan_results(latest.scan, employee))


def departments_visible_to(*, user: User) -> QuerySet[Department]:
    """Return the departments that hold at least one employee the user may see."""
    visible = _employees_visible_to(user).values("department_id")
    return Department.objects.filter(pk__in=visible).order_by("name")


def open_alert_counts_by_level(*, user: User) -> dict[str, int]:
    """Return the number of open alerts per level, with every level present."""
    counts = {str(level): 0 for level in LEVELS_ASCENDING}
    rows = (
        _alerts_visible_to(user)
        .filter(status=Alert.Status.OPEN)
        .values("level")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["level"]] = row["count"]
    return counts


def open_alert_counts_by_department(*, user: User) -> list[DepartmentAlertCounts]:
    """Return open alerts per department and level, departments with the most alerts first."""
    rows = (
        _alerts_visible_to(user)
        .filter(status=Alert.Status.OPEN)
        .values("employee__department_id", "employee__department__name", "level")
        .annotate(count=Count("pk"))
        .order_by()
    )
    by_department: dict[tuple[int, str], dict[str, int]] = {}
    for row in rows:
        key = (row["employee__department_id"], row["employee__department__name"])
        counts = by_department.setdefault(key, {str(level): 0 for level in LEVELS_ASCENDING})
        counts[row["level"]] = row["count"]
    ordered = sorted(by_department.items(), key=lambda item: (-sum(item[1].values()), item[0][1]))
    return [DepartmentAlertCounts(pk, name, counts) for (pk, name), counts in ordered]


def scan_latest() -> ScanRun | None:
    """Return the finished scan with the latest reference date.

    A back-dated re-run is newer by the clock but describes the past, so the
    reference date decides. The start time only breaks ties.
    """
    scans = ScanRun.objects.filter(finished_at__isnull=False).select_related("rule_set")
    return scans.order_by("-as_of", "-started_at", "-pk").first()


def scan_trend(*, limit: int = 12) -> list[ScanRun]:
    """Return the latest run for each of the last `limit` reference dates, oldest date first."""
    scans = ScanRun.objects.filter(finished_at__isnull=False).order_by(
        "-as_of", "-started_at", "-pk"
    )
    latest_per_day: dict[datetime.date, ScanRun] = {}
    for scan in scans.iterator():
        latest_per_day.setdefault(scan.as_of, scan)
        if len(latest_per_day) == limit:
            break
    return sorted(latest_per_day.values(), key=lambda scan: scan.as_of)


def indicator_codes_in_use() -> list[str]:
    """Return the indicator codes evaluated by the latest scan, for filter choices."""
    latest = scan_latest()
    if latest is None:
        return []
    codes = IndicatorResult.objects.filter(scan=latest).values_list("code", flat=True)
    return sorted(set(codes))


def payment_consent_in_force(*, employee: Employee, day: datetime.date) -> bool:
    consents = Consent.objects.in_force_on(day)
    return consents.filter(employee=employee, category=DataCategory.PAYMENTS).exists()


def _month_start(day: datetime.date, months_back: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def employee_monthly_spending(
    *, user: User, employee: Employee, end: datetime.date, months: int = 6
) -> list[MonthlySpending] | None:
    """Return spending against net pay for the `months` calendar months up to `end`.

    Spending is the sum of succeeded expense payments. Payment records are
    sensitive personal information, so this returns None unless the employee's
    payment consent is in force today, and each read is written to the audit log.
    The caller must have checked that `user` may see the employee.
    """
    if not payment_consent_in_force(employee=employee, day=timezone.localdate()):
        return None

    first = _month_start(end, months - 1)
    with transaction.atomic():
        audit_record(
            actor=user,
            action="payments.view_monthly_spending",
            target_type="employee",
            target_id=employee.employee_no,
            after={"first_month": first.isoformat(), "months": months},
        )
        return _monthly_spending(employee, first, months)


def _monthly_spending(
    employee: Employee, first: datetime.date, months: int
) -> list[MonthlySpending]:
    after_last = _month_start(first, -months)
    tz = timezone.get_current_timezone()
    spending_rows = (
        PaymentTransaction.objects.filter(
            employee=employee,
            direction=PaymentTransaction.Direction.EXPENSE,
            succeeded=True,
            occurred_at__gte=datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
            occurred_at__lt=datetime.datetime.combine(after_last, datetime.time.min, tzinfo=tz),
        )
        .annotate(month=TruncMonth("occurred_at", tzinfo=tz))
        .values("month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    spending = {row["month"].date(): row["total"] for row in spending_rows}
    pay = dict(
        PayrollRecord.objects.filter(
            employee=employee, month__gte=first, month__lt=after_last
        ).values_list("month", "net_pay")
    )

    return [
        MonthlySpending(
            month=month, spending=spending.get(month, Decimal("0.00")), net_pay=pay.get(month)
        )
        for month in (_month_start(first, -index) for index in range(months))
    ]


@dataclass(frozen=True)
class ScanAlert:
    alert: Alert
    # The indicators the employee hit in that scan, highest severity first.
    hits: list[IndicatorResult]


def scan_alerts(*, scan: ScanRun) -> list[ScanAlert]:
    """Return the open alerts a scan created or updated, highest level first, with their hits."""
    alerts = list(
        Alert.objects.filter(last_scan=scan, status=Alert.Status.OPEN).select_related("employee")
    )
    hits: dict[int, list[IndicatorResult]] = {}
    results = IndicatorResult.objects.filter(scan=scan, hit=True).order_by("-severity", "code")
    for result in results:
        hits.setdefault(result.employee_id, []).append(result)

    order = {str(level): index for index, level in enumerate(reversed(LEVELS_ASCENDING))}
    alerts.sort(key=lambda alert: (order[alert.level], alert.employee.employee_no))
    return [ScanAlert(alert, hits.get(alert.employee_id, [])) for alert in alerts]
