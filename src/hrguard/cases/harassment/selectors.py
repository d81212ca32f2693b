"""Reads for harassment incidents, with their permission checks, counts and the scan frame."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.conf import settings
from django.db.models import Count, Min, QuerySet
from django.utils.translation import gettext

from hrguard.cases.harassment.models import HarassmentIncident
from hrguard.core.errors import NotFound, PermissionDenied, ValidationFailed
from hrguard.core.fields import normalise_phone, phone_blind_index
from hrguard.people.models import Employee
from hrguard.privacy.roles import Action, can
from hrguard.privacy.scopes import employees_visible_to
from hrguard.reports.selectors import PlatformCount
from hrguard.risk.engine import Period
from hrguard.risk.engine.indicators.collector_contact import HARASSMENT_SCHEMA

INCIDENT_TARGET = "harassment_incident"


def harassment_allowed(user: Any) -> bool:
    """Return whether the user handles cases, or legal matters, which include harassment."""
    return can(user, Action.MANAGE_CASES) or can(user, Action.MANAGE_LEGAL_MATTERS)


def harassment_permission_check(*, user: Any) -> None:
    if not harassment_allowed(user):
        raise PermissionDenied(gettext("您没有处理催收骚扰事件的权限。"))


def harassment_access_check(*, user: Any, employee: Employee) -> None:
    """Raise unless the user may handle harassment and the employee is in scope.

    An employee outside the scope is reported as not found.
    """
    harassment_permission_check(user=user)
    if not employees_visible_to(user).filter(pk=employee.pk).exists():
        raise NotFound(gettext("员工不存在，或不在您的数据范围内。"))


def employees_find_by_phone(*, user: Any, phone: str) -> list[Employee]:
    """Return the employees in the user's scope whose phone number is `phone`, in any common format.

    One query on the indexed people.Employee.phone_index, without ORDER BY or
    LIMIT so the database has no reason to scan in another index's order.
    More than one result means two records share a number. Raises
    ValidationFailed when `phone` contains no digits.
    """
    harassment_permission_check(user=user)
    try:
        index = phone_blind_index(phone)
    except ValueError:
        raise ValidationFailed(
            gettext("“%(phone)s”不是电话号码，请输入手机号，例如 138 0013 8000。"), phone=phone
        ) from None
    matches = (
        employees_visible_to(user).select_related("department").filter(phone_index=index).order_by()
    )
    return sorted(matches, key=lambda employee: employee.employee_no)


def incident_list_for_user(*, user: Any) -> QuerySet[HarassmentIncident]:
    if not harassment_allowed(user):
        return HarassmentIncident.objects.none()
    return HarassmentIncident.objects.select_related("colleague", "debtor").filter(
        colleague__in=employees_visible_to(user)
    )


def incident_get_for_user(*, incident_id: int, user: Any) -> HarassmentIncident:
    """Return an incident the user may handle; raise NotFound when missing or out of scope."""
    harassment_permission_check(user=user)
    incident = (
        incident_list_for_user(user=user)
        .select_related("debtor_case", "debtor_linked_by", "recorded_by")
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        raise NotFound(
            gettext("骚扰事件 %(incident_id)s 不存在，或不在您的数据范围内。"),
            incident_id=incident_id,
        )
    return incident


def incidents_with_same_number(
    *, incident: HarassmentIncident, user: Any
) -> QuerySet[HarassmentIncident]:
    """Return the other incidents in the user's scope from the same caller number."""
    return (
        incident_list_for_user(user=user)
        .filter(caller_number_index=incident.caller_number_index)
        .exclude(pk=incident.pk)
    )


def incidents_from_number(*, user: Any, phone: str) -> QuerySet[HarassmentIncident]:
    """Return the incidents in the user's scope whose caller number is `phone`, in any format.

    Lets reception check whether a number that is calling now has harassed
    colleagues before. A value without digits matches nothing.
    """
    try:
        index = phone_blind_index(phone)
    except ValueError:
        return HarassmentIncident.objects.none()
    return incident_list_for_user(user=user).filter(caller_number_index=index)


def incidents_for_letter(*, incident: HarassmentIncident) -> list[HarassmentIncident]:
    """Return the colleague's incidents that name the same platform, oldest first."""
    return list(
        HarassmentIncident.objects.filter(
            colleague=incident.colleague, platform=incident.platform
        ).order_by("occurred_at", "pk")
    )


def phone_mask(number: str) -> str:
    """Mask a phone number for lists: "13800138000" gives "138****8000".

    Other numbers keep their first three and last four digits when they have at
    least eight, and only their last two otherwise.
    """
    normalised = normalise_phone(number)
    digits = normalised.lstrip("+")
    prefix = "+" if normalised.startswith("+") else ""
    if len(digits) >= 8:
        return prefix + digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return prefix + "*" * max(len(digits) - 2, 0) + digits[-2:]


@dataclass(frozen=True)
class NumberCount:
    masked_number: str
    incidents: int


def counts_by_platform(*, incidents: QuerySet[HarassmentIncident]) -> list[PlatformCount]:
    """Return incident counts per claimed platform, most first, then by name."""
    rows = (
        incidents.order_by()
        .values("platform")
        .annotate(total=Count("pk"))
        .order_by("-total", "platform")
    )
    return [PlatformCount(platform=row["platform"], incidents=row["total"]) for row in rows]


def counts_by_caller(*, incidents: QuerySet[HarassmentIncident]) -> list[NumberCount]:
    """Return incident counts per caller number, masked, most first.

    Numbers are grouped by their blind index; one incident of each group is
    decrypted to show its masked number.
    """
    rows = list(
        incidents.order_by()
        .values("caller_number_index")
        .annotate(total=Count("pk"), sample_id=Min("pk"))
        .order_by("-total", "sample_id")
    )
    samples = HarassmentIncident.objects.in_bulk([row["sample_id"] for row in rows])
    return [
        NumberCount(
            masked_number=phone_mask(samples[row["sample_id"]].caller_number),
            incidents=row["total"],
        )
        for row in rows
    ]


class PlatformCounts:
    """The monthly report's source of harassment counts (hrguard.reports.selectors.HarassmentSource)."""

    def counts_by_platform(
        self, *, employees: QuerySet[Employee], start: datetime.datetime, end: datetime.datetime
    ) -> list[PlatformCount]:
        incidents = HarassmentIncident.objects.filter(
            colleague__in=employees, occurred_at__gte=start, occurred_at__lt=end
        )
        return counts_by_platform(incidents=incidents)


def harassment_frame_load(*, period: Period, employees: QuerySet[Employee]) -> pl.DataFrame:
    """Return the scan window's incidents that HR linked to one of `employees` as debtor.

    Rows are keyed by the debtor's employee number; times are Asia/Shanghai
    wall-clock times. Caller numbers are not read.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(period.start, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(
        period.as_of + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
    )
    rows = HarassmentIncident.objects.filter(
        debtor__in=employees, occurred_at__gte=start, occurred_at__lt=end
    ).values_list("debtor__employee_no", "occurred_at", "platform")

    columns: dict[str, list[object]] = {name: [] for name in HARASSMENT_SCHEMA}
    for employee_no, occurred_at, platform in rows.iterator():
        columns["employee_no"].append(employee_no)
        columns["occurred_at"].append(occurred_at.astimezone(zone).replace(tzinfo=None))
        columns["platform"].append(platform)
    return pl.DataFrame(columns, schema=HARASSMENT_SCHEMA)
