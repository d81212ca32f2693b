"""Employees with a 聊天记录 consent and stored chat flags, on fixed dates."""

import datetime

from django.contrib.auth.models import User

from hrguard.chat.models import ChatFlag
from hrguard.chat.services import FLAG_CONTEXT_PURPOSE, FLAG_TEXT_PURPOSE
from hrguard.core.crypto import encrypt_text
from hrguard.people.models import Employee
from hrguard.privacy.models import Consent, DataCategory
from hrguard.privacy.roles import Role
from tests.factories import EmployeeFactory
from tests.privacy.helpers import make_user

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
TODAY = datetime.date(2026, 12, 4)
WITHDRAWN_AT = datetime.datetime(2026, 12, 4, 9, 30, tzinfo=SHANGHAI)
# chat_snippets are kept 180 days from the day they were stored: the cutoff is 2026-06-07.
STORED_181_DAYS_AGO = datetime.datetime(2026, 6, 6, 12, tzinfo=SHANGHAI)
STORED_179_DAYS_AGO = datetime.datetime(2026, 6, 8, 12, tzinfo=SHANGHAI)


def chat_flag(employee: Employee, key: str, stored_at: datetime.datetime) -> ChatFlag:
    """Store one encrypted flag with its context, as the chat import does, on `stored_at`."""
    flag = ChatFlag.objects.create(
        employee=employee,
        sent_at=stored_at - datetime.timedelta(days=1),
        recipient_nos=["E9999"],
        conversation="c" * 64,
        message_key=key.ljust(64, "0"),
        lexicon_version="test",
        text=encrypt_text("能借我3000吗", purpose=FLAG_TEXT_PURPOSE),
        context=encrypt_text("[]", purpose=FLAG_CONTEXT_PURPOSE),
    )
    ChatFlag.objects.filter(pk=flag.pk).update(created_at=stored_at)
    return flag


def employee_with_chat_consent(employee_no: str) -> tuple[Employee, User]:
    employee = EmployeeFactory(employee_no=employee_no)
    Consent.objects.create(
        employee=employee, category=DataCategory.CHAT, granted_on=datetime.date(2026, 10, 1)
    )
    user = make_user(f"staff-{employee_no}", Role.EMPLOYEE, employee=employee)
    return employee, user
