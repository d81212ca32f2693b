"""Users, an open case and sample files of every accepted type for the evidence tests."""

import io
import zipfile
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from hrguard.cases.models import Case
from hrguard.people.models import Employee
from hrguard.privacy.roles import Role
from tests.cases.builders import make_user
from tests.factories import EmployeeFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)
MP3_BYTES = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(400)


@pytest.fixture
def hr_user(db: None) -> Any:
    return make_user("hr-zhang")


@pytest.fixture
def legal_user(db: None) -> Any:
    return make_user("legal-li", Role.LEGAL)


@pytest.fixture
def employee(db: None) -> Employee:
    return EmployeeFactory(employee_no="E2001", name="李晓华")


@pytest.fixture
def case(employee: Employee, hr_user: Any) -> Case:
    return Case.objects.create(employee=employee, opened_by=hr_user, assignee=hr_user)


def login_verified(client: Client, user: Any) -> Client:
    """Log `user` in with a session that passed the two-factor step, as after a real login."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()
