"""Stored XSS: script payloads in imported and typed-in text never reach a page unescaped."""

import datetime
import io
from collections.abc import Callable
from decimal import Decimal

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hrguard.cases.evidence.services import evidence_attach
from hrguard.cases.guarantee.models import SignedDocument
from hrguard.cases.guarantee.services import dispute_scan, signed_document_add
from hrguard.cases.services import case_note_add
from hrguard.notify.models import Notification
from hrguard.payments.models import PaymentTransaction
from hrguard.payroll.models import Reimbursement
from hrguard.reports.charts import chart_svg, monthly_charts
from hrguard.reports.selectors import monthly_report_for_organisation
from tests.security.conftest import PDF_BYTES, World, private_routes, route_url

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
RAW_MARKERS = ("<script>alert(1)", "<img src=x onerror")

# Users who between them may open every page that shows department A's data.
VIEWERS = ("hr_manager", "legal", "privacy_officer", "employee")


def _plant_payloads(world: World) -> None:
    """Write the payloads into every free-text field department A's pages show."""
    objects = world.a
    objects.department.name = f"研发部{SCRIPT}"
    objects.department.save()
    objects.employee.name = f"张三{IMAGE}"
    objects.employee.position = SCRIPT
    objects.employee.save()

    Reimbursement.objects.create(
        employee=objects.employee,
        date=datetime.date(2026, 11, 3),
        amount=Decimal("88.00"),
        category=SCRIPT,
        description=IMAGE,
        row_key="xss-reimbursement",
    )
    PaymentTransaction.objects.create(
        employee=objects.employee,
        source=PaymentTransaction._meta.get_field("source").choices[0][0],
        occurred_at=datetime.datetime(2026, 11, 5, 12, 0, tzinfo=datetime.UTC),
        counterparty=SCRIPT,
        description=IMAGE,
        direction="expense",
        amount=Decimal("120.00"),
        order_no="xss-order-1",
        succeeded=True,
    )
    case_note_add(case=objects.case, user=world.users["hr_manager"], note=f"面谈记录{SCRIPT}")
    evidence_attach(
        case=objects.case,
        user=world.users["hr_manager"],
        uploaded_file=SimpleUploadedFile(f"{IMAGE}.pdf", PDF_BYTES),
        description=SCRIPT,
    )
    objects.dispute.lender = SCRIPT
    objects.dispute.notes = IMAGE
    objects.dispute.save()
    objects.incident.platform = SCRIPT
    objects.incident.claimed_debtor = IMAGE
    objects.incident.save()
    objects.batch.file_name = f"{IMAGE}.xlsx"
    objects.batch.errors = [{"row": 2, "column": SCRIPT, "value": IMAGE, "message": SCRIPT}]
    objects.batch.save()
    objects.subject_request.details = SCRIPT
    objects.subject_request.save()
    for user in world.users.values():
        Notification.objects.create(recipient=user, title=SCRIPT, body=IMAGE, link="/")


def _raw_markers_in(body: str) -> list[str]:
    return [marker for marker in RAW_MARKERS if marker in body]


def test_pages_payloads_in_stored_text_escaped(
    world: World, client_for: Callable[[str], Client]
) -> None:
    # given script payloads in names, notes, file names and imported rows of department A
    _plant_payloads(world)
    unescaped = []

    # when every viewer opens every page about department A
    for user_key in VIEWERS:
        client = client_for(user_key)
        client.raise_request_exception = False
        for route in private_routes():
            response = client.get(route_url(route, world, "a", user_key))
            content_type = response.get("Content-Type", "")
            if response.status_code != 200 or not content_type.startswith(
                ("text/", "application/json")
            ):
                continue
            found = _raw_markers_in(response.content.decode())
            if found:
                unescaped.append((user_key, route.name, found))

    # then no page contains a payload as markup
    assert unescaped == []


def test_pages_payload_escaped_text_shown(
    world: World, client_for: Callable[[str], Client]
) -> None:
    # given the payloads (the control for the test above: they are shown, only escaped)
    _plant_payloads(world)

    response = client_for("hr_manager").get(reverse("cases:case_detail", args=[world.a.case.pk]))

    assert response.status_code == 200
    assert "面谈记录&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()


def test_reveal_name_payload_escaped(world: World, client_for: Callable[[str], Client]) -> None:
    _plant_payloads(world)
    client = client_for("hr_manager")

    response = client.post(
        reverse("web:alert_reveal_name", args=[world.a.alert.pk]),
        {"reason": "核实身份后约谈"},
        follow=True,
    )

    assert response.status_code == 200
    assert _raw_markers_in(response.content.decode()) == []


def test_chart_json_department_payload_escaped(
    world: World, client_for: Callable[[str], Client]
) -> None:
    # given a department name with a script payload and an alert in it
    _plant_payloads(world)

    # when the dashboard embeds its ECharts data
    body = client_for("hr_manager").get(reverse("web:dashboard")).content.decode()

    # then the name sits in a json_script block with its angle brackets escaped
    assert 'id="department-chart"' in body
    assert "\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E" in body


def test_report_chart_svg_department_payload_escaped(world: World) -> None:
    # given a department name with a script payload and an alert in it
    _plant_payloads(world)
    # Reports count an alert in the month of its scan's reference date.
    month = world.a.alert.first_scan.as_of.replace(day=1)
    report = monthly_report_for_organisation(month=month)

    # when the PDF report draws its charts as SVG
    svgs = [chart_svg(chart) for chart in monthly_charts(report)]

    # then the name is drawn as text, not markup
    assert any("研发部&lt;script&gt;" in svg for svg in svgs)
    assert [svg for svg in svgs if _raw_markers_in(svg)] == []


def test_clause_scan_snippet_payload_escaped(
    world: World, client_for: Callable[[str], Client]
) -> None:
    # given a signed contract whose guarantee clause carries a script payload
    document = docx.Document()
    document.add_paragraph(
        f"本人自愿作为借款人的连带责任保证人{SCRIPT}，承担保证责任直至借款还清。"
    )
    buffer = io.BytesIO()
    document.save(buffer)
    legal = world.users["legal"]
    signed_document_add(
        employee=world.a.employee,
        user=legal,
        uploaded_file=SimpleUploadedFile("担保书.docx", buffer.getvalue()),
        title=f"担保书{IMAGE}",
        kind=SignedDocument._meta.get_field("kind").choices[0][0],
        signed_on=datetime.date(2024, 3, 1),
    )

    # when the clause scan quotes the clause on the dispute page
    scan = dispute_scan(dispute=world.a.dispute, user=legal)
    body = (
        client_for("legal")
        .get(reverse("guarantee:dispute_detail", args=[world.a.dispute.pk]))
        .content.decode()
    )

    # then the quoted text is escaped
    assert scan.hits > 0
    assert "&lt;script&gt;" in body
    assert _raw_markers_in(body) == []
