"""colleague_borrowing over imported chat: window, receiver count, evidence and stacking."""

import datetime
from pathlib import Path

import polars as pl
import pytest

from hrguard.attendance.models import LeaveRecord
from hrguard.ingest.services import import_file
from hrguard.people.models import Employee
from hrguard.risk.engine import Period, rule_set_load, scan_input
from hrguard.risk.engine.indicators.chat import (
    CHAT_SCHEMA,
    ColleagueBorrowingParams,
    colleague_borrowing,
)
from hrguard.risk.explain import describe_result
from hrguard.risk.models import Alert, IndicatorResult
from hrguard.risk.services import scan_run
from tests.chat_import.conftest import ARCHIVE

AS_OF = datetime.date(2026, 11, 30)


def _scan_after_import() -> None:
    import_file(kind="chat", path=ARCHIVE, file_name=ARCHIVE.name)
    scan_run(as_of=AS_OF)


@pytest.mark.django_db
def test_scan_flags_employee_who_asked_three_colleagues(
    chat_company: dict[str, Employee],
) -> None:
    _scan_after_import()

    alert = Alert.objects.get()
    result = IndicatorResult.objects.get(code="colleague_borrowing", hit=True)
    assert alert.employee == chat_company["E1001"]
    assert alert.level == "watch"
    assert alert.indicators == ["colleague_borrowing"]
    assert result.evidence["receiver_count"] == 3
    assert result.evidence["total_fen"] == 1_000_000
    assert [request["date"] for request in result.evidence["requests"]] == [
        "2026-11-03",
        "2026-11-10",
        "2026-11-20",
    ]


@pytest.mark.django_db
def test_scan_evidence_names_pseudonyms_never_names_or_numbers(
    chat_company: dict[str, Employee],
) -> None:
    _scan_after_import()

    result = IndicatorResult.objects.get(code="colleague_borrowing", hit=True)
    pseudonyms = [chat_company[no].pseudonym for no in ("E1002", "E1003", "E1004")]
    assert describe_result("colleague_borrowing", result.evidence) == [
        "30 天内（2026-11-03至2026-11-20）向 3 位同事或群聊借钱，共开口 10,000.00 元。",
        f"2026-11-03：向 {pseudonyms[0]} 借 3,000.00 元。",
        f"2026-11-10：向 {pseudonyms[1]} 借 2,000.00 元。",
        f"2026-11-20：向 {pseudonyms[2]} 借 5,000.00 元。",
    ]
    evidence_text = str(result.evidence)
    for employee in chat_company.values():
        assert employee.name not in evidence_text
        assert employee.employee_no not in evidence_text


@pytest.mark.django_db
def test_scan_chat_hit_stacks_with_leave_spike(chat_company: dict[str, Employee]) -> None:
    borrower = chat_company["E1001"]
    for day in (2, 3, 4, 5):
        LeaveRecord.objects.create(
            employee=borrower, date=datetime.date(2026, 11, day), leave_type="事假", days=1
        )

    _scan_after_import()

    alert = Alert.objects.get()
    assert alert.indicators == ["colleague_borrowing", "leave_spike"]
    assert alert.level == "medium"


def _requests(*rows: tuple[str, str, int | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "employee_no": ["E1"] * len(rows),
            "sent_at": [datetime.datetime.fromisoformat(sent_at) for sent_at, _, _ in rows],
            "receiver": [receiver for _, receiver, _ in rows],
            "receivers": [[receiver] for _, receiver, _ in rows],
            "in_group": [False] * len(rows),
            "group_size": [0] * len(rows),
            "amount_fen": [amount for _, _, amount in rows],
        },
        schema=CHAT_SCHEMA,
    )


def _evaluate(requests: pl.DataFrame, params: ColleagueBorrowingParams) -> dict[str, object]:
    inputs = scan_input(
        employees=pl.DataFrame({"employee_no": ["E1"]}),
        frames={"chat": requests},
        scopes={"chat": frozenset({"E1"})},
    )
    result = colleague_borrowing(inputs, Period.ending_on(AS_OF, 6), params)
    return result.row(0, named=True)


def test_indicator_requests_further_apart_than_window_miss() -> None:
    requests = _requests(
        ("2026-09-01 10:00", "员工-AAAA", 100_000),
        ("2026-10-02 10:00", "员工-BBBB", None),
    )

    result = _evaluate(requests, ColleagueBorrowingParams(window_days=30, receivers_min=2))

    assert result["hit"] is False


def test_indicator_window_and_count_come_from_params() -> None:
    requests = _requests(
        ("2026-11-01 10:00", "员工-AAAA", 100_000),
        ("2026-11-03 10:00", "员工-AAAA", 50_000),
        ("2026-11-04 10:00", "员工-BBBB", None),
        ("2026-11-20 10:00", "员工-CCCC", 20_000),
    )

    wide = _evaluate(requests, ColleagueBorrowingParams(window_days=30, receivers_min=3))
    narrow = _evaluate(requests, ColleagueBorrowingParams(window_days=5, receivers_min=3))

    assert wide["hit"] is True
    assert narrow["hit"] is False
    assert '"receiver_count":2' in narrow["evidence"]


def test_default_rule_set_enables_thirty_days_two_receivers() -> None:
    params = rule_set_load().indicators["colleague_borrowing"].params

    assert params == ColleagueBorrowingParams(window_days=30, receivers_min=2)


@pytest.mark.django_db
def test_scan_group_request_counts_once(chat_company: dict[str, Employee], tmp_path: Path) -> None:
    path = tmp_path / "chat.csv"
    path.write_text(
        "时间,发送人工号,接收人工号,群聊ID,内容\n"
        "2026-11-04 09:00:00,E1005,E1002;E1003;E1004;E1001,wrTeam,谁能借我2000，下周还\n"
        "2026-11-06 09:00:00,E1005,E1002,,能借我500吗，月底还你\n",
        encoding="utf-8",
    )
    import_file(kind="chat", path=path, file_name=path.name)

    scan_run(as_of=AS_OF)

    result = IndicatorResult.objects.get(employee=chat_company["E1005"], code="colleague_borrowing")
    shown = sorted(chat_company[no].pseudonym for no in ("E1001", "E1002", "E1003", "E1004"))
    assert result.hit is True
    assert result.evidence["receiver_count"] == 2
    assert describe_result("colleague_borrowing", result.evidence)[1:] == [
        f"2026-11-04：在 4 名同事的群聊中（如 {'、'.join(shown[:3])}）借 2,000.00 元。",
        f"2026-11-06：向 {chat_company['E1002'].pseudonym} 借 500.00 元。",
    ]
