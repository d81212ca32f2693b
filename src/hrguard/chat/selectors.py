"""Reads of the chat app: the lexicon in force, the roster and consents an import needs,
and the flagged requests a scan reads."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import polars as pl
from django.conf import settings
from django.db.models import QuerySet

from hrguard.chat.classifier import model_load
from hrguard.chat.detector import Detector, detector_load
from hrguard.chat.lexicon import Lexicon, lexicon_load, lexicon_parse
from hrguard.chat.models import ChatFlag, LexiconVersion
from hrguard.chat.services import RosterEntry
from hrguard.people.models import Employee
from hrguard.privacy.models import Consent, DataCategory
from hrguard.risk.engine import Period
from hrguard.risk.engine.indicators.chat import CHAT_SCHEMA

# Pseudonyms of a group's colleagues that evidence names; the rest are only counted.
GROUP_RECEIVERS_SHOWN = 3


def lexicon_current() -> Lexicon:
    """Return the newest lexicon saved on the rule settings page, or the shipped one."""
    saved = _lexicon_saved_newest()
    return lexicon_load() if saved is None else _lexicon_cached(saved.content)


def detector_current() -> Detector:
    """Return a detector built from the lexicon in force and the shipped model."""
    saved = _lexicon_saved_newest()
    return detector_load() if saved is None else _detector_cached(saved.content)


def _lexicon_saved_newest() -> LexiconVersion | None:
    return LexiconVersion.objects.order_by("-created_at", "-pk").first()


@lru_cache(maxsize=4)
def _lexicon_cached(content: str) -> Lexicon:
    return lexicon_parse(content)


@lru_cache(maxsize=4)
def _detector_cached(content: str) -> Detector:
    return Detector(_lexicon_cached(content), model_load())


def roster_entries() -> dict[str, RosterEntry]:
    """Map every employee's 工号 (the WeCom user id in hrguard) to id and pseudonym."""
    return {
        employee_no: RosterEntry(pk, pseudonym)
        for pk, employee_no, pseudonym in Employee.objects.values_list(
            "pk", "employee_no", "pseudonym"
        ).iterator()
    }


@dataclass
class ChatConsents:
    """Chat consents by 工号, to tell whether a message of a given day may be read."""

    grants: dict[str, list[tuple[datetime.date, datetime.date | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def in_force(self, employee_no: str, day: datetime.date) -> bool:
        return any(
            granted <= day and (withdrawn is None or withdrawn > day)
            for granted, withdrawn in self.grants.get(employee_no, ())
        )


def chat_consents() -> ChatConsents:
    """Load every 聊天记录 consent; the same rule as Consent.objects.in_force_on applies."""
    consents = ChatConsents()
    rows = Consent.objects.filter(category=DataCategory.CHAT).values_list(
        "employee__employee_no", "granted_on", "withdrawn_on"
    )
    for employee_no, granted_on, withdrawn_on in rows:
        consents.grants[employee_no].append((granted_on, withdrawn_on))
    return consents


def chat_frame_load(*, period: Period, employees: QuerySet[Employee]) -> pl.DataFrame:
    """Return the flagged requests of `employees` in the scan window as the "chat" frame.

    The scan passes only employees whose chat consent is in force on the scan
    date. Times are Asia/Shanghai wall-clock times, amounts integer fen.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(period.start, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(
        period.as_of + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
    )
    flags = ChatFlag.objects.filter(
        employee__in=employees, sent_at__gte=start, sent_at__lt=end
    ).select_related("employee")
    pseudonyms = dict(Employee.objects.values_list("employee_no", "pseudonym"))

    rows: dict[str, list[object]] = {name: [] for name in CHAT_SCHEMA}
    for flag in flags.iterator():
        labels = [pseudonyms.get(no, "") for no in flag.recipient_nos]
        rows["employee_no"].append(flag.employee.employee_no)
        rows["sent_at"].append(flag.sent_at.astimezone(zone).replace(tzinfo=None))
        # A request to a group counts as one receiver, however many colleagues read it.
        rows["receiver"].append(f"group:{flag.conversation[:16]}" if flag.in_group else labels[0])
        rows["receivers"].append(
            sorted(labels)[:GROUP_RECEIVERS_SHOWN] if flag.in_group else labels
        )
        rows["in_group"].append(flag.in_group)
        rows["group_size"].append(len(labels) if flag.in_group else 0)
        rows["amount_fen"].append(None if flag.amount is None else int(flag.amount * 100))
    return pl.DataFrame(rows, schema=CHAT_SCHEMA)
