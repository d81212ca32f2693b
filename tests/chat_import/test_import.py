"""`hrguard import chat`: only consented messages are read, only requests are kept, encrypted."""

import datetime
import io
import json
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from hrguard.chat.models import ChatFlag
from hrguard.chat.services import FLAG_CONTEXT_PURPOSE, FLAG_TEXT_PURPOSE
from hrguard.core.crypto import decrypt_text
from hrguard.ingest.models import ImportBatch
from hrguard.ingest.services import import_file
from hrguard.people.models import Employee
from tests.chat_import.conftest import (
    ARCHIVE,
    FIRST_REQUEST,
    LAST_REQUEST,
    NOT_CONSENTED,
    NOT_FLAGGED,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _import(path: Path = ARCHIVE) -> object:
    return import_file(kind="chat", path=path, file_name=path.name)


@pytest.mark.django_db
def test_import_archive_stores_only_requests_to_colleagues(
    chat_company: dict[str, Employee],
) -> None:
    report = _import()

    flags = list(ChatFlag.objects.order_by("sent_at"))
    assert report.status == ImportBatch.Status.COMMITTED
    assert report.rows_total == 24
    assert report.rows_created == 3
    assert [flag.employee.employee_no for flag in flags] == ["E1001", "E1001", "E1001"]
    assert [flag.recipient_nos for flag in flags] == [["E1002"], ["E1003"], ["E1004"]]
    assert [flag.amount for flag in flags] == [Decimal("3000"), Decimal("2000"), Decimal("5000")]
    assert [flag.urgent for flag in flags] == [True, False, False]
    assert decrypt_text(flags[0].text, purpose=FLAG_TEXT_PURPOSE) == FIRST_REQUEST


@pytest.mark.django_db
def test_import_message_after_local_midnight_uses_shanghai_day(
    chat_company: dict[str, Employee],
) -> None:
    # 00:05 on 3 November in Shanghai is 16:05 UTC on 2 November, the day before E1001's consent.
    _import()

    first = ChatFlag.objects.order_by("sent_at").first()
    assert first is not None
    assert first.sent_at.astimezone(SHANGHAI) == datetime.datetime(
        2026, 11, 3, 0, 5, 12, tzinfo=SHANGHAI
    )


@pytest.mark.django_db
def test_import_keeps_one_neighbour_each_side_as_context(
    chat_company: dict[str, Employee],
) -> None:
    _import()

    first = ChatFlag.objects.order_by("sent_at").first()
    assert first is not None
    context = json.loads(decrypt_text(first.context, purpose=FLAG_CONTEXT_PURPOSE))
    colleague = chat_company["E1002"].pseudonym
    assert [(item["position"], item["sender"], item["text"]) for item in context] == [
        ("before", colleague, "开的，九点半"),
        ("after", colleague, "我看看余额，明早回你"),
    ]


@pytest.mark.django_db
def test_import_reports_skipped_types_and_unread_messages(
    chat_company: dict[str, Employee],
) -> None:
    report = _import()

    assert report.notes == [
        "读取了 12 条已同意员工的文字消息，其中 3 条是向同事借钱的请求，"
        "新保存 3 条（加密），0 条以前已保存；其余消息均未保存。",
        "3 条消息的发送人（3 名员工）当天没有有效的「聊天记录」单独同意，未读取。",
        "1 条消息的发送人不在花名册中（例如外部联系人），未读取。",
        "1 条借钱请求只发给了花名册以外的人，不计入向同事借钱，未保存。",
        "跳过的非文字消息（类型 条数）：chatrecord 1、docmsg 1、emotion 1、image 1、"
        "revoke 1、switch 1、voice 1、voiptext 1。",
    ]


@pytest.mark.django_db
def test_import_consent_withdrawn_or_missing_messages_not_read(
    chat_company: dict[str, Employee],
) -> None:
    _import()

    assert not ChatFlag.objects.filter(employee=chat_company["E1007"]).exists()
    assert not ChatFlag.objects.filter(employee=chat_company["E1006"]).exists()
    assert not ChatFlag.objects.filter(employee=chat_company["E1005"]).exists()


@pytest.mark.django_db
def test_import_same_archive_twice_adds_nothing(chat_company: dict[str, Employee]) -> None:
    _import()

    again = _import()

    assert again.rows_created == 0
    assert ChatFlag.objects.count() == 3
    assert again.notes[0].endswith("新保存 0 条（加密），3 条以前已保存；其余消息均未保存。")


@pytest.mark.django_db
def test_import_dry_run_counts_and_stores_nothing(chat_company: dict[str, Employee]) -> None:
    report = import_file(kind="chat", path=ARCHIVE, file_name=ARCHIVE.name, dry_run=True)

    assert report.status == ImportBatch.Status.DRY_RUN
    assert report.rows_created == 3
    assert report.notes[0].startswith("仅校验：读取了 12 条已同意员工的文字消息")
    assert ChatFlag.objects.count() == 0


@pytest.mark.django_db
def test_import_does_not_keep_original(chat_company: dict[str, Employee]) -> None:
    report = _import()

    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert batch.stored_path == ""
    assert not (Path(settings.HRGUARD_HOME) / "imports").exists()


@pytest.mark.django_db
def test_import_broken_row_rejected_without_message_text(
    chat_company: dict[str, Employee], tmp_path: Path
) -> None:
    lines = ARCHIVE.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[2])
    record["msgtime"] = "昨天"
    lines[2] = json.dumps(record, ensure_ascii=False)
    lines[4] = lines[4][:-5]
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = _import(broken)

    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert report.status == ImportBatch.Status.REJECTED
    assert [(issue.row, issue.column, issue.message) for issue in report.issues] == [
        (3, "msgtime", "字段 msgtime 缺失或格式不对。"),
        (5, None, "这一行不是有效的 UTF-8 JSON 消息。请重新导出解密后的会话存档。"),
    ]
    assert FIRST_REQUEST not in json.dumps(batch.errors, ensure_ascii=False)
    assert ChatFlag.objects.count() == 0


@pytest.mark.django_db
def test_import_canonical_csv_splits_recipients(
    chat_company: dict[str, Employee], tmp_path: Path
) -> None:
    path = tmp_path / "chat.csv"
    path.write_text(
        "时间,发送人工号,接收人工号,群聊ID,内容\n"
        "2026-11-04 09:00:00,E1001,E1002;E1003,,在吗\n"
        "2026-11-04 09:01:00,E1001,E1002|E1003,,能借我1500吗，下周还\n"
        "2026-11-04 09:02:00,E1002,E1001,,好的\n",
        encoding="utf-8-sig",
    )

    report = _import(path)

    flag = ChatFlag.objects.get()
    assert report.layout == "csv"
    assert flag.recipient_nos == ["E1002", "E1003"]
    assert flag.amount == Decimal("1500")
    assert flag.in_group is False


@pytest.mark.django_db
def test_import_command_prints_summary(chat_company: dict[str, Employee]) -> None:
    output = io.StringIO()

    call_command("import_data", "chat", str(ARCHIVE), stdout=output)

    assert "其中 3 条是向同事借钱的请求" in output.getvalue()
    assert ChatFlag.objects.count() == 3


def _database_bytes() -> bytes:
    """Return every byte the database holds: the SQLite image, or each row as text."""
    if connection.vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        if connection.is_in_memory_db():
            return connection.connection.serialize()
        return b"".join(
            Path(f"{name}{suffix}").read_bytes()
            for suffix in ("", "-wal", "-journal")
            if Path(f"{name}{suffix}").exists()
        )
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608
            rows.extend(row[0] for row in cursor.fetchall())
    return "\n".join(rows).encode("utf-8")


def _home_bytes() -> dict[str, bytes]:
    home = Path(settings.HRGUARD_HOME)
    return {str(path): path.read_bytes() for path in home.rglob("*") if path.is_file()}


@pytest.mark.django_db(transaction=True)
def test_import_leaves_no_plaintext_anywhere(
    chat_company: dict[str, Employee],
) -> None:
    report = _import()
    assert report.rows_created == 3

    stored = _database_bytes()
    files = _home_bytes()

    # The search reads the real rows: the encrypted requests are there.
    for token in ChatFlag.objects.values_list("text", flat=True):
        assert token.encode("ascii") in stored

    for text in (*NOT_FLAGGED, NOT_CONSENTED, FIRST_REQUEST, LAST_REQUEST):
        encoded = text.encode("utf-8")
        assert encoded not in stored, text
        assert [name for name, content in files.items() if encoded in content] == [], text
