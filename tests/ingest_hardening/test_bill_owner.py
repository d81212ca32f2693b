"""A bill whose preamble names its owner is checked against the employee given for it."""

from pathlib import Path

import pytest

from hrguard.ingest.bills.owner import name_matches
from hrguard.ingest.models import ImportBatch
from hrguard.ingest.services import import_file
from hrguard.payments.models import PaymentTransaction
from tests.factories import EmployeeFactory
from tests.ingest_hardening.helpers import grant_payments_consent

BILLS = Path(__file__).parent.parent / "fixtures" / "bills"
ALIPAY = BILLS / "alipay-2023-complete-gbk.csv"
WECHAT = BILLS / "wechat-complete-bom-crlf.csv"


def alipay_named(tmp_path: Path, name: str) -> Path:
    text = ALIPAY.read_bytes().decode("gb18030").replace("姓名：xx", f"姓名：{name}")
    path = tmp_path / "支付宝交易明细.csv"
    path.write_bytes(text.encode("gb18030"))
    return path


@pytest.mark.parametrize(
    ("written", "matches"),
    [
        ("尹新雅", True),
        ("*新雅", True),
        ("＊新雅", True),
        ("尹*雅", True),
        ("*新月", False),
        ("王芳", False),
        ("尹新雅雅", False),
    ],
)
def test_name_matches_compares_only_visible_characters(written: str, matches: bool) -> None:
    assert name_matches(written, "尹新雅") is matches


@pytest.mark.django_db
def test_alipay_other_owner_is_rejected(tmp_path: Path) -> None:
    # given 100001 王芳 and an Alipay bill whose header names 尹新雅
    employee = EmployeeFactory(employee_no="100001", name="王芳")
    grant_payments_consent(employee)
    path = alipay_named(tmp_path, "尹新雅")

    # when it is imported for 100001
    report = import_file(kind="payments", path=path, file_name=path.name, employee_no="100001")

    # then the whole file is rejected, and the message names neither person
    assert [(issue.row, issue.message) for issue in report.issues] == [
        (3, "账单上的姓名与工号 100001 的花名册姓名不一致。请确认工号是否填写正确。")
    ]
    assert "王芳" not in report.issues[0].describe(path.name)
    assert report.status == ImportBatch.Status.REJECTED
    assert PaymentTransaction.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["*新雅", "尹新雅", "xx"])
def test_alipay_same_or_masked_owner_is_imported(tmp_path: Path, written: str) -> None:
    # `xx` is how the maintainers masked the licensed samples: nothing to compare.
    employee = EmployeeFactory(employee_no="100043", name="尹新雅")
    grant_payments_consent(employee)
    path = alipay_named(tmp_path, written)

    report = import_file(kind="payments", path=path, file_name=path.name, employee_no="100043")

    assert (report.issues, report.warnings, report.rows_created) == ([], [], 24)


@pytest.mark.django_db
def test_wechat_masked_nickname_mismatch_warns(tmp_path: Path) -> None:
    # given a WeChat bill whose nickname is the masked 尹*雅, imported for 王芳
    employee = EmployeeFactory(employee_no="100001", name="王芳")
    grant_payments_consent(employee)
    text = WECHAT.read_text(encoding="utf-8-sig").replace(
        "微信昵称：[示例用户]", "微信昵称：[尹*雅]"
    )
    path = tmp_path / "微信支付账单.csv"
    path.write_text(text, encoding="utf-8-sig")

    report = import_file(kind="payments", path=path, file_name=path.name, employee_no="100001")

    # then it is imported with a warning, because a nickname can be anything
    assert report.status == ImportBatch.Status.COMMITTED
    assert [(warning.row, warning.message) for warning in report.warnings] == [
        (
            2,
            "账单的微信昵称与工号 100001 的花名册姓名不一致。"
            "昵称可以随意设置，这里只作提示；请确认工号是否填写正确。",
        )
    ]


@pytest.mark.django_db
def test_wechat_free_nickname_is_not_compared(tmp_path: Path) -> None:
    # the fixture's nickname 示例用户 has no mask, so it cannot identify the owner
    employee = EmployeeFactory(employee_no="100001", name="王芳")
    grant_payments_consent(employee)

    report = import_file(kind="payments", path=WECHAT, file_name=WECHAT.name, employee_no="100001")

    assert (report.issues, report.warnings) == ([], [])
