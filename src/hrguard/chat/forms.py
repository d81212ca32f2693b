"""The rule settings form: every scalar threshold of the rule set and the lexicon's term lists."""

import tomllib
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrguard.chat.lexicon import TERM_SECTIONS, Lexicon
from hrguard.risk.explain import indicator_label

# Field names are dotted rule-set keys; HTML allows dots in names.
_TOP_LEVEL = ("window_months", "levels.watch", "levels.medium", "levels.high")
TERMS_PREFIX = "lexicon."
# Labels of the parameters the built-in indicators use; any other key is shown as written.
PARAMETER_LABELS = {
    "window_months": gettext_lazy("扫描窗口（月）"),
    "levels.watch": gettext_lazy("关注：命中的指标数"),
    "levels.medium": gettext_lazy("中风险：命中的指标数"),
    "levels.high": gettext_lazy("高风险：命中的指标数"),
    "enabled": gettext_lazy("启用"),
    "ratio_min": gettext_lazy("消费与实发工资之比的下限"),
    "consecutive_months_min": gettext_lazy("连续月数"),
    "platforms_min": gettext_lazy("同一月的平台数下限"),
    "succeeded_only": gettext_lazy("只计成功的交易"),
    "floor_yuan": gettext_lazy("金额下限（元）"),
    "min_days": gettext_lazy("天数下限"),
    "multiple_of_baseline": gettext_lazy("相对基线的倍数"),
    "baseline_months": gettext_lazy("基线月数"),
    "min_total_yuan": gettext_lazy("月合计下限（元）"),
    "own_z_min": gettext_lazy("与本人基线相比的 z 值下限"),
    "peer_z_min": gettext_lazy("与同部门相比的 z 值下限"),
    "min_peers": gettext_lazy("同部门最少人数"),
    "std_floor_yuan": gettext_lazy("标准差下限（元）"),
    "window_days": gettext_lazy("滚动窗口（天）"),
    "receivers_min": gettext_lazy("不同接收人数下限"),
}


class RuleSettingsForm(forms.Form):
    """Fields built from the rule-set text in force: one per number or switch, by dotted key."""

    def __init__(self, *args: Any, rule_set_text: str, lexicon: Lexicon, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        document = tomllib.loads(rule_set_text)
        self.groups: list[tuple[str, list[str]]] = [(_("扫描窗口与预警级别"), list(_TOP_LEVEL))]
        for key in _TOP_LEVEL:
            self.fields[key] = forms.IntegerField(
                label=PARAMETER_LABELS[key], initial=_lookup(document, key), min_value=1
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
    name = key.rsplit(".", 1)[-1]
    label = PARAMETER_LABELS.get(name, name)
    if isinstance(value, bool):
        return forms.BooleanField(label=label, initial=value, required=False)
    if isinstance(value, int):
        return forms.IntegerField(label=label, initial=value)
    if isinstance(value, float):
        return forms.FloatField(label=label, initial=value)
    return None
