"""The case page and its forms, through the test client."""

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from hrguard.cases.models import Case, CaseEvent, InterventionStep, LegalAidProvider
from hrguard.cases.services import plan_step_add
from tests.cases_ui.conftest import specialist_for

pytestmark = pytest.mark.django_db


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _state(case: Case) -> str:
    case.refresh_from_db()
    return case.state


def test_case_page_shows_case_evidence_and_suggestions(
    manager_client: Client, case: Case, provider: LegalAidProvider
) -> None:
    response = manager_client.get(f"/cases/{case.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "系统只提供建议，不会自动联系员工、家属或出借方。" in page
    assert f'案件 #{case.pk} · <span class="pseudonym">{case.employee.pseudonym}</span>' in page
    assert "王小明" not in page
    assert "2026年11月在 4 个网贷平台有借款或还款记录，达到 3 个的标准。" in page
    assert [t.state for t in response.context["transitions"]] == ["in_progress", "closed"]
    assert "改为处理中" in page
    assert "改为“已结案”的说明（必填）" in page
    suggested = [s.step.kind for s in response.context["suggestions"]]
    assert suggested[0] == "interview"
    assert "legal_aid" in suggested
    assert "员工希望得到的帮助：" in page
    assert "示例区法律援助中心" in page
    assert [row.event.kind for row in response.context["events"]] == ["opened"]
    assert f'action="/evidence/case/{case.pk}/upload/"' in page


def test_case_page_outside_scope_returns_404(client: Client, case: Case) -> None:
    client.force_login(specialist_for("hr.li", "财务部"))

    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get("/cases/999999/").status_code == 404


def test_case_page_without_capability_returns_403(client: Client, case: Case) -> None:
    client.force_login(User.objects.create_user(username="audit.wu"))

    assert client.get(f"/cases/{case.pk}/").status_code == 403


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("transition", {"to_state": "in_progress"}),
        ("assign", {"assignee": "1"}),
        ("due-date", {"due_date": "2099-01-01"}),
        ("notes", {"note": "已约谈"}),
        ("steps", {"kind": "interview", "owner": "1", "due_date": "2099-01-01"}),
        ("follow-up-consent", {"given_on": "2026-01-01", "how_recorded": "书面签字"}),
    ],
)
def test_case_forms_outside_scope_return_404(
    client: Client, case: Case, path: str, data: dict[str, str]
) -> None:
    client.force_login(specialist_for("hr.li", "财务部"))
    events = CaseEvent.objects.count()

    response = client.post(f"/cases/{case.pk}/{path}/", data)

    assert response.status_code == 404
    assert CaseEvent.objects.count() == events
    assert _state(case) == "new"


def test_case_forms_without_capability_return_403(client: Client, case: Case) -> None:
    client.force_login(User.objects.create_user(username="audit.wu"))

    response = client.post(f"/cases/{case.pk}/transition/", {"to_state": "in_progress"})

    assert response.status_code == 403
    assert _state(case) == "new"


def test_forbidden_transition_shows_message_and_changes_nothing(
    manager_client: Client, case: Case
) -> None:
    events = CaseEvent.objects.count()

    response = manager_client.post(
        f"/cases/{case.pk}/transition/",
        {"to_state": "following_up", "note": "跳过处理"},
        follow=True,
    )

    assert _messages(response) == ["案件不能从“待处理”改为“跟踪中”。"]
    assert _state(case) == "new"
    assert CaseEvent.objects.count() == events


def test_close_without_note_shows_message(manager_client: Client, case: Case) -> None:
    response = manager_client.post(
        f"/cases/{case.pk}/transition/", {"to_state": "closed", "note": ""}, follow=True
    )

    assert _messages(response) == ["案件从“待处理”改为“已结案”时须填写说明。"]
    assert _state(case) == "new"


def test_transition_form_moves_case_and_records_history(
    manager_client: Client, manager: User, case: Case
) -> None:
    response = manager_client.post(
        f"/cases/{case.pk}/transition/", {"to_state": "in_progress", "note": ""}, follow=True
    )

    assert _messages(response) == ["案件状态已更新。"]
    assert _state(case) == "in_progress"
    row = response.context["events"][-1]
    assert (row.event.kind, row.actor) == ("state_changed", manager.username)
    assert [(c.label, c.before, c.after) for c in row.changes] == [("状态", "待处理", "处理中")]


def test_note_with_debt_as_discipline_ground_is_rejected(
    manager_client: Client, case: Case
) -> None:
    response = manager_client.post(
        f"/cases/{case.pk}/notes/", {"note": "员工网贷逾期，建议给予警告处分"}, follow=True
    )

    assert _messages(response)[0].startswith("文字把“网贷”和“处分”联系在一起。")
    assert not CaseEvent.objects.filter(kind="note_added").exists()


def test_assign_and_due_date_forms_update_case(manager_client: Client, case: Case) -> None:
    other = specialist_for("hr.li", "销售部")

    assigned = manager_client.post(f"/cases/{case.pk}/assign/", {"assignee": other.pk}, follow=True)
    dated = manager_client.post(
        f"/cases/{case.pk}/due-date/", {"due_date": "2099-03-01"}, follow=True
    )

    assert _messages(assigned) == ["负责人已更新。"]
    assert _messages(dated) == ["处理期限已更新。"]
    case.refresh_from_db()
    assert (case.assignee, case.due_date) == (other, datetime.date(2099, 3, 1))


def test_assign_user_outside_employee_scope_is_rejected(
    manager_client: Client, manager: User, case: Case
) -> None:
    outsider = specialist_for("hr.li", "财务部")

    response = manager_client.post(
        f"/cases/{case.pk}/assign/", {"assignee": outsider.pk}, follow=True
    )

    assert _messages(response) == ["负责人：选择一个有效的选项： 该选择不在可用的选项中。"]
    case.refresh_from_db()
    assert case.assignee == manager


def test_step_add_and_result_forms_update_plan(
    manager_client: Client, manager: User, case: Case
) -> None:
    added = manager_client.post(
        f"/cases/{case.pk}/steps/",
        {"kind": "interview", "owner": manager.pk, "due_date": "2099-01-10", "note": "HR 主持"},
        follow=True,
    )
    step = InterventionStep.objects.get(case=case)
    recorded = manager_client.post(
        f"/cases/steps/{step.pk}/result/",
        {"status": "done", "result": "员工愿意接受财务咨询"},
        follow=True,
    )

    assert _messages(added) == ["干预步骤已加入计划。"]
    assert _messages(recorded) == ["步骤结果已记录。"]
    step.refresh_from_db()
    assert (step.kind, step.owner, step.status, step.result) == (
        "interview",
        manager,
        "done",
        "员工愿意接受财务咨询",
    )
    kinds = [row.event.kind for row in recorded.context["events"]]
    assert kinds == ["opened", "step_added", "step_result"]


def test_legal_aid_step_without_provider_shows_message(
    manager_client: Client, manager: User, case: Case
) -> None:
    response = manager_client.post(
        f"/cases/{case.pk}/steps/",
        {"kind": "legal_aid", "owner": manager.pk, "due_date": "2099-01-10"},
        follow=True,
    )

    assert _messages(response) == ["法律援助转介须从法律援助机构名录中选择一家机构。"]
    assert not InterventionStep.objects.exists()


def test_step_result_outside_scope_returns_404(client: Client, manager: User, case: Case) -> None:
    step = plan_step_add(
        case=case,
        user=manager,
        kind="interview",
        owner=manager,
        due_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    client.force_login(specialist_for("hr.li", "财务部"))

    response = client.post(f"/cases/steps/{step.pk}/result/", {"status": "done", "result": "x"})

    assert response.status_code == 404
    step.refresh_from_db()
    assert step.status == "planned"


def test_finished_plan_without_consent_offers_closing(
    manager_client: Client, manager: User, case: Case
) -> None:
    manager_client.post(f"/cases/{case.pk}/transition/", {"to_state": "in_progress"})
    step = plan_step_add(
        case=case,
        user=manager,
        kind="interview",
        owner=manager,
        due_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    before = manager_client.get(f"/cases/{case.pk}/")
    manager_client.post(f"/cases/steps/{step.pk}/result/", {"status": "done", "result": "已谈话"})

    after = manager_client.get(f"/cases/{case.pk}/")

    assert before.context["offer_close"] is False
    assert after.context["offer_close"] is True
    assert "员工没有同意跟踪回访：请确认后结案。系统不会自动结案。" in after.content.decode()
    assert _state(case) == "in_progress"


def test_legal_aid_directory_manager_adds_and_edits(manager_client: Client) -> None:
    added = manager_client.post(
        "/cases/legal-aid/",
        {
            "name": "示例市法律援助中心",
            "contact": "12348",
            "scope": "劳动争议",
            "region": "示例市",
            "last_verified_on": "2026-11-20",
            "active": "on",
        },
        follow=True,
    )
    provider = LegalAidProvider.objects.get(name="示例市法律援助中心")
    edited = manager_client.post(
        f"/cases/legal-aid/{provider.pk}/",
        {
            "name": "示例市法律援助中心",
            "contact": "0000-12348",
            "scope": "劳动争议、借贷纠纷",
            "region": "示例市",
            "last_verified_on": "2026-11-25",
        },
        follow=True,
    )

    assert _messages(added) == ["法律援助机构“示例市法律援助中心”已保存。"]
    assert _messages(edited) == ["法律援助机构“示例市法律援助中心”已保存。"]
    provider.refresh_from_db()
    assert (provider.contact, provider.active, provider.last_verified_on) == (
        "0000-12348",
        False,
        datetime.date(2026, 11, 25),
    )
    assert "0000-12348" in edited.content.decode()


def test_legal_aid_directory_duplicate_name_shows_message(
    manager_client: Client, provider: LegalAidProvider
) -> None:
    response = manager_client.post(
        "/cases/legal-aid/",
        {"name": provider.name, "contact": "1", "scope": "x", "last_verified_on": "2026-11-20"},
    )

    assert _messages(response) == ["名录中已有名为“示例区法律援助中心”的机构。"]
    assert LegalAidProvider.objects.count() == 1


def test_legal_aid_directory_specialist_reads_but_cannot_edit(
    client: Client, provider: LegalAidProvider
) -> None:
    client.force_login(specialist_for("hr.li", "销售部"))

    listed = client.get("/cases/legal-aid/")
    added = client.post(
        "/cases/legal-aid/",
        {"name": "新机构", "contact": "1", "scope": "x", "last_verified_on": "2026-11-20"},
    )
    edit_page = client.get(f"/cases/legal-aid/{provider.pk}/")

    assert listed.status_code == 200
    assert "示例区法律援助中心" in listed.content.decode()
    assert listed.context["form"] is None
    assert (added.status_code, edit_page.status_code) == (403, 403)
    assert LegalAidProvider.objects.count() == 1
