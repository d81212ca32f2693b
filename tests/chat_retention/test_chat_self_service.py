"""Self-service shows and exports the employee's own stored chat flags."""

import datetime

import pytest
from django.test import Client

from hrguard.privacy.requests import subject_data
from tests.chat_retention.helpers import (
    STORED_179_DAYS_AGO,
    chat_flag,
    employee_with_chat_consent,
)

pytestmark = pytest.mark.django_db


def test_self_service_counts_own_chat_flags(client: Client) -> None:
    # given an employee with two stored flags and a colleague with one
    employee, user = employee_with_chat_consent("C001")
    colleague, _colleague_user = employee_with_chat_consent("C002")
    chat_flag(employee, "a", STORED_179_DAYS_AGO)
    chat_flag(employee, "b", STORED_179_DAYS_AGO)
    chat_flag(colleague, "c", STORED_179_DAYS_AGO)

    # when the employee opens self-service
    client.force_login(user)
    response = client.get("/privacy/me/")

    # then the chat category counts only their own flags
    assert response.status_code == 200
    assert dict(response.context["counts"])["聊天记录中的借钱请求"] == 2


def test_subject_data_exports_own_text_only() -> None:
    # given an employee with one stored flag and a colleague with another
    employee, _user = employee_with_chat_consent("C001")
    colleague, _colleague_user = employee_with_chat_consent("C002")
    chat_flag(employee, "a", STORED_179_DAYS_AGO)
    chat_flag(colleague, "c", STORED_179_DAYS_AGO)

    # when the employee's data is gathered for a copy
    rows = subject_data(employee=employee)["chat_flags"]

    # then it contains their one message, decrypted, and no context
    assert rows == [
        {
            "sent_at": STORED_179_DAYS_AGO - datetime.timedelta(days=1),
            "recipient_nos": ["E9999"],
            "amount": None,
            "urgent": False,
            "text": "能借我3000吗",
        }
    ]
