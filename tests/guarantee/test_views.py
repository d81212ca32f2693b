"""The guarantee dispute pages: register, upload a signed document, search, letter, package."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hrguard.cases.guarantee.models import GuaranteeDispute, SignedDocument
from hrguard.people.models import Employee
from hrguard.privacy.roles import Role
from tests.cases.builders import make_user
from tests.evidence.conftest import login_verified, upload
from tests.guarantee.conftest import LABOUR_CONTRACT_TEXT, docx_bytes


@pytest.mark.django_db
def test_dispute_pages_register_upload_scan_and_download(
    client: Client, colleague: Employee, legal_user: Any
) -> None:
    login_verified(client, legal_user)

    created = client.post(
        reverse("guarantee:dispute_list"),
        {"employee_no": "E3001", "lender": "速借金融平台", "reported_on": "2026-11-28"},
    )
    dispute = GuaranteeDispute.objects.get()
    uploaded = client.post(
        reverse("guarantee:documents", args=[colleague.pk]),
        {
            "file": upload("合同.docx", docx_bytes((LABOUR_CONTRACT_TEXT,))),
            "title": "劳动合同",
            "kind": "labour_contract",
            "signed_on": "2024-03-01",
        },
    )
    scanned = client.post(reverse("guarantee:dispute_scan", args=[dispute.pk]))
    page = client.get(reverse("guarantee:dispute_detail", args=[dispute.pk])).content.decode()
    letter = client.post(reverse("guarantee:letter", args=[dispute.pk]))
    package = client.post(reverse("guarantee:package", args=[dispute.pk]))
    client.post(reverse("guarantee:dispute_status", args=[dispute.pk]), {"status": "resolved"})

    assert created.status_code == 302
    assert uploaded.status_code == 302
    assert SignedDocument.objects.filter(employee=colleague).count() == 1
    assert scanned.status_code == 302
    assert "未发现担保条款。" in page
    assert "电子签名认证证书" in page
    assert "异议申请" in page
    assert "公安机关报案" in page
    assert letter["Content-Type"].startswith("application/vnd.openxmlformats")
    assert package["Content-Type"] == "application/zip"
    dispute.refresh_from_db()
    assert dispute.status == "resolved"


@pytest.mark.django_db
def test_dispute_list_unknown_employee_no_shows_error(client: Client, legal_user: Any) -> None:
    login_verified(client, legal_user)

    response = client.post(
        reverse("guarantee:dispute_list"),
        {"employee_no": "E9999", "lender": "某平台", "reported_on": "2026-11-28"},
    )

    assert response.status_code == 400
    assert "工号 E9999 不存在，或不在您的数据范围内。" in response.content.decode()
    assert GuaranteeDispute.objects.count() == 0


@pytest.mark.django_db
def test_dispute_detail_without_role_forbidden(client: Client, dispute: GuaranteeDispute) -> None:
    login_verified(client, make_user("auditor-wu", Role.AUDITOR))

    response = client.get(reverse("guarantee:dispute_detail", args=[dispute.pk]))

    assert response.status_code == 403
