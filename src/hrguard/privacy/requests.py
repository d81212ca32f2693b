"""Rights requests (PIPL Art. 44–48) as tracked tickets, and the employee's own data.

An employee submits a request in self-service; the personal-information
protection officer answers it on /privacy/requests/ before its deadline,
always with reasons. A completed deletion of a sensitive category schedules
its purge; a completed copy request lets the employee download their data as
JSON or CSV. Every step is audited.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import logging
import zipfile
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.attendance.models import LeaveRecord
from hrguard.chat.models import ChatFlag
from hrguard.chat.services import FLAG_TEXT_PURPOSE
from hrguard.core.crypto import decrypt_text
from hrguard.core.errors import NotFound, PermissionDenied, ValidationFailed
from hrguard.ingest.values import escape_formula
from hrguard.payments.models import PaymentTransaction
from hrguard.payroll.models import PayrollRecord, Reimbursement
from hrguard.people.models import Employee
from hrguard.privacy.audit import audit_record
from hrguard.privacy.consents import self_service_employee
from hrguard.privacy.models import (
    Consent,
    DataCategory,
    DataSubjectRequest,
    PurgeJob,
    PurgeReason,
    RequestKind,
    RequestStatus,
)
from hrguard.privacy.roles import Action, can
from hrguard.risk.explain import indicator_label
from hrguard.risk.models import Alert

logger = logging.getLogger(__name__)

# PIPL asks only for a "timely" answer; 15 working days is the default period.
DEFAULT_ANSWER_WORKING_DAYS = 15


def working_days_after(start: datetime.date, days: int) -> datetime.date:
    """Return the date `days` working days after `start`, skipping Saturdays and Sundays.

    NOTE: public holidays and their make-up working days are not in the count.
    """
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day


def answer_deadline(submitted_on: datetime.date) -> datetime.date:
    """Return the answer deadline; HRGUARD_SUBJECT_REQUEST_WORKING_DAYS overrides the period."""
    days = getattr(settings, "HRGUARD_SUBJECT_REQUEST_WORKING_DAYS", DEFAULT_ANSWER_WORKING_DAYS)
    return working_days_after(submitted_on, int(days))


def request_submit(
    *,
    user: User,
    kind: str,
    details: str = "",
    category: str = "",
    alert_id: int | None = None,
    now: datetime.datetime | None = None,
) -> DataSubjectRequest:
    """Open a ticket for the employee behind `user`; the deadline counts from today."""
    employee = self_service_employee(user)
    if kind not in RequestKind.values:
        raise ValidationFailed(gettext("请选择请求类型。"), code="request_kind")
    if category and category not in DataCategory.values:
        raise ValidationFailed(
            gettext("未知的数据类别 %(value)s。"), code="unknown_category", value=category
        )
    details = details.strip()
    if kind in (RequestKind.CORRECTION, RequestKind.DELETION) and not details and not category:
        raise ValidationFailed(
            gettext("请说明需要更正或删除的数据。"), code="request_details_required"
        )
    alert = None
    if alert_id is not None:
        alert = Alert.objects.filter(pk=alert_id, employee=employee).first()
        if alert is None:
            raise NotFound(gettext("没有找到与您有关的这条预警。"))

    now = now or timezone.now()
    with transaction.atomic():
        ticket = DataSubjectRequest.objects.create(
            employee=employee,
            requested_by=user,
            kind=kind,
            category=category,
            alert=alert,
            details=details,
            submitted_at=now,
            deadline=answer_deadline(timezone.localdate(now)),
        )
        audit_record(
            actor=user,
            action="subject_request.submit",
            target_type="subject_request",
            target_id=str(ticket.pk),
            after={"kind": kind, "employee_no": employee.employee_no, "deadline": ticket.deadline},
        )
    logger.info("subject request %s (%s) submitted", ticket.pk, kind)
    return ticket


def requests_for_officer(*, user: User | AnonymousUser) -> QuerySet[DataSubjectRequest]:
    """Return every request, open ones first by deadline; needs HANDLE_SUBJECT_REQUESTS."""
    _require_handler(user)
    return DataSubjectRequest.objects.select_related("employee").order_by(
        "status", "deadline", "pk"
    )


def request_get_for_officer(*, user: User | AnonymousUser, request_id: int) -> DataSubjectRequest:
    _require_handler(user)
    ticket = DataSubjectRequest.objects.select_related("employee", "alert").filter(pk=request_id)
    found = ticket.first()
    if found is None:
        raise NotFound(gettext("请求 %(id)s 不存在。"), id=request_id)
    return found


def requests_for_employee(*, user: User) -> QuerySet[DataSubjectRequest]:
    employee = self_service_employee(user)
    return DataSubjectRequest.objects.filter(employee=employee).order_by("-submitted_at")


def request_answer(
    *,
    actor: User,
    request_id: int,
    status: str,
    answer: str,
    now: datetime.datetime | None = None,
) -> DataSubjectRequest:
    """Complete or refuse a request with a written answer; refusals must give their reasons.

    Completing a deletion of a sensitive category schedules the purge of that
    category's data for the next retention run.
    """
    _require_handler(actor)
    if status not in (RequestStatus.COMPLETED, RequestStatus.REFUSED):
        raise ValidationFailed(gettext("请选择办结或拒绝。"), code="request_status")
    answer = answer.strip()
    if not answer:
        message = (
            gettext("拒绝请求时必须说明理由。")
            if status == RequestStatus.REFUSED
            else gettext("请填写答复内容。")
        )
        raise ValidationFailed(message, code="answer_required")

    now = now or timezone.now()
    with transaction.atomic():
        ticket = DataSubjectRequest.objects.select_for_update().filter(pk=request_id).first()
        if ticket is None:
            raise NotFound(gettext("请求 %(id)s 不存在。"), id=request_id)
        if ticket.status != RequestStatus.OPEN:
            raise ValidationFailed(
                gettext("请求 %(id)s 已经答复，不能再次答复。"), code="request_closed", id=ticket.pk
            )
        ticket.status = status
        ticket.answer = answer
        ticket.answered_by = actor
        ticket.answered_at = now
        ticket.save(update_fields=["status", "answer", "answered_by", "answered_at"])

        purge_job = None
        if (
            status == RequestStatus.COMPLETED
            and ticket.kind == RequestKind.DELETION
            and ticket.category
        ):
            purge_job = PurgeJob.objects.create(
                employee_id=ticket.employee_id,
                category=ticket.category,
                reason=PurgeReason.DELETION_REQUEST,
                request=ticket,
                scheduled_for=timezone.localdate(now),
            )
        audit_record(
            actor=actor,
            action="subject_request.answer",
            target_type="subject_request",
            target_id=str(ticket.pk),
            before={"status": RequestStatus.OPEN.value},
            after={
                "status": status,
                "late": timezone.localdate(now) > ticket.deadline,
                "purge_job": purge_job.pk if purge_job else None,
            },
        )
    logger.info("subject request %s answered: %s", ticket.pk, status)
    return ticket


def explanation_draft(ticket: DataSubjectRequest) -> str:
    """Return a starting text for an explanation answer: each alert's level and indicators.

    It names the indicators and rule-set versions only, so the officer, who
    sees no case content, can answer without opening the alert itself.
    """
    alerts = (
        [ticket.alert] if ticket.alert else list(Alert.objects.filter(employee=ticket.employee))
    )
    if not alerts:
        return gettext("系统中没有与您有关的风险预警。")
    lines = [
        gettext(
            "系统根据规则对数据进行计算，只提出参考性的预警；是否采取任何措施由人作出决定，"
            "系统不会自动作出对您有影响的决定。"
        )
    ]
    for alert in alerts:
        indicators = "、".join(indicator_label(code) for code in alert.indicators) or "-"
        lines.append(
            gettext(
                "%(day)s 的预警（级别：%(level)s，规则集 %(version)s）依据的指标：%(indicators)s。"
            )
            % {
                "day": timezone.localtime(alert.created_at).date().isoformat(),
                "level": alert.get_level_display(),
                "version": alert.rule_set.version,
                "indicators": indicators,
            }
        )
    return "\n".join(lines)


def subject_data_counts(*, employee: Employee) -> list[tuple[str, int]]:
    """Return (category label, rows held) for every category of the employee's data."""
    return [
        (gettext("员工档案"), 1),
        (gettext("工资"), PayrollRecord.objects.filter(employee=employee).count()),
        (gettext("考勤请假"), LeaveRecord.objects.filter(employee=employee).count()),
        (gettext("报销"), Reimbursement.objects.filter(employee=employee).count()),
        (gettext("支付记录"), PaymentTransaction.objects.filter(employee=employee).count()),
        (gettext("聊天记录中的借钱请求"), ChatFlag.objects.filter(employee=employee).count()),
        (gettext("个人信息授权"), Consent.objects.filter(employee=employee).count()),
        (gettext("风险预警"), Alert.objects.filter(employee=employee).count()),
        (gettext("权利请求"), DataSubjectRequest.objects.filter(employee=employee).count()),
        *_case_records_counts(employee),
    ]


def _case_records_counts(employee: Employee) -> list[tuple[str, int]]:
    """Count what case handling recorded about the employee as a harassed or named colleague."""
    from hrguard.cases.guarantee.models import GuaranteeDispute, SignedDocument
    from hrguard.cases.harassment.models import HarassmentIncident

    return [
        (gettext("被催收骚扰记录"), HarassmentIncident.objects.filter(colleague=employee).count()),
        (gettext("担保纠纷记录"), GuaranteeDispute.objects.filter(colleague=employee).count()),
        (gettext("本人签署的文件"), SignedDocument.objects.filter(employee=employee).count()),
    ]


def _case_records(employee: Employee) -> dict[str, list[Any]]:
    """Return what case handling recorded about the employee as a harassed or named colleague.

    The caller's phone number and the claimed debtor belong to other people, so
    an incident is given by platform, time and channel only.
    """
    from hrguard.cases.guarantee.models import GuaranteeDispute, SignedDocument
    from hrguard.cases.harassment.models import HarassmentIncident

    incidents = HarassmentIncident.objects.filter(colleague=employee)
    disputes = GuaranteeDispute.objects.filter(colleague=employee)
    documents = SignedDocument.objects.filter(employee=employee)
    return {
        "harassment_incidents": list(incidents.values("platform", "occurred_at", "channel")),
        "guarantee_disputes": list(disputes.values("lender", "reported_on", "status")),
        "signed_documents": list(documents.values("title", "kind", "signed_on")),
    }


def subject_data(*, employee: Employee) -> dict[str, list[Any]]:
    """Return the employee's own data, one list of rows per category, as plain values."""
    return {
        "employee": [
            {
                "employee_no": employee.employee_no,
                "name": employee.name,
                "department": employee.department.name,
                "position": employee.position,
                "hire_date": employee.hire_date,
                "status": employee.status,
                "phone": employee.phone,
            }
        ],
        "payroll": list(
            PayrollRecord.objects.filter(employee=employee).values("month", "gross_pay", "net_pay")
        ),
        "leave": list(
            LeaveRecord.objects.filter(employee=employee).values("date", "leave_type", "days")
        ),
        "reimbursements": list(
            Reimbursement.objects.filter(employee=employee).values(
                "date", "amount", "category", "description"
            )
        ),
        "payments": list(
            PaymentTransaction.objects.filter(employee=employee).values(
                "source",
                "occurred_at",
                "category",
                "counterparty",
                "description",
                "direction",
                "amount",
                "method",
                "status",
                "order_no",
            )
        ),
        # Only the employee's own flagged messages: the stored context holds colleagues' messages.
        "chat_flags": [
            {
                "sent_at": flag.sent_at,
                "recipient_nos": flag.recipient_nos,
                "amount": flag.amount,
                "urgent": flag.urgent,
                "text": decrypt_text(flag.text, purpose=FLAG_TEXT_PURPOSE),
            }
            for flag in ChatFlag.objects.filter(employee=employee)
        ],
        "consents": list(
            Consent.objects.filter(employee=employee).values(
                "category", "granted_on", "granted_at", "channel", "withdrawn_on", "withdrawn_at"
            )
        ),
        "alerts": list(
            Alert.objects.filter(employee=employee).values(
                "level", "status", "indicators", "created_at", "updated_at"
            )
        ),
        "requests": list(
            DataSubjectRequest.objects.filter(employee=employee).values(
                "kind", "status", "submitted_at", "deadline", "answer", "answered_at"
            )
        ),
        **_case_records(employee),
    }


def subject_data_export(*, user: User, request_id: int, data_format: str) -> tuple[str, bytes]:
    """Return (file name, content) of the employee's data for a completed copy request.

    `data_format` is "json" (one document) or "csv" (a zip with one CSV per category).
    """
    employee = self_service_employee(user)
    ticket = DataSubjectRequest.objects.filter(
        pk=request_id, employee=employee, kind=RequestKind.COPY
    ).first()
    if ticket is None:
        raise NotFound(gettext("请求 %(id)s 不存在。"), id=request_id)
    if ticket.status != RequestStatus.COMPLETED:
        raise ValidationFailed(
            gettext("复制请求办结后才能下载数据副本。"), code="request_not_completed"
        )
    if data_format not in ("json", "csv"):
        raise ValidationFailed(gettext("只能导出 JSON 或 CSV。"), code="export_format")

    data = subject_data(employee=employee)
    stem = f"hrguard-{employee.employee_no}-{timezone.localdate().isoformat()}"
    if data_format == "json":
        name = f"{stem}.json"
        content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
    else:
        name = f"{stem}.zip"
        content = _csv_zip(data)

    with transaction.atomic():
        audit_record(
            actor=user,
            action="subject_request.export",
            target_type="subject_request",
            target_id=str(ticket.pk),
            after={"format": data_format, "employee_no": employee.employee_no},
        )
    return name, content


def _csv_zip(data: dict[str, list[Any]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for category, rows in data.items():
            text = io.StringIO()
            if rows:
                writer = csv.DictWriter(text, fieldnames=list(rows[0]))
                writer.writeheader()
                for row in rows:
                    writer.writerow({key: _csv_value(value) for key, value in row.items()})
            # Excel opens UTF-8 CSV correctly only with a byte-order mark.
            archive.writestr(f"{category}.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    # Names and descriptions come from imported files and may start with "=", "+",
    # "-" or "@", which Excel would run as a formula.
    return escape_formula(str(value))


def _require_handler(user: User | AnonymousUser) -> None:
    if not can(user, Action.HANDLE_SUBJECT_REQUESTS):
        raise PermissionDenied(gettext("您没有处理个人信息权利请求的权限。"))
