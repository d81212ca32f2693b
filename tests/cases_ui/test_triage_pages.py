"""Triage on the alert page and the case list, through the test client."""

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hrguard.cases.models import AlertDismissal, Case, CaseEvent
from hrguard.cases.services import case_open_from_alert, case_transition
from hrguard.people.models import Employee
from hrguard.risk.models import Alert
from tests.cases_ui.conftest import alert_with_evidence, specialist_for
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.web.conftest import make_hr_user

pytestmark = pytest.mark.django_db


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_alert_page_open_alert_shows_triage_forms(manager_client: Client, alert: Alert) -> None:
    response = manager_client.get(f"/alerts/{alert.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f'action="/cases/from-alert/{alert.pk}/open/"' in page
    assert f'action="/cases/from-alert/{alert.pk}/dismiss/"' in page
    assert "系统只提供建议，不会自动联系员工、家属或出借方。" in page
    assert "王小明" not in page


def test_alert_dismiss_form_records_reason(
    manager_client: Client, manager: User, alert: Alert
) -> None:
    response = manager_client.post(
        f"/cases/from-alert/{alert.pk}/dismiss/",
        {"reason_code": "employee_explained", "note": "员工说明是替家人还款"},
        follow=True,
    )

    assert _messages(response) == ["预警已排除，排除原因已记录。"]
    dismissal = AlertDismissal.objects.get(alert=alert)
    assert (dismissal.reason_code, dismissal.note, dismissal.dismissed_by) == (
        "employee_explained",
        "员工说明是替家人还款",
        manager,
    )
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DISMISSED
    assert "预警状态为“已排除”，无需处理。" in response.content.decode()


def test_alert_dismiss_other_without_note_shows_message(
    manager_client: Client, alert: Alert
) -> None:
    response = manager_client.post(
        f"/cases/from-alert/{alert.pk}/dismiss/", {"reason_code": "other", "note": ""}, follow=True
    )

    assert _messages(response) == ["排除原因选择“其他”时，请填写说明。"]
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN
    assert not AlertDismissal.objects.exists()


def test_case_open_form_creates_case_and_redirects(
    manager_client: Client, manager: User, alert: Alert
) -> None:
    response = manager_client.post(
        f"/cases/from-alert/{alert.pk}/open/",
        {"assignee": manager.pk, "due_date": "2099-01-15"},
    )

    case = Case.objects.get(alert=alert)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert (case.state, case.assignee, case.due_date) == (
        "new",
        manager,
        datetime.date(2099, 1, 15),
    )


def test_case_open_past_due_date_shows_message(manager_client: Client, alert: Alert) -> None:
    response = manager_client.post(
        f"/cases/from-alert/{alert.pk}/open/",
        {"assignee": "", "due_date": "2020-01-01"},
        follow=True,
    )

    assert _messages(response) == ["期限 2020-01-01 早于今天，请选择今天或以后的日期。"]
    assert not Case.objects.exists()


def test_alert_page_with_case_links_to_it(manager_client: Client, case: Case) -> None:
    response = manager_client.get(f"/alerts/{case.alert_id}/")

    page = response.content.decode()
    assert f"该预警已立案：案件 #{case.pk}（待处理）。" in page
    assert f'href="/cases/{case.pk}/"' in page
    assert "from-alert" not in page


def test_triage_outside_scope_returns_404_and_changes_nothing(client: Client, alert: Alert) -> None:
    client.force_login(specialist_for("hr.li", "财务部"))

    opened = client.post(f"/cases/from-alert/{alert.pk}/open/", {"assignee": ""})
    dismissed = client.post(f"/cases/from-alert/{alert.pk}/dismiss/", {"reason_code": "other"})

    assert (opened.status_code, dismissed.status_code) == (404, 404)
    assert not Case.objects.exists()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN


def test_triage_without_case_capability_returns_403(client: Client, alert: Alert) -> None:
    auditor = User.objects.create_user(username="audit.wu")
    client.force_login(auditor)

    response = client.post(f"/cases/from-alert/{alert.pk}/open/", {"assignee": ""})

    assert response.status_code == 403
    assert not Case.objects.exists()


def _case_for(employee: Employee, user: User, *, due: datetime.date | None = None) -> Case:
    return case_open_from_alert(
        alert=alert_with_evidence(employee), user=user, assignee=user, due_date=due
    )


def test_case_list_filters_by_state_assignee_and_overdue(
    manager_client: Client, manager: User
) -> None:
    sales = DepartmentFactory(name="销售部")
    other = make_hr_user("hr.wang")
    late = _case_for(EmployeeFactory(department=sales), manager, due=datetime.date(2099, 1, 1))
    Case.objects.filter(pk=late.pk).update(due_date=datetime.date(2020, 1, 1))
    working = _case_for(EmployeeFactory(department=sales), other)
    case_transition(case=working, user=other, to_state="in_progress")
    closed = _case_for(EmployeeFactory(department=sales), manager)
    case_transition(case=closed, user=manager, to_state="closed", note="误报，已核实")

    def listed(query: str) -> list[int]:
        response = manager_client.get(f"/cases/{query}")
        assert response.status_code == 200
        return [case.pk for case in response.context["page"].object_list]

    assert sorted(listed("")) == sorted([late.pk, working.pk])
    assert listed("?state=in_progress") == [working.pk]
    assert listed("?state=closed") == [closed.pk]
    assert sorted(listed("?state=all")) == sorted([late.pk, working.pk, closed.pk])
    assert listed(f"?assignee={other.pk}") == [working.pk]
    assert listed("?overdue=on") == [late.pk]
    assert "已逾期" in manager_client.get("/cases/").content.decode()


def test_case_list_shows_only_cases_in_scope(manager: User, client: Client) -> None:
    sales_case = _case_for(EmployeeFactory(department=DepartmentFactory(name="销售部")), manager)
    _case_for(EmployeeFactory(department=DepartmentFactory(name="财务部")), manager)
    client.force_login(specialist_for("hr.li", "销售部"))

    response = client.get("/cases/")

    assert [case.pk for case in response.context["page"].object_list] == [sales_case.pk]


def test_case_list_without_capability_returns_403(client: Client) -> None:
    client.force_login(User.objects.create_user(username="audit.wu"))

    assert client.get("/cases/").status_code == 403


def test_case_list_anonymous_redirects_to_login(client: Client) -> None:
    response = client.get("/cases/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_case_events_unchanged_by_page_views(manager_client: Client, case: Case) -> None:
    before = CaseEvent.objects.count()

    manager_client.get(f"/cases/{case.pk}/")

    assert CaseEvent.objects.count() == before
