"""Default intervention playbooks and the suggestions drawn from them.

The defaults live in playbooks.toml beside this module. `playbook_defaults_install`
copies them into the PlaybookEntry table without overwriting HR's edits, and
`suggest_steps` turns the entries for the indicators that fired into
SuggestedStep values. Suggestions are only shown: a person picks a step with
`cases.services.plan_step_add`.
"""

import datetime
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULTS_FILE = Path(__file__).with_name("playbooks.toml")
ANY_INDICATOR = "*"


@dataclass(frozen=True)
class SuggestedStep:
    kind: str
    guidance: str
    record_template: str
    due_date: datetime.date
    # Indicator codes of the alert that led to this suggestion; "*" for every case.
    indicators: tuple[str, ...]
    needs_family_consent: bool = False
    has_family_consent: bool = False
    # (id, name) pairs of legal-aid providers verified recently enough to refer to.
    legal_aid_providers: tuple[tuple[int, str], ...] = field(default_factory=tuple)


def read_default_entries(path: Path = DEFAULTS_FILE) -> list[dict[str, Any]]:
    """Return the entries of a playbook file as dicts with the PlaybookEntry field names."""
    with path.open("rb") as handle:
        document = tomllib.load(handle)

    entries = []
    for raw in document.get("entry", []):
        entries.append(
            {
                "indicator_code": raw["indicator"],
                "kind": raw["kind"],
                "position": int(raw.get("position", 100)),
                "guidance": raw["guidance"].strip(),
                "record_template": raw.get("record_template", "").strip(),
                "due_in_days": int(raw.get("due_in_days", 7)),
            }
        )
    return entries


def playbook_defaults_install(entry_model: Any, path: Path = DEFAULTS_FILE) -> int:
    """Insert the default entries that have no row yet; return how many were inserted.

    Takes the model class as an argument so a data migration can pass its
    historical model.
    """
    existing = set(entry_model.objects.values_list("indicator_code", "kind"))
    missing = [
        entry_model(**entry)
        for entry in read_default_entries(path)
        if (entry["indicator_code"], entry["kind"]) not in existing
    ]
    entry_model.objects.bulk_create(missing)
    return len(missing)
