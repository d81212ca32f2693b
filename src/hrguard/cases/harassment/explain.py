"""Sentences that explain a collector_contact result from its evidence."""

from typing import Any

from django.utils.translation import gettext


def collector_contact_describe(evidence: dict[str, Any]) -> list[str]:
    """Say how many linked incidents name the employee as debtor, on which platforms and days."""
    count = evidence["incident_count"]
    if not count:
        return [gettext("扫描期内没有经人事确认指向该员工的催收骚扰事件。")]

    values = {
        "count": count,
        "required": evidence["incidents_min"],
        "platforms": "、".join(evidence["platforms"]),
        "dates": "、".join(evidence["dates"]),
    }
    if count >= evidence["incidents_min"]:
        summary = gettext(
            "扫描期内有 %(count)d 起催收骚扰事件经人事确认以该员工为借款人，"
            "涉及平台：%(platforms)s。"
        )
    else:
        summary = gettext(
            "扫描期内有 %(count)d 起催收骚扰事件经人事确认以该员工为借款人，"
            "未达到 %(required)d 起，涉及平台：%(platforms)s。"
        )
    return [summary % values, gettext("发生日期：%(dates)s。") % values]
