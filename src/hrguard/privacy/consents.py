"""Separate consent (单独同意) given and withdrawn by the employee in self-service.

Withdrawal takes one click. It sets `withdrawn_on` to today, so every scan
as of today or later leaves the category out (Consent.in_force_on), and it
schedules a PurgeJob that the next retention run executes. Refusing or
withdrawing carries no consequence for the employee (PIPL Art. 16).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.core.errors import NotFound, PermissionDenied, ValidationFailed
from hrguard.people.models import Employee
from hrguard.privacy.audit import audit_record
from hrguard.privacy.models import (
    Consent,
    ConsentChannel,
    DataCategory,
    DataSource,
    EmployeeAccount,
    ProcessingActivity,
    PurgeJob,
    PurgeReason,
)
from hrguard.privacy.notices import notice_current
from hrguard.privacy.roles import Action, can

logger = logging.getLogger(__name__)

# The register entry behind each consent category.
SOURCE_BY_CATEGORY = {
    DataCategory.PAYMENTS: DataSource.PAYMENTS,
    DataCategory.CREDIT: DataSource.CREDIT,
    DataCategory.CHAT: DataSource.CHAT,
}


def self_service_employee(user: User | AnonymousUser) -> Employee:
    """Return the employee linked to a self-service login; PermissionDenied otherwise."""
    if not isinstance(user, User) or not can(user, Action.USE_SELF_SERVICE):
        raise PermissionDenied(gettext("您没有使用员工自助的权限。"))
    account = EmployeeAccount.objects.filter(user=user).select_related("employee").first()
    if account is None:
        raise PermissionDenied(
            gettext("您的账号尚未关联员工档案，请联系系统管理员关联后再使用员工自助。")
        )
    return account.employee


@dataclass(frozen=True)
class ConsentState:
    """One sensitive category as the employee sees it in self-service."""

    category: str
    label: str
    source_enabled: bool
    in_force: Consent | None
    history: list[Consent]


def consent_states(*, employee: Employee, today: datetime.date) -> list[ConsentState]:
    """Return each sensitive category with the consent in force (if any) and its history."""
    enabled = set(ProcessingActivity.objects.filter(enabled=True).values_list("source", flat=True))
    consents = list(Consent.objects.filter(employee=employee).select_related("notice"))
    states = []
    for category in DataCategory:
        history = [c for c in consents if c.category == category]
        in_force = next((c for c in history if c.in_force_on(today)), None)
        states.append(
            ConsentState(
                category=category.value,
                label=str(category.label),
                source_enabled=SOURCE_BY_CATEGORY[category] in enabled,
                in_force=in_force,
                history=sorted(history, key=lambda c: c.granted_on, reverse=True),
            )
        )
    return states


def consent_grant(*, user: User, category: str, now: datetime.datetime | None = None) -> Consent:
    """Record the employee's separate consent to one category, with the notice version shown."""
    employee = self_service_employee(user)
    category = _category(category)
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not ProcessingActivity.objects.filter(
        source=SOURCE_BY_CATEGORY[category], enabled=True
    ).exists():
        raise ValidationFailed(
            gettext("公司目前不处理“%(category)s”，无需授权。"),
            code="source_disabled",
            category=str(category.label),
        )

    with transaction.atomic():
        existing = Consent.objects.select_for_update().filter(employee=employee, category=category)
        if any(c.in_force_on(today) for c in existing):
            raise ValidationFailed(
                gettext("您已同意处理“%(category)s”，无需重复授权。"),
                code="consent_in_force",
                category=str(category.label),
            )
        if existing.filter(granted_on=today).exists():
            raise ValidationFailed(
                gettext("您今天已撤回过“%(category)s”的授权，如需重新授权请明天再操作。"),
                code="consent_regrant_same_day",
                category=str(category.label),
            )
        notice = notice_current()
        consent = Consent.objects.create(
            employee=employee,
            category=category,
            granted_on=today,
            granted_at=now,
            channel=ConsentChannel.SELF_SERVICE,
            notice=notice,
        )
        audit_record(
            actor=user,
            action="consent.grant",
            target_type="employee",
            target_id=employee.employee_no,
            after={
                "category": category.value,
                "notice_version": notice.version,
                "channel": ConsentChannel.SELF_SERVICE.value,
            },
        )
    logger.info("consent %s granted by employee %s", category.value, employee.employee_no)
    return consent


def consent_withdraw(
    *, user: User, category: str, now: datetime.datetime | None = None
) -> PurgeJob:
    """Withdraw the consent in force for one category and schedule the purge of its data."""
    employee = self_service_employee(user)
    category = _category(category)
    now = now or timezone.now()
    today = timezone.localdate(now)

    with transaction.atomic():
        consents = Consent.objects.select_for_update().filter(employee=employee, category=category)
        in_force = [c for c in consents if c.in_force_on(today)]
        if not in_force:
            raise NotFound(
                gettext("您没有正在生效的“%(category)s”授权。"), category=str(category.label)
            )
        for consent in in_force:
            consent.withdrawn_on = today
            consent.withdrawn_at = now
            consent.withdrawal_channel = ConsentChannel.SELF_SERVICE
            consent.save(update_fields=["withdrawn_on", "withdrawn_at", "withdrawal_channel"])
        job = PurgeJob.objects.create(
            employee=employee,
            category=category,
            reason=PurgeReason.CONSENT_WITHDRAWN,
            scheduled_for=today,
        )
        audit_record(
            actor=user,
            action="consent.withdraw",
            target_type="employee",
            target_id=employee.employee_no,
            after={"category": category.value, "purge_job": job.pk, "purge_on": today},
        )
    logger.info("consent %s withdrawn by employee %s", category.value, employee.employee_no)
    return job


def _category(value: str) -> DataCategory:
    try:
        return DataCategory(value)
    except ValueError:
        raise ValidationFailed(
            gettext("未知的数据类别 %(value)s。"), code="unknown_category", value=value
        ) from None
