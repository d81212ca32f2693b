"""Importing an employee's own Alipay or WeChat Pay bill."""

import datetime
from pathlib import Path

import pytest

from hrguard.ingest.models import ImportBatch
from hrguard.ingest.services import import_file
from hrguard.payments.models import PaymentTransaction
from hrguard.people.models import Employee
from hrguard.privacy.models import Consent, DataCategory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

BILLS = Path(__file__).resolve().parent.parent / "fixtures" / "bills"
# Its header states 8 records, 共8笔, and its rows add up to the stated sums.
WECHAT_SAMPLE = BILLS / "wechat_sample_refund-statuses.csv"


@pytest.fixture
def employee() -> Employee:
    employee = EmployeeFactory(employee_no="E0001")
    Consent.objects.create(
        employee=employee, category=DataCategory.PAYMENTS, granted_on=datetime.date(2020, 1, 1)
    )
    return employee


def test_payments_import_wechat_sample_creates_declared_count(employee: Employee) -> None:
    report = import_file(
        kind="payments", path=WECHAT_SAMPLE, file_name=WECHAT_SAMPLE.name, employee_no="E0001"
    )

    assert report.issues == []
    assert report.layout == "wechat-csv"
    assert report.rows_total == 8
    assert report.rows_created == 8
    payments = PaymentTransaction.objects.filter(employee=employee, source="wechat")
    assert payments.count() == 8
    assert payments.values("order_no").distinct().count() == 8
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert batch.employee == employee
    assert batch.layout == "wechat-csv"


def test_payments_reimport_same_bill_adds_nothing(employee: Employee) -> None:
    import_file(
        kind="payments", path=WECHAT_SAMPLE, file_name=WECHAT_SAMPLE.name, employee_no="E0001"
    )

    report = import_file(
        kind="payments", path=WECHAT_SAMPLE, file_name=WECHAT_SAMPLE.name, employee_no="E0001"
    )

    assert (report.rows_created, report.rows_updated, report.rows_unchanged) == (0, 0, 8)
    assert PaymentTransaction.objects.count() == 8


def test_payments_import_refund_row_is_not_spending(employee: Employee) -> None:
    import_file(
        kind="payments", path=WECHAT_SAMPLE, file_name=WECHAT_SAMPLE.name, employee_no="E0001"
    )

    refunds = PaymentTransaction.objects.filter(category__contains="退款")

    assert refunds.exists()
    assert not refunds.filter(succeeded=True).exists()


def test_payments_import_truncated_bill_is_rejected(employee: Employee) -> None:
    path = BILLS / "wechat-records.csv"

    report = import_file(kind="payments", path=path, file_name=path.name, employee_no="E0001")

    assert report.status == ImportBatch.Status.REJECTED
    assert any("账单声明共 43 笔记录，实际读到 27 笔" in issue.message for issue in report.issues)
    assert PaymentTransaction.objects.count() == 0


def test_payments_import_repeated_order_number_is_rejected(employee: Employee) -> None:
    # The maintainers of this sample masked both order numbers as 123456.
    path = BILLS / "alipay-2019-format-gbk.csv"

    report = import_file(kind="payments", path=path, file_name=path.name, employee_no="E0001")

    assert report.layout == "alipay-2019"
    assert [(issue.row, issue.message) for issue in report.issues] == [
        (7, "交易订单号与第 6 行重复。同一笔交易只能出现一次，请重新导出原始账单。")
    ]
    assert PaymentTransaction.objects.count() == 0


def test_payments_import_without_consent_is_rejected(tmp_path: Path) -> None:
    EmployeeFactory(employee_no="E0002")

    report = import_file(
        kind="payments", path=WECHAT_SAMPLE, file_name=WECHAT_SAMPLE.name, employee_no="E0002"
    )

    assert report.status == ImportBatch.Status.REJECTED
    assert "没有在" in report.issues[0].message
    assert "「支付记录」单独同意" in report.issues[0].message
    assert PaymentTransaction.objects.count() == 0


def test_payments_import_withdrawn_consent_is_rejected(employee: Employee) -> None:
    Consent.objects.filter(employee=employee).update(withdrawn_on=datetime.date(2021, 1, 1))

    report = import_file(
        kind="payments", path=WECHAT_SAMPLE, file_name=WECHAT_SAMPLE.name, employee_no="E0001"
    )

    assert report.status == ImportBatch.Status.REJECTED
    assert PaymentTransaction.objects.count() == 0


@pytest.mark.parametrize(
    ("employee_no", "message"),
    [
        (None, "个人账单必须指定所属员工的工号（命令行用 --employee 工号）。"),
        ("E9999", "花名册中没有工号 E9999。请核对工号，或先导入包含该员工的花名册。"),
    ],
)
def test_payments_import_without_known_employee_is_rejected(
    employee: Employee, employee_no: str | None, message: str
) -> None:
    report = import_file(
        kind="payments", path=WECHAT_SAMPLE, file_name=WECHAT_SAMPLE.name, employee_no=employee_no
    )

    assert [issue.message for issue in report.issues] == [message]
    assert PaymentTransaction.objects.count() == 0


def test_payments_import_roster_file_is_rejected_with_columns_found(
    employee: Employee, tmp_path: Path
) -> None:
    path = tmp_path / "花名册.csv"
    path.write_text("工号,姓名\nE0001,张三\n", encoding="utf-8")

    report = import_file(kind="payments", path=path, file_name=path.name, employee_no="E0001")

    assert len(report.issues) == 1
    assert "无法识别该文件的账单格式" in report.issues[0].message
    assert "工号、姓名" in report.issues[0].message


def test_payments_dry_run_counts_without_writing(employee: Employee) -> None:
    report = import_file(
        kind="payments",
        path=WECHAT_SAMPLE,
        file_name=WECHAT_SAMPLE.name,
        employee_no="E0001",
        dry_run=True,
    )

    assert report.status == ImportBatch.Status.DRY_RUN
    assert report.rows_created == 8
    assert PaymentTransaction.objects.count() == 0
    assert ImportBatch.objects.get(pk=report.batch_id).stored_path == ""
