"""The upload page, batch report and downloads through Django's test client."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hrguard.ingest.models import ImportBatch
from hrguard.payroll.models import PayrollRecord
from hrguard.privacy.models import AuditEntry
from hrguard.privacy.roles import Role
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.privacy.helpers import make_user

pytestmark = pytest.mark.django_db

PAYROLL_CSV = "工号,姓名,月份,应发工资,实发工资\r\nE0001,张三,2026-03,12000,9800\r\n"


def client_for(username: str, *roles: Role) -> Client:
    client = Client()
    client.force_login(make_user(username, *roles))
    return client


@pytest.fixture
def client_logged_in() -> Client:
    # A specialist sees, and so imports, only the employees of her scoped department.
    client = Client()
    department = DepartmentFactory(name="财务部")
    client.force_login(make_user("hr", Role.HR_SPECIALIST, departments=(department,)))
    return client


@pytest.fixture
def roster() -> None:
    EmployeeFactory(employee_no="E0001", name="张三", department__name="财务部")


def upload(client: Client, content: str, **fields: str):
    data = {
        "kind": "payroll",
        "file": SimpleUploadedFile("工资.csv", content.encode("gb18030")),
        **fields,
    }
    return client.post(reverse("ingest:upload"), data, follow=True)


def test_upload_page_requires_login() -> None:
    response = Client().get(reverse("ingest:upload"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_upload_page_lists_template_links(client_logged_in: Client) -> None:
    response = client_logged_in.get(reverse("ingest:upload"))

    assert response.status_code == 200
    assert reverse("ingest:template", args=["payroll", "xlsx"]) in response.content.decode()
    assert "还没有导入记录。" in response.content.decode()


def test_upload_valid_file_imports_and_shows_counts(client_logged_in: Client, roster: None) -> None:
    response = upload(client_logged_in, PAYROLL_CSV)

    assert response.status_code == 200
    assert "已导入。" in response.content.decode()
    assert PayrollRecord.objects.count() == 1
    batch = ImportBatch.objects.get()
    assert batch.created_by.username == "hr"
    assert response.redirect_chain == [(reverse("ingest:batch_detail", args=[batch.pk]), 302)]


def test_upload_dry_run_writes_nothing(client_logged_in: Client, roster: None) -> None:
    response = upload(client_logged_in, PAYROLL_CSV, dry_run="on")

    assert "校验通过（仅校验，没有写入）" in response.content.decode()
    assert PayrollRecord.objects.count() == 0


def test_upload_bad_file_shows_issue_table_and_rejected_download(
    client_logged_in: Client, roster: None
) -> None:
    response = upload(client_logged_in, PAYROLL_CSV.replace("9800", "abc"))

    page = response.content.decode()
    assert "发现 1 行有错，整个文件都没有写入。" in page
    assert "<td>实发工资</td>" in page
    assert "<td>abc</td>" in page
    batch = ImportBatch.objects.get()
    download = client_logged_in.get(reverse("ingest:rejected", args=[batch.pk]))
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert [cell.value for cell in sheet[2]][:6] == [2, "E0001", "张三", "2026-03", "12000", "abc"]


def test_upload_payments_without_employee_no_shows_form_error(client_logged_in: Client) -> None:
    response = upload(client_logged_in, PAYROLL_CSV, kind="payments")

    assert "导入个人账单时必须填写所属员工的工号。" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_upload_page_without_import_role_is_forbidden() -> None:
    client = client_for("admin", Role.SYSTEM_ADMIN)

    assert client.get(reverse("ingest:upload")).status_code == 403
    assert client.post(reverse("ingest:upload"), {"kind": "payroll"}).status_code == 403
    assert ImportBatch.objects.count() == 0


def test_batch_detail_of_other_user_is_not_found(client_logged_in: Client, roster: None) -> None:
    upload(client_logged_in, PAYROLL_CSV.replace("9800", "abc"))
    batch = ImportBatch.objects.get()
    other = client_for("other", Role.HRBP)

    assert other.get(reverse("ingest:batch_detail", args=[batch.pk])).status_code == 404
    assert other.get(reverse("ingest:rejected", args=[batch.pk])).status_code == 404
    assert other.get(reverse("ingest:upload")).content.decode().count("工资.csv") == 0


def test_batch_detail_is_visible_to_hr_manager(client_logged_in: Client, roster: None) -> None:
    upload(client_logged_in, PAYROLL_CSV)
    batch = ImportBatch.objects.get()
    manager = client_for("manager", Role.HR_MANAGER)

    assert manager.get(reverse("ingest:batch_detail", args=[batch.pk])).status_code == 200


def test_rejected_rows_download_is_audited(client_logged_in: Client, roster: None) -> None:
    upload(client_logged_in, PAYROLL_CSV.replace("9800", "abc"))
    batch = ImportBatch.objects.get()

    response = client_logged_in.get(reverse("ingest:rejected", args=[batch.pk]))

    assert response.status_code == 200

    entries = AuditEntry.objects.filter(target_type="import_batch", target_id=str(batch.pk))
    user_id = batch.created_by_id
    assert list(entries.order_by("seq").values_list("action", "actor_id")) == [
        ("ingest.import", user_id),
        ("ingest.rejected_rows_export", user_id),
    ]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_template_download_returns_attachment(client_logged_in: Client, file_format: str) -> None:
    response = client_logged_in.get(reverse("ingest:template", args=["leave", file_format]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_template_download_unknown_kind_is_not_found(client_logged_in: Client) -> None:
    assert (
        client_logged_in.get(reverse("ingest:template", args=["payments", "xlsx"])).status_code
        == 404
    )
