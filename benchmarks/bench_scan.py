"""Measure the risk scan on a generated company: 10,000 employees, six months, ~3 million payments.

Each phase runs in its own process, so its peak RSS (resource.getrusage max
RSS) is its own:
- engine: generate the frames in memory, then run scan_evaluate on them;
- db-load: write the same company into a fresh SQLite database (not timed against a target);
- db-scan: run scan_run, the full path from the database to stored alerts.

The company is generated from a fixed seed. Every employee has payroll,
about `--rows-per-month` payment rows a month, some leave and some claims.
80% have payment consent, and a few percent overspend, borrow from several
platforms, gamble, take a lot of leave or claim unusually much.

Run: .venv/bin/python -m benchmarks.bench_scan [--employees 10000] [--rows-per-month 50] [--skip-db]
"""

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

AS_OF = datetime.date(2026, 7, 31)
SEED = 20261204
DEPARTMENTS = 50
CONSENT_SHARE = 0.8
MERCHANTS = 3000
DESCRIPTIONS = 800
LOAN_PLATFORMS = [
    "蚂蚁借呗",
    "微粒贷",
    "京东金条",
    "360借条",
    "度小满",
    "分期乐",
    "安逸花",
    "洋钱罐",
]
NEUTRAL_COUNTERPARTIES = ["余额宝", "零钱通", "招商银行信用卡还款"]
# Shares of employees given each risk pattern.
OVERSPEND_SHARE = 0.03
BORROW_SHARE = 0.02
GAMBLE_SHARE = 0.01
LEAVE_SHARE = 0.02
CLAIM_SHARE = 0.01


@dataclass(frozen=True)
class Company:
    employees: pl.DataFrame  # employee_no, department
    consenting: frozenset[str]
    payments: pl.DataFrame
    payroll: pl.DataFrame
    leave: pl.DataFrame
    reimbursements: pl.DataFrame


def _month_starts() -> list[datetime.date]:
    return [datetime.date(2026, month, 1) for month in range(2, 8)]


def company_generate(*, employees: int, rows_per_month: int, seed: int = SEED) -> Company:
    """Generate the whole company as engine frames, deterministically from `seed`."""
    rng = np.random.default_rng(seed)
    numbers = np.array([f"E{index:05d}" for index in range(1, employees + 1)])
    departments = np.array(
        [f"部门{index:02d}" for index in rng.integers(1, DEPARTMENTS + 1, employees)]
    )
    net_pay = rng.integers(5_000, 30_000, employees) * 100
    months = _month_starts()

    payroll = pl.DataFrame(
        {
            "employee_no": np.repeat(numbers, len(months)),
            "month": np.tile(np.array(months, dtype="datetime64[D]"), employees),
            "net_pay_fen": np.repeat(net_pay, len(months)),
        }
    ).with_columns(pl.col("month").cast(pl.Date()))

    payments = _payments_generate(rng, numbers, net_pay, rows_per_month)
    leave = _leave_generate(rng, numbers)
    reimbursements = _claims_generate(rng, numbers, departments)
    consenting = frozenset(numbers[rng.random(employees) < CONSENT_SHARE].tolist())
    return Company(
        employees=pl.DataFrame({"employee_no": numbers, "department": departments}),
        consenting=consenting,
        payments=payments,
        payroll=payroll,
        leave=leave,
        reimbursements=reimbursements,
    )


def _random_times(rng: np.random.Generator, count: int, months: np.ndarray) -> np.ndarray:
    """Return local times spread over each given month index (0 = February)."""
    starts = np.array(_month_starts(), dtype="datetime64[us]")[months]
    seconds = rng.integers(0, 28 * 24 * 3600, count)
    return starts + seconds.astype("timedelta64[s]")


def _payments_generate(
    rng: np.random.Generator, numbers: np.ndarray, net_pay: np.ndarray, rows_per_month: int
) -> pl.DataFrame:
    employees = len(numbers)
    per_employee = rows_per_month * 6
    owner = np.repeat(np.arange(employees), per_employee)
    count = len(owner)
    month = rng.integers(0, 6, count)
    # 80% expense, 10% income and 10% neutral rows.
    kind = rng.random(count)
    # Ordinary spending is 30–90% of net pay, spread over the month's expense rows.
    share = rng.uniform(0.3, 0.9, employees)[owner]
    amount = net_pay[owner] * share / (rows_per_month * 0.8) * rng.lognormal(0, 0.6, count)
    neutral_pick = rng.integers(0, len(NEUTRAL_COUNTERPARTIES), count)

    # Strings are built in polars from integer codes: numpy string arrays of
    # 3 million rows would dominate the memory this benchmark measures.
    ordinary = pl.DataFrame(
        {
            "owner": owner,
            "occurred_at": _random_times(rng, count, month),
            "direction_code": (kind >= 0.8).astype(np.int8) + (kind >= 0.9).astype(np.int8),
            "amount_fen": np.maximum(amount, 100).astype(np.int64),
            "succeeded": rng.random(count) < 0.97,
            "merchant": rng.integers(0, MERCHANTS, count),
            "neutral_pick": neutral_pick,
            "description_code": rng.integers(0, DESCRIPTIONS, count),
        }
    )
    directions = pl.Series(["expense", "income", "neutral"])
    ordinary = ordinary.select(
        pl.lit(pl.Series(numbers)).gather(pl.col("owner")).alias("employee_no"),
        "occurred_at",
        pl.lit(directions).gather(pl.col("direction_code")).alias("direction"),
        "amount_fen",
        "succeeded",
        pl.when(pl.col("direction_code") == 2)
        .then(pl.lit(pl.Series(NEUTRAL_COUNTERPARTIES)).gather(pl.col("neutral_pick")))
        .otherwise(pl.format("商户{}", "merchant"))
        .alias("counterparty"),
        pl.format("商品说明{}", "description_code").alias("description"),
        pl.when(pl.col("direction_code") == 0)
        .then(pl.lit("日用百货"))
        .otherwise(pl.lit("其他"))
        .alias("category"),
    )
    return pl.concat([ordinary, _risky_payments(rng, numbers, net_pay)]).with_columns(
        pl.col("occurred_at").cast(pl.Datetime("us"))
    )


def _risky_payments(
    rng: np.random.Generator, numbers: np.ndarray, net_pay: np.ndarray
) -> pl.DataFrame:
    employees = len(numbers)
    rows: list[tuple[str, datetime.datetime, str, int, bool, str, str, str]] = []
    for index in np.flatnonzero(rng.random(employees) < OVERSPEND_SHARE):
        for month in (3, 4, 5):
            when = _random_times(rng, 1, np.array([month]))[0].item()
            rows.append(
                (
                    numbers[index],
                    when,
                    "expense",
                    int(net_pay[index] * 1.6),
                    True,
                    "某奢侈品店",
                    "手袋",
                    "服饰",
                )
            )
    for index in np.flatnonzero(rng.random(employees) < BORROW_SHARE):
        for platform_name in rng.choice(LOAN_PLATFORMS, size=rng.integers(3, 6), replace=False):
            when = _random_times(rng, 1, np.array([5]))[0].item()
            rows.append(
                (
                    numbers[index],
                    when,
                    "neutral",
                    200_000,
                    True,
                    str(platform_name),
                    "借款",
                    "信用借还",
                )
            )
    for index in np.flatnonzero(rng.random(employees) < GAMBLE_SHARE):
        for _ in range(6):
            when = _random_times(rng, 1, rng.integers(0, 6, 1))[0].item()
            rows.append(
                (numbers[index], when, "expense", 20_000, True, "中国体育彩票", "竞彩足球", "彩票")
            )

    columns = [
        "employee_no",
        "occurred_at",
        "direction",
        "amount_fen",
        "succeeded",
        "counterparty",
        "description",
        "category",
    ]
    return pl.DataFrame(rows, schema=columns, orient="row").with_columns(
        pl.col("occurred_at").cast(pl.Datetime("us"))
    )


def _leave_generate(rng: np.random.Generator, numbers: np.ndarray) -> pl.DataFrame:
    months = _month_starts()
    employees = len(numbers)
    owner = np.repeat(np.arange(employees), 6)
    month_index = np.tile(np.arange(6), employees)
    types = np.array(["事假", "病假", "年假", "调休"])[rng.integers(0, 4, len(owner))]
    days = rng.choice([0.5, 1.0, 1.0, 2.0], len(owner))
    frame = pl.DataFrame(
        {
            "employee_no": numbers[owner],
            "date": np.array(months, dtype="datetime64[D]")[month_index]
            + rng.integers(0, 28, len(owner)),
            "leave_type": types,
            "days": days,
        }
    )
    spikes = numbers[rng.random(employees) < LEAVE_SHARE]
    spike_rows = pl.DataFrame(
        {
            "employee_no": np.repeat(spikes, 4),
            "date": np.tile(
                np.array([f"2026-07-{day:02d}" for day in (6, 7, 8, 9)], dtype="datetime64[D]"),
                len(spikes),
            ),
            "leave_type": np.tile(np.array(["事假", "事假", "旷工", "旷工"]), len(spikes)),
            "days": np.ones(len(spikes) * 4),
        }
    )
    return (
        pl.concat([frame, spike_rows])
        .with_columns(pl.col("date").cast(pl.Date()))
        .unique(["employee_no", "date", "leave_type"], keep="first", maintain_order=True)
    )


def _claims_generate(
    rng: np.random.Generator, numbers: np.ndarray, departments: np.ndarray
) -> pl.DataFrame:
    months = _month_starts()
    employees = len(numbers)
    owner = np.repeat(np.arange(employees), 6)
    month_index = np.tile(np.arange(6), employees)
    amount = rng.integers(100, 1500, len(owner)) * 100
    spikes = rng.random(employees) < CLAIM_SHARE
    amount = np.where(spikes[owner] & (month_index == 5), amount + 2_000_000, amount)
    return pl.DataFrame(
        {
            "employee_no": numbers[owner],
            "department": departments[owner],
            "date": np.array(months, dtype="datetime64[D]")[month_index]
            + rng.integers(0, 28, len(owner)),
            "amount_fen": amount,
        }
    ).with_columns(pl.col("date").cast(pl.Date()))


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 1024**2


def phase_engine(args: argparse.Namespace) -> dict[str, object]:
    from hrguard.risk.engine import rule_set_load, scan_evaluate, scan_input

    started = time.perf_counter()
    company = company_generate(employees=args.employees, rows_per_month=args.rows_per_month)
    generated = time.perf_counter()

    rule_set = rule_set_load()
    inputs = scan_input(
        employees=company.employees.select("employee_no"),
        frames={
            "payments": company.payments.filter(
                pl.col("employee_no").is_in(sorted(company.consenting))
            ),
            "payroll": company.payroll,
            "leave": company.leave,
            "reimbursements": company.reimbursements,
        },
        scopes={"payments": company.consenting},
    )
    rss_before = _current_rss_mb()
    prepared = time.perf_counter()
    outcome = scan_evaluate(inputs, rule_set, as_of=AS_OF)
    finished = time.perf_counter()

    levels = outcome.scores["level"].value_counts().sort("level").rows()
    return {
        "payment_rows": company.payments.height,
        "consented_payment_rows": inputs.frame("payments").height,
        "generate_seconds": round(generated - started, 2),
        "engine_seconds": round(finished - prepared, 2),
        "rss_before_engine_mb": round(rss_before),
        "peak_rss_mb": round(_peak_rss_mb()),
        "levels": dict(levels),
    }


def _django_setup(home: Path) -> None:
    os.environ["HRGUARD_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hrguard.config.settings"
    os.environ.setdefault("HRGUARD_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def phase_db_load(args: argparse.Namespace) -> dict[str, object]:
    _django_setup(Path(args.home))
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    company = company_generate(employees=args.employees, rows_per_month=args.rows_per_month)
    _database_write(company)
    return {
        "load_seconds": round(time.perf_counter() - started, 1),
        "payment_rows": company.payments.height,
    }


def _database_write(company: Company) -> None:
    from django.db import connection, transaction

    from hrguard.people.models import Department, Employee
    from hrguard.people.pseudonyms import pseudonym_for
    from hrguard.privacy.models import Consent

    departments = {
        name: Department.objects.create(name=name).pk
        for name in sorted(set(company.employees["department"]))
    }
    Employee.objects.bulk_create(
        Employee(
            employee_no=number,
            name=f"员工{number}",
            department_id=departments[department],
            pseudonym=pseudonym_for(number, length=8),
        )
        for number, department in company.employees.iter_rows()
    )
    ids = dict(Employee.objects.values_list("employee_no", "pk"))
    Consent.objects.bulk_create(
        Consent(employee_id=ids[number], category="payments", granted_on=datetime.date(2026, 1, 1))
        for number in sorted(company.consenting)
    )

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
    employee_ids = pl.DataFrame({"employee_no": list(ids), "employee_id": list(ids.values())})
    with transaction.atomic():
        _rows_insert(
            "payroll_payrollrecord",
            ["employee_id", "month", "gross_pay", "net_pay"],
            company.payroll.join(employee_ids, on="employee_no").select(
                "employee_id",
                pl.col("month").cast(pl.String()),
                _yuan_text(pl.col("net_pay_fen") * 2, "gross_pay"),
                _yuan_text(pl.col("net_pay_fen"), "net_pay"),
            ),
        )
        _rows_insert(
            "attendance_leaverecord",
            ["employee_id", "date", "leave_type", "days"],
            company.leave.join(employee_ids, on="employee_no").select(
                "employee_id", pl.col("date").cast(pl.String()), "leave_type", "days"
            ),
        )
        claims = company.reimbursements.join(employee_ids, on="employee_no").with_row_index("key")
        _rows_insert(
            "payroll_reimbursement",
            ["employee_id", "date", "amount", "category", "description", "row_key"],
            claims.select(
                "employee_id",
                pl.col("date").cast(pl.String()),
                _yuan_text(pl.col("amount_fen")),
                pl.lit("差旅").alias("category"),
                pl.lit("").alias("description"),
                pl.format("bench-{}", "key").alias("row_key"),
            ),
        )
        payments = company.payments.join(employee_ids, on="employee_no").with_row_index("order")
        _rows_insert(
            "payments_paymenttransaction",
            [
                "employee_id",
                "source",
                "occurred_at",
                "category",
                "counterparty",
                "description",
                "direction",
                "amount",
                "method",
                "status",
                "order_no",
                "merchant_order_no",
                "note",
                "succeeded",
            ],
            payments.select(
                "employee_id",
                pl.lit("alipay").alias("source"),
                pl.col("occurred_at")
                .dt.replace_time_zone("Asia/Shanghai")
                .dt.convert_time_zone("UTC")
                .dt.strftime("%Y-%m-%d %H:%M:%S"),
                "category",
                "counterparty",
                "description",
                "direction",
                _yuan_text(pl.col("amount_fen")),
                pl.lit("").alias("method"),
                pl.lit("交易成功").alias("status"),
                pl.format("O{}", "order").alias("order_no"),
                pl.lit("").alias("merchant_order_no"),
                pl.lit("").alias("note"),
                "succeeded",
            ),
        )


def _yuan_text(fen: pl.Expr, name: str = "amount") -> pl.Expr:
    return pl.format("{}.{}", fen // 100, (fen % 100).cast(pl.String()).str.zfill(2)).alias(name)


def _rows_insert(table: str, columns: list[str], frame: pl.DataFrame, batch: int = 100_000) -> None:
    from django.db import connection

    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, frame.height, batch):
            cursor.executemany(sql, frame.slice(start, batch).rows())


def phase_db_scan(args: argparse.Namespace) -> dict[str, object]:
    _django_setup(Path(args.home))
    from hrguard.risk.services import scan_run

    step_times: list[float] = []
    started = time.perf_counter()
    scan = scan_run(
        as_of=AS_OF, progress=lambda done, total: step_times.append(time.perf_counter())
    )
    finished = time.perf_counter()
    # scan_run reports a step after each loaded source, each indicator and the write.
    sources = len(step_times) - 1 - len(_indicator_codes())
    return {
        "scan_seconds": round(finished - started, 1),
        "load_seconds": round(step_times[sources - 1] - started, 1),
        "engine_seconds": round(step_times[-2] - step_times[sources - 1], 1),
        "write_seconds": round(step_times[-1] - step_times[-2], 1),
        "peak_rss_mb": round(_peak_rss_mb()),
        "employees_scanned": scan.employees_scanned,
        "levels": {
            "high": scan.alerts_high,
            "medium": scan.alerts_medium,
            "watch": scan.alerts_watch,
        },
    }


def _indicator_codes() -> list[str]:
    from hrguard.risk.services import rule_set_read

    return list(rule_set_read().indicators)


PHASES = {"engine": phase_engine, "db-load": phase_db_load, "db-scan": phase_db_scan}


def _phase_run(phase: str, args: argparse.Namespace, home: Path | None = None) -> dict[str, object]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.bench_scan",
        "--phase",
        phase,
        "--employees",
        str(args.employees),
        "--rows-per-month",
        str(args.rows_per_month),
    ]
    if home is not None:
        command += ["--home", str(home)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(
            line.split(":", 1)[1].strip()
            for line in lscpu.splitlines()
            if line.startswith("Model name")
        )
    except (OSError, subprocess.CalledProcessError, StopIteration):
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    load = os.getloadavg()[0]
    return (
        f"{model}, {os.cpu_count()} cores, {memory_gb:.0f} GB RAM, load average {load:.1f} at start"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument(
        "--rows-per-month",
        type=int,
        default=50,
        help="ordinary payment rows per employee and month",
    )
    parser.add_argument("--skip-db", action="store_true", help="measure the engine on frames only")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        print(json.dumps(PHASES[args.phase](args), ensure_ascii=False))
        return

    print(
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {_machine()}, Python {platform.python_version()}"
    )
    print("engine:", json.dumps(_phase_run("engine", args), ensure_ascii=False))
    if args.skip_db:
        return
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as folder:
        home = Path(folder)
        print("db-load:", json.dumps(_phase_run("db-load", args, home), ensure_ascii=False))
        print("db-scan:", json.dumps(_phase_run("db-scan", args, home), ensure_ascii=False))
        print(
            "db-scan again (same as_of, replaces results):",
            json.dumps(_phase_run("db-scan", args, home), ensure_ascii=False),
        )


if __name__ == "__main__":
    main()
