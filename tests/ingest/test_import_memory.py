"""A payroll file of 100,000 rows imports with flat memory."""

import tracemalloc
from pathlib import Path

import pytest

from hrguard.ingest.services import import_file
from hrguard.payroll.models import PayrollRecord
from hrguard.people.models import Department, Employee

pytestmark = pytest.mark.django_db

EMPLOYEES = 1000
MONTHS = 100
# Python-heap peak allowed for the whole import. This test measured 3.1 MiB with 50,000
# rows, because the peak does not grow with the file. A list of 100,000 parsed rows alone
# would need about 40 MiB (an estimate).
PEAK_LIMIT = 16 * 1024 * 1024


def write_payroll(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write("工号,姓名,月份,应发工资,实发工资\r\n")
        for month_index in range(MONTHS):
            year, month = divmod(month_index, 12)
            for number in range(EMPLOYEES):
                stream.write(
                    f"E{number:05d},,{2000 + year}-{month + 1:02d},{8000 + number}.50,7000.25\r\n"
                )


@pytest.mark.slow
def test_payroll_import_100k_rows_keeps_memory_flat(tmp_path: Path) -> None:
    department = Department.objects.create(name="生产部")
    Employee.objects.bulk_create(
        Employee(
            employee_no=f"E{n:05d}",
            name=f"员工{n}",
            department=department,
            pseudonym=f"员工-{n:06X}",
        )
        for n in range(EMPLOYEES)
    )
    path = tmp_path / "payroll.csv"
    write_payroll(path)

    tracemalloc.start()
    try:
        report = import_file(kind="payroll", path=path, file_name=path.name)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert report.issues == []
    assert report.rows_created == EMPLOYEES * MONTHS
    assert PayrollRecord.objects.count() == EMPLOYEES * MONTHS
    assert peak < PEAK_LIMIT, f"peak {peak / 1024 / 1024:.1f} MiB"
