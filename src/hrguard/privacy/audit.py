"""The append-only, hash-chained audit log: writing entries and verifying the chain.

Call `audit_record` inside the same `transaction.atomic()` block as the change
it records, so the entry and the change commit or roll back together:

    with transaction.atomic():
        case.status = "closed"
        case.save(update_fields=["status"])
        audit_record(actor=user, action="case.close", target_type="case",
                     target_id=str(case.pk), before={"status": old}, after={"status": "closed"})

Entries contain ids and employee numbers only, never names, phone or ID
numbers or free text from the records themselves.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.core.errors import ValidationFailed
from hrguard.privacy.models import GENESIS_HASH, AuditChainHead, AuditEntry

logger = logging.getLogger(__name__)

HEAD_ID = 1

# Keys that name personal data; before/after dictionaries must not contain them.
PERSONAL_KEYS = frozenset(
    {
        "name",
        "phone",
        "mobile",
        "id_number",
        "id_card",
        "bank_account",
        "address",
        "email",
        "snippet",
        "message",
        "content",
        "text",
    }
)
# Bounded by non-alphanumerics, so digit runs inside hex digests or codes do not match.
_MOBILE_NUMBER = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    target_type: str,
    target_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    using: str = DEFAULT_DB_ALIAS,
) -> AuditEntry:
    """Append an entry to the audit chain inside the caller's transaction.

    `actor` None is the system itself. Raises RuntimeError outside
    transaction.atomic(), ValueError when before/after carry personal data, and
    ValidationFailed when `reason` contains a phone or ID number.
    """
    if not connections[using].in_atomic_block:
        raise RuntimeError("call audit_record inside the transaction.atomic() block of the change")
    before = _clean_change(before, "before")
    after = _clean_change(after, "after")
    _reject_personal_numbers_in_reason(reason)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None

    head = _lock_head(using)
    entry = AuditEntry(
        seq=head.seq + 1,
        created_at=timezone.now(),
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        before=before,
        after=after,
        reason=reason,
        prev_hash=head.hash,
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True, using=using)

    head.seq = entry.seq
    head.hash = entry.hash
    head.save(update_fields=["seq", "hash"], using=using)
    return entry


def _lock_head(using: str) -> AuditChainHead:
    """Return the chain head, locked until the transaction ends.

    The UPDATE takes the row lock on PostgreSQL and the database write lock on
    SQLite before anything is read, so two appends cannot both see the same
    head. The unique primary key on `seq` would reject a fork anyway.
    """
    heads = AuditChainHead.objects.using(using)
    if not heads.filter(pk=HEAD_ID).update(seq=F("seq")):
        heads.get_or_create(pk=HEAD_ID)
    return heads.select_for_update().get(pk=HEAD_ID)


def _clean_change(change: dict[str, Any] | None, label: str) -> dict[str, Any] | None:
    """Return `change` as stored JSON would return it, so its hash is stable."""
    if change is None:
        return None
    _reject_personal_data(change, label)
    cleaned: dict[str, Any] = json.loads(json.dumps(change, cls=DjangoJSONEncoder))
    return cleaned


def _reject_personal_data(value: Any, path: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key).lower() in PERSONAL_KEYS:
                raise ValueError(f"audit {path} must not contain personal data key {key!r}")
            _reject_personal_data(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _reject_personal_data(item, f"{path}[{index}]")
    elif isinstance(value, float):
        # Floats may print differently after a database round trip, which would break the hash.
        raise ValueError(f"audit {path} must use Decimal or str instead of float")
    elif isinstance(value, str) and (_MOBILE_NUMBER.search(value) or _ID_NUMBER.search(value)):
        raise ValueError(f"audit {path} must not contain a phone or ID number")


def _reject_personal_numbers_in_reason(reason: str) -> None:
    if _MOBILE_NUMBER.search(reason) or _ID_NUMBER.search(reason):
        raise ValidationFailed(
            gettext("理由中不能包含手机号或身份证号，请改写后再提交。"), code="reason_personal_data"
        )


def entry_hash(entry: AuditEntry, *, seq: int | None = None) -> str:
    """Return the SHA-256 of an entry's fields; `seq` replaces the entry's own position."""
    created_at = entry.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    payload = {
        "seq": entry.seq if seq is None else seq,
        "created_at": created_at,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    """The outcome of verifying the audit chain."""

    checked: int  # entries verified in order before the first problem
    last_hash: str  # hash of the last verified entry
    problem: str | None = None
    problem_seq: int | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def audit_verify(
    *, anchors: dict[int, str] | None = None, using: str = DEFAULT_DB_ALIAS
) -> ChainReport:
    """Recompute the whole chain and report the first changed, removed or reordered entry.

    `anchors` maps sequence numbers to hashes recorded outside the database
    (for example printed by an earlier verify); each must still match.
    """
    anchors = anchors or {}
    expected_seq = 1
    previous_hash = GENESIS_HASH
    entries = AuditEntry.objects.using(using).order_by("seq").iterator(chunk_size=2000)

    for entry in entries:
        problem = _check_entry(entry, expected_seq, previous_hash, anchors, using)
        if problem is not None:
            return _broken(expected_seq - 1, previous_hash, problem)
        previous_hash = entry.hash
        expected_seq += 1

    last_seq = expected_seq - 1
    problem = _check_head(last_seq, previous_hash, using)
    if problem is None:
        missing_anchor = min((seq for seq in anchors if seq > last_seq), default=None)
        if missing_anchor is not None:
            problem = (
                gettext("审计链断裂：外部锚点记录的第 %(seq)s 条记录已不存在。")
                % {"seq": missing_anchor},
                missing_anchor,
            )
    if problem is not None:
        return _broken(last_seq, previous_hash, problem)
    return ChainReport(checked=last_seq, last_hash=previous_hash)


def _broken(checked: int, last_hash: str, problem: tuple[str, int]) -> ChainReport:
    message, seq = problem
    logger.warning("audit chain broken at entry %s", seq, extra={"audit_seq": seq})
    return ChainReport(checked=checked, last_hash=last_hash, problem=message, problem_seq=seq)


def _check_entry(
    entry: AuditEntry,
    expected_seq: int,
    previous_hash: str,
    anchors: dict[int, str],
    using: str,
) -> tuple[str, int] | None:
    if entry.seq != expected_seq:
        message = gettext("审计链断裂：第 %(seq)s 条记录缺失，已被删除。") % {"seq": expected_seq}
        return message, expected_seq

    if entry_hash(entry) != entry.hash:
        original = _original_seq(entry, using)
        if original is not None and original != entry.seq:
            message = gettext(
                "审计链断裂：第 %(seq)s 条的位置上是原第 %(original)s 条记录，记录顺序被调换。"
            ) % {"seq": entry.seq, "original": original}
        else:
            message = gettext("审计链断裂：第 %(seq)s 条记录的内容被修改（哈希不符）。") % {
                "seq": entry.seq
            }
        return message, entry.seq

    if entry.prev_hash != previous_hash:
        message = gettext(
            "审计链断裂：第 %(seq)s 条记录与前一条的链接不符，第 %(previous)s 条记录被修改或替换。"
        ) % {"seq": entry.seq, "previous": entry.seq - 1}
        return message, entry.seq - 1

    anchor = anchors.get(entry.seq)
    if anchor is not None and anchor != entry.hash:
        message = gettext("审计链断裂：第 %(seq)s 条记录的哈希与外部锚点不符，链已被重写。") % {
            "seq": entry.seq
        }
        return message, entry.seq
    return None


def _original_seq(entry: AuditEntry, using: str, *, max_steps: int = 10_000) -> int | None:
    """Return the position at which an intact but moved entry was written, if it can be found.

    Follows `prev_hash` links back to the genesis or to an entry still at its
    own position, counting the steps; gives up after `max_steps` links.
    """
    entries = AuditEntry.objects.using(using)
    steps = 0
    current = entry
    while steps < max_steps:
        steps += 1
        if current.prev_hash == GENESIS_HASH:
            original = steps
            break
        predecessor = entries.filter(hash=current.prev_hash).first()
        if predecessor is None:
            return None
        if entry_hash(predecessor) == predecessor.hash:
            original = predecessor.seq + steps
            break
        current = predecessor
    else:
        return None
    return original if entry_hash(entry, seq=original) == entry.hash else None


def _check_head(last_seq: int, last_hash: str, using: str) -> tuple[str, int] | None:
    head = AuditChainHead.objects.using(using).filter(pk=HEAD_ID).first()
    if head is None:
        if last_seq == 0:
            return None
        return gettext("审计链断裂：链头记录缺失。"), last_seq
    if head.seq > last_seq:
        message = gettext("审计链断裂：第 %(first)s 至 %(last)s 条记录缺失，链尾已被删除。") % {
            "first": last_seq + 1,
            "last": head.seq,
        }
        return message, last_seq + 1
    if head.seq < last_seq:
        message = gettext("审计链断裂：第 %(seq)s 条记录不是通过审计服务写入的。") % {
            "seq": head.seq + 1
        }
        return message, head.seq + 1
    if head.hash != last_hash:
        message = gettext("审计链断裂：第 %(seq)s 条记录与链头登记的哈希不符。") % {"seq": last_seq}
        return message, last_seq
    return None
