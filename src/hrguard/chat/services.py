"""Writes of the chat app: flagged borrowing requests and saved lexicon versions."""

import datetime
import hashlib
import json
import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import tomlkit
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.chat.lexicon import Lexicon, lexicon_parse
from hrguard.chat.models import ChatFlag, LexiconVersion
from hrguard.chat.screening import ChatMessage, FlaggedMessage
from hrguard.core.crypto import blind_index, encrypt_text
from hrguard.core.errors import ValidationFailed
from hrguard.privacy.audit import audit_record
from hrguard.risk.engine import RuleSetInvalid, rule_set_parse
from hrguard.risk.models import RuleSet
from hrguard.risk.services import rule_set_freeze, rule_set_in_force

logger = logging.getLogger(__name__)

FLAG_TEXT_PURPOSE = "chat.flag.text"
FLAG_CONTEXT_PURPOSE = "chat.flag.context"
MESSAGE_KEY_PURPOSE = "chat.message"
CONVERSATION_PURPOSE = "chat.conversation"


@dataclass(frozen=True)
class RosterEntry:
    pk: int
    pseudonym: str


@dataclass
class FlagCounts:
    created: int = 0
    unchanged: int = 0


def chat_flags_store(
    *,
    flags: list[FlaggedMessage],
    roster: Mapping[str, RosterEntry],
    lexicon_version: str,
    batch: Any,
    apply: bool,
) -> FlagCounts:
    """Encrypt and store flagged requests not stored before; with apply=False only count.

    Runs inside the import's transaction. A request is identified by a blind
    index of its message key, so importing the same archive again adds nothing.
    """
    keys = {
        blind_index(flagged.message.key, purpose=MESSAGE_KEY_PURPOSE): flagged for flagged in flags
    }
    existing = set(
        ChatFlag.objects.filter(message_key__in=list(keys)).values_list("message_key", flat=True)
    )
    counts = FlagCounts(unchanged=len(existing))
    to_create = []
    for key, flagged in keys.items():
        if key in existing:
            continue
        message = flagged.message
        to_create.append(
            ChatFlag(
                employee_id=roster[message.sender].pk,
                sent_at=message.sent_at,
                recipient_nos=sorted(
                    {no for no in message.recipients if no in roster and no != message.sender}
                ),
                in_group=bool(message.room),
                conversation=blind_index(message.conversation, purpose=CONVERSATION_PURPOSE),
                message_key=key,
                amount=flagged.detection.amount,
                urgent=flagged.detection.urgent,
                lexicon_version=lexicon_version,
                text=encrypt_text(message.text, purpose=FLAG_TEXT_PURPOSE),
                context=encrypt_text(_context_json(flagged, roster), purpose=FLAG_CONTEXT_PURPOSE),
                batch=batch,
            )
        )
    counts.created = len(to_create)
    if apply:
        ChatFlag.objects.bulk_create(to_create)
    return counts


def _context_json(flagged: FlaggedMessage, roster: Mapping[str, RosterEntry]) -> str:
    """Return the neighbouring messages as JSON, senders as pseudonyms, never names or ids."""
    items = []
    for position, message in (("before", flagged.before), ("after", flagged.after)):
        if message is not None:
            items.append(_context_item(position, message, roster))
    return json.dumps(items, ensure_ascii=False)


def _context_item(
    position: str, message: ChatMessage, roster: Mapping[str, RosterEntry]
) -> dict[str, str]:
    sender = roster.get(message.sender)
    return {
        "position": position,
        "sent_at": message.sent_at.isoformat(),
        "sender": sender.pseudonym if sender else "",
        "text": message.text,
    }


def lexicon_version_save(
    *, version: str, day: datetime.date, base: Lexicon, terms: Mapping[str, list[str]], user: Any
) -> LexiconVersion:
    """Store `base` with its term lists replaced by `terms` under a new version.

    Call it inside the transaction that saves the rule set; the audit entry
    names the sections whose terms changed.
    """
    content = lexicon_toml(base, version=version, day=day, terms=terms)
    lexicon_parse(content)
    saved = LexiconVersion.objects.create(
        version=version,
        content=content,
        sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    changed = sorted(
        section for section, listed in terms.items() if tuple(listed) != base.terms[section]
    )
    audit_record(
        actor=user,
        action="chat.lexicon_save",
        target_type="lexicon_version",
        target_id=str(saved.pk),
        before={"version": base.version},
        after={"version": version, "sections_changed": changed},
    )
    logger.info("lexicon %s saved from %s, changed sections %s", version, base.version, changed)
    return saved


def lexicon_toml(
    base: Lexicon, *, version: str, day: datetime.date, terms: Mapping[str, list[str]]
) -> str:
    """Write a lexicon file with `base`'s notice, descriptions and traditional table."""
    lines = [
        "# Saved on the rule settings page.",
        f"version = {_toml_string(version)}",
        f"date = {_toml_string(day.isoformat())}",
        f"notice = {_toml_string(base.notice)}",
    ]
    for section, description in base.descriptions.items():
        listed = terms.get(section, list(base.terms[section]))
        lines += [
            "",
            f"[{section}]",
            f"description = {_toml_string(description)}",
            "terms = [" + ", ".join(_toml_string(term) for term in listed) + "]",
        ]
    lines += ["", "[traditional]"]
    lines += [
        f"{_toml_string(key)} = {_toml_string(value)}" for key, value in base.traditional.items()
    ]
    return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string.
    return json.dumps(value, ensure_ascii=False)


def lexicon_changed(base: Lexicon, terms: Mapping[str, list[str]]) -> bool:
    return any(tuple(listed) != base.terms[section] for section, listed in terms.items())


def rule_settings_save(
    *,
    changes: Mapping[str, bool | int | float],
    terms: Mapping[str, list[str]],
    user: Any,
) -> RuleSet:
    """Save the rule set in force with `changes` applied, and the lexicon with `terms`, as new versions.

    `changes` maps dotted keys of the rule-set file ("levels.medium",
    "indicators.colleague_borrowing.receivers_min") to new values. The new
    rule set keeps the comments of the one it was made from. Both versions
    get the same name; the lexicon is saved only when a term list changed.
    Raises ValidationFailed naming the key when the result is not a valid rule set.
    """
    from hrguard.chat.selectors import lexicon_current

    current = rule_set_in_force()
    today = timezone.localdate()
    version = _next_version(today)
    document = tomlkit.parse(current.text)
    before = tomllib.loads(current.text)
    changed = []
    for key, value in changes.items():
        *path, name = key.split(".")
        table: Any = document
        old: Any = before
        for part in path:
            table, old = table[part], old[part]
        if old[name] != value:
            changed.append(key)
            table[name] = value
    document["version"] = version
    document["updated"] = today
    text = tomlkit.dumps(document)

    try:
        config = rule_set_parse(text, source=version)
    except RuleSetInvalid as error:
        raise ValidationFailed(
            gettext("规则设置没有保存：%(key)s 的值无效（%(detail)s）。"),
            code="rule_settings_invalid",
            key=error.key,
            detail=error.detail,
        ) from error

    lexicon = lexicon_current()
    with transaction.atomic():
        # Storing the base first marks it as seen, so the new version is the newest stored one
        # and rule_set_in_force picks it over the shipped file.
        rule_set_freeze(config=current)
        rule_set = RuleSet.objects.create(version=version, content=text, sha256=config.sha256)
        audit_record(
            actor=user,
            action="risk.rule_set_save",
            target_type="rule_set",
            target_id=str(rule_set.pk),
            before={"version": current.version},
            after={"version": version, "changed": sorted(changed)},
        )
        if lexicon_changed(lexicon, terms):
            lexicon_version_save(version=version, day=today, base=lexicon, terms=terms, user=user)
    logger.info("rule set %s saved from %s, changed %s", version, current.version, changed)
    return rule_set


def _next_version(day: datetime.date) -> str:
    """Return "YYYY.MM.DD.n" with the smallest n that no rule set or lexicon uses yet."""
    prefix = f"{day:%Y.%m.%d}."
    taken = set(
        RuleSet.objects.filter(version__startswith=prefix).values_list("version", flat=True)
    ) | set(
        LexiconVersion.objects.filter(version__startswith=prefix).values_list("version", flat=True)
    )
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"
