"""Writes for harassment incidents: intake, linking the debtor HR identified, and the letter.

Audit entries carry ids, employee numbers and flags only: never the caller's
number, the claimed debtor's name or the threats, which are case content.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.cases.events import event_add
from hrguard.cases.guarantee.services import company_name
from hrguard.cases.harassment.letter import LetterFacts, LetterIncident, letter_render
from hrguard.cases.harassment.models import Channel, HarassmentIncident, ThreatFlag
from hrguard.cases.harassment.selectors import (
    INCIDENT_TARGET,
    employees_find_by_phone,
    harassment_access_check,
    harassment_permission_check,
    incidents_for_letter,
)
from hrguard.cases.models import CaseEvent
from hrguard.cases.selectors import case_open_for_employee, require_case_access
from hrguard.core.errors import ValidationFailed
from hrguard.core.fields import phone_blind_index
from hrguard.people.models import Employee
from hrguard.privacy.audit import audit_record

logger = logging.getLogger(__name__)


def phone_lookup(*, user: Any, phone: str) -> Employee | None:
    """Return the colleague in the user's scope with this phone number and audit the look-up.

    Returns None when nobody matches. Raises ValidationFailed when the number
    is not one, or when several employee records share it.
    """
    matches = employees_find_by_phone(user=user, phone=phone)
    with transaction.atomic():
        audit_record(
            actor=user,
            action="harassment.phone_lookup",
            target_type="employee",
            target_id=",".join(str(employee.pk) for employee in matches),
            after={"matches": len(matches)},
        )
    if len(matches) > 1:
        raise ValidationFailed(
            gettext("该手机号对应多名员工（工号 %(numbers)s），请先核对人事数据。"),
            numbers="、".join(employee.employee_no for employee in matches),
        )
    return matches[0] if matches else None


def incident_record(
    *,
    user: Any,
    colleague: Employee,
    caller_number: str,
    platform: str,
    occurred_at: datetime.datetime,
    channel: str,
    claimed_debtor: str = "",
    threat_flags: list[str] | None = None,
    threats: str = "",
    evidence_notes: str = "",
) -> HarassmentIncident:
    """Record a debt collector's call, message or visit to a colleague."""
    harassment_access_check(user=user, employee=colleague)
    caller_number = caller_number.strip()
    platform = platform.strip()
    flags = list(threat_flags or [])
    _check_caller_number(caller_number)
    if not platform:
        raise ValidationFailed(gettext("请填写对方自称的平台或出借方；不清楚时填写“未说明”。"))
    if channel not in Channel.values:
        raise ValidationFailed(
            gettext("联系方式“%(channel)s”无效，请从列表中选择。"), channel=channel
        )
    unknown = [flag for flag in flags if flag not in ThreatFlag.values]
    if unknown:
        raise ValidationFailed(gettext("威胁类型“%(flag)s”无效，请从列表中选择。"), flag=unknown[0])
    if occurred_at > timezone.now():
        raise ValidationFailed(
            gettext("发生时间 %(at)s 晚于现在，请检查。"),
            at=timezone.localtime(occurred_at).strftime("%Y-%m-%d %H:%M"),
        )

    with transaction.atomic():
        incident = HarassmentIncident.objects.create(
            colleague=colleague,
            caller_number=caller_number,
            platform=platform,
            occurred_at=occurred_at,
            channel=channel,
            claimed_debtor=claimed_debtor.strip(),
            threat_flags=[flag for flag in ThreatFlag.values if flag in flags],
            threats=threats.strip(),
            evidence_notes=evidence_notes.strip(),
            recorded_by=user,
        )
        audit_record(
            actor=user,
            action="harassment.incident_record",
            target_type=INCIDENT_TARGET,
            target_id=str(incident.pk),
            after={
                "employee_no": colleague.employee_no,
                "channel": channel,
                "threat_flags": incident.threat_flags,
            },
        )

    logger.info(
        "harassment incident %s recorded for employee %s",
        incident.pk,
        colleague.employee_no,
        extra={"incident_id": incident.pk, "employee_no": colleague.employee_no},
    )
    return incident


def _check_caller_number(caller_number: str) -> None:
    try:
        phone_blind_index(caller_number)
    except ValueError:
        raise ValidationFailed(
            gettext("来电号码“%(number)s”不是电话号码，请照来电显示填写，例如 0755-2345 6789。"),
            number=caller_number,
        ) from None


def incident_view(*, incident: HarassmentIncident, user: Any) -> None:
    """Record that the user read an incident's decrypted details."""
    harassment_access_check(user=user, employee=incident.colleague)
    with transaction.atomic():
        audit_record(
            actor=user,
            action="harassment.incident_view",
            target_type=INCIDENT_TARGET,
            target_id=str(incident.pk),
        )


def summary_view(*, user: Any, incidents: int) -> None:
    """Record that the user read the counts by platform and masked caller number."""
    harassment_permission_check(user=user)
    with transaction.atomic():
        audit_record(
            actor=user,
            action="harassment.summary_view",
            target_type=INCIDENT_TARGET,
            target_id="",
            after={"incidents": incidents},
        )


def incident_debtor_link(
    *, incident: HarassmentIncident, user: Any, debtor: Employee
) -> HarassmentIncident:
    """Link the employee HR identified as the claimed debtor, and their open case if any.

    Needs case handling for the debtor, because the link feeds the debtor's
    risk scan (indicator collector_contact) and case history.
    """
    harassment_access_check(user=user, employee=incident.colleague)
    require_case_access(user, debtor)
    if debtor.pk == incident.colleague_id:
        raise ValidationFailed(
            gettext("被骚扰的员工不能同时是借款人；如催收对象就是本人，请按个案处理。")
        )

    with transaction.atomic():
        incident = HarassmentIncident.objects.select_for_update().get(pk=incident.pk)
        before = _debtor_state(incident)
        case = case_open_for_employee(employee=debtor)
        incident.debtor = debtor
        incident.debtor_case = case
        incident.debtor_linked_by = user
        incident.debtor_linked_at = timezone.now()
        incident.save(
            update_fields=["debtor", "debtor_case", "debtor_linked_by", "debtor_linked_at"]
        )
        audit_record(
            actor=user,
            action="harassment.debtor_link",
            target_type=INCIDENT_TARGET,
            target_id=str(incident.pk),
            before=before,
            after=_debtor_state(incident),
        )
        if case is not None:
            event_add(
                case=case,
                actor=user,
                kind=CaseEvent.Kind.NOTE_ADDED,
                after={"harassment_incident": incident.pk},
                note=gettext("催收骚扰事件 #%(incident_id)s 经人事确认指向本员工。")
                % {"incident_id": incident.pk},
            )
    return incident


def incident_debtor_unlink(*, incident: HarassmentIncident, user: Any) -> HarassmentIncident:
    """Remove a debtor link made in error; the audit log keeps the earlier link."""
    harassment_access_check(user=user, employee=incident.colleague)
    if incident.debtor is not None:
        require_case_access(user, incident.debtor)

    with transaction.atomic():
        incident = HarassmentIncident.objects.select_for_update().get(pk=incident.pk)
        before = _debtor_state(incident)
        incident.debtor = None
        incident.debtor_case = None
        incident.debtor_linked_by = None
        incident.debtor_linked_at = None
        incident.save(
            update_fields=["debtor", "debtor_case", "debtor_linked_by", "debtor_linked_at"]
        )
        audit_record(
            actor=user,
            action="harassment.debtor_unlink",
            target_type=INCIDENT_TARGET,
            target_id=str(incident.pk),
            before=before,
            after=_debtor_state(incident),
        )
    return incident


def _debtor_state(incident: HarassmentIncident) -> dict[str, Any]:
    return {
        "debtor_employee_no": incident.debtor.employee_no if incident.debtor else None,
        "case_id": incident.debtor_case_id,
    }


def stop_letter_generate(*, incident: HarassmentIncident, user: Any) -> bytes:
    """Return the stop-contact letter (停止骚扰告知函) to the incident's platform as .docx.

    The letter lists every incident of the same colleague that names the same
    platform, and says nothing about whether the claimed debtor works here.
    """
    harassment_access_check(user=user, employee=incident.colleague)
    incidents = incidents_for_letter(incident=incident)
    channel_labels = dict(Channel.choices)
    facts = LetterFacts(
        company=company_name(),
        platform=incident.platform,
        claimed_debtor=incident.claimed_debtor,
        incidents=[
            LetterIncident(
                occurred_at=timezone.localtime(item.occurred_at),
                channel_label=str(channel_labels[item.channel]),
                caller_number=item.caller_number,
                threat_labels=item.threat_labels,
            )
            for item in incidents
        ],
        handled_by=user.get_username(),
        issued_on=timezone.localdate(),
    )
    content = letter_render(facts)

    with transaction.atomic():
        audit_record(
            actor=user,
            action="harassment.stop_letter",
            target_type=INCIDENT_TARGET,
            target_id=str(incident.pk),
            after={"incidents": len(incidents)},
        )
    logger.info(
        "stop-contact letter generated for harassment incident %s",
        incident.pk,
        extra={"incident_id": incident.pk, "incidents": len(incidents)},
    )
    return content
