"""Measure the harassment intake's phone look-up on a company of 10,000 employees.

Creates a fresh SQLite database in a temporary folder, adds `--employees`
employees with encrypted phone numbers, then times `employees_find_by_phone`
(blind index of the typed number, one indexed query) for numbers typed in
different formats, as an HR manager who sees every employee. Prints the median
and the slowest look-up and the query plan. The first look-up also loads the
user's capabilities, as the first permission check of a request does.

Run: .venv/bin/python -m benchmarks.bench_phone_lookup [--employees 10000] [--lookups 200]
"""

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

SEED = 20261204
# The intake page must respond well under a second, and the look-up is only part of a request.
TARGET_SECONDS = 0.1


def _django_setup(home: Path) -> None:
    os.environ["HRGUARD_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hrguard.config.settings"
    os.environ.setdefault("HRGUARD_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _typed(number: str, style: int) -> str:
    """Return an 11-digit mobile number written the way people type it."""
    styles = [
        f"+86 {number[:3]} {number[3:7]} {number[7:]}",
        f"0086-{number[:3]}-{number[3:7]}-{number[7:]}",
        f"{number[:3]} {number[3:7]} {number[7:]}",
        number.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ]
    return styles[style % len(styles)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--lookups", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as home:
        _django_setup(Path(home))
        from django.contrib.auth.models import Group, User
        from django.core.management import call_command
        from django.db import connection

        from hrguard.cases.harassment.selectors import employees_find_by_phone
        from hrguard.people.models import Department, Employee
        from hrguard.people.pseudonyms import pseudonym_for
        from hrguard.privacy.roles import Role

        call_command("migrate", verbosity=0)
        department = Department.objects.create(name="全公司")
        started = time.perf_counter()
        Employee.objects.bulk_create(
            (
                Employee(
                    employee_no=f"E{index:05d}",
                    name=f"员工{index}",
                    department=department,
                    phone=f"139{index:08d}",
                    pseudonym=pseudonym_for(f"E{index:05d}", length=8),
                )
                for index in range(args.employees)
            ),
            batch_size=2_000,
        )
        print(f"created {args.employees} employees in {time.perf_counter() - started:.1f} s")
        user = User.objects.create_user(username="bench-hr")
        Group.objects.get(name=Role.HR_MANAGER.value).user_set.add(user)

        rng = random.Random(SEED)
        timings = []
        for lookup in range(args.lookups):
            index = rng.randrange(args.employees)
            typed = _typed(f"139{index:08d}", lookup)
            started = time.perf_counter()
            found = employees_find_by_phone(user=user, phone=typed)
            timings.append(time.perf_counter() - started)
            assert [employee.employee_no for employee in found] == [f"E{index:05d}"], typed

        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM people_employee WHERE phone_index = %s",
                ["0" * 64],
            )
            plan = " ".join(row[3] for row in cursor.fetchall())

    median = statistics.median(timings)
    slowest = max(timings)
    print(f"python {platform.python_version()} on {platform.machine()}, SQLite")
    print(
        f"look-ups: {args.lookups}, median {median * 1000:.2f} ms, slowest {slowest * 1000:.2f} ms"
    )
    print(f"query plan: {plan}")
    if slowest > TARGET_SECONDS:
        raise SystemExit(f"slowest look-up {slowest:.3f} s is above {TARGET_SECONDS} s")
