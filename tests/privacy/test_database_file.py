"""The database file itself, read as bytes, must not contain a phone number in plaintext."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

MIGRATE_AND_CREATE_EMPLOYEE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from hrguard.people.models import Department, Employee
department = Department.objects.create(name="研发部")
Employee.objects.create(
    employee_no="E9001", name="测试", department=department, pseudonym="员工-9001",
    phone="13812345678",
)
"""


def run_python(home: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "HRGUARD_DATA_KEYS", "HRGUARD_INDEX_KEY", "HRGUARD_ENV"}
    }
    env["HRGUARD_HOME"] = str(home)
    env["DJANGO_SETTINGS_MODULE"] = "hrguard.config.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


@pytest.mark.slow
def test_sqlite_file_bytes_contain_no_plaintext_phone(tmp_path: Path) -> None:
    home = tmp_path / "home"

    run_python(home, MIGRATE_AND_CREATE_EMPLOYEE)

    database_files = sorted(home.glob("hrguard.sqlite3*"))
    raw = b"".join(path.read_bytes() for path in database_files)
    assert home / "hrguard.sqlite3" in database_files
    assert b"E9001" in raw
    assert b"13812345678" not in raw
    assert b"hg1:" in raw
    assert (home / "keys.env").exists()
    assert b"13812345678" not in (home / "keys.env").read_bytes()
