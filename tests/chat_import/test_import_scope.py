"""A scoped HR专员's chat import reads only the messages of senders in their departments."""

import re

import pytest

from hrguard.chat.models import ChatFlag
from hrguard.ingest.models import ImportBatch
from hrguard.ingest.services import import_file
from hrguard.people.models import Employee
from hrguard.privacy.roles import Role
from tests.chat_import.conftest import ARCHIVE
from tests.privacy.helpers import make_user

UNKNOWN_SENDERS = re.compile(r"(\d+) 条消息的发送人不在花名册中")


def unknown_senders(notes: list[str]) -> int:
    found = [UNKNOWN_SENDERS.match(note) for note in notes]
    return sum(int(match[1]) for match in found if match)


@pytest.mark.django_db
def test_scoped_import_sender_outside_scope_not_read(
    chat_company: dict[str, Employee],
) -> None:
    # given the operator's import of the archive counts its unknown senders
    operator = import_file(kind="chat", path=ARCHIVE, file_name=ARCHIVE.name, dry_run=True)
    external = unknown_senders(operator.notes)

    # and a specialist whose only department is that of E1002, the colleague E1001 asks
    colleague_department = chat_company["E1002"].department
    user = make_user("zhuanyuan", Role.HR_SPECIALIST, departments=(colleague_department,))

    # when she uploads the archive
    report = import_file(kind="chat", path=ARCHIVE, file_name=ARCHIVE.name, user=user)

    # then E1001's requests are not read: the 13 text messages of E1001, E1004, E1005,
    # E1006 and E1007 count as unknown senders, with the one external contact
    assert report.status == ImportBatch.Status.COMMITTED
    assert report.rows_created == 0
    assert ChatFlag.objects.count() == 0
    assert external == 1
    assert unknown_senders(report.notes) == 14


@pytest.mark.django_db
def test_scoped_import_colleague_elsewhere_still_flagged(
    chat_company: dict[str, Employee],
) -> None:
    # given a specialist whose only department is that of E1001, who asks colleagues
    # of other departments for money
    requester = chat_company["E1001"]
    user = make_user("zhuanyuan", Role.HR_SPECIALIST, departments=(requester.department,))

    # when she uploads the archive
    report = import_file(kind="chat", path=ARCHIVE, file_name=ARCHIVE.name, user=user)

    # then E1001's three requests are stored, the recipients matched against the whole roster
    flags = list(ChatFlag.objects.order_by("sent_at"))
    assert report.rows_created == 3
    assert [flag.employee_id for flag in flags] == [requester.pk] * 3
    assert [flag.recipient_nos for flag in flags] == [["E1002"], ["E1003"], ["E1004"]]
