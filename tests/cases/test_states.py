"""The case state machine, driven through case_transition for every pair of states."""

import datetime
import itertools
from typing import Any

import pytest

from hrguard.cases.models import Case, CaseEvent, FollowUpConsent
from hrguard.cases.services import CaseConflict, case_open_from_alert, case_transition
from hrguard.cases.states import ALLOWED_TRANSITIONS, CaseState
from hrguard.core.errors import ValidationFailed
from hrguard.people.models import Employee
from hrguard.risk.models import Alert
from tests.cases.builders import make_alert

ALLOWED = {
    (CaseState.NEW, CaseState.IN_PROGRESS),
    (CaseState.NEW, CaseState.CLOSED),
    (CaseState.IN_PROGRESS, CaseState.FOLLOWING_UP),
    (CaseState.IN_PROGRESS, CaseState.CLOSED),
    (CaseState.FOLLOWING_UP, CaseState.IN_PROGRESS),
    (CaseState.FOLLOWING_UP, CaseState.CLOSED),
    (CaseState.CLOSED, CaseState.IN_PROGRESS),
}
ALL_PAIRS = list(itertools.product(CaseState.values, repeat=2))


def _case_in_state(employee: Employee, user: Any, state: str) -> Case:
    case = case_open_from_alert(alert=make_alert(employee), user=user)
    # Set the starting state directly: the test is about the next transition.
    Case.objects.filter(pk=case.pk).update(state=state)
    # Entering follow-up needs the employee's consent; tests/cases_ui covers its absence.
    FollowUpConsent.objects.create(
        case=case, given_on=datetime.date(2026, 1, 5), how_recorded="书面签字", recorded_by=user
    )
    case.refresh_from_db()
    return case


def test_transition_table_matches_expected_pairs() -> None:
    table = {
        (source, target) for source, targets in ALLOWED_TRANSITIONS.items() for target in targets
    }

    assert table == ALLOWED


@pytest.mark.django_db
@pytest.mark.parametrize(("from_state", "to_state"), sorted(ALLOWED))
def test_case_transition_allowed_pair_changes_state(
    employee: Employee, hr_user: Any, from_state: str, to_state: str
) -> None:
    case = _case_in_state(employee, hr_user, from_state)

    changed = case_transition(case=case, user=hr_user, to_state=to_state, note="已与员工谈话")

    assert changed.state == to_state
    event = CaseEvent.objects.filter(case=case).last()
    assert event.before == {"state": from_state}
    assert event.after == {"state": to_state}
    assert event.actor == hr_user
    assert event.note == "已与员工谈话"
    expected_kind = (
        CaseEvent.Kind.REOPENED if from_state == CaseState.CLOSED else CaseEvent.Kind.STATE_CHANGED
    )
    assert event.kind == expected_kind


@pytest.mark.django_db
@pytest.mark.parametrize(("from_state", "to_state"), sorted(set(ALL_PAIRS) - ALLOWED))
def test_case_transition_forbidden_pair_raises_in_chinese(
    employee: Employee, hr_user: Any, from_state: str, to_state: str
) -> None:
    case = _case_in_state(employee, hr_user, from_state)
    events_before = CaseEvent.objects.filter(case=case).count()

    with pytest.raises(ValidationFailed) as raised:
        case_transition(case=case, user=hr_user, to_state=to_state, note="说明")

    assert raised.value.code == "transition_not_allowed"
    assert str(raised.value) == (
        f"案件不能从“{CaseState(from_state).label}”改为“{CaseState(to_state).label}”。"
    )
    case.refresh_from_db()
    assert case.state == from_state
    assert CaseEvent.objects.filter(case=case).count() == events_before


@pytest.mark.django_db
def test_case_transition_close_without_note_raises(employee: Employee, hr_user: Any) -> None:
    case = _case_in_state(employee, hr_user, CaseState.IN_PROGRESS)

    with pytest.raises(ValidationFailed) as raised:
        case_transition(case=case, user=hr_user, to_state=CaseState.CLOSED, note="  ")

    assert str(raised.value) == "案件从“处理中”改为“已结案”时须填写说明。"


@pytest.mark.django_db
def test_case_transition_close_closes_source_alert(employee: Employee, hr_user: Any) -> None:
    case = _case_in_state(employee, hr_user, CaseState.IN_PROGRESS)

    case_transition(case=case, user=hr_user, to_state=CaseState.CLOSED, note="员工已还清借款")

    case.refresh_from_db()
    assert case.closed_at is not None
    assert Alert.objects.get(pk=case.alert_id).status == Alert.Status.CLOSED


@pytest.mark.django_db
def test_case_transition_reopen_clears_closed_at(employee: Employee, hr_user: Any) -> None:
    case = _case_in_state(employee, hr_user, CaseState.IN_PROGRESS)
    case_transition(case=case, user=hr_user, to_state=CaseState.CLOSED, note="已处理")

    reopened = case_transition(
        case=case, user=hr_user, to_state=CaseState.IN_PROGRESS, note="员工再次求助"
    )

    assert reopened.state == CaseState.IN_PROGRESS
    assert reopened.closed_at is None


@pytest.mark.django_db
def test_case_transition_reopen_with_other_open_case_raises(
    employee: Employee, hr_user: Any
) -> None:
    first = _case_in_state(employee, hr_user, CaseState.IN_PROGRESS)
    case_transition(case=first, user=hr_user, to_state=CaseState.CLOSED, note="已处理")
    second = case_open_from_alert(alert=make_alert(employee), user=hr_user)

    with pytest.raises(CaseConflict) as raised:
        case_transition(case=first, user=hr_user, to_state=CaseState.IN_PROGRESS, note="复发")

    assert (
        str(raised.value) == f"{employee.pseudonym} 已有未结案件 #{second.pk}，请在该案件中处理。"
    )
    first.refresh_from_db()
    assert first.state == CaseState.CLOSED


@pytest.mark.django_db
def test_case_transition_unknown_state_raises(employee: Employee, hr_user: Any) -> None:
    case = _case_in_state(employee, hr_user, CaseState.NEW)

    with pytest.raises(ValidationFailed) as raised:
        case_transition(case=case, user=hr_user, to_state="archived", note="")

    assert str(raised.value) == "案件状态“archived”无效。"
