"""Stored chat flags follow the 聊天记录 consent and the chat_snippets retention period."""

import pytest

from hrguard.cases.models import Case
from hrguard.cases.states import CaseState
from hrguard.chat.models import ChatFlag
from hrguard.privacy.consents import consent_withdraw
from hrguard.privacy.models import DataCategory, PurgeJob
from hrguard.privacy.retention import retention_run
from hrguard.privacy.roles import Role
from tests.chat_retention.helpers import (
    STORED_179_DAYS_AGO,
    STORED_181_DAYS_AGO,
    TODAY,
    WITHDRAWN_AT,
    chat_flag,
    employee_with_chat_consent,
)
from tests.factories import EmployeeFactory
from tests.privacy.helpers import make_user

pytestmark = pytest.mark.django_db


def test_chat_withdrawal_purge_deletes_own_flags() -> None:
    # given two consenting employees with stored flags
    withdrawer, user = employee_with_chat_consent("C001")
    colleague, _colleague_user = employee_with_chat_consent("C002")
    chat_flag(withdrawer, "a", STORED_179_DAYS_AGO)
    chat_flag(withdrawer, "b", STORED_179_DAYS_AGO)
    kept = chat_flag(colleague, "c", STORED_179_DAYS_AGO)

    # when the first withdraws the chat consent and the retention job runs that day
    job = consent_withdraw(user=user, category=DataCategory.CHAT, now=WITHDRAWN_AT)
    report = retention_run(today=TODAY)

    # then only the withdrawer's flags are deleted
    job.refresh_from_db()
    assert (report.purge_jobs_done, report.purge_rows) == (1, 2)
    assert (job.status, job.rows_deleted) == (PurgeJob.Status.DONE, 2)
    assert list(ChatFlag.objects.values_list("pk", flat=True)) == [kept.pk]


def test_chat_withdrawal_open_case_keeps_flags() -> None:
    # given an employee with stored flags and an open case
    employee, user = employee_with_chat_consent("C001")
    chat_flag(employee, "a", STORED_179_DAYS_AGO)
    hr_user = make_user("hr", Role.HR_MANAGER)
    case = Case.objects.create(employee=employee, state=CaseState.IN_PROGRESS, opened_by=hr_user)

    # when the chat consent is withdrawn and the retention job runs
    job = consent_withdraw(user=user, category=DataCategory.CHAT, now=WITHDRAWN_AT)
    held = retention_run(today=TODAY)

    # then legal hold keeps the flag and the job waits
    job.refresh_from_db()
    assert (held.purge_jobs_done, held.purge_jobs_held) == (0, 1)
    assert job.status == PurgeJob.Status.PENDING
    assert ChatFlag.objects.filter(employee=employee).count() == 1

    # when the case is closed and the job runs again
    Case.objects.filter(pk=case.pk).update(state=CaseState.CLOSED, closed_at=WITHDRAWN_AT)
    released = retention_run(today=TODAY)

    # then the flag is deleted
    assert (released.purge_jobs_done, released.purge_rows) == (1, 1)
    assert not ChatFlag.objects.filter(employee=employee).exists()


def test_chat_retention_deletes_flags_past_period() -> None:
    # given flags stored 181 and 179 days ago, and an old one of an employee under legal hold
    employee = EmployeeFactory(employee_no="C001")
    held = EmployeeFactory(employee_no="C002")
    hr_user = make_user("hr", Role.HR_MANAGER)
    Case.objects.create(employee=held, state=CaseState.IN_PROGRESS, opened_by=hr_user)
    chat_flag(employee, "old", STORED_181_DAYS_AGO)
    recent = chat_flag(employee, "recent", STORED_179_DAYS_AGO)
    held_flag = chat_flag(held, "held", STORED_181_DAYS_AGO)

    # when a dry run and then a real run apply the retention schedule
    dry = retention_run(today=TODAY, dry_run=True)
    flags_after_dry_run = ChatFlag.objects.count()
    report = retention_run(today=TODAY)

    # then only the unheld flag past 180 days is deleted, and the dry run deleted nothing
    assert dry.counts["chat_snippets"] == 1
    assert flags_after_dry_run == 3
    assert report.counts["chat_snippets"] == 1
    assert set(ChatFlag.objects.values_list("pk", flat=True)) == {recent.pk, held_flag.pk}
