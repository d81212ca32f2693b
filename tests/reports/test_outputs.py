"""The report files: native .xlsx charts, escaped text cells, PDF text, fonts and pixels."""

import datetime
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from hrguard.reports import documents, xlsx
from hrguard.reports.selectors import employee_report_for_system, monthly_report_for_organisation
from tests.reports.conftest import FORMULA_DEPARTMENT, Company

NOVEMBER = datetime.date(2026, 11, 1)
OCTOBER = datetime.date(2026, 10, 1)
PERSONAL_NAMES = ("王小明", "李晓华", "赵德柱", "钱多多")


def _xlsx_texts(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    return [
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _pdf_fonts(content: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return fonts


def test_monthly_xlsx_has_native_charts(company: Company) -> None:
    content = xlsx.monthly_xlsx(monthly_report_for_organisation(month=NOVEMBER))

    workbook = load_workbook(io.BytesIO(content))
    charts = {sheet.title: len(sheet._charts) for sheet in workbook.worksheets}
    assert charts == {
        "概览": 0,
        "预警级别": 1,
        "部门": 1,
        "指标": 1,
        "近6个月趋势": 2,
        "骚扰事件": 0,
    }
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert "xl/charts/chart1.xml" in names
    assert "xl/charts/chart5.xml" in names


def test_monthly_xlsx_chart_references_sheet_data(company: Company) -> None:
    content = xlsx.monthly_xlsx(monthly_report_for_organisation(month=NOVEMBER))

    archive = zipfile.ZipFile(io.BytesIO(content))
    chart_xml = "".join(
        archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/charts/")
    )
    # Series titles from the header row, categories and values from the two department rows.
    assert "<f>'部门'!B1</f>" in chart_xml
    assert "<f>'部门'!$A$2:$A$3</f>" in chart_xml
    assert "<f>'部门'!$D$2:$D$3</f>" in chart_xml


def test_monthly_xlsx_sheet_values(company: Company) -> None:
    workbook = load_workbook(
        io.BytesIO(xlsx.monthly_xlsx(monthly_report_for_organisation(month=NOVEMBER)))
    )

    rows = [list(row) for row in workbook["部门"].iter_rows(values_only=True)]
    assert rows == [
        ["部门", "关注", "中风险", "高风险", "合计"],
        ["研发部", 0, 1, 0, 1],
        ["销售部", 0, 0, 1, 1],
    ]
    summary = {row[0]: row[1] for row in workbook["概览"].iter_rows(values_only=True) if row}
    assert summary["本月新开预警"] == 1
    assert summary["本月结案"] == 1
    assert summary["逾期未结案件（截至 2026-11-30）"] == 1
    assert [list(row) for row in workbook["骚扰事件"].iter_rows(values_only=True)] == [
        ["平台", "事件数"],
        ["无", None],
    ]


def test_monthly_xlsx_formula_department_escaped(company: Company) -> None:
    workbook = load_workbook(
        io.BytesIO(xlsx.monthly_xlsx(monthly_report_for_organisation(month=OCTOBER)))
    )

    names = [row[0] for row in workbook["部门"].iter_rows(min_row=2, values_only=True)]
    assert "'" + FORMULA_DEPARTMENT in names
    assert FORMULA_DEPARTMENT not in names
    cell = next(cell for cell in workbook["部门"]["A"] if cell.value == "'" + FORMULA_DEPARTMENT)
    assert cell.data_type == "s"


def test_employee_xlsx_has_severity_chart_and_evidence(company: Company) -> None:
    report = employee_report_for_system(employee_no="E1001", show_name=False)

    workbook = load_workbook(io.BytesIO(xlsx.employee_xlsx(report)))

    sheet = workbook["预警与证据"]
    assert len(sheet._charts) == 1
    texts = _xlsx_texts(xlsx.employee_xlsx(report))
    assert "预警仅供参考，任何处理决定须由人作出。" in texts
    assert any("2026年11月在 4 个网贷平台有借款或还款记录" in text for text in texts)
    assert "王小明" not in "".join(texts)
    assert [list(row) for row in workbook["案件与干预计划"].iter_rows(values_only=True)][-1] == [
        "与员工谈话",
        "2026-11-12",
        "待执行",
        None,
    ]


def test_monthly_outputs_contain_no_personal_details(company: Company) -> None:
    report = monthly_report_for_organisation(month=NOVEMBER)

    html = documents.monthly_html(report)
    sheet_text = "\n".join(_xlsx_texts(xlsx.monthly_xlsx(report)))
    pdf_text = _pdf_text(documents.html_to_pdf(html))

    assert "研发部" in pdf_text
    for name in PERSONAL_NAMES:
        assert name not in html
        assert name not in sheet_text
        assert name not in pdf_text
    for employee in (company.wang, company.li):
        assert employee.employee_no not in html
        assert employee.pseudonym not in html
        assert employee.pseudonym not in pdf_text


def test_monthly_pdf_uses_vendored_font_and_svg_charts(company: Company) -> None:
    report = monthly_report_for_organisation(month=NOVEMBER)

    html = documents.monthly_html(report)
    content = documents.html_to_pdf(html)

    assert html.count("<svg ") == 4
    assert "hrguard-Noto-Sans-SC" in _pdf_fonts(content)
    text = _pdf_text(content)
    assert "2026-11 月度风险报告" in text
    assert "按网贷平台统计的骚扰事件" in text


def test_employee_pdf_names_hidden_unless_shown(company: Company) -> None:
    hidden = _pdf_text(
        documents.employee_pdf(employee_report_for_system(employee_no="E1001", show_name=False))
    )
    shown = _pdf_text(
        documents.employee_pdf(employee_report_for_system(employee_no="E1001", show_name=True))
    )

    assert "王小明" not in hidden
    assert company.wang.pseudonym in hidden
    assert "王小明" in shown
    assert "预警仅供参考，任何处理决定须由人作出。" in shown


def test_monthly_pdf_page_renders_non_blank(company: Company, tmp_path: Path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm is missing: install the Debian package poppler-utils")
    pdf = tmp_path / "monthly.pdf"
    pdf.write_bytes(documents.monthly_pdf(monthly_report_for_organisation(month=NOVEMBER)))

    subprocess.run(  # noqa: S603
        [pdftoppm, "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )

    image = Image.open(tmp_path / "page-1.png").convert("L")
    dark_pixels = sum(image.histogram()[:128])
    assert image.size[0] > 200
    # A page of Chinese text and charts at 40 dpi has thousands of dark pixels.
    assert dark_pixels > 1000
