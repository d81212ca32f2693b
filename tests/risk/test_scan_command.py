"""`hrguard scan` run as a user runs it: the installed command in a fresh home."""

import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hrguard.risk.management.commands.scan import last_complete_month_end
from tests.risk.builders import RULE_SET_VERSION

HRGUARD = Path(sys.executable).with_name("hrguard")
REPOSITORY = Path(__file__).resolve().parents[2]

# Run with the repository as the working folder, so `tests.risk.company` imports.
SEED = """
import django
django.setup()
from tests.risk.company import AS_OF, MONTHS, borrow_from_three_platforms, employee, overspend, take_leave
first = employee("E0001")
overspend(first, MONTHS[3:])
borrow_from_three_platforms(first, MONTHS[5].replace(day=3))
take_leave(first, MONTHS[5], 3)
second = employee("E0002", consent_from=None)
overspend(second, MONTHS[3:])
take_leave(second, MONTHS[5], 4)
employee("E0003")
"""


def _environment(home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["HRGUARD_HOME"] = str(home)
    return env


def run_hrguard(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HRGUARD), *args],
        env=_environment(home),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_scan_command_json_and_summary(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_hrguard(home, "migrate", "--no-input").returncode == 0
    seeded = subprocess.run(
        [sys.executable, "-c", SEED],
        env={**_environment(home), "DJANGO_SETTINGS_MODULE": "hrguard.config.settings"},
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr

    as_json = run_hrguard(home, "scan", "--as-of", "2026-07-31", "--json")
    summary = run_hrguard(home, "scan", "--as-of", "2026-07-31")

    assert as_json.returncode == 0, as_json.stderr
    alerts = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [(alert["employee_no"], alert["level"], alert["indicators"]) for alert in alerts] == [
        ("E0001", "high", ["leave_spike", "loan_platforms", "spend_income_ratio"]),
        ("E0002", "watch", ["leave_spike"]),
    ]
    first = alerts[0]
    assert isinstance(first["alert_id"], int)
    assert first["status"] == "open"
    assert first["as_of"] == "2026-07-31"
    assert first["rule_set"] == RULE_SET_VERSION
    assert sorted(first["evidence"]) == ["leave_spike", "loan_platforms", "spend_income_ratio"]
    assert (
        "2026年7月：消费 12,000.00 元，实发工资 8,000.00 元，比值 1.50"
        in first["evidence"]["spend_income_ratio"]
    )

    assert summary.returncode == 0, summary.stderr
    lines = summary.stdout.splitlines()
    assert lines[0] == f"扫描完成：基准日 2026-07-31，规则集 {RULE_SET_VERSION}，扫描 3 人。"
    assert lines[1] == "本次新增或更新的预警：高风险 1 人，中风险 0 人，关注 1 人。"
    assert lines[2].startswith("高风险  E0001 员工-")
    assert lines[2].endswith(f"：请假激增、多头借贷、消费收入比（预警 {first['alert_id']}）")


def test_scan_command_invalid_date_rejected(tmp_path: Path) -> None:
    result = run_hrguard(tmp_path / "home", "scan", "--as-of", "2026-13-01")

    assert result.returncode == 2
    assert "日期「2026-13-01」无效，请用 YYYY-MM-DD 格式，例如 2026-07-31。" in result.stderr


@pytest.mark.django_db
def test_scan_command_future_date_rejected() -> None:
    with pytest.raises(CommandError, match="扫描基准日 2099-01-01 晚于今天"):
        call_command("scan", "--as-of", "2099-01-01")


@pytest.mark.django_db
def test_scan_command_empty_company_summary() -> None:
    output = io.StringIO()

    call_command("scan", "--as-of", "2026-07-31", stdout=output)

    assert output.getvalue().splitlines() == [
        f"扫描完成：基准日 2026-07-31，规则集 {RULE_SET_VERSION}，扫描 0 人。",
        "本次新增或更新的预警：高风险 0 人，中风险 0 人，关注 0 人。",
    ]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2026, 12, 5), datetime.date(2026, 11, 30)),
        (datetime.date(2026, 3, 1), datetime.date(2026, 2, 28)),
        (datetime.date(2026, 1, 31), datetime.date(2025, 12, 31)),
    ],
)
def test_scan_default_date_last_complete_month(
    today: datetime.date, expected: datetime.date
) -> None:
    assert last_complete_month_end(today) == expected
