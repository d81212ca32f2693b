"""Follow-up after the plan: consent, 30/60/90-day checkpoints, and reopening on recurrence.

A case enters 跟踪中 only while the employee's follow-up consent is in force,
because a checkpoint records how repayment is going. Entering it starts a
FollowUp with one checkpoint per day offset in HRGUARD_FOLLOW_UP_DAYS; leaving
it ends the FollowUp and cancels the checkpoints still pending.

Without a follow-up consent the case is closed once the plan is finished. The
system never closes it by itself: the case page offers closing, and a person
writes the closing note.

A risk scan calls `cases_reopen_on_recurrence` with the alerts it created or
updated. A case under follow-up goes back to 处理中 when its employee's alert
goes beyond the state recorded at the start of the follow-up. Reopening only
puts the case back in front of its handler: like every other step, what
happens next is decided by a person.
"""

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.cases.events import event_add
from hrguard.cases.models import (
    Case,
    CaseEvent,
    FollowUp,
    FollowUpCheckpoint,
    FollowUpConsent,
    RepaymentStatus,
)
from hrguard.cases.selectors import follow_up_consent_in_force, require_case_access
from hrguard.cases.states import CaseState
from hrguard.cases.validators import validate_no_debt_discipline
from hrguard.core.errors import ValidationFailed
from hrguard.risk.explain import indicator_label
from hrguard.risk.models import LEVEL_ORDER, Alert, AlertLevel

logger = logging.getLogger(__name__)

DEFAULT_FOLLOW_UP_DAYS = (30, 60, 90)


def follow_up_days() -> tuple[int, ...]:
    """Return the checkpoint day offsets from HRGUARD_FOLLOW_UP_DAYS (default 30, 60, 90)."""
    days = tuple(getattr(settings, "HRGUARD_FOLLOW_UP_DAYS", DEFAULT_FOLLOW_UP_DAYS))
    if not days or any(not isinstance(day, int) or day <= 0 for day in days):
        raise ImproperlyConfigured(
            f"HRGUARD_FOLLOW_UP_DAYS must be positive whole days, got {days!r}."
        )
    if len(set(days)) != len(days):
        raise ImproperlyConfigured(f"HRGUARD_FOLLOW_UP_DAYS lists a day twice: {days!r}.")
    return tuple(sorted(days))


def follow_up_consent_record(
    *, case: Case, user: Any, given_on: datetime.date, how_recorded: str
) -> FollowUpConsent:
    """Record that the employee agreed HR may follow up on this case after the plan."""
    require_case_access(user, case.employee)
    how_recorded = how_recorded.strip()
    if not how_recorded:
        raise ValidationFailed(gettext("请说明员工以何种方式同意，例如“书面签字”。"))
    if given_on > timezone.localdate():
        raise ValidationFailed(gettext("同意日期 %(day)s 晚于今天。"), day=given_on.isoformat())

    with transaction.atomic():
        consent = FollowUpConsent.objects.create(
            case=case, given_on=given_on, how_recorded=how_recorded, recorded_by=user
        )
        event_add(
            case=case,
            actor=user,
            kind=CaseEvent.Kind.FOLLOW_UP_CONSENT,
            after={"consent_id": consent.pk, "given_on": given_on.isoformat()},
            note=how_recorded,
        )
    return consent


def follow_up_consent_withdraw(
    *, consent: FollowUpConsent, user: Any, withdrawn_on: datetime.date
) -> FollowUpConsent:
    """Record the withdrawal and cancel the case's pending checkpoints."""
    case = consent.case
    require_case_access(user, case.employee)
    if withdrawn_on < consent.given_on:
        raise ValidationFailed(
            gettext("撤回日期 %(day)s 早于同意日期。"), day=withdrawn_on.isoformat()
        )

    with transaction.atomic():
        consent = FollowUpConsent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_on is not None:
            raise ValidationFailed(gettext("该同意已经撤回。"))
        consent.withdrawn_on = withdrawn_on
        consent.save(update_fields=["withdrawn_on"])
        FollowUpCheckpoint.objects.filter(
            follow_up__case=case,
            follow_up__ended_at__isnull=True,
            status=FollowUpCheckpoint.Status.PENDING,
        ).update(status=FollowUpCheckpoint.Status.CANCELLED)
        event_add(
            case=case,
            actor=user,
            kind=CaseEvent.Kind.FOLLOW_UP_CONSENT,
            before={"consent_id": consent.pk, "withdrawn_on": None},
            after={"consent_id": consent.pk, "withdrawn_on": withdrawn_on.isoformat()},
        )
    return consent


def follow_up_start(*, case: Case, user: Any, today: datetime.date) -> FollowUp:
    """Start a follow-up period with its checkpoints, inside the transition's transaction."""
    if follow_up_consent_in_force(case=case, day=today) is None:
        raise ValidationFailed(
            gettext(
                "员工没有同意跟踪回访，案件不能转为“跟踪中”。"
                "请先记录员工的同意；员工不同意时，完成计划后请直接结案。"
            ),
            code="follow_up_without_consent",
        )

    alert = (
        Alert.objects.filter(employee=case.employee, status=Alert.Status.OPEN)
        .order_by("-pk")
        .first()
    )
    follow_up = FollowUp.objects.create(
        case=case,
        started_on=today,
        started_by=user,
        alert=alert,
        alert_level=alert.level if alert else "",
        alert_indicators=list(alert.indicators) if alert else [],
    )
    FollowUpCheckpoint.objects.bulk_create(
        FollowUpCheckpoint(
            follow_up=follow_up,
            days_after=days,
            due_date=today + datetime.timedelta(days=days),
        )
        for days in follow_up_days()
    )
    return follow_up


def follow_up_end(*, case: Case) -> None:
    """End the case's current follow-up and cancel its pending checkpoints."""
    current = FollowUp.objects.filter(case=case, ended_at__isnull=True)
    FollowUpCheckpoint.objects.filter(
        follow_up__in=current, status=FollowUpCheckpoint.Status.PENDING
    ).update(status=FollowUpCheckpoint.Status.CANCELLED)
    current.update(ended_at=timezone.now())


def checkpoint_record(
    *, checkpoint: FollowUpCheckpoint, user: Any, repayment_status: str, note: str = ""
) -> FollowUpCheckpoint:
    """Record the repayment status and a note at a pending checkpoint of a case under follow-up."""
    case = checkpoint.follow_up.case
    require_case_access(user, case.employee)
    note = note.strip()
    if repayment_status not in RepaymentStatus.values:
        raise ValidationFailed(
            gettext("还款情况“%(status)s”无效，请从列表中选择。"), status=repayment_status
        )
    validate_no_debt_discipline(note)

    with transaction.atomic():
        checkpoint = (
            FollowUpCheckpoint.objects.select_for_update()
            .select_related("follow_up__case")
            .get(pk=checkpoint.pk)
        )
        if checkpoint.status != FollowUpCheckpoint.Status.PENDING:
            raise ValidationFailed(
                gettext("第 %(days)s 天回访已经记录或已取消，不能再次记录。"),
                days=checkpoint.days_after,
            )
        if checkpoint.follow_up.case.state != CaseState.FOLLOWING_UP:
            raise ValidationFailed(gettext("案件不在“跟踪中”状态，不能记录回访。"))
        checkpoint.status = FollowUpCheckpoint.Status.RECORDED
        checkpoint.repayment_status = repayment_status
        checkpoint.note = note
        checkpoint.recorded_by = user
        checkpoint.recorded_at = timezone.now()
        checkpoint.save(
            update_fields=["status", "repayment_status", "note", "recorded_by", "recorded_at"]
        )
        event_add(
            case=checkpoint.follow_up.case,
            actor=user,
            kind=CaseEvent.Kind.CHECKPOINT_RECORDED,
            after={
                "checkpoint_id": checkpoint.pk,
                "days_after": checkpoint.days_after,
                "repayment_status": repayment_status,
            },
            note=note,
        )
    return checkpoint


def recurrence_reason(follow_up: FollowUp, alert: Alert) -> str | None:
    """Return why the alert goes beyond the follow-up's starting state, or None if it does not."""
    if follow_up.alert_id != alert.pk:
        return gettext("出现新的预警（%(level)s）。") % {"level": AlertLevel(alert.level).label}
    if follow_up.alert_level and (
        LEVEL_ORDER[AlertLevel(alert.level)] > LEVEL_ORDER[AlertLevel(follow_up.alert_level)]
    ):
        return gettext("预警级别从“%(before)s”升为“%(after)s”。") % {
            "before": AlertLevel(follow_up.alert_level).label,
            "after": AlertLevel(alert.level).label,
        }
    added = sorted(set(alert.indicators) - set(follow_up.alert_indicators))
    if added:
        labels = "、".join(str(indicator_label(code)) for code in added)
        return gettext("新命中指标：%(indicators)s。") % {"indicators": labels}
    return None


def cases_reopen_on_recurrence(*, alerts: Iterable[Alert]) -> list[Case]:
    """Move cases under follow-up back to 处理中 when their employee's alert recurred.

    Call inside the scan's transaction with the alerts it created or updated.
    The CaseEvent has no actor because the scan, not a person, acted.
    """
    by_employee = {alert.employee_id: alert for alert in alerts}
    if not by_employee:
        return []
    # Cases under follow-up are few and a scan's alerts can be thousands, so read
    # all the follow-ups instead of filtering by an IN list of every employee.
    follow_ups = FollowUp.objects.filter(
        ended_at__isnull=True, case__state=CaseState.FOLLOWING_UP
    ).select_related("case", "case__employee", "case__assignee")

    reopened = []
    for follow_up in follow_ups:
        alert = by_employee.get(follow_up.case.employee_id)
        if alert is None:
            continue
        reason = recurrence_reason(follow_up, alert)
        if reason is not None:
            reopened.append(_case_reopen(follow_up=follow_up, alert=alert, reason=reason))
    return reopened


def _case_reopen(*, follow_up: FollowUp, alert: Alert, reason: str) -> Case:
    case = Case.objects.select_for_update().get(pk=follow_up.case_id)
    before = {"state": case.state, "alert_id": case.alert_id}
    case.state = CaseState.IN_PROGRESS
    # Link the case to the recurring alert, so closing the case closes that alert.
    case.alert = alert
    case.save(update_fields=["state", "alert", "updated_at"])
    follow_up_end(case=case)
    event_add(
        case=case,
        actor=None,
        kind=CaseEvent.Kind.RECURRED,
        before=before,
        after={
            "state": case.state,
            "alert_id": alert.pk,
            "level": alert.level,
            "indicators": list(alert.indicators),
        },
        note=reason,
    )
    _notify_reopened(case)

    logger.info(
        "case %s reopened by alert %s during follow-up",
        case.pk,
        alert.pk,
        extra={"case_id": case.pk, "alert_id": alert.pk},
    )
    return case


def _notify_reopened(case: Case) -> None:
    # Imported here because notify imports the cases models and selectors.
    from hrguard.notify.services import case_reopened_notify

    case_reopened_notify(case=case)
