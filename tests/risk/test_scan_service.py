"""scan_run over a small company built with the ORM."""

import datetime
import hashlib

import pytest

from hrguard.core.errors import ValidationFailed
from hrguard.people.models import Employee
from hrguard.privacy.models import AuditEntry
from hrguard.risk.engine import DEFAULT_RULE_SET, rule_set_load
from hrguard.risk.frames import FRAME_SOURCES
from hrguard.risk.models import Alert, IndicatorResult, RuleSet, ScanRun
from hrguard.risk.services import scan_run
from tests.risk.builders import RULE_SET_VERSION
from tests.risk.company import (
    AS_OF,
    MONTHS,
    borrow_from_three_platforms,
    employee,
    gamble,
    overspend,
    pay,
    take_leave,
)

pytestmark = pytest.mark.django_db

MAY, JUNE, JULY = MONTHS[3], MONTHS[4], MONTHS[5]
AUGUST_END = datetime.date(2026, 8, 31)
PAYMENT_CODES = {"spend_income_ratio", "loan_platforms", "gambling_spend"}


def _alerts() -> dict[str, tuple[str, str, list[str]]]:
    return {
        alert.employee.employee_no: (alert.status, alert.level, alert.indicators)
        for alert in Alert.objects.select_related("employee")
    }


def _codes(employee_no: str, scan: ScanRun) -> dict[str, bool]:
    results = IndicatorResult.objects.filter(scan=scan, employee__employee_no=employee_no)
    return {result.code: result.hit for result in results}


@pytest.fixture
def company() -> dict[str, Employee]:
    """Build five employees with the same pay.

    E0001 overspends, borrows and takes leave. E0002 does the same without payment
    consent. E0003 overspends, borrows and gambles but withdrew consent on 1 July.
    E0004 has only sick leave. E0005 has left the company.
    """
    people = {
        "E0001": employee("E0001"),
        "E0002": employee("E0002", consent_from=None),
        "E0003": employee("E0003", withdrawn_on=datetime.date(2026, 7, 1)),
        "E0004": employee("E0004"),
        "E0005": employee("E0005", status=Employee.Status.LEFT),
    }
    for number in ("E0001", "E0002", "E0003", "E0005"):
        overspend(people[number], [MAY, JUNE, JULY])
        borrow_from_three_platforms(people[number], JULY.replace(day=3))
    gamble(people["E0003"], JUNE.replace(day=15))
    take_leave(people["E0001"], JULY, 3)
    take_leave(people["E0002"], JULY, 3)
    take_leave(people["E0004"], JULY, 5, leave_type="病假")
    return people


def test_scan_run_alerts_exact_levels(company: dict[str, Employee]) -> None:
    scan = scan_run(as_of=AS_OF)

    assert _alerts() == {
        "E0001": ("open", "high", ["leave_spike", "loan_platforms", "spend_income_ratio"]),
        "E0002": ("open", "watch", ["leave_spike"]),
    }
    assert scan.employees_scanned == 4
    assert (scan.alerts_high, scan.alerts_medium, scan.alerts_watch) == (1, 0, 1)
    assert scan.finished_at is not None


def test_scan_run_without_consent_skips_payment_indicators(company: dict[str, Employee]) -> None:
    scan = scan_run(as_of=AS_OF)

    assert _codes("E0002", scan) == {
        "leave_spike": True,
        "reimbursement_spike": False,
        "collector_contact": False,
    }
    assert _codes("E0001", scan) == {
        "spend_income_ratio": True,
        "loan_platforms": True,
        "gambling_spend": False,
        "leave_spike": True,
        "reimbursement_spike": False,
        "collector_contact": False,
    }


def test_scan_run_consent_withdrawn_before_as_of_skips_payments(
    company: dict[str, Employee],
) -> None:
    scan = scan_run(as_of=AS_OF)

    assert "E0003" not in _alerts()
    assert _codes("E0003", scan) == {}


def test_scan_run_consent_in_force_on_earlier_as_of(company: dict[str, Employee]) -> None:
    scan = scan_run(as_of=datetime.date(2026, 6, 30))

    assert _alerts()["E0003"] == ("open", "watch", ["gambling_spend"])
    assert set(_codes("E0003", scan)) >= PAYMENT_CODES


def test_scan_run_stores_hits_and_misses_with_evidence(company: dict[str, Employee]) -> None:
    scan = scan_run(as_of=AS_OF)

    result = IndicatorResult.objects.get(
        scan=scan, employee__employee_no="E0001", code="spend_income_ratio"
    )
    miss = IndicatorResult.objects.get(
        scan=scan, employee__employee_no="E0001", code="gambling_spend"
    )
    assert result.alert == Alert.objects.get(employee__employee_no="E0001")
    assert result.severity == 1
    assert result.evidence["run_start"] == "2026-05"
    assert result.evidence["months"][-1] == {
        "month": "2026-07",
        "spending_fen": 1_200_000,
        "net_pay_fen": 800_000,
        "ratio": 1.5,
        "qualifies": True,
    }
    assert (miss.hit, miss.severity, miss.evidence["total_fen"]) == (False, 0, 0)
    assert not IndicatorResult.objects.filter(employee__employee_no="E0004").exists()


def test_scan_run_same_as_of_is_idempotent(company: dict[str, Employee]) -> None:
    first = scan_run(as_of=AS_OF)
    alerts_before = _alerts()
    results_before = IndicatorResult.objects.count()

    second = scan_run(as_of=AS_OF)

    assert second.pk == first.pk
    assert ScanRun.objects.count() == 1
    assert _alerts() == alerts_before
    assert Alert.objects.count() == 2
    assert IndicatorResult.objects.count() == results_before


def test_scan_run_rescan_updates_the_open_alert(company: dict[str, Employee]) -> None:
    first = scan_run(as_of=AS_OF)
    alert = Alert.objects.get(employee__employee_no="E0001")

    second = scan_run(as_of=AUGUST_END)

    alert.refresh_from_db()
    assert Alert.objects.filter(employee__employee_no="E0001").count() == 1
    assert (alert.status, alert.level) == ("open", "medium")
    assert alert.indicators == ["loan_platforms", "spend_income_ratio"]
    assert alert.first_scan == first
    assert alert.last_scan == second


def test_scan_run_no_longer_hitting_keeps_alert(company: dict[str, Employee]) -> None:
    first = scan_run(as_of=AS_OF)

    second = scan_run(as_of=AUGUST_END)

    alert = Alert.objects.get(employee__employee_no="E0002")
    assert (alert.status, alert.level, alert.indicators) == ("open", "watch", ["leave_spike"])
    assert alert.last_scan == first
    assert _codes("E0002", second) == {
        "leave_spike": False,
        "reimbursement_spike": False,
        "collector_contact": False,
    }
    assert alert.results.filter(scan=second).count() == 3


def test_scan_run_earlier_as_of_leaves_alert_unchanged(company: dict[str, Employee]) -> None:
    latest = scan_run(as_of=AS_OF)

    scan_run(as_of=datetime.date(2026, 6, 30))

    alert = Alert.objects.get(employee__employee_no="E0001")
    assert (alert.level, alert.last_scan) == ("high", latest)


def test_scan_run_dismissed_alert_quiet_until_new_kind(company: dict[str, Employee]) -> None:
    scan_run(as_of=AS_OF)
    Alert.objects.filter(employee__employee_no="E0002").update(status=Alert.Status.DISMISSED)
    person = company["E0002"]
    take_leave(person, AUGUST_END.replace(day=1), 4)

    scan_run(as_of=AUGUST_END)
    quiet = _alerts()["E0002"]
    person.consents.create(category="payments", granted_on=datetime.date(2026, 8, 1))
    gamble(person, AUGUST_END.replace(day=20))
    scan_run(as_of=datetime.date(2026, 8, 30))

    assert quiet == ("dismissed", "watch", ["leave_spike"])
    statuses = sorted(Alert.objects.filter(employee=person).values_list("status", "level"))
    assert statuses == [("dismissed", "watch"), ("open", "high")]
    new_alert = Alert.objects.get(employee=person, status=Alert.Status.OPEN)
    assert new_alert.indicators == [
        "gambling_spend",
        "leave_spike",
        "loan_platforms",
        "spend_income_ratio",
    ]


def test_scan_run_closed_alert_reopens_on_any_hit(company: dict[str, Employee]) -> None:
    scan_run(as_of=AS_OF)
    Alert.objects.filter(employee__employee_no="E0002").update(status=Alert.Status.CLOSED)
    take_leave(company["E0002"], AUGUST_END.replace(day=1), 4)

    scan_run(as_of=AUGUST_END)

    statuses = sorted(
        Alert.objects.filter(employee=company["E0002"]).values_list("status", "level")
    )
    assert statuses == [("closed", "watch"), ("open", "watch")]


def test_scan_run_freezes_rule_set_once(company: dict[str, Employee]) -> None:
    first = scan_run(as_of=AS_OF)
    second = scan_run(as_of=AUGUST_END)

    rule_set = RuleSet.objects.get()
    assert rule_set.version == RULE_SET_VERSION
    assert rule_set.sha256 == hashlib.sha256(DEFAULT_RULE_SET.read_bytes()).hexdigest()
    assert rule_set.content == DEFAULT_RULE_SET.read_text(encoding="utf-8")
    assert first.rule_set == second.rule_set == rule_set


def test_scan_run_changed_rule_set_same_version_rejected(
    company: dict[str, Employee], tmp_path
) -> None:
    scan_run(as_of=AS_OF)
    changed = tmp_path / "changed.toml"
    changed.write_text(
        DEFAULT_RULE_SET.read_text(encoding="utf-8").replace(
            "platforms_min = 3", "platforms_min = 2"
        ),
        encoding="utf-8",
    )

    with pytest.raises(ValidationFailed) as caught:
        scan_run(as_of=AUGUST_END, rule_set_path=changed)

    assert caught.value.code == "ruleset_version_reused"
    assert (
        caught.value.message
        == f"规则集版本 {RULE_SET_VERSION} 已存在，但内容不同。修改规则文件后请提高 version。"
    )
    assert ScanRun.objects.count() == 1


def test_scan_run_invalid_rule_set_message(tmp_path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(
        DEFAULT_RULE_SET.read_text(encoding="utf-8").replace("ratio_min = 1.5", 'ratio_min = "高"'),
        encoding="utf-8",
    )

    with pytest.raises(ValidationFailed) as caught:
        scan_run(as_of=AS_OF, rule_set_path=broken)

    assert caught.value.code == "ruleset_invalid"
    assert caught.value.message == (
        f"规则文件 {broken} 中 indicators.spend_income_ratio.ratio_min 的类型不对："
        "expected a number, got '高'"
    )


def test_scan_run_writes_audit_entry(company: dict[str, Employee]) -> None:
    scan = scan_run(as_of=AS_OF)

    entry = AuditEntry.objects.get(action="scan.run")
    assert entry.target_id == str(scan.pk)
    assert entry.after == {
        "as_of": "2026-07-31",
        "rule_set": RULE_SET_VERSION,
        "replaced_earlier_run": False,
        "employees_scanned": 4,
        "payment_records_read_for": 2,
        "alerts_created": 2,
        "alerts_updated": 0,
    }


def test_scan_run_reports_progress(company: dict[str, Employee]) -> None:
    calls: list[tuple[int, int]] = []

    scan_run(as_of=AS_OF, progress=lambda done, total: calls.append((done, total)))

    # One step per loaded source, one per indicator, and the final write.
    total = len(FRAME_SOURCES) + len(rule_set_load().indicators) + 1
    assert calls == [(step, total) for step in range(1, total + 1)]


def test_scan_run_payment_month_uses_shanghai_time(company: dict[str, Employee]) -> None:
    person = employee("E0010")
    overspend(person, [MAY, JUNE])
    # 00:30 on 1 July in Shanghai is still 30 June in UTC.
    pay(person, datetime.date(2026, 7, 1), "12000", hour=0)

    scan = scan_run(as_of=AS_OF)

    result = IndicatorResult.objects.get(scan=scan, employee=person, code="spend_income_ratio")
    assert result.hit is True
    assert result.evidence["run_end"] == "2026-07"
