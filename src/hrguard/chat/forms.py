"""The rule settings form: every scalar threshold of the rule set and the lexicon's term lists."""

import tomllib
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from hrguard.chat.lexicon import TERM_SECTIONS, Lexicon
from hrguard.risk.explain import indicator_label

# Field names are dotted rule-set keys; HTML allows dots in names.
_TOP_LEVEL = ("window_months", "levels.watch", "levels.medium", "levels.high")
TERMS_PREFIX = "lexicon."


class RuleSettingsForm(forms.Form):
    """Fields built from the rule-set text in force: one per number or switch, by dotted key."""

    def __init__(self, *args: Any, rule_set_text: str, lexicon: Lexicon, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        document = tomllib.loads(rule_set_text)
        self.groups: list[tuple[str, list[str]]] = [(_("扫描窗口与预警级别"), list(_TOP_LEVEL))]
        for key in _TOP_LEVEL:
            self.fields[key] = forms.IntegerField(
                label=key, initial=_lookup(document, key), min_value=1
            )

        for code, table in document["indicators"].items():
            names = []
            for name, value in table.items():
                key = f"indicators.{code}.{name}"
                field = _scalar_field(key, value)
                if field is not None:
                    self.fields[key] = field
                    names.append(key)
            self.groups.append((indicator_label(code), names))

        self.lexicon_sections = []
        for section in TERM_SECTIONS:
            key = TERMS_PREFIX + section
            self.fields[key] = forms.CharField(
                label=lexicon.descriptions[section],
                initial="\n".join(lexicon.terms[section]),
                required=section == "triggers",
                widget=forms.Textarea(attrs={"rows": 6}),
            )
            self.lexicon_sections.append(key)

    def changes(self) -> dict[str, bool | int | float]:
        return {
            key: value
            for key, value in self.cleaned_data.items()
            if not key.startswith(TERMS_PREFIX)
        }

    def terms(self) -> dict[str, list[str]]:
        """Return each section's terms, one per line, blanks and repeats dropped."""
        return {
            key.removeprefix(TERMS_PREFIX): list(
                dict.fromkeys(line.strip() for line in value.splitlines() if line.strip())
            )
            for key, value in self.cleaned_data.items()
            if key.startswith(TERMS_PREFIX)
        }


def _lookup(document: dict[str, Any], key: str) -> Any:
    value: Any = document
    for part in key.split("."):
        value = value[part]
    return value


def _scalar_field(key: str, value: Any) -> forms.Field | None:
    """Return a field for a number or switch; lists and names (catalogues) stay as they are."""
    if isinstance(value, bool):
        return forms.BooleanField(label=key, initial=value, required=False)
    if isinstance(value, int):
        return forms.IntegerField(label=key, initial=value)
    if isinstance(value, float):
        return forms.FloatField(label=key, initial=value)
    return None
