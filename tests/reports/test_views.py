"""Report pages and downloads through the Django test client, with scopes and auditing."""

import io

from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook
from pypdf import PdfReader

from hrguard.privacy.models import AuditEntry
from hrguard.privacy.roles import Role
from hrguard.privacy.services import reveal_name
from tests.privacy.helpers import make_user
from tests.reports.conftest import Company

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _client(user: User) -> Client:
    """Log `user` in with a session that passed the two-factor step, as after a real login."""
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _report_audits() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="reports.employee_report").order_by("seq"))


def test_index_page_lists_month_downloads(company: Company) -> None:
    response = _client(company.manager).get("/reports/", {"month": "2026-11"})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/reports/monthly/2026-11/?format=xlsx"' in page
    assert 'href="/reports/monthly/2026-11/?format=pdf"' in page
    assert 'class="active" aria-current="page">报表</a>' in page


def test_index_page_invalid_month_shows_error(company: Company) -> None:
    response = _client(company.manager).get("/reports/", {"month": "2026-13"})

    assert response.status_code == 200
    assert "月份“2026-13”无效，请写成 YYYY-MM，例如 2026-11。" in response.content.decode()


def test_index_page_employee_number_redirects(company: Company) -> None:
    response = _client(company.manager).get("/reports/", {"employee_no": "E1001"})

    assert response.status_code == 302
    assert response["Location"] == f"/reports/employee/{company.wang.pk}/"


def test_index_page_employee_out_of_scope_not_found(company: Company) -> None:
    specialist = make_user("hr-research", Role.HR_SPECIALIST, departments=(company.research,))

    response = _client(specialist).get("/reports/", {"employee_no": "E1001"})

    assert response.status_code == 200
    assert "员工 E1001 不存在，或不在您的数据范围内。" in response.content.decode()


def test_index_page_without_alert_access_forbidden(company: Company) -> None:
    auditor = make_user("auditor", Role.AUDITOR)

    client = _client(auditor)

    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/monthly/2026-11/").status_code == 403
    assert client.get(f"/reports/employee/{company.wang.pk}/").status_code == 403


def test_reports_anonymous_redirected_to_login(company: Company) -> None:
    response = Client().get("/reports/monthly/2026-11/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_monthly_page_renders_echarts_without_names(company: Company) -> None:
    response = _client(company.manager).get("/reports/monthly/2026-11/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in page
    assert page.count('data-chart="chart-') == 4
    assert '<script id="chart-departments" type="application/json">' in page
    assert "<td>研发部</td>" in page
    assert "王小明" not in page
    assert company.wang.pseudonym not in page


def test_monthly_page_invalid_month_not_found(company: Company) -> None:
    assert _client(company.manager).get("/reports/monthly/2026-13/").status_code == 404
    assert _client(company.manager).get("/reports/monthly/2026-11/?format=doc").status_code == 404


def test_monthly_downloads_xlsx_and_pdf(company: Company) -> None:
    client = _client(company.manager)

    sheet = client.get("/reports/monthly/2026-11/", {"format": "xlsx"})
    pdf = client.get("/reports/monthly/2026-11/", {"format": "pdf"})

    assert sheet["Content-Type"] == XLSX_TYPE
    assert sheet["Content-Disposition"] == 'attachment; filename="hrguard-monthly-2026-11.xlsx"'
    assert load_workbook(io.BytesIO(sheet.content)).sheetnames[0] == "概览"
    assert pdf["Content-Type"] == "application/pdf"
    assert "2026-11 月度风险报告" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def test_monthly_page_scoped_specialist_sees_own_department(company: Company) -> None:
    specialist = make_user("hr-sales", Role.HR_SPECIALIST, departments=(company.sales,))

    page = _client(specialist).get("/reports/monthly/2026-11/").content.decode()

    assert "<td>销售部</td>" in page
    assert "<td>研发部</td>" not in page


def test_employee_report_shows_pseudonym_and_audits(company: Company) -> None:
    response = _client(company.manager).get(f"/reports/employee/{company.wang.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert company.wang.pseudonym in page
    assert "王小明" not in page
    assert "预警仅供参考，任何处理决定须由人作出。" in page
    assert "2026年11月在 4 个网贷平台有借款或还款记录，达到 3 个的标准。" in page
    assert "<td>与员工谈话</td>" in page
    assert "待处理" in page
    [entry] = _report_audits()
    assert entry.actor_id == company.manager.pk
    assert entry.target_type == "employee"
    assert entry.target_id == "E1001"
    assert entry.after == {"output": "page", "name_shown": False}


def test_employee_report_after_reveal_shows_name(company: Company) -> None:
    reveal_name(
        user=company.manager,
        employee=company.wang,
        reason="安排谈话前核对身份",
        alert_id=company.alert_wang.pk,
    )

    response = _client(company.manager).get(f"/reports/employee/{company.wang.pk}/")

    assert "王小明" in response.content.decode()
    assert _report_audits()[-1].after == {"output": "page", "name_shown": True}


def test_employee_report_out_of_scope_not_found(company: Company) -> None:
    specialist = make_user("hr-research", Role.HR_SPECIALIST, departments=(company.research,))

    response = _client(specialist).get(f"/reports/employee/{company.wang.pk}/")
    missing = _client(specialist).get("/reports/employee/999999/")

    assert response.status_code == 404
    assert missing.status_code == 404
    assert _report_audits() == []


def test_employee_report_downloads_audited_per_format(company: Company) -> None:
    client = _client(company.manager)

    sheet = client.get(f"/reports/employee/{company.wang.pk}/", {"format": "xlsx"})
    pdf = client.get(f"/reports/employee/{company.wang.pk}/", {"format": "pdf"})

    assert sheet["Content-Type"] == XLSX_TYPE
    assert sheet["Content-Disposition"].startswith('attachment; filename="hrguard-employee-E1001-')
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert company.wang.pseudonym in text
    assert "王小明" not in text
    assert [entry.after["output"] for entry in _report_audits()] == ["xlsx", "pdf"]
