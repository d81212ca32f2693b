"""Measure importing a large Alipay bill (2023 layout, GBK) against polars parsing it alone.

The bill is generated deterministically under benchmarks/work/. Each measurement runs
in its own Python process, so its peak RSS (ru_maxrss) is its own:

- polars-utf8: `pl.read_csv` of a UTF-8 copy, right skip_rows, every column a string
  (polars reads only UTF-8, so a GBK bill must be transcoded first);
- transcode: GBK to UTF-8 with Python's incremental decoder, as the import does it;
- validate: pass 1 of the import (transcode, parse, normalise, check totals and order
  numbers), no database writes;
- import-sqlite / import-postgres: `import_file` of the whole bill, both passes, into an
  empty database;
- row-path: pass 1 of the row-by-row reader on a smaller file, for its cost per row.

Run: .venv/bin/python -m benchmarks.run import [--rows 1000000] [--postgres URL]
"""

import argparse
import datetime
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
DEFAULT_ROWS = 200_000
FULL_ROWS = 1_000_000
ROW_PATH_ROWS = 20_000
SEED = 20261204

HEADER = [
    "交易时间",
    "交易分类",
    "交易对方",
    "对方账号",
    "商品说明",
    "收/支",
    "金额",
    "收/付款方式",
    "交易状态",
    "交易订单号",
    "商家订单号",
    "备注",
]
# (category, counterparty, description, direction, status)
KINDS = [
    ("餐饮美食", "示例餐厅", "午餐套餐", "支出", "交易成功"),
    ("日用百货", "示例超市", "纸巾和洗衣液", "支出", "交易成功"),
    ("交通出行", "示例出行", "打车费用", "支出", "交易成功"),
    ("数码电器", "示例数码旗舰店", "蓝牙耳机（白色）", "支出", "等待确认收货"),
    ("转账红包", "同事甲", "转账", "收入", "交易成功"),
    ("投资理财", "示例基金", "余额宝-转入", "不计收支", "交易成功"),
    ("信用借还", "示例花呗", "花呗还款", "不计收支", "交易成功"),
    ("退款", "示例数码旗舰店", "退款-蓝牙耳机（白色）", "不计收支", "退款成功"),
    ("餐饮美食", "示例奶茶店", "奶茶", "支出", "交易关闭"),
]
METHODS = ["余额", "余额宝", "示例银行储蓄卡(1234)", "花呗", ""]


def write_alipay_bill(path: Path, rows: int, *, seed: int = SEED) -> Path:
    """Write a fictional Alipay 2023-layout bill in GBK whose stated totals match its rows."""
    generator = random.Random(seed)
    start = datetime.datetime(2026, 11, 30, 23, 59, 0)
    tallies = {"收入": [0, 0], "支出": [0, 0], "不计收支": [0, 0]}
    lines: list[str] = []
    for number in range(rows):
        category, counterparty, description, direction, status = KINDS[
            generator.randrange(len(KINDS))
        ]
        fen = generator.randrange(1, 200_000)
        moment = start - datetime.timedelta(seconds=number * 37 + generator.randrange(30))
        tallies[direction][0] += 1
        tallies[direction][1] += fen
        account = "/" if generator.random() < 0.5 else "exa***@example.com"
        cells = [
            moment.strftime("%Y-%m-%d %H:%M:%S"),
            category,
            counterparty,
            account,
            description,
            direction,
            f"{fen // 100}.{fen % 100:02d}",
            METHODS[generator.randrange(len(METHODS))],
            status,
            f"2026{number:022d}\t",
            f"T{number:018d}\t",
            "",
        ]
        if number % 3 == 0:
            # Some exports pad cells with spaces to a fixed width.
            cells = [cell.ljust(20) if cell else cell for cell in cells]
        lines.append(",".join(cells) + ",")

    def total(label: str) -> str:
        count, fen = tallies[label]
        return f"{label}：{count}笔 {Decimal(fen).scaleb(-2)}元"

    preamble = [
        "-" * 84,
        "导出信息：",
        "姓名：xx",
        "支付宝账户：exa***@example.com",
        "起始时间：[2026-01-01 00:00:00]    终止时间：[2026-11-30 23:59:59]",
        "导出交易类型：[全部]",
        "导出时间：[2026-12-01 09:00:00]",
        f"共{rows}笔记录",
        total("收入"),
        total("支出"),
        total("不计收支"),
        "",
        "特别提示：",
        "1.这是为测试和性能测量生成的虚构账单，不对应任何真实交易。",
        "",
        "------------------------支付宝（中国）网络技术有限公司  电子客户回单------------------------",
        ",".join(HEADER) + ",",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="gbk", newline="") as stream:
        stream.write("\r\n".join(preamble) + "\r\n")
        for start_index in range(0, len(lines), 10_000):
            stream.write("\r\n".join(lines[start_index : start_index + 10_000]) + "\r\n")
    return path


def bill_path(rows: int) -> Path:
    path = WORK / f"alipay-2023-{rows}.csv"
    if not path.exists():
        partial = path.with_suffix(".part")
        write_alipay_bill(partial, rows)
        partial.replace(path)
    return path


HEADER_LINE = 17


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_polars_utf8(args: argparse.Namespace) -> dict[str, object]:
    import polars as pl

    source = bill_path(args.rows)
    utf8 = WORK / f"alipay-2023-{args.rows}.utf8.csv"
    if not utf8.exists():
        utf8.write_text(source.read_text(encoding="gb18030"), encoding="utf-8")
    started, cpu = time.perf_counter(), time.process_time()
    frame = pl.read_csv(
        utf8, skip_rows=HEADER_LINE - 1, infer_schema=False, truncate_ragged_lines=True
    )
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "rows": frame.height,
        "peak_rss_mib": _peak_rss_mib(),
    }


def phase_transcode(args: argparse.Namespace) -> dict[str, object]:
    source = bill_path(args.rows)
    target = WORK / f"transcode-{os.getpid()}.csv"
    started, cpu = time.perf_counter(), time.process_time()
    with source.open(encoding="gb18030", newline="") as stream, target.open("wb") as out:
        while chunk := stream.read(1 << 22):
            out.write(chunk.encode())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    target.unlink()
    return {"seconds": seconds, "cpu": cpu, "peak_rss_mib": _peak_rss_mib()}


def _django(home: Path, database_url: str | None) -> None:
    os.environ["HRGUARD_HOME"] = str(home)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hrguard.config.settings"
    os.environ.setdefault("HRGUARD_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _employee() -> object:
    from hrguard.people.models import Department, Employee
    from hrguard.privacy.models import Consent, DataCategory

    department, _ = Department.objects.get_or_create(name="测试部")
    employee, created = Employee.objects.update_or_create(
        employee_no="B0001",
        # The import compares the owner a bill names with this; older generated bills name 示例用户.
        defaults={"name": "示例用户", "department": department, "pseudonym": "员工-B0001"},
    )
    if created:
        Consent.objects.create(
            employee=employee,
            category=DataCategory.PAYMENTS,
            granted_on=datetime.date(2020, 1, 1),
        )
    return employee


def phase_validate(args: argparse.Namespace, *, rows: int | None = None) -> dict[str, object]:
    home = WORK / f"home-validate-{os.getpid()}"
    _django(home, None)
    from django.test.utils import override_settings

    from hrguard.ingest.kinds.base import IssueCollector
    from hrguard.ingest.kinds.payments import PaymentsImporter

    path = bill_path(rows or args.rows)
    threshold = 1 << 62 if args.row_path else 0
    with override_settings(HRGUARD_FAST_IMPORT_MIN_BYTES=threshold):
        importer = PaymentsImporter(path=path, file_name=path.name, employee=_employee())
        issues = IssueCollector()
        started, cpu = time.perf_counter(), time.process_time()
        importer.validate(issues)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if issues.total:
        raise RuntimeError(f"validation found {issues.total} issues: {issues.issues[:3]}")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rows": importer.rows_total,
        "fast": bool(getattr(importer, "_fast", False)),
        "peak_rss_mib": _peak_rss_mib(),
    }


def phase_import(args: argparse.Namespace) -> dict[str, object]:
    home = WORK / f"home-import-{os.getpid()}"
    _django(home, args.postgres)
    from django.db import connection

    from hrguard.ingest.services import import_file
    from hrguard.payments.models import PaymentTransaction

    PaymentTransaction.objects.all().delete()
    path = bill_path(args.rows)
    employee = _employee()
    started, cpu = time.perf_counter(), time.process_time()
    report = import_file(
        kind="payments", path=path, file_name=path.name, employee_no=employee.employee_no
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if report.issues:
        raise RuntimeError(f"import rejected: {report.issues[:3]}")
    stored = PaymentTransaction.objects.count()
    result: dict[str, object] = {}
    if args.reimport:
        # The same bill again: every row is looked up and found unchanged.
        started = time.perf_counter()
        again = import_file(
            kind="payments", path=path, file_name=path.name, employee_no=employee.employee_no
        )
        result["reimport_seconds"] = time.perf_counter() - started
        result["reimport_unchanged"] = again.rows_unchanged
    PaymentTransaction.objects.all().delete()
    return {
        **result,
        "seconds": seconds,
        "cpu": cpu,
        "rows": report.rows_created,
        "stored": stored,
        "database": connection.vendor,
        "peak_rss_mib": _peak_rss_mib(),
    }


def phase_row_path(args: argparse.Namespace) -> dict[str, object]:
    args.row_path = True
    return phase_validate(args, rows=ROW_PATH_ROWS)


PHASES = {
    "polars-utf8": phase_polars_utf8,
    "transcode": phase_transcode,
    "validate": phase_validate,
    "import-sqlite": phase_import,
    "import-postgres": phase_import,
    "row-path": phase_row_path,
}


def _run_phase(phase: str, args: argparse.Namespace) -> dict[str, object]:
    command = [
        sys.executable,
        "-c",
        "from benchmarks.bench_import import main; main()",
        "--phase",
        phase,
        "--rows",
        str(args.rows),
    ]
    if phase == "import-postgres":
        command += ["--postgres", args.postgres]
    if args.reimport:
        command.append("--reimport")
    output = subprocess.run(command, cwd=ROOT, check=False, capture_output=True, text=True)
    if output.returncode:
        raise SystemExit(f"phase {phase} failed:\n{output.stderr}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def _machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory_kib = 0
    return (
        f"{model}, {os.cpu_count()} cores, {memory_kib / 1024 / 1024:.0f} GiB RAM, "
        f"Python {platform.python_version()}"
    )


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument(
        "--full", action="store_true", help=f"use {FULL_ROWS:,} rows, the spec's size"
    )
    parser.add_argument("--postgres", help="also import into this PostgreSQL DATABASE_URL")
    parser.add_argument("--repeats", type=int, default=1, help="best of N for each phase")
    parser.add_argument(
        "--reimport", action="store_true", help="also time importing the same bill again"
    )
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--row-path", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.full:
        args.rows = FULL_ROWS

    if args.phase:
        print(json.dumps(PHASES[args.phase](args)))
        return

    bill_path(args.rows)
    bill_path(ROW_PATH_ROWS)
    phases = ["polars-utf8", "transcode", "validate", "import-sqlite", "row-path"]
    if args.postgres:
        phases.append("import-postgres")
    results: dict[str, dict[str, object]] = {}
    for phase in phases:
        runs = [_run_phase(phase, args) for _ in range(args.repeats)]
        results[phase] = min(runs, key=lambda run: float(run["seconds"]))  # type: ignore[arg-type]

    polars = results["polars-utf8"]
    transcode = results["transcode"]
    print(f"machine: {_machine()}")
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, load {_load()}")
    print(f"rows: {args.rows:,} (file {bill_path(args.rows).stat().st_size / 1e6:.0f} MB, GBK)")
    print(
        f"{'phase':<16}{'wall s':>8}{'CPU s':>8}{'× polars':>10}{'× polars+transcode':>20}"
        f"{'peak RSS':>12}   (ratios of CPU time)"
    )
    for phase, result in results.items():
        rows = args.rows if phase != "row-path" else ROW_PATH_ROWS
        scale = args.rows / rows
        cpu = float(result["cpu"])  # type: ignore[arg-type]
        base = float(polars["cpu"])  # type: ignore[arg-type]
        extra = float(transcode["cpu"])  # type: ignore[arg-type]
        notes = ""
        if phase == "row-path":
            notes = f"  {rows:,} rows, {cpu / rows * 1e6:.1f} µs CPU per row, scaled"
        if "reimport_seconds" in result:
            notes = f"  re-import, all unchanged: {float(result['reimport_seconds']):.1f} s wall"  # type: ignore[arg-type]
        print(
            f"{phase:<16}{float(result['seconds']):>8.2f}{cpu:>8.2f}"  # type: ignore[arg-type]
            f"{cpu * scale / base:>10.1f}{cpu * scale / (base + extra):>20.1f}"
            f"{float(result['peak_rss_mib']):>8.0f} MiB{notes}"  # type: ignore[arg-type]
        )
    if not results["validate"].get("fast"):
        print("warning: the validate phase did not take the fast path")


if __name__ == "__main__":
    main()
