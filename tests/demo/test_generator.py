"""The demo company generator: reproducible files in the layouts hrguard imports."""

import datetime
import re
from pathlib import Path

import openpyxl
import pytest

from hrguard.demo import generate_company
from hrguard.demo.company import Role
from hrguard.ingest.bills import BillRow, read_bill

AS_OF = datetime.date(2026, 11, 30)
SMALL_COMPANY = 20


def all_files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("demo-company")
    return folder, generate_company(folder, seed=7, employees=SMALL_COMPANY, as_of=AS_OF)


def bill_paths(manifest, suffix: str, prefix: str) -> list[Path]:
    return [
        f.path
        for f in manifest.files
        if f.kind == "payments" and f.path.suffix == suffix and f.path.name.startswith(prefix)
    ]


def test_generate_company_same_seed_identical_bytes(tmp_path: Path) -> None:
    # given two runs with the same arguments into different folders
    generate_company(tmp_path / "a", seed=7, employees=SMALL_COMPANY, as_of=AS_OF)
    generate_company(tmp_path / "b", seed=7, employees=SMALL_COMPANY, as_of=AS_OF)

    # then every file is byte-identical
    first, second = all_files(tmp_path / "a"), all_files(tmp_path / "b")
    assert sorted(first) == sorted(second)
    assert len(first) > 5
    for name, content in first.items():
        assert content == second[name], name


def test_generate_company_other_seed_differs(tmp_path: Path) -> None:
    generate_company(tmp_path / "a", seed=7, employees=SMALL_COMPANY, as_of=AS_OF)
    generate_company(tmp_path / "b", seed=8, employees=SMALL_COMPANY, as_of=AS_OF)

    assert (tmp_path / "a" / "工资.csv").read_bytes() != (tmp_path / "b" / "工资.csv").read_bytes()


def test_generate_company_rerun_smaller_removes_stale_bills(tmp_path: Path) -> None:
    # given a larger company generated first
    generate_company(tmp_path, seed=7, employees=30, as_of=AS_OF)

    # when a smaller one is generated into the same folder
    manifest = generate_company(tmp_path, seed=7, employees=SMALL_COMPANY, as_of=AS_OF)

    # then only the smaller company's bills remain
    on_disk = {path for path in (tmp_path / "账单").rglob("*") if path.is_file()}
    assert on_disk == {f.path for f in manifest.files if f.kind == "payments"}


def test_generate_company_too_few_employees_raises(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 20 employees, got 5"):
        generate_company(tmp_path, employees=5, as_of=AS_OF)


def test_manifest_plants_every_case_once(company) -> None:
    _folder, manifest = company

    roles = [case.role for case in manifest.cases]
    assert sorted(roles) == sorted(role for role in Role if role is not Role.BACKGROUND)
    assert manifest.flagged[_case(manifest, Role.OVERSPENDER)] == ("spend_income_ratio",)
    assert manifest.flagged[_case(manifest, Role.MULTI_LENDER_OVERSPENDER)] == (
        "loan_platforms",
        "spend_income_ratio",
    )
    assert len(manifest.healthy) == 5
    assert manifest.employees == SMALL_COMPANY
    assert manifest.departments == 10


def _case(manifest, role: Role) -> str:
    return next(case.employee_no for case in manifest.cases if case.role is role)


def test_every_bill_declared_totals_match_rows(company) -> None:
    _folder, manifest = company
    bills = [f.path for f in manifest.files if f.kind == "payments"]
    assert bills

    for path in bills:
        # when the bill is read the way the importer reads it
        bill = read_bill(path, file_name=path.name)
        rows = list(bill.rows())

        # then every row parses and the stated totals match the rows
        assert all(isinstance(row, BillRow) for row in rows), path.name
        assert bill.declared is not None
        assert bill.declared.records == len(rows), path.name
        assert bill.check_totals(rows) == [], path.name


def test_bills_cover_all_three_layouts(company) -> None:
    _folder, manifest = company
    layouts = {
        read_bill(f.path, file_name=f.path.name).layout
        for f in manifest.files
        if f.kind == "payments"
    }

    assert layouts == {"alipay-2023", "wechat-csv", "wechat-xlsx-2026"}


def test_alipay_bill_layout(company) -> None:
    _folder, manifest = company
    path = bill_paths(manifest, ".csv", "支付宝")[0]

    raw = path.read_bytes()
    text = raw.decode("gbk")
    lines = text.split("\n")

    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "\r" not in text
    assert lines[0] == "-" * 84
    assert re.fullmatch(r"共\d+笔记录", lines[7])
    assert "电子客户回单" in lines[24]
    assert lines[25].startswith("交易时间" + " " * 16 + ",交易分类")
    assert lines[25].endswith(",")
    first_row = lines[26].split(",")
    assert len(first_row) == 13
    assert first_row[9].endswith("\t")
    assert first_row[9][:8] == first_row[0][:10].replace("-", "")


def test_wechat_csv_bill_layout(company) -> None:
    _folder, manifest = company
    path = bill_paths(manifest, ".csv", "微信")[0]

    raw = path.read_bytes()
    lines = raw.decode("utf-8-sig").split("\r\n")

    assert raw.startswith(b"\xef\xbb\xbf")
    assert lines[0] == "微信支付账单明细" + "," * 10
    assert (
        lines[16]
        == "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注"
    )
    assert all(line.count(",") == 10 for line in lines[:16])
    assert "¥" in lines[17]
    assert lines[-1] == ""


def test_wechat_xlsx_bill_layout(company) -> None:
    _folder, manifest = company
    path = bill_paths(manifest, ".xlsx", "微信")[0]

    sheet = openpyxl.load_workbook(path).active

    assert sheet.title == "Sheet1"
    assert sheet["A15"].value == "4. 本账单中所有时间均为UTC+08:00时间"
    assert [cell.value for cell in sheet[18]][:3] == ["交易时间", "交易类型", "交易对方"]
    assert "A1:K1" in {str(merged) for merged in sheet.merged_cells.ranges}
    amount = sheet["F19"]
    assert isinstance(amount.value, float | int)
    assert amount.number_format == "\\¥#,##0.00"
    assert str(sheet["I19"].value).endswith("\t")


def test_hr_files_encodings_and_headers(company) -> None:
    folder, _manifest = company

    payroll = (folder / "工资.csv").read_bytes().decode("gbk").split("\r\n")
    reimbursements = (folder / "报销.csv").read_bytes()
    consents = (folder / "个人信息授权.csv").read_bytes()
    roster = openpyxl.load_workbook(folder / "员工花名册.xlsx").active

    assert payroll[0] == "工号,姓名,月份,应发工资,实发工资"
    assert payroll[1].split(",")[2] == "2026-06"
    assert reimbursements.startswith("\ufeff工号,姓名,日期,金额,类别,说明\r\n".encode())
    assert consents.startswith("\ufeff工号,数据类别,同意日期,撤回日期\r\n".encode())
    assert [cell.value for cell in roster[1]] == [
        "工号",
        "姓名",
        "部门",
        "岗位",
        "入职日期",
        "手机号",
        "状态",
    ]
    assert roster["A2"].value == "100001"
    assert isinstance(roster["E2"].value, datetime.datetime)


def test_roster_phone_numbers_fictional_range(company) -> None:
    folder, _manifest = company
    roster = openpyxl.load_workbook(folder / "员工花名册.xlsx").active

    phones = [row[5] for row in roster.iter_rows(min_row=2, values_only=True)]

    assert len(phones) == SMALL_COMPANY
    assert len(set(phones)) == SMALL_COMPANY
    assert all(phone.startswith("1700000") and len(phone) == 11 for phone in phones)


def test_overspender_spends_12000_of_8000_pay_three_months(company) -> None:
    # given the planted over-spender
    folder, manifest = company
    employee_no = _case(manifest, Role.OVERSPENDER)
    payroll = (folder / "工资.csv").read_bytes().decode("gbk").split("\r\n")
    net_pay = {
        line.split(",")[2]: line.split(",")[4] for line in payroll if line.startswith(employee_no)
    }
    bill_path = next(f.path for f in manifest.files if f.employee_no == employee_no)

    # when the succeeded expense rows of the bill are summed per month
    spending: dict[str, int] = {}
    for row in read_bill(bill_path, file_name=bill_path.name).rows():
        if row.direction == "expense" and row.succeeded:
            month = f"{row.occurred_at:%Y-%m}"
            spending[month] = spending.get(month, 0) + int(row.amount * 100)

    # then the last three months are exactly 12,000 against 8,000 net pay
    assert net_pay == dict.fromkeys(
        ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"), "8000.00"
    )
    assert spending["2026-09"] == 1_200_000
    assert spending["2026-10"] == 1_200_000
    assert spending["2026-11"] == 1_200_000
    assert spending["2026-08"] < 1_200_000
