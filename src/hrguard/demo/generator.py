"""Generate the demo company's files and describe what was planted in them."""

import datetime
import shutil
from dataclasses import dataclass
from pathlib import Path

from hrguard.demo import layouts
from hrguard.demo.bills import transactions_for
from hrguard.demo.company import (
    ALIPAY,
    DEPARTMENTS,
    EXPECTED_INDICATORS,
    ROLE_TITLES,
    WECHAT_CSV,
    DemoEmployee,
    Role,
    build_employees,
    data_months,
    employee_rng,
    month_end,
)

# The fixed scan date of `hrguard demo`, so every run shows the same company.
DEMO_AS_OF = datetime.date(2026, 11, 30)
DEMO_SEED = 2026
DEMO_EMPLOYEES = 300

ROSTER_FILE = "员工花名册.xlsx"
PAYROLL_FILE = "工资.csv"
LEAVE_FILE = "考勤请假.xlsx"
REIMBURSEMENT_FILE = "报销.csv"
CONSENT_FILE = "个人信息授权.csv"
BILLS_FOLDER = "账单"


@dataclass(frozen=True)
class DemoFile:
    kind: str  # an ingest ImportKind value
    path: Path
    employee_no: str | None = None  # the owner of a personal bill export


@dataclass(frozen=True)
class PlantedCase:
    role: Role
    employee_no: str
    title: str
    expected_indicators: tuple[str, ...]  # empty: the scan must raise no alert


@dataclass(frozen=True)
class DemoManifest:
    seed: int
    as_of: datetime.date
    employees: int
    departments: int
    files: tuple[DemoFile, ...]
    cases: tuple[PlantedCase, ...]

    @property
    def flagged(self) -> dict[str, tuple[str, ...]]:
        """Map each planted risk case's 工号 to the indicators its alert must list."""
        return {
            case.employee_no: case.expected_indicators
            for case in self.cases
            if case.expected_indicators
        }

    @property
    def healthy(self) -> tuple[str, ...]:
        """Return the 工号 of the planted look-alikes that must raise no alert."""
        return tuple(case.employee_no for case in self.cases if not case.expected_indicators)


def generate_company(
    out_dir: Path,
    *,
    seed: int = DEMO_SEED,
    employees: int = DEMO_EMPLOYEES,
    as_of: datetime.date = DEMO_AS_OF,
) -> DemoManifest:
    """Write the demo company's HR files and bill exports into `out_dir`.

    The same arguments always produce byte-identical files. Bill folders from an
    earlier run are replaced, so a smaller company leaves no stale exports behind.
    """
    months = data_months(as_of)
    # Files carry the export time a person would see: the morning after the period.
    exported_at = datetime.datetime.combine(
        month_end(months[-1]), datetime.time(9, 12, 30)
    ) + datetime.timedelta(days=1)
    people = build_employees(seed=seed, employees=employees, as_of=as_of)

    out_dir.mkdir(parents=True, exist_ok=True)
    files = [
        DemoFile("employees", out_dir / ROSTER_FILE),
        DemoFile("consents", out_dir / CONSENT_FILE),
        DemoFile("payroll", out_dir / PAYROLL_FILE),
        DemoFile("leave", out_dir / LEAVE_FILE),
        DemoFile("reimbursements", out_dir / REIMBURSEMENT_FILE),
    ]
    layouts.write_roster(files[0].path, people, timestamp=exported_at)
    layouts.write_consents(files[1].path, people)
    layouts.write_payroll(files[2].path, people, months)
    layouts.write_leave(files[3].path, people, timestamp=exported_at)
    layouts.write_reimbursements(files[4].path, people)

    bills_dir = out_dir / BILLS_FOLDER
    if bills_dir.exists():
        shutil.rmtree(bills_dir)
    for person in people:
        files += _write_bills(bills_dir, person, seed=seed, months=months, exported_at=exported_at)

    cases = tuple(
        PlantedCase(
            role=person.role,
            employee_no=person.employee_no,
            title=str(ROLE_TITLES[person.role]),
            expected_indicators=EXPECTED_INDICATORS[person.role],
        )
        for person in people
        if person.role is not Role.BACKGROUND
    )
    return DemoManifest(
        seed=seed,
        as_of=as_of,
        employees=len(people),
        departments=len(DEPARTMENTS),
        files=tuple(files),
        cases=cases,
    )


def _write_bills(
    bills_dir: Path,
    person: DemoEmployee,
    *,
    seed: int,
    months: list[datetime.date],
    exported_at: datetime.datetime,
) -> list[DemoFile]:
    if not person.bills:
        return []

    folder = bills_dir / person.employee_no
    folder.mkdir(parents=True)
    export = layouts.BillExport(
        owner=person, start=months[0], end=month_end(months[-1]), exported_at=exported_at
    )
    period = f"{export.start:%Y%m%d}-{export.end:%Y%m%d}"
    rng = employee_rng(seed, person.employee_no, "rendering")
    written = []
    for bill, transactions in transactions_for(person, seed=seed, months=months).items():
        if bill == ALIPAY:
            path = folder / f"支付宝交易明细({period}).csv"
            layouts.write_alipay(path, export, layouts.alipay_rows(transactions, rng), rng)
        elif bill == WECHAT_CSV:
            path = folder / f"微信支付账单({period}).csv"
            layouts.write_wechat_csv(path, export, layouts.wechat_rows(transactions, rng), rng)
        else:
            path = folder / f"微信支付账单流水文件({period}).xlsx"
            layouts.write_wechat_xlsx(
                path, export, layouts.wechat_rows(transactions, rng), timestamp=exported_at
            )
        written.append(DemoFile("payments", path, person.employee_no))
    return written
