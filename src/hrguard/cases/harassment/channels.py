"""The directory of complaint channels, kept as configuration in channels.toml."""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CHANNELS_FILE = Path(__file__).resolve().parent / "channels.toml"

# An entry not checked for this long is marked on the page as due for a check.
VERIFY_EVERY_DAYS = 365


@dataclass(frozen=True)
class ReportingChannel:
    name: str
    # A telephone number or a web address.
    contact: str
    scope: str
    last_verified: datetime.date

    def is_stale(self, today: datetime.date) -> bool:
        return (today - self.last_verified).days > VERIFY_EVERY_DAYS


def channels_load(path: Path = CHANNELS_FILE) -> tuple[ReportingChannel, ...]:
    """Return the channels in file order; raise ValueError when an entry lacks a field."""
    return _channels_parse(path.read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=4)
def _channels_parse(text: str, source: str) -> tuple[ReportingChannel, ...]:
    entries = tomllib.loads(text).get("channels", [])
    channels = []
    for position, entry in enumerate(entries, start=1):
        try:
            channel = ReportingChannel(
                name=str(entry["name"]),
                contact=str(entry["contact"]),
                scope=str(entry["scope"]),
                last_verified=entry["last_verified"],
            )
        except KeyError as error:
            raise ValueError(f"{source}: channel {position} lacks {error.args[0]!r}") from None
        if not isinstance(channel.last_verified, datetime.date):
            raise ValueError(f"{source}: channel {position} needs last_verified as a date")
        channels.append(channel)
    return tuple(channels)
