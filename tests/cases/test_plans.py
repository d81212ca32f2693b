"""Playbook suggestions and the intervention plan a person builds from them."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from hrguard.cases.models import (
    Case,
    CaseEvent,
    DismissalReason,
    InterventionKind,
    InterventionStep,
    LegalAidProvider,
    PlaybookEntry,
)
from hrguard.cases.playbooks import playbook_defaults_install, read_default_entries
from hrguard.cases.selectors import plan_suggest
from hrguard.cases.services import (
    alert_dismiss,
    case_note_add,
    case_open_from_alert,
    case_transition,
    family_contact_consent_record,
    family_contact_consent_withdraw,
    legal_aid_provider_save,
    plan_step_add,
    plan_step_record_result,
    playbook_entry_update,
)
from hrguard.cases.states import CaseState
from hrguard.core.errors import PermissionDenied, ValidationFailed
from hrguard.people.models import Employee
from hrguard.privacy.models import AuditEntry
from hrguard.privacy.roles import Role
from tests.cases.builders import make_alert, make_user

TODAY = datetime.date(2026, 12, 4)

# The default playbook kinds per indicator, in suggestion order (interview first for every case).
EXPECTED_KINDS = {
    "spend_income_ratio": ["interview", "financial_counselling"],
    "loan_platforms": ["interview", "financial_counselling", "debt_negotiation", "legal_aid"],
    "gambling_spend": ["interview", "financial_counselling", "family_contact"],
    "colleague_borrowing": ["interview", "financial_counselling", "salary_advance"],
    "leave_spike": ["interview"],
    "salary_advance": ["interview", "financial_counselling"],
    "collector_contact": ["interview", "debt_negotiation", "legal_aid"],
    "court_enforcement": ["interview", "legal_aid"],
    "credit_overdue": ["interview", "financial_counselling", "debt_negotiation"],
    "reimbursement_spike": ["interview"],
}


def _open_case(employee: Employee, user: Any, indicators: tuple[str, ...]) -> Case:
    return case_open_from_alert(alert=make_alert(employee, indicators=indicators), user=user)


def _planned_step(case: Case, user: Any) -> InterventionStep:
    return plan_step_add(
        case=case,
        user=user,
        kind=InterventionKind.INTERVIEW,
        owner=user,
        due_date=TODAY,
        today=TODAY,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("indicator", "kinds"), sorted(EXPECTED_KINDS.items()))
def test_plan_suggest_per_indicator_returns_playbook_kinds(
    employee: Employee, hr_user: Any, indicator: str, kinds: list[str]
) -> None:
    case = _open_case(employee, hr_user, (indicator,))

    suggestions = plan_suggest(case=case, today=TODAY)

    assert [suggestion.kind for suggestion in suggestions] == kinds


@pytest.mark.django_db
def test_plan_suggest_merges_indicators_per_kind(employee: Employee, hr_user: Any) -> None:
    case = _open_case(employee, hr_user, ("loan_platforms", "credit_overdue"))

    suggestions = {
        suggestion.kind: suggestion for suggestion in plan_suggest(case=case, today=TODAY)
    }

    assert suggestions["interview"].indicators == ("*",)
    assert suggestions["financial_counselling"].indicators == ("credit_overdue", "loan_platforms")
    assert suggestions["interview"].due_date == datetime.date(2026, 12, 7)
    assert suggestions["interview"].record_template.startswith("时间：")


@pytest.mark.django_db
def test_plan_suggest_leaves_out_planned_kinds(employee: Employee, hr_user: Any) -> None:
    case = _open_case(employee, hr_user, ("spend_income_ratio",))
    _planned_step(case, hr_user)

    suggestions = plan_suggest(case=case, today=TODAY)

    assert [suggestion.kind for suggestion in suggestions] == ["financial_counselling"]


@pytest.mark.django_db
def test_plan_suggest_uses_hr_edits_and_skips_inactive(employee: Employee, hr_user: Any) -> None:
    PlaybookEntry.objects.filter(indicator_code="spend_income_ratio").update(
        guidance="先请员工援助计划顾问联系员工。"
    )
    PlaybookEntry.objects.filter(indicator_code="*").update(active=False)
    case = _open_case(employee, hr_user, ("spend_income_ratio",))

    suggestions = plan_suggest(case=case, today=TODAY)

    assert [(s.kind, s.guidance) for s in suggestions] == [
        ("financial_counselling", "先请员工援助计划顾问联系员工。")
    ]


@pytest.mark.django_db
def test_plan_suggest_lists_recently_verified_legal_aid(employee: Employee, hr_user: Any) -> None:
    current = LegalAidProvider.objects.create(
        name="某区法律援助中心",
        contact="区政务大厅二楼",
        scope="劳动、借贷纠纷",
        last_verified_on=datetime.date(2026, 6, 1),
    )
    LegalAidProvider.objects.create(
        name="旧目录中的律所",
        contact="已搬迁",
        scope="民事",
        last_verified_on=datetime.date(2024, 1, 1),
    )
    case = _open_case(employee, hr_user, ("court_enforcement",))

    suggestions = {s.kind: s for s in plan_suggest(case=case, today=TODAY)}

    assert suggestions["legal_aid"].legal_aid_providers == ((current.pk, "某区法律援助中心"),)
    assert suggestions["interview"].legal_aid_providers == ()


@pytest.mark.django_db
def test_playbook_defaults_install_keeps_hr_edits() -> None:
    PlaybookEntry.objects.filter(indicator_code="gambling_spend", kind="family_contact").delete()
    PlaybookEntry.objects.filter(indicator_code="*").update(guidance="HR 改写的指引")

    inserted = playbook_defaults_install(PlaybookEntry)

    assert inserted == 1
    assert PlaybookEntry.objects.get(indicator_code="*").guidance == "HR 改写的指引"
    assert PlaybookEntry.objects.count() == len(read_default_entries())


@pytest.mark.django_db
def test_plan_step_add_records_choice_in_history(employee: Employee, hr_user: Any) -> None:
    case = _open_case(employee, hr_user, ("loan_platforms",))

    step = plan_step_add(
        case=case,
        user=hr_user,
        kind=InterventionKind.FINANCIAL_COUNSELLING,
        owner=hr_user,
        due_date=datetime.date(2026, 12, 18),
        note="员工同意转介员工援助计划",
        today=TODAY,
    )

    assert step.status == InterventionStep.Status.PLANNED
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.STEP_ADDED)
    assert event.actor == hr_user
    assert event.after == {
        "step_id": step.pk,
        "kind": "financial_counselling",
        "owner_id": hr_user.pk,
        "due_date": "2026-12-18",
        "legal_aid_provider_id": None,
        "family_contact_consent_id": None,
    }


@pytest.mark.django_db
def test_plan_step_add_family_contact_without_consent_raises(
    employee: Employee, hr_user: Any
) -> None:
    case = _open_case(employee, hr_user, ("gambling_spend",))

    with pytest.raises(ValidationFailed) as raised:
        plan_step_add(
            case=case,
            user=hr_user,
            kind=InterventionKind.FAMILY_CONTACT,
            owner=hr_user,
            due_date=TODAY,
            today=TODAY,
        )

    assert raised.value.code == "family_contact_without_consent"
    assert str(raised.value) == (
        "员工没有同意联系家属，不能添加“联系家属”步骤。请先记录员工的书面同意。"
    )
    assert not InterventionStep.objects.exists()


@pytest.mark.django_db
def test_plan_step_add_family_contact_links_consent(employee: Employee, hr_user: Any) -> None:
    case = _open_case(employee, hr_user, ("gambling_spend",))
    consent = family_contact_consent_record(
        employee=employee,
        user=hr_user,
        relation="配偶",
        given_on=datetime.date(2026, 12, 1),
        how_recorded="书面签字，原件存档",
    )

    step = plan_step_add(
        case=case,
        user=hr_user,
        kind=InterventionKind.FAMILY_CONTACT,
        owner=hr_user,
        due_date=TODAY,
        today=TODAY,
    )

    assert step.family_contact_consent == consent


@pytest.mark.django_db
def test_family_contact_consent_withdraw_cancels_planned_step(
    employee: Employee, hr_user: Any
) -> None:
    case = _open_case(employee, hr_user, ("gambling_spend",))
    consent = family_contact_consent_record(
        employee=employee,
        user=hr_user,
        relation="父亲",
        given_on=datetime.date(2026, 12, 1),
        how_recorded="书面签字",
    )
    step = plan_step_add(
        case=case,
        user=hr_user,
        kind=InterventionKind.FAMILY_CONTACT,
        owner=hr_user,
        due_date=datetime.date(2026, 12, 10),
        today=TODAY,
    )

    family_contact_consent_withdraw(
        consent=consent, user=hr_user, withdrawn_on=datetime.date(2026, 12, 5)
    )

    step.refresh_from_db()
    assert step.status == InterventionStep.Status.CANCELLED
    assert step.result == "员工已撤回联系家属的同意。"
    with pytest.raises(ValidationFailed):
        plan_step_add(
            case=case,
            user=hr_user,
            kind=InterventionKind.FAMILY_CONTACT,
            owner=hr_user,
            due_date=datetime.date(2026, 12, 10),
            today=datetime.date(2026, 12, 6),
        )


@pytest.mark.django_db
def test_plan_step_add_stale_legal_aid_raises(employee: Employee, hr_user: Any) -> None:
    case = _open_case(employee, hr_user, ("court_enforcement",))
    provider = LegalAidProvider.objects.create(
        name="旧目录中的律所",
        contact="已搬迁",
        scope="民事",
        last_verified_on=datetime.date(2025, 12, 3),
    )

    with pytest.raises(ValidationFailed) as raised:
        plan_step_add(
            case=case,
            user=hr_user,
            kind=InterventionKind.LEGAL_AID,
            owner=hr_user,
            due_date=TODAY,
            legal_aid_provider=provider,
            today=TODAY,
        )

    assert (
        str(raised.value)
        == "法律援助机构“旧目录中的律所”的信息已有 366 天未核实，请先核实联系方式。"
    )


@pytest.mark.django_db
def test_plan_step_add_legal_aid_without_provider_raises(employee: Employee, hr_user: Any) -> None:
    case = _open_case(employee, hr_user, ("court_enforcement",))

    with pytest.raises(ValidationFailed) as raised:
        plan_step_add(
            case=case,
            user=hr_user,
            kind=InterventionKind.LEGAL_AID,
            owner=hr_user,
            due_date=TODAY,
            today=TODAY,
        )

    assert str(raised.value) == "法律援助转介须从法律援助机构名录中选择一家机构。"


@pytest.mark.django_db
def test_plan_step_add_past_due_date_raises(employee: Employee, hr_user: Any) -> None:
    case = _open_case(employee, hr_user, ("loan_platforms",))

    with pytest.raises(ValidationFailed) as raised:
        plan_step_add(
            case=case,
            user=hr_user,
            kind=InterventionKind.INTERVIEW,
            owner=hr_user,
            due_date=datetime.date(2026, 12, 3),
            today=TODAY,
        )

    assert str(raised.value) == "期限 2026-12-03 早于今天，请选择今天或以后的日期。"


@pytest.mark.django_db
def test_plan_step_add_to_closed_case_raises(employee: Employee, hr_user: Any) -> None:
    case = _open_case(employee, hr_user, ("loan_platforms",))
    case_transition(case=case, user=hr_user, to_state=CaseState.CLOSED, note="误开")

    with pytest.raises(ValidationFailed) as raised:
        plan_step_add(
            case=case,
            user=hr_user,
            kind=InterventionKind.INTERVIEW,
            owner=hr_user,
            due_date=TODAY,
            today=TODAY,
        )

    assert str(raised.value) == f"案件 #{case.pk} 已结案，请先重新打开。"


@pytest.mark.django_db
def test_plan_step_record_result_stores_outcome(employee: Employee, hr_user: Any) -> None:
    case = _open_case(employee, hr_user, ("loan_platforms",))
    step = _planned_step(case, hr_user)

    plan_step_record_result(
        step=step,
        user=hr_user,
        status=InterventionStep.Status.DECLINED,
        result="员工表示暂不需要帮助",
    )

    step.refresh_from_db()
    assert step.status == InterventionStep.Status.DECLINED
    assert step.result == "员工表示暂不需要帮助"
    assert step.result_recorded_at is not None
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.STEP_RESULT)
    assert event.before == {"status": "planned"}
    assert event.after == {"step_id": step.pk, "status": "declined"}


@pytest.mark.django_db
def test_plan_step_record_result_twice_raises(employee: Employee, hr_user: Any) -> None:
    case = _open_case(employee, hr_user, ("loan_platforms",))
    step = _planned_step(case, hr_user)
    plan_step_record_result(
        step=step, user=hr_user, status=InterventionStep.Status.DONE, result="已谈话"
    )

    with pytest.raises(ValidationFailed) as raised:
        plan_step_record_result(
            step=step, user=hr_user, status=InterventionStep.Status.CANCELLED, result="改主意"
        )

    assert str(raised.value) == f"步骤 {step.pk} 的结果已经记录，不能再次修改。"


GROUNDS = "因网贷逾期和催收电话给予警告处分"


WRITES_WITH_GROUNDS: dict[str, Callable[[Case, Any], object]] = {
    "case_note": lambda case, user: case_note_add(case=case, user=user, note=GROUNDS),
    "step_note": lambda case, user: plan_step_add(
        case=case,
        user=user,
        kind=InterventionKind.INTERVIEW,
        owner=user,
        due_date=TODAY,
        note=GROUNDS,
        today=TODAY,
    ),
    "step_result": lambda case, user: plan_step_record_result(
        step=_planned_step(case, user),
        user=user,
        status=InterventionStep.Status.DONE,
        result=GROUNDS,
    ),
    "transition_note": lambda case, user: case_transition(
        case=case, user=user, to_state=CaseState.IN_PROGRESS, note=GROUNDS
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("write", sorted(WRITES_WITH_GROUNDS))
def test_case_text_debt_as_grounds_rejected(employee: Employee, hr_user: Any, write: str) -> None:
    case = _open_case(employee, hr_user, ("loan_platforms",))

    with pytest.raises(ValidationFailed) as raised:
        WRITES_WITH_GROUNDS[write](case, hr_user)

    assert raised.value.code == "debt_as_discipline_ground"
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert CaseEvent.Kind.NOTE_ADDED not in kinds
    assert CaseEvent.Kind.STEP_RESULT not in kinds
    assert CaseEvent.Kind.STATE_CHANGED not in kinds
    assert not InterventionStep.objects.filter(note=GROUNDS).exists()


@pytest.mark.django_db
def test_alert_dismiss_debt_as_grounds_rejected(employee: Employee, hr_user: Any) -> None:
    alert = make_alert(employee)

    with pytest.raises(ValidationFailed) as raised:
        alert_dismiss(alert=alert, user=hr_user, reason_code=DismissalReason.OTHER, note=GROUNDS)

    assert raised.value.code == "debt_as_discipline_ground"
    alert.refresh_from_db()
    assert alert.status == "open"


@pytest.mark.django_db
def test_playbook_entry_update_by_manager_is_audited(hr_user: Any) -> None:
    entry = PlaybookEntry.objects.get(indicator_code="*", kind="interview")

    playbook_entry_update(
        entry=entry, user=hr_user, guidance="由 HRBP 在一周内约谈。", due_in_days=5
    )

    entry.refresh_from_db()
    assert (entry.guidance, entry.due_in_days) == ("由 HRBP 在一周内约谈。", 5)
    audit = AuditEntry.objects.get(action="playbook.update")
    assert (audit.before, audit.after) == (
        {"due_in_days": 3, "active": True},
        {"due_in_days": 5, "active": True},
    )


@pytest.mark.django_db
def test_playbook_entry_update_by_specialist_raises(employee: Employee) -> None:
    specialist = make_user("hr-scoped", Role.HR_SPECIALIST, departments=(employee.department,))
    entry = PlaybookEntry.objects.get(indicator_code="*", kind="interview")

    with pytest.raises(PermissionDenied) as raised:
        playbook_entry_update(entry=entry, user=specialist, guidance="改写", due_in_days=1)

    assert str(raised.value) == "只有有权批准干预措施的用户可以修改干预预案。"
    entry.refresh_from_db()
    assert entry.due_in_days == 3


@pytest.mark.django_db
def test_legal_aid_provider_save_then_reverify(hr_user: Any) -> None:
    provider = legal_aid_provider_save(
        user=hr_user,
        name="某市法律援助中心",
        contact="12348",
        scope="劳动争议、民间借贷",
        last_verified_on=datetime.date(2025, 1, 10),
    )

    updated = legal_aid_provider_save(
        user=hr_user,
        provider=provider,
        name="某市法律援助中心",
        contact="12348",
        scope="劳动争议、民间借贷",
        last_verified_on=TODAY,
    )

    assert updated.pk == provider.pk
    assert LegalAidProvider.objects.get().last_verified_on == TODAY
    assert list(
        AuditEntry.objects.filter(target_type="legal_aid_provider")
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["legal_aid_provider.create", "legal_aid_provider.update"]
