"""Uploads: hostile file names stay inside HRGUARD_HOME, and zip bombs are rejected fast."""

import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hrguard.cases.evidence.models import EvidenceItem
from hrguard.cases.guarantee.models import SignedDocument
from hrguard.ingest.models import ImportBatch
from hrguard.payroll.models import PayrollRecord
from hrguard.people.models import Employee
from tests.security.access import row_counts
from tests.security.conftest import PDF_BYTES, World

TRAVERSAL_NAMES = (
    "../../../escaped.csv",
    "..\\..\\..\\escaped.csv",
    "/tmp/escaped.csv",  # noqa: S108 - a hostile upload name, nothing is written there by the test
    "%2e%2e%2f%2e%2e%2fescaped.csv",
    "....//....//escaped.csv",
)
ROSTER_CSV = "工号,姓名,部门,岗位,入职日期\nE7001,周敏,研发部,工程师,2023-05-04\n".encode()

# Bytes of spaces padded into a document part: about 0.2 MB once deflated.
BOMB_PADDING_BYTES = 200 * 1024 * 1024
BOMB_REJECTED_WITHIN_SECONDS = 2.0


def _files_outside(root: Path, home: Path) -> list[str]:
    return [
        str(path)
        for path in root.rglob("*")
        if path.is_file() and home not in path.parents and "escaped" in path.name
    ]


def _padded(document: bytes, part: str, marker: bytes) -> bytes:
    """Return the Office document with BOMB_PADDING_BYTES of spaces inserted into one XML part."""
    source = zipfile.ZipFile(io.BytesIO(document))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != part:
                archive.writestr(info, data)
                continue
            head, tail = data.split(marker, 1)
            with archive.open(info.filename, "w", force_zip64=True) as handle:
                handle.write(head)
                chunk = b" " * (1 << 20)
                for _chunk in range(BOMB_PADDING_BYTES // len(chunk)):
                    handle.write(chunk)
                handle.write(marker + tail)
    return out.getvalue()


@pytest.fixture(scope="module")
def xlsx_bomb() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["工号", "姓名", "部门", "岗位", "入职日期"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _padded(buffer.getvalue(), "xl/worksheets/sheet1.xml", b"</sheetData>")


@pytest.fixture(scope="module")
def docx_bomb() -> bytes:
    document = docx.Document()
    document.add_paragraph("担保合同")
    buffer = io.BytesIO()
    document.save(buffer)
    return _padded(buffer.getvalue(), "word/document.xml", b"</w:body>")


def test_import_traversal_file_name_stays_home(
    world: World, client_for: Callable[[str], Client], hrguard_home: Path
) -> None:
    client = client_for("hr_manager")

    for name in TRAVERSAL_NAMES:
        upload = SimpleUploadedFile(name, ROSTER_CSV, content_type="text/csv")
        client.post(reverse("ingest:upload"), {"kind": "employees", "file": upload})

    assert ImportBatch.objects.filter(file_name__endswith="escaped.csv").count() == len(
        TRAVERSAL_NAMES
    )
    assert _files_outside(hrguard_home.parent, hrguard_home) == []
    for relative in ImportBatch.objects.exclude(stored_path="").values_list(
        "stored_path", flat=True
    ):
        assert (hrguard_home / relative).resolve().is_relative_to(hrguard_home.resolve())
    assert [b.file_name for b in ImportBatch.objects.filter(file_name__contains="/")] == []


def test_evidence_traversal_file_name_stays_home(
    world: World, client_for: Callable[[str], Client], hrguard_home: Path
) -> None:
    client = client_for("hr_manager")

    for name in TRAVERSAL_NAMES:
        pdf_name = name.replace(".csv", ".pdf")
        client.post(
            reverse("evidence:upload", args=[world.a.case.pk]),
            {"file": SimpleUploadedFile(pdf_name, PDF_BYTES), "description": "通话记录"},
        )

    assert _files_outside(hrguard_home.parent, hrguard_home) == []
    names = list(EvidenceItem.objects.values_list("display_name", flat=True))
    assert [name for name in names if "/" in name or "\\" in name] == []


def test_import_xlsx_zip_bomb_rejected_fast(
    world: World, client_for: Callable[[str], Client], xlsx_bomb: bytes
) -> None:
    # given an .xlsx whose sheet expands to 200 MB
    client = client_for("hr_manager")
    employees_before = Employee.objects.count()

    # when it is uploaded as a roster
    started = time.monotonic()
    response = client.post(
        reverse("ingest:upload"),
        {"kind": "employees", "file": SimpleUploadedFile("花名册.xlsx", xlsx_bomb)},
        follow=True,
    )
    elapsed = time.monotonic() - started

    # then it is rejected before the sheet is read
    assert elapsed < BOMB_REJECTED_WITHIN_SECONDS
    assert "压缩炸弹" in response.content.decode()
    assert Employee.objects.count() == employees_before
    assert ImportBatch.objects.filter(status=ImportBatch.Status.COMMITTED).count() == 0


def test_evidence_docx_zip_bomb_rejected_fast(
    world: World, client_for: Callable[[str], Client], docx_bomb: bytes
) -> None:
    client = client_for("hr_manager")

    started = time.monotonic()
    response = client.post(
        reverse("evidence:upload", args=[world.a.case.pk]),
        {"file": SimpleUploadedFile("担保合同.docx", docx_bomb), "description": "合同"},
    )
    elapsed = time.monotonic() - started

    assert elapsed < BOMB_REJECTED_WITHIN_SECONDS
    assert response.status_code == 400
    assert "压缩炸弹" in response.content.decode()
    assert EvidenceItem.objects.filter(case=world.a.case).count() == 1


def test_signed_document_docx_zip_bomb_rejected_fast(
    world: World, client_for: Callable[[str], Client], docx_bomb: bytes
) -> None:
    client = client_for("legal")

    started = time.monotonic()
    response = client.post(
        reverse("guarantee:documents", args=[world.a.employee.pk]),
        {
            "file": SimpleUploadedFile("劳动合同.docx", docx_bomb),
            "title": "劳动合同",
            "kind": SignedDocument._meta.get_field("kind").choices[0][0],
            "signed_on": "2024-03-01",
        },
    )
    elapsed = time.monotonic() - started

    assert elapsed < BOMB_REJECTED_WITHIN_SECONDS
    assert "压缩炸弹" in response.content.decode()
    assert SignedDocument.objects.count() == 0


# One row per kind about department B's employee E6001 (销售部), uploaded by the
# HR专员 scoped to department A.
OTHER_DEPARTMENT_ROWS = {
    "payroll": "工号,姓名,月份,应发工资,实发工资\nE6001,销售部员工,2026-10,12000.00,9856.40\n",
    "leave": "工号,姓名,日期,类型,时长(天)\nE6001,销售部员工,2026-10-12,事假,1\n",
    "reimbursements": "工号,姓名,日期,金额,类别,说明\nE6001,销售部员工,2026-10-05,356.50,差旅,高铁票\n",
    "consents": "工号,姓名,数据类别,同意日期,撤回日期\nE6001,销售部员工,支付记录,2026-10-01,\n",
    "employees": (
        "工号,姓名,部门,岗位,入职日期,手机号,状态\n"
        "E6001,改名,研发部,会计,2023-07-01,13800138000,在职\n"
    ),
}


def test_import_other_department_rows_not_written(
    world: World, client_for: Callable[[str], Client]
) -> None:
    # given the department-A HR专员 and a file of each kind about a department-B employee
    client = client_for("hr_specialist")
    employee = world.b.employee
    before = row_counts()

    # when each file is uploaded
    for kind, text in OTHER_DEPARTMENT_ROWS.items():
        upload = SimpleUploadedFile(f"{kind}.csv", text.encode(), content_type="text/csv")
        client.post(reverse("ingest:upload"), {"kind": kind, "file": upload})

    # then no row about that employee was written, and the employee is unchanged
    after = row_counts()
    written = {
        table: after[table] - before[table] for table in after if after[table] != before[table]
    }
    assert written == {"ingest_importbatch": len(OTHER_DEPARTMENT_ROWS)}
    employee.refresh_from_db()
    assert (employee.name, employee.department_id) == ("销售部员工", world.b.department.pk)


def test_import_own_department_rows_written(
    world: World, client_for: Callable[[str], Client]
) -> None:
    # given the same upload about the HR专员's own department (the control for the test above)
    client = client_for("hr_specialist")
    text = OTHER_DEPARTMENT_ROWS["payroll"].replace("E6001,销售部员工", "E5001,研发部员工")

    upload = SimpleUploadedFile("payroll.csv", text.encode(), content_type="text/csv")
    client.post(reverse("ingest:upload"), {"kind": "payroll", "file": upload})

    assert PayrollRecord.objects.filter(employee=world.a.employee).count() == 1
