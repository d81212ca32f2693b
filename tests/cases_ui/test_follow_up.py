"""Follow-up: consent, 30/60/90-day checkpoints, reminders and reopening by a real scan."""

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from hrguard.cases.follow_up import (
    cases_reopen_on_recurrence,
    follow_up_consent_record,
    follow_up_days,
)
from hrguard.cases.models import Case, CaseEvent, FollowUpCheckpoint
from hrguard.cases.services import case_open_from_alert, case_transition
from hrguard.notify.models import Notification
from hrguard.notify.services import notifications_collect_due
from hrguard.risk.models import Alert
from hrguard.risk.services import scan_run
from tests.cases_ui.conftest import alert_with_evidence, specialist_for
from tests.risk.company import AS_OF, MONTHS, employee, gamble, take_leave

pytestmark = pytest.mark.django_db

AUGUST_END = datetime.date(2026, 8, 31)
CONSENT_DAY = datetime.date(2026, 7, 1)


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _checkpoints(case: Case) -> list[tuple[int, datetime.date, str]]:
    return list(
        FollowUpCheckpoint.objects.filter(follow_up__case=case)
        .order_by("follow_up_id", "days_after")
        .values_list("days_after", "due_date", "status")
    )


@pytest.fixture
def working_case(case: Case, manager: User) -> Case:
    return case_transition(case=case, user=manager, to_state="in_progress")


def test_following_up_without_consent_shows_message(
    manager_client: Client, working_case: Case
) -> None:
    response = manager_client.post(
        f"/cases/{working_case.pk}/transition/", {"to_state": "following_up"}, follow=True
    )

    assert _messages(response) == [
        "员工没有同意跟踪回访，案件不能转为“跟踪中”。"
        "请先记录员工的同意；员工不同意时，完成计划后请直接结案。"
    ]
    working_case.refresh_from_db()
    assert working_case.state == "in_progress"
    assert _checkpoints(working_case) == []
    blocked = response.context["transitions"][0]
    assert (blocked.state, blocked.blocked_reason) == (
        "following_up",
        "转为“跟踪中”须先记录员工同意跟踪回访。",
    )


def test_following_up_creates_checkpoints(manager_client: Client, working_case: Case) -> None:
    today = timezone.localdate()

    consented = manager_client.post(
        f"/cases/{working_case.pk}/follow-up-consent/",
        {"given_on": today.isoformat(), "how_recorded": "书面签字，存于案件证据"},
        follow=True,
    )
    moved = manager_client.post(
        f"/cases/{working_case.pk}/transition/", {"to_state": "following_up"}, follow=True
    )

    assert _messages(consented) == ["已记录员工同意跟踪回访。"]
    assert _messages(moved) == ["案件状态已更新。"]
    assert _checkpoints(working_case) == [
        (days, today + datetime.timedelta(days=days), "pending") for days in (30, 60, 90)
    ]
    page = moved.content.decode()
    assert "跟踪第 30 天" in page
    assert "记录第 90 天回访" in page


def test_follow_up_days_come_from_settings(
    settings: Any, manager: User, working_case: Case
) -> None:
    settings.HRGUARD_FOLLOW_UP_DAYS = (45, 14)
    follow_up_consent_record(
        case=working_case, user=manager, given_on=CONSENT_DAY, how_recorded="书面签字"
    )

    case_transition(
        case=working_case, user=manager, to_state="following_up", today=datetime.date(2026, 12, 1)
    )

    assert _checkpoints(working_case) == [
        (14, datetime.date(2026, 12, 15), "pending"),
        (45, datetime.date(2027, 1, 15), "pending"),
    ]


@pytest.fixture
def following_case(working_case: Case, manager: User) -> Case:
    follow_up_consent_record(
        case=working_case, user=manager, given_on=CONSENT_DAY, how_recorded="书面签字"
    )
    return case_transition(
        case=working_case, user=manager, to_state="following_up", today=datetime.date(2026, 12, 1)
    )


def test_checkpoint_form_records_repayment_status_once(
    manager_client: Client, manager: User, following_case: Case
) -> None:
    first = FollowUpCheckpoint.objects.get(follow_up__case=following_case, days_after=30)

    recorded = manager_client.post(
        f"/cases/checkpoints/{first.pk}/",
        {"repayment_status": "partial", "note": "已还清两个平台，剩余按计划分期"},
        follow=True,
    )
    again = manager_client.post(
        f"/cases/checkpoints/{first.pk}/", {"repayment_status": "normal"}, follow=True
    )

    assert _messages(recorded) == ["回访结果已记录。"]
    assert _messages(again) == ["第 30 天回访已经记录或已取消，不能再次记录。"]
    first.refresh_from_db()
    assert (first.status, first.repayment_status, first.note, first.recorded_by) == (
        "recorded",
        "partial",
        "已还清两个平台，剩余按计划分期",
        manager,
    )
    event = CaseEvent.objects.filter(case=following_case).last()
    assert (event.kind, event.after["repayment_status"]) == ("checkpoint_recorded", "partial")
    assert "部分还款" in again.content.decode()


def test_checkpoint_outside_scope_returns_404(client: Client, following_case: Case) -> None:
    checkpoint = FollowUpCheckpoint.objects.filter(follow_up__case=following_case).first()
    client.force_login(specialist_for("hr.li", "财务部"))

    response = client.post(f"/cases/checkpoints/{checkpoint.pk}/", {"repayment_status": "normal"})

    assert response.status_code == 404
    checkpoint.refresh_from_db()
    assert checkpoint.status == "pending"


def test_leaving_follow_up_cancels_pending_checkpoints(manager: User, following_case: Case) -> None:
    case_transition(case=following_case, user=manager, to_state="closed", note="回访期内情况稳定")

    assert [status for _, _, status in _checkpoints(following_case)] == ["cancelled"] * 3


def test_due_checkpoint_notifies_assignee_once(manager: User, following_case: Case) -> None:
    notifications_collect_due(today=datetime.date(2026, 12, 30))
    first = list(Notification.objects.filter(title="人事风控：跟踪回访到期"))

    notifications_collect_due(today=datetime.date(2026, 12, 31))
    notifications_collect_due(today=datetime.date(2027, 1, 30))

    pseudonym = following_case.employee.pseudonym
    assert first == []
    reminders = Notification.objects.filter(title="人事风控：跟踪回访到期").order_by("pk")
    assert [(n.recipient, n.body, n.link) for n in reminders] == [
        (
            manager,
            f"员工：{pseudonym}\n回访：跟踪第 30 天\n期限：2026-12-31",
            f"http://127.0.0.1:8000/cases/{following_case.pk}/",
        ),
        (
            manager,
            f"员工：{pseudonym}\n回访：跟踪第 60 天\n期限：2027-01-30",
            f"http://127.0.0.1:8000/cases/{following_case.pk}/",
        ),
    ]


def test_scan_reopens_case_on_new_indicator(
    manager: User,
) -> None:
    person = employee("E0002", consent_from=None)
    take_leave(person, MONTHS[-1], 3)
    scan_run(as_of=AS_OF)
    case = case_open_from_alert(
        alert=Alert.objects.get(employee=person), user=manager, assignee=manager
    )
    case_transition(case=case, user=manager, to_state="in_progress")
    follow_up_consent_record(case=case, user=manager, given_on=CONSENT_DAY, how_recorded="书面签字")
    case_transition(case=case, user=manager, to_state="following_up", today=AS_OF)

    take_leave(person, AUGUST_END.replace(day=1), 4)
    scan_run(as_of=AUGUST_END)
    case.refresh_from_db()
    state_after_same_kind = case.state
    person.consents.create(category="payments", granted_on=datetime.date(2026, 8, 1))
    gamble(person, AUGUST_END.replace(day=20))
    scan_run(as_of=datetime.date(2026, 9, 30))

    assert state_after_same_kind == "following_up"
    case.refresh_from_db()
    assert case.state == "in_progress"
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.kind, event.actor) == ("recurred", None)
    assert event.before == {"state": "following_up", "alert_id": case.alert_id}
    assert "gambling_spend" in event.after["indicators"]
    assert event.note.startswith("新命中指标：")
    assert [status for _, _, status in _checkpoints(case)] == ["cancelled"] * 3
    assert (
        Notification.objects.filter(
            recipient=manager, title="人事风控：跟踪中的案件再次出现预警"
        ).count()
        == 1
    )


def test_recurred_case_page_shows_system_as_actor(
    manager_client: Client, manager: User, following_case: Case
) -> None:
    Alert.objects.filter(pk=following_case.alert_id).update(status=Alert.Status.CLOSED)
    new_alert = alert_with_evidence(following_case.employee)

    reopened = cases_reopen_on_recurrence(alerts=[new_alert])
    response = manager_client.get(f"/cases/{following_case.pk}/")

    assert [case.pk for case in reopened] == [following_case.pk]
    row = response.context["events"][-1]
    assert (row.event.kind, row.actor) == ("recurred", "系统（风险扫描）")
    assert row.event.note == "出现新的预警（中风险）。"
    assert [(c.label, c.before, c.after) for c in row.changes][:2] == [
        ("状态", "跟踪中", "处理中"),
        ("预警", str(following_case.alert_id), str(new_alert.pk)),
    ]


def test_consent_withdrawal_cancels_pending_checkpoints(
    manager_client: Client, following_case: Case
) -> None:
    consent = following_case.follow_up_consents.get()

    response = manager_client.post(
        f"/cases/follow-up-consents/{consent.pk}/withdraw/",
        {"withdrawn_on": timezone.localdate().isoformat()},
        follow=True,
    )

    assert _messages(response) == ["已记录员工撤回跟踪回访的同意，待回访节点已取消。"]
    assert [status for _, _, status in _checkpoints(following_case)] == ["cancelled"] * 3
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    page = response.content.decode()
    assert "员工没有同意跟踪回访。" in page
    assert "员工已撤回跟踪回访的同意，待回访节点已取消：请确认后结案。系统不会自动结案。" in page
    following_case.refresh_from_db()
    assert following_case.state == "following_up"


@pytest.mark.parametrize("days", [(), (30, 0), (30, 30), ("30",)])
def test_follow_up_days_invalid_setting_raises(settings: Any, days: tuple[Any, ...]) -> None:
    settings.HRGUARD_FOLLOW_UP_DAYS = days

    with pytest.raises(ImproperlyConfigured):
        follow_up_days()
