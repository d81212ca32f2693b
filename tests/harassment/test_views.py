"""The harassment pages: look-up, intake, detail, debtor link, letter, summary, 403 and 404."""

from typing import Any

from django.test import Client
from django.urls import reverse

from hrguard.cases.harassment.models import HarassmentIncident
from hrguard.people.models import Employee
from hrguard.privacy.models import AuditEntry
from hrguard.privacy.roles import Role
from tests.harassment.conftest import record
from tests.privacy.helpers import make_user

INTAKE = {
    "colleague_phone": "+86 138 0013 8000",
    "caller_number": "139 1234 5678",
    "platform": "速借金融平台",
    "occurred_at": "2026-11-20T14:30",
    "channel": "call",
    "claimed_debtor": "王磊",
    "threat_flags": ["abuse"],
    "threats": "",
    "evidence_notes": "录音已存员工手机",
}


def test_intake_lookup_shows_colleague(
    client: Client, employees: dict[str, Employee], hr_manager: Any
) -> None:
    client.force_login(hr_manager)

    page = client.get(reverse("harassment:intake"), {"phone": "0086-138-0013-8000"})

    text = page.content.decode()
    assert page.status_code == 200
    assert f"找到员工：工号 E3001（{employees['colleague'].pseudonym}），研发部。" in text
    assert "不确认、不透露员工任何信息" in text
    assert "12378" in text
    assert "12381" in text
    assert "2026-12-04" in text


def test_intake_lookup_caller_number_lists_incidents(
    client: Client, employees: dict[str, Employee], hr_manager: Any
) -> None:
    incident = record(hr_manager, employees["colleague"], occurred_at="2026-11-18 09:05")
    record(hr_manager, employees["colleague"], caller_number="0755-2345 6789")
    client.force_login(hr_manager)

    page = client.get(reverse("harassment:intake"), {"phone": "+86 139-1234-5678"})

    text = page.content.decode()
    assert page.status_code == 200
    assert "该号码此前已登记 1 起骚扰事件：" in text
    assert f">#{incident.pk}</a>（速借金融平台，2026-11-18）" in text
    assert "找到员工" not in text
    assert "没有找到使用该手机号的员工" not in text


def test_intake_lookup_unknown_number_shows_error(
    client: Client, employees: dict[str, Employee], hr_manager: Any
) -> None:
    client.force_login(hr_manager)

    page = client.get(reverse("harassment:intake"), {"phone": "138 0000 0000"})

    assert "没有找到使用该手机号的员工，或该员工不在您的数据范围内。" in page.content.decode()


def test_intake_post_records_and_redirects(
    client: Client, employees: dict[str, Employee], hr_manager: Any
) -> None:
    client.force_login(hr_manager)

    response = client.post(reverse("harassment:intake"), INTAKE)

    incident = HarassmentIncident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("harassment:incident_detail", args=[incident.pk])
    assert incident.colleague == employees["colleague"]
    assert incident.caller_number == "139 1234 5678"
    assert incident.threat_flags == ["abuse"]


def test_intake_unknown_colleague_phone_shows_error(
    client: Client, employees: dict[str, Employee], hr_manager: Any
) -> None:
    client.force_login(hr_manager)

    response = client.post(
        reverse("harassment:intake"), {**INTAKE, "colleague_phone": "138 0000 0000"}
    )

    assert response.status_code == 400
    assert "没有找到使用该手机号的员工，或该员工不在您的数据范围内。" in response.content.decode()
    assert not HarassmentIncident.objects.exists()


def test_detail_masks_number_and_audits_read(
    client: Client, employees: dict[str, Employee], hr_manager: Any
) -> None:
    incident = record(hr_manager, employees["colleague"])
    record(hr_manager, employees["colleague"], caller_number="+86 13912345678")
    client.force_login(hr_manager)

    page = client.get(reverse("harassment:incident_detail", args=[incident.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "139****5678" in text
    assert "13912345678" not in text
    assert "同一号码另有 1 起登记。" in text
    assert AuditEntry.objects.filter(
        action="harassment.incident_view", target_id=str(incident.pk)
    ).exists()


def test_debtor_link_view_links_employee(
    client: Client, employees: dict[str, Employee], hr_manager: Any
) -> None:
    incident = record(hr_manager, employees["colleague"])
    client.force_login(hr_manager)

    response = client.post(
        reverse("harassment:debtor_link", args=[incident.pk]), {"employee_no": "E3002"}
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.debtor == employees["debtor"]


def test_debtor_link_view_outside_scope_unchanged(
    client: Client, employees: dict[str, Employee], specialist: Any
) -> None:
    incident = record(specialist, employees["colleague"])
    client.force_login(specialist)

    response = client.post(
        reverse("harassment:debtor_link", args=[incident.pk]),
        {"employee_no": "E3003"},
        follow=True,
    )

    assert "工号 E3003 不存在，或不在您的数据范围内。" in response.content.decode()
    incident.refresh_from_db()
    assert incident.debtor is None


def test_letter_view_returns_docx(
    client: Client, employees: dict[str, Employee], hr_manager: Any
) -> None:
    incident = record(hr_manager, employees["colleague"])
    client.force_login(hr_manager)

    response = client.post(reverse("harassment:letter", args=[incident.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="stop-contact-incident-{incident.pk}.docx"'
    )


def test_summary_shows_masked_counts(
    client: Client, employees: dict[str, Employee], hr_manager: Any
) -> None:
    record(hr_manager, employees["colleague"])
    record(hr_manager, employees["outsider"], caller_number="139-1234-5678", platform="闪电贷")
    client.force_login(hr_manager)

    page = client.get(reverse("harassment:summary"))

    text = page.content.decode()
    assert page.status_code == 200
    assert '<tr><td>139****5678</td><td class="number">2</td></tr>' in text
    assert '<tr><td>闪电贷</td><td class="number">1</td></tr>' in text
    assert "13912345678" not in text


def test_incident_outside_scope_404_everywhere(
    client: Client, employees: dict[str, Employee], hr_manager: Any, specialist: Any
) -> None:
    incident = record(hr_manager, employees["outsider"])
    client.force_login(specialist)

    detail = client.get(reverse("harassment:incident_detail", args=[incident.pk]))
    letter = client.post(reverse("harassment:letter", args=[incident.pk]))
    link = client.post(
        reverse("harassment:debtor_link", args=[incident.pk]), {"employee_no": "E3002"}
    )
    unlink = client.post(reverse("harassment:debtor_unlink", args=[incident.pk]))

    assert detail.status_code == 404
    assert letter.status_code == 404
    assert link.status_code == 404
    assert unlink.status_code == 404
    incident.refresh_from_db()
    assert incident.debtor is None
    assert (
        not AuditEntry.objects.filter(target_id=str(incident.pk))
        .exclude(action="harassment.incident_record")
        .exists()
    )


def test_pages_without_capability_403(
    client: Client, employees: dict[str, Employee], hr_manager: Any
) -> None:
    incident = record(hr_manager, employees["colleague"])
    client.force_login(make_user("auditor", Role.AUDITOR))

    responses = [
        client.get(reverse("harassment:intake")),
        client.post(reverse("harassment:intake"), INTAKE),
        client.get(reverse("harassment:summary")),
        client.get(reverse("harassment:incident_detail", args=[incident.pk])),
        client.post(reverse("harassment:letter", args=[incident.pk])),
    ]

    assert [response.status_code for response in responses] == [403] * 5
    assert HarassmentIncident.objects.count() == 1


def test_pages_anonymous_redirect_to_login(client: Client, employees: dict[str, Employee]) -> None:
    response = client.get(reverse("harassment:intake"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
