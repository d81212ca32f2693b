"""聊天记录 (chat): a WeCom chat archive (会话内容存档) or the canonical chat CSV.

Two layouts:

- WeCom archive messages after decryption, one JSON object per line: msgid,
  action (send, recall, switch), from, tolist, roomid, msgtime (milliseconds),
  msgtype and, for text, text.content. Other message types are skipped and
  counted by type. A switch record has neither from nor msgtype.
- CSV or spreadsheet with the columns 时间, 发送人工号, 接收人工号, 群聊ID, 内容;
  several receivers are separated by ";" or "|".

Privacy by construction: a message is read only when its sender is on the
roster, inside the importing user's department scope, and their 聊天记录
consent is in force on the message's day; other messages are counted and
dropped before classification. Only messages flagged as borrowing requests
to a colleague are stored, encrypted, with at most one
earlier and one later message of the same conversation as context; context
comes only from messages that could be read, so a colleague without consent
never appears in it. The
original file is not kept, and row problems name the row and field but never
a message text.
"""

import datetime
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrguard.chat.screening import ChatMessage, ChatScreen, FlaggedMessage
from hrguard.chat.selectors import chat_consents, detector_current, roster_entries
from hrguard.chat.services import chat_flags_store
from hrguard.ingest import readers
from hrguard.ingest.base import RowIssue
from hrguard.ingest.kinds import register
from hrguard.ingest.kinds.base import (
    CHUNK_SIZE,
    Importer,
    IssueCollector,
    RosterIndex,
    WriteCounts,
    file_issue,
)
from hrguard.ingest.values import SHANGHAI, ValueProblem, parse_datetime

if TYPE_CHECKING:
    from hrguard.ingest.models import ImportBatch

# WeCom msgtime is in milliseconds, but chatrecord items use seconds: anything above
# this is taken as milliseconds (1e11 ms is 1973, 1e11 s is the year 5138).
_MILLISECONDS_FROM = 10**11
_CSV_COLUMNS = ("时间", "发送人工号", "接收人工号", "内容")
_CSV_OPTIONAL = ("群聊ID",)
_RECIPIENT_SEPARATORS = str.maketrans({"|": ";", "；": ";", "，": ";", ",": ";"})


@dataclass(frozen=True, slots=True)
class _Skipped:
    message_type: str


@dataclass
class _ReadCounts:
    """What pass 2 did with each message; no field contains a message text."""

    skipped_types: Counter[str] = field(default_factory=Counter)
    unknown_senders: int = 0
    unknown_recipients: int = 0
    without_consent: int = 0
    employees_without_consent: set[str] = field(default_factory=set)
    not_to_colleague: int = 0


@register
class ChatImporter(Importer):
    kind = "chat"
    label = gettext_lazy("聊天记录")
    keeps_original = False

    def validate(self, issues: IssueCollector) -> None:
        messages = 0
        try:
            for item in self._items():
                self.rows_total += 1
                if isinstance(item, RowIssue):
                    issues.add(item)
                elif isinstance(item, ChatMessage):
                    messages += 1
        except readers.UnreadableFile as problem:
            issues.add(file_issue(problem, self.file_name))
            return
        if self.rows_total == 0 and issues.total == 0:
            issues.add(RowIssue(message=_("文件中没有聊天消息。请确认导出的是会话内容存档。")))

    def write(self, *, batch: "ImportBatch | None", apply: bool) -> WriteCounts:
        detector = detector_current()
        roster = roster_entries()
        senders = self._senders_in_scope(roster)
        consents = chat_consents()
        screen = ChatScreen(detector)
        counts = _ReadCounts()
        written = WriteCounts()
        found: list[FlaggedMessage] = []

        def store(flags: list[FlaggedMessage]) -> None:
            to_colleague = [flagged for flagged in flags if _asks_colleague(flagged, roster)]
            counts.not_to_colleague += len(flags) - len(to_colleague)
            stored = chat_flags_store(
                flags=to_colleague,
                roster=roster,
                lexicon_version=detector.lexicon.version,
                batch=batch,
                apply=apply,
            )
            written.created += stored.created
            written.unchanged += stored.unchanged

        for item in self._items():
            if isinstance(item, RowIssue):
                raise RuntimeError(f"row {item.row} of {self.file_name} changed after validation")
            if isinstance(item, _Skipped):
                counts.skipped_types[item.message_type] += 1
                continue
            if item.sender not in senders:
                # A sender outside the importing user's scope reads as unknown, as a page returns 404.
                counts.unknown_senders += 1
                continue
            if not consents.in_force(item.sender, item.sent_at.astimezone(SHANGHAI).date()):
                counts.without_consent += 1
                counts.employees_without_consent.add(item.sender)
                continue
            counts.unknown_recipients += sum(no not in roster for no in item.recipients)
            found.extend(screen.feed(item))
            if len(found) >= CHUNK_SIZE:
                store(found)
                found = []
        found.extend(screen.finish())
        store(found)

        self.notes.extend(_notes(screen, counts, written, applied=apply))
        return written

    def _senders_in_scope(self, roster: dict[str, Any]) -> set[str]:
        """Return the 工号 of the employees whose messages this import may read.

        Recipients are still matched against the whole roster, because asking a colleague
        of another department for money is still asking a colleague.
        """
        if self.department_ids is None:
            return set(roster)
        return set(RosterIndex(self.department_ids).employee_nos())

    def _items(self) -> Iterator[ChatMessage | _Skipped | RowIssue]:
        with self.path.open("rb") as stream:
            head = stream.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        if head.startswith(b"{"):
            self.layout = "wecom-jsonl"
            yield from _wecom_items(self.path.open("rb"))
        else:
            self.layout = "csv"
            yield from self._csv_items()

    def _csv_items(self) -> Iterator[ChatMessage | RowIssue]:
        rows = readers.iter_rows(self.path, file_name=self.file_name)
        try:
            _header_row, mapping = readers.find_header(
                rows, required=set(_CSV_COLUMNS), synonyms={}, optional=_CSV_OPTIONAL
            )
        except readers.HeaderProblem:
            # The reader's own message lists the cells it found, which may be message texts.
            yield RowIssue(
                message=_(
                    "找不到表头。聊天记录表格的第一行应为：时间、发送人工号、接收人工号、群聊ID、内容；"
                    "企业微信会话存档请导出为每行一条 JSON 消息。"
                )
            )
            return
        for row_number, cells in rows:
            yield _csv_message(row_number, cells, mapping)


def _wecom_items(stream: Any) -> Iterator[ChatMessage | _Skipped | RowIssue]:
    with stream:
        for row_number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig" if row_number == 1 else "utf-8")
                record = json.loads(line)
            except (UnicodeDecodeError, json.JSONDecodeError):
                yield RowIssue(
                    message=_("这一行不是有效的 UTF-8 JSON 消息。请重新导出解密后的会话存档。"),
                    row=row_number,
                )
                continue
            yield _wecom_message(row_number, record)


def _wecom_message(row_number: int, record: Any) -> ChatMessage | _Skipped | RowIssue:
    if not isinstance(record, dict):
        return RowIssue(message=_("这一行不是 JSON 对象。"), row=row_number)
    action = record.get("action")
    if action == "switch":
        return _Skipped("switch")
    message_type = record.get("msgtype")
    if action == "recall":
        return _Skipped("revoke")
    if message_type != "text":
        return _Skipped(str(message_type or "unknown"))

    text = record.get("text")
    content = text.get("content") if isinstance(text, dict) else None
    msgid, sender, recipients = record.get("msgid"), record.get("from"), record.get("tolist")
    room = record.get("roomid") or ""
    if not isinstance(msgid, str) or not msgid:
        return _field_issue(row_number, "msgid")
    if not isinstance(sender, str) or not sender:
        return _field_issue(row_number, "from")
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        return _field_issue(row_number, "tolist")
    if not isinstance(room, str):
        return _field_issue(row_number, "roomid")
    if not isinstance(content, str):
        return _field_issue(row_number, "text.content")
    sent_at = _from_epoch(record.get("msgtime"))
    if sent_at is None:
        return _field_issue(row_number, "msgtime")

    return ChatMessage(
        key=f"wecom\x1f{msgid}",
        sent_at=sent_at,
        sender=sender,
        recipients=tuple(recipients),
        room=room,
        text=content,
    )


def _field_issue(row_number: int, name: str) -> RowIssue:
    # No value: it could be a message text.
    return RowIssue(
        message=_("字段 %(field)s 缺失或格式不对。") % {"field": name},
        row=row_number,
        column=name,
        value="",
    )


def _from_epoch(value: Any) -> datetime.datetime | None:
    """Convert a WeCom epoch time (milliseconds, or seconds when small) to Shanghai time."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    seconds = value / 1000 if value >= _MILLISECONDS_FROM else value
    return datetime.datetime.fromtimestamp(seconds, tz=SHANGHAI)


def _csv_message(
    row_number: int, cells: list[str], mapping: dict[str, int]
) -> ChatMessage | RowIssue:
    def cell(name: str) -> str:
        index = mapping.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    try:
        sent_at = parse_datetime(cell("时间"))
    except ValueProblem as problem:
        return RowIssue(message=str(problem), row=row_number, column="时间", value=cell("时间"))
    sender = cell("发送人工号")
    if not sender:
        return RowIssue(
            message=_("发送人工号不能为空。"), row=row_number, column="发送人工号", value=""
        )
    recipients = tuple(
        part.strip() for part in cell("接收人工号").translate(_RECIPIENT_SEPARATORS).split(";")
    )
    recipients = tuple(part for part in recipients if part)
    room = cell("群聊ID")
    if not recipients and not room:
        return RowIssue(
            message=_("接收人工号和群聊ID不能都为空。"),
            row=row_number,
            column="接收人工号",
            value="",
        )
    text = cells[mapping["内容"]] if mapping["内容"] < len(cells) else ""
    key = "\x1f".join(["csv", sent_at.isoformat(), sender, ";".join(recipients), room, text])
    return ChatMessage(key, sent_at, sender, recipients, room, text)


def _asks_colleague(flagged: FlaggedMessage, roster: dict[str, Any]) -> bool:
    message = flagged.message
    return any(no in roster and no != message.sender for no in message.recipients)


def _notes(
    screen: ChatScreen, counts: _ReadCounts, written: WriteCounts, *, applied: bool
) -> list[str]:
    if applied:
        summary = _(
            "读取了 %(read)d 条已同意员工的文字消息，其中 %(flagged)d 条是向同事借钱的请求，"
            "新保存 %(created)d 条（加密），%(unchanged)d 条以前已保存；其余消息均未保存。"
        )
    else:
        summary = _(
            "仅校验：读取了 %(read)d 条已同意员工的文字消息，其中 %(flagged)d 条是向同事借钱的请求，"
            "正式导入时将新保存 %(created)d 条（加密），%(unchanged)d 条以前已保存；没有保存任何消息。"
        )
    notes = [
        summary
        % {
            "read": screen.counts.read,
            "flagged": screen.counts.flagged - counts.not_to_colleague,
            "created": written.created,
            "unchanged": written.unchanged,
        }
    ]
    if counts.without_consent:
        notes.append(
            _(
                "%(messages)d 条消息的发送人（%(employees)d 名员工）当天没有有效的「聊天记录」单独同意，未读取。"
            )
            % {
                "messages": counts.without_consent,
                "employees": len(counts.employees_without_consent),
            }
        )
    if counts.unknown_senders:
        notes.append(
            _("%(count)d 条消息的发送人不在花名册中（例如外部联系人），未读取。")
            % {"count": counts.unknown_senders}
        )
    if counts.not_to_colleague:
        notes.append(
            _("%(count)d 条借钱请求只发给了花名册以外的人，不计入向同事借钱，未保存。")
            % {"count": counts.not_to_colleague}
        )
    if counts.skipped_types:
        listed = "、".join(
            f"{message_type} {count}"
            for message_type, count in sorted(counts.skipped_types.items())
        )
        notes.append(_("跳过的非文字消息（类型 条数）：%(types)s。") % {"types": listed})
    return notes
