"""Triage and cases against real scans: dismissal keeps an employee quiet, closing does not."""

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command

from hrguard.cases.models import AlertDismissal, DismissalReason
from hrguard.cases.services import alert_dismiss, case_open_from_alert, case_transition
from hrguard.cases.states import CaseState
from hrguard.notify.models import Notification
from hrguard.people.models import Employee
from hrguard.risk.models import Alert
from hrguard.risk.services import scan_run
from tests.risk.company import (
    AS_OF,
    MONTHS,
    borrow_from_three_platforms,
    employee,
    gamble,
    overspend,
    take_leave,
)

pytestmark = pytest.mark.django_db

AUGUST_END = datetime.date(2026, 8, 31)
MAY, JUNE, JULY = MONTHS[3], MONTHS[4], MONTHS[5]


@pytest.fixture
def company() -> dict[str, Employee]:
    """E0001 overspends, borrows and takes leave; E0002 only takes leave and gives no payment consent."""
    first = employee("E0001")
    overspend(first, [MAY, JUNE, JULY])
    borrow_from_three_platforms(first, JULY.replace(day=3))
    take_leave(first, JULY, 3)
    second = employee("E0002", consent_from=None)
    take_leave(second, JULY, 3)
    return {"E0001": first, "E0002": second}


def _statuses(person: Employee) -> list[tuple[str, list[str]]]:
    return [
        (alert.status, alert.indicators)
        for alert in Alert.objects.filter(employee=person).order_by("pk")
    ]


def test_rescan_after_dismissal_stays_quiet_until_new_kind(
    company: dict[str, Employee], hr_user: Any
) -> None:
    person = company["E0002"]
    scan_run(as_of=AS_OF)
    alert = Alert.objects.get(employee=person)
    alert_dismiss(
        alert=alert,
        user=hr_user,
        reason_code=DismissalReason.EMPLOYEE_EXPLAINED,
        note="员工说明七月请假是照顾家人",
    )

    take_leave(person, AUGUST_END.replace(day=1), 4)
    scan_run(as_of=AUGUST_END)
    after_same_kind = _statuses(person)
    person.consents.create(category="payments", granted_on=datetime.date(2026, 8, 1))
    gamble(person, AUGUST_END.replace(day=20))
    scan_run(as_of=datetime.date(2026, 8, 30))

    assert after_same_kind == [("dismissed", ["leave_spike"])]
    statuses = _statuses(person)
    assert statuses[0] == ("dismissed", ["leave_spike"])
    assert statuses[1][0] == "open"
    assert "gambling_spend" in statuses[1][1]
    dismissal = AlertDismissal.objects.get(alert=alert)
    assert (dismissal.reason_code, dismissal.dismissed_by) == ("employee_explained", hr_user)


def test_rescan_after_closed_case_raises_new_alert(
    company: dict[str, Employee], hr_user: Any
) -> None:
    person = company["E0002"]
    scan_run(as_of=AS_OF)
    case = case_open_from_alert(alert=Alert.objects.get(employee=person), user=hr_user)
    case_transition(case=case, user=hr_user, to_state=CaseState.IN_PROGRESS, note="已约谈")
    case_transition(case=case, user=hr_user, to_state=CaseState.CLOSED, note="员工情况已稳定")

    take_leave(person, AUGUST_END.replace(day=1), 4)
    scan_run(as_of=AUGUST_END)

    assert _statuses(person) == [("closed", ["leave_spike"]), ("open", ["leave_spike"])]


def test_scan_run_announces_high_alert_only(company: dict[str, Employee], hr_user: Any) -> None:
    scan_run(as_of=AS_OF)
    announced = list(Notification.objects.values_list("recipient", "link"))
    output = io.StringIO()

    call_command("notify", "send-due", stdout=output)

    high = Alert.objects.get(employee=company["E0001"])
    assert high.level == "high"
    assert announced == [(hr_user.pk, f"http://127.0.0.1:8000/alerts/{high.pk}/")]
    assert Notification.objects.count() == 1
    assert output.getvalue().startswith("新排队 0 条")
