"""Recording incidents: encryption at rest, validation, audit, and linking the debtor by hand."""

from typing import Any

import pytest
from django.db import connection

from hrguard.cases.harassment.models import HarassmentIncident
from hrguard.cases.harassment.services import incident_debtor_link, incident_debtor_unlink
from hrguard.cases.models import Case, CaseEvent
from hrguard.core.errors import NotFound, PermissionDenied, ValidationFailed
from hrguard.core.fields import phone_blind_index
from hrguard.people.models import Employee
from hrguard.privacy.models import AuditEntry
from hrguard.privacy.roles import Role
from tests.harassment.conftest import CALLER_NUMBER, record
from tests.privacy.helpers import make_user

THREATS = "说要去公司门口拉横幅"


def _raw_rows() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM harassment_harassmentincident")
        return repr(cursor.fetchall())


def test_record_caller_number_encrypted_at_rest(
    employees: dict[str, Employee], hr_manager: Any
) -> None:
    incident = record(
        hr_manager,
        employees["colleague"],
        caller_number="+86 139 1234 5678",
        threat_flags=("abuse", "personal_safety"),
        threats=THREATS,
    )

    raw = _raw_rows()
    assert CALLER_NUMBER not in raw
    assert "1234 5678" not in raw
    assert "王磊" not in raw
    assert THREATS not in raw
    stored = HarassmentIncident.objects.get(pk=incident.pk)
    assert stored.caller_number == "+86 139 1234 5678"
    assert stored.caller_number_index == phone_blind_index(CALLER_NUMBER)
    assert stored.threats == THREATS
    assert stored.threat_flags == ["personal_safety", "abuse"]
    assert stored.threat_labels == ["威胁人身安全", "辱骂"]


def test_record_never_links_debtor_by_itself(
    employees: dict[str, Employee], hr_manager: Any
) -> None:
    incident = record(hr_manager, employees["colleague"], claimed_debtor="王磊")

    assert incident.claimed_debtor == "王磊"
    assert incident.debtor is None
    assert incident.debtor_case is None


def test_record_audited_without_personal_data(
    employees: dict[str, Employee], hr_manager: Any
) -> None:
    incident = record(hr_manager, employees["colleague"], threat_flags=("abuse",))

    entry = AuditEntry.objects.get(action="harassment.incident_record")
    assert entry.target_id == str(incident.pk)
    assert entry.after == {"employee_no": "E3001", "channel": "call", "threat_flags": ["abuse"]}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"caller_number": "未显示"},
            "来电号码“未显示”不是电话号码，请照来电显示填写，例如 0755-2345 6789。",
        ),
        ({"platform": "  "}, "请填写对方自称的平台或出借方；不清楚时填写“未说明”。"),
        ({"channel": "fax"}, "联系方式“fax”无效，请从列表中选择。"),
        ({"threat_flags": ("blackmail",)}, "威胁类型“blackmail”无效，请从列表中选择。"),
        ({"occurred_at": "2099-01-01 08:00"}, "发生时间 2099-01-01 08:00 晚于现在，请检查。"),
    ],
)
def test_record_invalid_input_rejected_nothing_saved(
    changes: dict[str, Any], message: str, employees: dict[str, Employee], hr_manager: Any
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        record(hr_manager, employees["colleague"], **changes)

    assert raised.value.message == message
    assert not HarassmentIncident.objects.exists()


def test_record_outside_scope_not_found(employees: dict[str, Employee], specialist: Any) -> None:
    with pytest.raises(NotFound):
        record(specialist, employees["outsider"])

    assert not HarassmentIncident.objects.exists()


def test_record_without_capability_denied(employees: dict[str, Employee]) -> None:
    auditor = make_user("auditor", Role.AUDITOR)

    with pytest.raises(PermissionDenied):
        record(auditor, employees["colleague"])

    assert not HarassmentIncident.objects.exists()


def test_debtor_link_joins_open_case_and_records_event(
    employees: dict[str, Employee], hr_manager: Any
) -> None:
    case = Case.objects.create(employee=employees["debtor"], opened_by=hr_manager)
    incident = record(hr_manager, employees["colleague"])

    linked = incident_debtor_link(incident=incident, user=hr_manager, debtor=employees["debtor"])

    assert linked.debtor == employees["debtor"]
    assert linked.debtor_case == case
    assert linked.debtor_linked_by == hr_manager
    event = CaseEvent.objects.get(case=case)
    assert event.kind == "note_added"
    assert event.after == {"harassment_incident": incident.pk}
    entry = AuditEntry.objects.get(action="harassment.debtor_link")
    assert entry.before == {"debtor_employee_no": None, "case_id": None}
    assert entry.after == {"debtor_employee_no": "E3002", "case_id": case.pk}


def test_debtor_link_without_case_links_employee_only(
    employees: dict[str, Employee], hr_manager: Any
) -> None:
    incident = record(hr_manager, employees["colleague"])

    linked = incident_debtor_link(incident=incident, user=hr_manager, debtor=employees["debtor"])

    assert linked.debtor == employees["debtor"]
    assert linked.debtor_case is None
    assert not CaseEvent.objects.exists()


def test_debtor_link_outside_scope_not_found_unchanged(
    employees: dict[str, Employee], specialist: Any
) -> None:
    incident = record(specialist, employees["colleague"])

    with pytest.raises(NotFound):
        incident_debtor_link(incident=incident, user=specialist, debtor=employees["outsider"])

    assert HarassmentIncident.objects.get(pk=incident.pk).debtor is None


def test_debtor_link_legal_without_case_handling_denied(
    employees: dict[str, Employee], hr_manager: Any
) -> None:
    legal = make_user("legal", Role.LEGAL)
    incident = record(legal, employees["colleague"])

    with pytest.raises(PermissionDenied):
        incident_debtor_link(incident=incident, user=legal, debtor=employees["debtor"])

    assert HarassmentIncident.objects.get(pk=incident.pk).debtor is None


def test_debtor_link_colleague_as_own_debtor_rejected(
    employees: dict[str, Employee], hr_manager: Any
) -> None:
    incident = record(hr_manager, employees["colleague"])

    with pytest.raises(ValidationFailed):
        incident_debtor_link(incident=incident, user=hr_manager, debtor=employees["colleague"])

    assert HarassmentIncident.objects.get(pk=incident.pk).debtor is None


def test_debtor_unlink_clears_link_and_audits(
    employees: dict[str, Employee], hr_manager: Any
) -> None:
    incident = record(hr_manager, employees["colleague"])
    incident_debtor_link(incident=incident, user=hr_manager, debtor=employees["debtor"])

    unlinked = incident_debtor_unlink(incident=incident, user=hr_manager)

    assert unlinked.debtor is None
    assert unlinked.debtor_linked_at is None
    entry = AuditEntry.objects.get(action="harassment.debtor_unlink")
    assert entry.before == {"debtor_employee_no": "E3002", "case_id": None}
