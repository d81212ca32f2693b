"""The evidence page: list, upload, download with custody, and package export."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hrguard.cases.evidence.models import CustodyEvent, EvidenceItem
from hrguard.cases.evidence.services import evidence_attach
from hrguard.cases.models import Case
from hrguard.privacy.roles import Role
from tests.cases.builders import make_user
from tests.evidence.conftest import MP3_BYTES, PDF_BYTES, PNG_BYTES, login_verified, upload


@pytest.mark.django_db
def test_evidence_page_upload_then_download_records_custody(
    client: Client, case: Case, hr_user: Any
) -> None:
    login_verified(client, hr_user)

    response = client.post(
        reverse("evidence:upload", args=[case.pk]),
        {
            "file": upload("录音<img src=x onerror=alert(1)>.mp3", MP3_BYTES),
            "description": "催收来电",
            "kind": "",
        },
    )
    item = EvidenceItem.objects.get()
    page = client.get(reverse("evidence:case", args=[case.pk]))
    download = client.get(reverse("evidence:download", args=[item.pk]))

    assert response.status_code == 302
    assert "录音&lt;img src=x onerror=alert(1)&gt;.mp3" in page.content.decode()
    assert "<img src=x" not in page.content.decode()
    assert download.status_code == 200
    assert download.content == MP3_BYTES
    assert download["Content-Type"] == "audio/mpeg"
    assert list(CustodyEvent.objects.values_list("action", flat=True)) == ["uploaded", "downloaded"]


@pytest.mark.django_db
def test_evidence_page_disguised_exe_shows_chinese_error(
    client: Client, case: Case, hr_user: Any
) -> None:
    login_verified(client, hr_user)

    response = client.post(
        reverse("evidence:upload", args=[case.pk]),
        {"file": upload("合同.pdf", b"MZ\x90\x00" + bytes(100)), "description": "合同"},
    )

    assert response.status_code == 400
    assert "文件“合同.pdf”的实际内容是Windows 可执行程序" in response.content.decode()
    assert EvidenceItem.objects.count() == 0


@pytest.mark.django_db
def test_evidence_page_other_department_returns_404(client: Client, case: Case) -> None:
    login_verified(client, make_user("hrbp-zhao", Role.HRBP))

    response = client.get(reverse("evidence:case", args=[case.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_evidence_package_view_returns_zip_for_legal(
    client: Client, case: Case, hr_user: Any, legal_user: Any
) -> None:
    login_verified(client, hr_user)
    client.post(
        reverse("evidence:upload", args=[case.pk]),
        {"file": upload("录音.mp3", MP3_BYTES), "description": "催收来电"},
    )
    login_verified(client, legal_user)

    response = client.post(reverse("evidence:package", args=[case.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response.content[:4] == b"PK\x03\x04"


@pytest.mark.django_db
def test_evidence_view_image_inline_and_pdf_as_attachment(
    client: Client, case: Case, hr_user: Any
) -> None:
    screenshot = evidence_attach(
        case=case, user=hr_user, uploaded_file=upload("截图.png", PNG_BYTES), description="短信截图"
    )
    contract = evidence_attach(
        case=case, user=hr_user, uploaded_file=upload("合同", PDF_BYTES), description="借款合同"
    )
    login_verified(client, hr_user)

    page = client.get(reverse("evidence:panel", args=[case.pk])).content.decode()
    image = client.get(reverse("evidence:view", args=[screenshot.pk]))
    document = client.get(reverse("evidence:view", args=[contract.pk]))

    assert reverse("evidence:view", args=[screenshot.pk]) in page
    assert reverse("evidence:view", args=[contract.pk]) not in page
    assert image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline;")
    assert document["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E5%90%88%E5%90%8C.pdf" in document["Content-Disposition"]
    assert list(
        CustodyEvent.objects.filter(action__in=["viewed", "downloaded"]).values_list(
            "item", "action"
        )
    ) == [
        (screenshot.pk, "viewed"),
        (contract.pk, "downloaded"),
    ]
