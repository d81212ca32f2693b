"""Formula injection: text starting with = + - @ never becomes a live formula in an export."""

import csv
import datetime
import io
import zipfile
from collections.abc import Callable
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hrguard.cases.evidence.services import evidence_attach
from hrguard.ingest.kinds import template_importer_classes
from hrguard.ingest.templates import TEMPLATE_FORMATS
from hrguard.payments.models import PaymentTransaction
from hrguard.payroll.models import Reimbursement
from hrguard.privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from hrguard.privacy.roles import Role
from tests.security.conftest import PDF_BYTES, World, make_user

FORMULAS = (
    '=HYPERLINK("http://evil.example","点此")',
    "+1+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "-2+3+cmd",
)
FORMULA_STARTS = ("=", "+", "-", "@")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plant_formulas(world: World) -> None:
    """Write formula-like text into names, imported rows, file names and user names of department A."""
    objects = world.a
    objects.department.name = FORMULAS[1]
    objects.department.save()
    objects.employee.name = FORMULAS[0]
    objects.employee.save()
    Reimbursement.objects.create(
        employee=objects.employee,
        date=datetime.date(2026, 11, 3),
        amount=Decimal("88.00"),
        category=FORMULAS[2],
        description=FORMULAS[0],
        row_key="formula-reimbursement",
    )
    PaymentTransaction.objects.create(
        employee=objects.employee,
        source=PaymentTransaction._meta.get_field("source").choices[0][0],
        occurred_at=datetime.datetime(2026, 11, 5, 12, 0, tzinfo=datetime.UTC),
        counterparty=FORMULAS[3],
        description=FORMULAS[2],
        direction="expense",
        amount=Decimal("120.00"),
        order_no="formula-order-1",
        succeeded=True,
    )
    objects.batch.errors = [
        {
            "row": 2,
            "column": "姓名",
            "value": FORMULAS[0],
            "message": "姓名无效",
            "cells": [["工号", FORMULAS[3]], ["姓名", FORMULAS[0]]],
        }
    ]
    objects.batch.save()

    # A user name may start with "@", and the custody log names the uploader.
    uploader = make_user("@uploader", Role.HR_MANAGER)
    evidence_attach(
        case=objects.case,
        user=uploader,
        uploaded_file=SimpleUploadedFile(f"{FORMULAS[2]}.pdf", PDF_BYTES),
        description=FORMULAS[0],
    )
    DataSubjectRequest.objects.create(
        employee=objects.employee,
        requested_by=world.users["employee"],
        kind=RequestKind.COPY,
        status=RequestStatus.COMPLETED,
        details=FORMULAS[1],
        submitted_at=timezone.now(),
        deadline=datetime.date(2030, 1, 1),
    )


def _live_cells(content: bytes) -> list[str]:
    """Return cells of a workbook that a spreadsheet would run as formulas."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    live = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    live.append(f"{sheet.title}!{cell.coordinate} formula {cell.value}")
                    continue
                looks_like_formula = isinstance(cell.value, str) and cell.value.startswith(
                    FORMULA_STARTS
                )
                if looks_like_formula and not cell.quotePrefix:
                    live.append(f"{sheet.title}!{cell.coordinate} {cell.value}")
    return live


def _live_csv_fields(text: str) -> list[str]:
    return [
        field
        for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))
        for field in row
        if field.startswith(FORMULA_STARTS) and field not in ("-", "+")
    ]


def _live_in_export(content: bytes, content_type: str) -> list[str]:
    if content_type.startswith(XLSX):
        return _live_cells(content)
    if content_type.startswith("text/csv"):
        return _live_csv_fields(content.decode("utf-8-sig"))
    if not content_type.startswith("application/zip"):
        return []
    live = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for member in archive.namelist():
            data = archive.read(member)
            if member.endswith(".csv"):
                live += [f"{member}: {f}" for f in _live_csv_fields(data.decode("utf-8-sig"))]
            elif member.endswith(".xlsx"):
                live += [f"{member}: {c}" for c in _live_cells(data)]
    return live


def _download(client: Client, method: str, url: str) -> tuple[bytes, str]:
    response = getattr(client, method)(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content, response["Content-Type"]


def test_exports_formula_text_neutralised(
    world: World, client_for: Callable[[str], Client]
) -> None:
    # given formula-like names, descriptions, file names and imported cells in department A
    _plant_formulas(world)
    a = world.a
    manager = client_for("hr_manager")
    legal = client_for("legal")
    employee = client_for("employee")
    copy_request = DataSubjectRequest.objects.get(kind=RequestKind.COPY, employee=a.employee)
    downloads = {
        "rejected rows": (
            client_for("hr_specialist"),
            "get",
            reverse("ingest:rejected", args=[a.batch.pk]),
        ),
        "roster template": (manager, "get", reverse("ingest:template", args=["employees", "xlsx"])),
        "monthly report": (
            manager,
            "get",
            reverse("reports:monthly", args=["2026-11"]) + "?format=xlsx",
        ),
        "employee report": (
            manager,
            "get",
            reverse("reports:employee", args=[a.employee.pk]) + "?format=xlsx",
        ),
        "evidence package": (legal, "post", reverse("evidence:package", args=[a.case.pk])),
        "portal export": (
            employee,
            "get",
            reverse("privacy:request_export", args=[copy_request.pk, "csv"]),
        ),
    }

    # when each export is downloaded, then no cell or field is a live formula
    for label, (client, method, url) in downloads.items():
        content, content_type = _download(client, method, url)
        assert _live_in_export(content, content_type) == [], label


def test_import_templates_no_live_formulas(
    world: World, client_for: Callable[[str], Client]
) -> None:
    # given every import template, in every format the page offers
    client = client_for("hr_manager")

    for kind in template_importer_classes():
        for file_format in TEMPLATE_FORMATS:
            url = reverse("ingest:template", args=[kind, file_format])

            # when it is downloaded, then its example row contains no live formula
            content, content_type = _download(client, "get", url)
            assert _live_in_export(content, content_type) == [], (kind, file_format)
