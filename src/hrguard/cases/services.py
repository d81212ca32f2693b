"""Writes for triage, cases and intervention plans.

Each service checks the user's permission, changes the rows and appends the
CaseEvent in one transaction. The system only records what a person chose:
no service here contacts the employee, a family member or a lender.
"""

import datetime
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.cases.events import event_add
from hrguard.cases.follow_up import follow_up_end, follow_up_start
from hrguard.cases.models import (
    AlertDismissal,
    Case,
    CaseEvent,
    DismissalReason,
    FamilyContactConsent,
    InterventionKind,
    InterventionStep,
    LegalAidProvider,
    PlaybookEntry,
)
from hrguard.cases.selectors import (
    LEGAL_AID_MAX_AGE_DAYS,
    case_open_for_employee,
    family_contact_consent_in_force,
    require_case_access,
    user_can_handle,
)
from hrguard.cases.states import NOTE_REQUIRED, CaseState, is_allowed, is_reopen
from hrguard.cases.validators import validate_no_debt_discipline
from hrguard.core.errors import HrguardError, PermissionDenied, ValidationFailed
from hrguard.people.models import Employee
from hrguard.privacy.audit import audit_record
from hrguard.privacy.roles import Action, can
from hrguard.risk.models import Alert

logger = logging.getLogger(__name__)


class CaseConflict(HrguardError):
    code = "case_conflict"


def _raise_open_case_exists(employee: Employee, existing: Case) -> None:
    raise CaseConflict(
        gettext("%(pseudonym)s 已有未结案件 #%(case_id)s，请在该案件中处理。"),
        pseudonym=employee.pseudonym,
        case_id=existing.pk,
    )


def alert_dismiss(*, alert: Alert, user: Any, reason_code: str, note: str = "") -> AlertDismissal:
    """Dismiss an open alert with a fixed reason code, recording who and when."""
    require_case_access(user, alert.employee)
    if reason_code not in DismissalReason.values:
        raise ValidationFailed(
            gettext("排除原因“%(reason)s”无效，请从列表中选择。"), reason=reason_code
        )
    note = note.strip()
    if reason_code == DismissalReason.OTHER and not note:
        raise ValidationFailed(gettext("排除原因选择“其他”时，请填写说明。"))
    validate_no_debt_discipline(note)

    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status != Alert.Status.OPEN:
            raise ValidationFailed(
                gettext("预警 %(alert_id)s 不是待处理状态，不能排除。"), alert_id=alert.pk
            )
        if alert.cases.exists():
            raise ValidationFailed(
                gettext("预警 %(alert_id)s 已经立案，请在案件中结案，而不是排除预警。"),
                alert_id=alert.pk,
            )
        dismissal = AlertDismissal.objects.create(
            alert=alert,
            reason_code=reason_code,
            note=note,
            indicators=list(alert.indicators),
            dismissed_by=user,
        )
        alert.status = Alert.Status.DISMISSED
        alert.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=user,
            action="alert.dismiss",
            target_type="alert",
            target_id=str(alert.pk),
            before={"status": Alert.Status.OPEN},
            after={"status": alert.status, "reason_code": reason_code},
        )

    logger.info(
        "alert %s dismissed as %s by user %s",
        alert.pk,
        reason_code,
        user.pk,
        extra={"alert_id": alert.pk, "reason_code": reason_code, "user_id": user.pk},
    )
    return dismissal


def case_open_from_alert(
    *,
    alert: Alert,
    user: Any,
    assignee: Any | None = None,
    due_date: datetime.date | None = None,
) -> Case:
    """Open a case for the alert's employee; the alert stays open and linked to it."""
    require_case_access(user, alert.employee)
    if assignee is not None:
        _check_handler(assignee, alert.employee)
    _check_not_past(due_date, timezone.localdate())

    with transaction.atomic():
        alert = Alert.objects.select_for_update().select_related("employee").get(pk=alert.pk)
        if alert.status != Alert.Status.OPEN:
            raise ValidationFailed(
                gettext("预警 %(alert_id)s 不是待处理状态，不能立案。"), alert_id=alert.pk
            )
        existing = case_open_for_employee(employee=alert.employee)
        if existing is not None:
            _raise_open_case_exists(alert.employee, existing)

        try:
            # The savepoint keeps the outer transaction usable on PostgreSQL when
            # a concurrent request opened a case between the check and the insert.
            with transaction.atomic():
                case = Case.objects.create(
                    employee=alert.employee,
                    alert=alert,
                    assignee=assignee,
                    due_date=due_date,
                    opened_by=user,
                )
        except IntegrityError:
            existing = case_open_for_employee(employee=alert.employee)
            if existing is None:
                raise
            _raise_open_case_exists(alert.employee, existing)

        event_add(
            case=case,
            actor=user,
            kind=CaseEvent.Kind.OPENED,
            after={
                "state": case.state,
                "alert_id": alert.pk,
                "level": alert.level,
                "indicators": list(alert.indicators),
                "assignee_id": assignee.pk if assignee else None,
                "due_date": due_date.isoformat() if due_date else None,
            },
        )
        if assignee is not None:
            _notify_assignee(case)

    logger.info(
        "case %s opened from alert %s",
        case.pk,
        alert.pk,
        extra={"case_id": case.pk, "alert_id": alert.pk},
    )
    return case


def case_transition(
    *, case: Case, user: Any, to_state: str, note: str = "", today: datetime.date | None = None
) -> Case:
    """Move a case to another state if the transition table allows it.

    Entering 跟踪中 needs the employee's follow-up consent and creates the
    checkpoints from `today`; leaving it cancels the checkpoints still pending.
    """
    require_case_access(user, case.employee)
    note = note.strip()
    validate_no_debt_discipline(note)

    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        from_state = case.state
        if to_state not in CaseState.values:
            raise ValidationFailed(gettext("案件状态“%(state)s”无效。"), state=to_state)
        if not is_allowed(from_state, to_state):
            raise ValidationFailed(
                gettext("案件不能从“%(from_state)s”改为“%(to_state)s”。"),
                code="transition_not_allowed",
                from_state=CaseState(from_state).label,
                to_state=CaseState(to_state).label,
            )
        if (from_state, to_state) in NOTE_REQUIRED and not note:
            raise ValidationFailed(
                gettext("案件从“%(from_state)s”改为“%(to_state)s”时须填写说明。"),
                from_state=CaseState(from_state).label,
                to_state=CaseState(to_state).label,
            )
        if is_reopen(from_state, to_state):
            existing = case_open_for_employee(employee=case.employee)
            if existing is not None:
                _raise_open_case_exists(case.employee, existing)

        case.state = to_state
        case.closed_at = timezone.now() if to_state == CaseState.CLOSED else None
        case.save(update_fields=["state", "closed_at", "updated_at"])
        if from_state == CaseState.FOLLOWING_UP:
            follow_up_end(case=case)
        if to_state == CaseState.FOLLOWING_UP:
            follow_up_start(case=case, user=user, today=today or timezone.localdate())
        if to_state == CaseState.CLOSED:
            _close_source_alert(case)
        event_add(
            case=case,
            actor=user,
            kind=CaseEvent.Kind.REOPENED
            if is_reopen(from_state, to_state)
            else CaseEvent.Kind.STATE_CHANGED,
            before={"state": from_state},
            after={"state": to_state},
            note=note,
        )

    logger.info(
        "case %s moved from %s to %s",
        case.pk,
        from_state,
        to_state,
        extra={"case_id": case.pk, "from_state": from_state, "to_state": to_state},
    )
    return case


def _close_source_alert(case: Case) -> None:
    """Close the alert a case came from, so the next scan raises a fresh one if needed."""
    if case.alert_id is None:
        return
    Alert.objects.filter(pk=case.alert_id, status=Alert.Status.OPEN).update(
        status=Alert.Status.CLOSED, updated_at=timezone.now()
    )


def case_assign(*, case: Case, user: Any, assignee: Any, note: str = "") -> Case:
    require_case_access(user, case.employee)
    note = note.strip()
    validate_no_debt_discipline(note)
    _check_handler(assignee, case.employee)

    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _require_open(case)
        before = {"assignee_id": case.assignee_id}
        case.assignee = assignee
        case.save(update_fields=["assignee", "updated_at"])
        event_add(
            case=case,
            actor=user,
            kind=CaseEvent.Kind.ASSIGNED,
            before=before,
            after={"assignee_id": assignee.pk},
            note=note,
        )
        _notify_assignee(case)
    return case


def case_set_due_date(
    *,
    case: Case,
    user: Any,
    due_date: datetime.date | None,
    note: str = "",
    today: datetime.date | None = None,
) -> Case:
    """Set or clear (None) the date by which the case should be handled."""
    require_case_access(user, case.employee)
    note = note.strip()
    validate_no_debt_discipline(note)
    _check_not_past(due_date, today or timezone.localdate())

    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _require_open(case)
        before = {"due_date": case.due_date.isoformat() if case.due_date else None}
        case.due_date = due_date
        case.save(update_fields=["due_date", "updated_at"])
        event_add(
            case=case,
            actor=user,
            kind=CaseEvent.Kind.DUE_DATE_SET,
            before=before,
            after={"due_date": due_date.isoformat() if due_date else None},
            note=note,
        )
    return case


def case_note_add(*, case: Case, user: Any, note: str) -> CaseEvent:
    require_case_access(user, case.employee)
    note = note.strip()
    if not note:
        raise ValidationFailed(gettext("备注不能为空。"))
    validate_no_debt_discipline(note)
    with transaction.atomic():
        return event_add(case=case, actor=user, kind=CaseEvent.Kind.NOTE_ADDED, note=note)


def _check_not_past(due_date: datetime.date | None, today: datetime.date) -> None:
    if due_date is not None and due_date < today:
        raise ValidationFailed(
            gettext("期限 %(due_date)s 早于今天，请选择今天或以后的日期。"),
            due_date=due_date.isoformat(),
        )


def _check_handler(handler: Any, employee: Employee) -> None:
    if not user_can_handle(handler, employee):
        raise ValidationFailed(
            gettext(
                "用户 %(username)s 不能处理该员工的个案：账号已停用、没有个案权限，"
                "或员工不在其数据范围内。"
            ),
            username=handler.get_username(),
        )


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationFailed(gettext("案件 #%(case_id)s 已结案，请先重新打开。"), case_id=case.pk)


def _notify_assignee(case: Case) -> None:
    # Imported here because notify reads cases for step reminders.
    from hrguard.notify.services import case_assigned_notify

    case_assigned_notify(case=case)


def family_contact_consent_record(
    *, employee: Employee, user: Any, relation: str, given_on: datetime.date, how_recorded: str
) -> FamilyContactConsent:
    """Record that the employee agreed HR may contact the named family member."""
    require_case_access(user, employee)
    relation = relation.strip()
    how_recorded = how_recorded.strip()
    if not relation:
        raise ValidationFailed(gettext("请填写家属关系，例如“配偶”。"))
    if not how_recorded:
        raise ValidationFailed(gettext("请说明员工以何种方式同意，例如“书面签字”。"))

    with transaction.atomic():
        consent = FamilyContactConsent.objects.create(
            employee=employee,
            relation=relation,
            given_on=given_on,
            how_recorded=how_recorded,
            recorded_by=user,
        )
        audit_record(
            actor=user,
            action="family_contact_consent.record",
            target_type="employee",
            target_id=employee.employee_no,
            after={"consent_id": consent.pk, "given_on": given_on.isoformat()},
        )
    logger.info(
        "family contact consent %s recorded for employee %s",
        consent.pk,
        employee.employee_no,
        extra={"employee_no": employee.employee_no},
    )
    return consent


def family_contact_consent_withdraw(
    *, consent: FamilyContactConsent, user: Any, withdrawn_on: datetime.date
) -> FamilyContactConsent:
    """Record the withdrawal; planned family-contact steps relying on it are cancelled."""
    require_case_access(user, consent.employee)
    with transaction.atomic():
        consent.withdrawn_on = withdrawn_on
        consent.save(update_fields=["withdrawn_on"])
        audit_record(
            actor=user,
            action="family_contact_consent.withdraw",
            target_type="employee",
            target_id=consent.employee.employee_no,
            after={"consent_id": consent.pk, "withdrawn_on": withdrawn_on.isoformat()},
        )
        planned = InterventionStep.objects.select_related("case").filter(
            family_contact_consent=consent, status=InterventionStep.Status.PLANNED
        )
        for step in planned:
            _step_result_set(
                step=step,
                user=user,
                status=InterventionStep.Status.CANCELLED,
                result=gettext("员工已撤回联系家属的同意。"),
            )
    return consent


def plan_step_add(
    *,
    case: Case,
    user: Any,
    kind: str,
    owner: Any,
    due_date: datetime.date,
    note: str = "",
    legal_aid_provider: LegalAidProvider | None = None,
    today: datetime.date | None = None,
) -> InterventionStep:
    """Add the step a person chose to the case's intervention plan."""
    require_case_access(user, case.employee)
    _check_handler(owner, case.employee)
    today = today or timezone.localdate()
    note = note.strip()
    if kind not in InterventionKind.values:
        raise ValidationFailed(gettext("干预方式“%(kind)s”无效。"), kind=kind)
    validate_no_debt_discipline(note)
    _check_not_past(due_date, today)

    consent = None
    if kind == InterventionKind.FAMILY_CONTACT:
        # Contacting family without the employee's consent discloses their
        # personal information to a third party (PIPL art. 23, Civil Code art. 1038).
        consent = family_contact_consent_in_force(employee=case.employee, day=today)
        if consent is None:
            raise ValidationFailed(
                gettext("员工没有同意联系家属，不能添加“联系家属”步骤。请先记录员工的书面同意。"),
                code="family_contact_without_consent",
            )
    if kind == InterventionKind.LEGAL_AID:
        _check_legal_aid_provider(legal_aid_provider, today)
    else:
        legal_aid_provider = None

    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _require_open(case)
        step = InterventionStep.objects.create(
            case=case,
            kind=kind,
            owner=owner,
            due_date=due_date,
            note=note,
            legal_aid_provider=legal_aid_provider,
            family_contact_consent=consent,
            created_by=user,
        )
        event_add(
            case=case,
            actor=user,
            kind=CaseEvent.Kind.STEP_ADDED,
            after={
                "step_id": step.pk,
                "kind": kind,
                "owner_id": owner.pk,
                "due_date": due_date.isoformat(),
                "legal_aid_provider_id": legal_aid_provider.pk if legal_aid_provider else None,
                "family_contact_consent_id": consent.pk if consent else None,
            },
            note=note,
        )
    return step


def _check_legal_aid_provider(provider: LegalAidProvider | None, today: datetime.date) -> None:
    if provider is None:
        raise ValidationFailed(gettext("法律援助转介须从法律援助机构名录中选择一家机构。"))
    if not provider.active:
        raise ValidationFailed(gettext("法律援助机构“%(name)s”已停用。"), name=provider.name)
    age = (today - provider.last_verified_on).days
    if age > LEGAL_AID_MAX_AGE_DAYS:
        raise ValidationFailed(
            gettext("法律援助机构“%(name)s”的信息已有 %(days)s 天未核实，请先核实联系方式。"),
            name=provider.name,
            days=age,
        )


def plan_step_record_result(
    *, step: InterventionStep, user: Any, status: str, result: str
) -> InterventionStep:
    """Record what came of a planned step: done, declined by the employee or cancelled."""
    require_case_access(user, step.case.employee)
    result = result.strip()
    if status not in InterventionStep.Status.values or status == InterventionStep.Status.PLANNED:
        raise ValidationFailed(gettext("步骤结果状态“%(status)s”无效。"), status=status)
    if not result:
        raise ValidationFailed(gettext("请填写步骤的结果。"))
    validate_no_debt_discipline(result)

    with transaction.atomic():
        step = InterventionStep.objects.select_for_update().select_related("case").get(pk=step.pk)
        if step.status != InterventionStep.Status.PLANNED:
            raise ValidationFailed(
                gettext("步骤 %(step_id)s 的结果已经记录，不能再次修改。"), step_id=step.pk
            )
        _require_open(step.case)
        _step_result_set(step=step, user=user, status=status, result=result)
    return step


def _step_result_set(*, step: InterventionStep, user: Any, status: str, result: str) -> None:
    before = {"status": step.status}
    step.status = status
    step.result = result
    step.result_recorded_at = timezone.now()
    step.save(update_fields=["status", "result", "result_recorded_at"])
    event_add(
        case=step.case,
        actor=user,
        kind=CaseEvent.Kind.STEP_RESULT,
        before=before,
        after={"step_id": step.pk, "status": status},
        note=result,
    )


def playbook_entry_update(
    *,
    entry: PlaybookEntry,
    user: Any,
    guidance: str,
    record_template: str = "",
    due_in_days: int,
    active: bool = True,
) -> PlaybookEntry:
    """Change the suggestion HR gives for one indicator and intervention kind."""
    if not can(user, Action.APPROVE_INTERVENTIONS):
        raise PermissionDenied(gettext("只有有权批准干预措施的用户可以修改干预预案。"))
    guidance = guidance.strip()
    if not guidance:
        raise ValidationFailed(gettext("操作指引不能为空。"))
    if not 0 <= due_in_days <= 365:
        raise ValidationFailed(
            gettext("建议期限应在 0 到 365 天之间，而不是 %(days)s 天。"), days=due_in_days
        )
    validate_no_debt_discipline(guidance)
    validate_no_debt_discipline(record_template)

    with transaction.atomic():
        before = {"due_in_days": entry.due_in_days, "active": entry.active}
        entry.guidance = guidance
        entry.record_template = record_template.strip()
        entry.due_in_days = due_in_days
        entry.active = active
        entry.save()
        audit_record(
            actor=user,
            action="playbook.update",
            target_type="playbook_entry",
            target_id=str(entry.pk),
            before=before,
            after={"due_in_days": due_in_days, "active": active},
        )
    return entry


def legal_aid_provider_save(
    *,
    user: Any,
    name: str,
    contact: str,
    scope: str,
    last_verified_on: datetime.date,
    region: str = "",
    active: bool = True,
    provider: LegalAidProvider | None = None,
) -> LegalAidProvider:
    """Add a legal-aid provider to the directory, or update one after checking its details."""
    if not can(user, Action.APPROVE_INTERVENTIONS):
        raise PermissionDenied(gettext("只有有权批准干预措施的用户可以修改法律援助机构名录。"))
    name, contact, scope = name.strip(), contact.strip(), scope.strip()
    if not (name and contact and scope):
        raise ValidationFailed(gettext("请填写法律援助机构的名称、联系方式和服务范围。"))
    if last_verified_on > timezone.localdate():
        raise ValidationFailed(
            gettext("核实日期 %(day)s 晚于今天。"), day=last_verified_on.isoformat()
        )
    same_name = LegalAidProvider.objects.filter(name=name)
    if provider is not None:
        same_name = same_name.exclude(pk=provider.pk)
    if same_name.exists():
        raise ValidationFailed(gettext("名录中已有名为“%(name)s”的机构。"), name=name)

    with transaction.atomic():
        provider = provider or LegalAidProvider()
        created = provider.pk is None
        provider.name, provider.contact, provider.scope = name, contact, scope
        provider.region, provider.active = region.strip(), active
        provider.last_verified_on = last_verified_on
        provider.save()
        audit_record(
            actor=user,
            action="legal_aid_provider.create" if created else "legal_aid_provider.update",
            target_type="legal_aid_provider",
            target_id=str(provider.pk),
            after={"last_verified_on": last_verified_on.isoformat(), "active": active},
        )
    return provider
