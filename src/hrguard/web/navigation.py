"""Entries of the main navigation bar.

Other apps add their pages here as (URL name, label). An entry whose URL name
does not resolve yet is left out, so an entry can land before its view does.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NAVIGATION: list[tuple[str, Promise]] = [
    ("web:dashboard", _("首页")),
    ("web:alert_list", _("预警列表")),
    ("cases:case_list", _("案件")),
    ("ingest:upload", _("数据导入")),
    ("chat:rule_settings", _("规则设置")),
    ("reports:index", _("报表")),
    ("privacy:home", _("个人信息保护")),
    ("guarantee:dispute_list", _("担保纠纷")),
    ("harassment:intake", _("催收骚扰")),
]


@dataclass(frozen=True)
class NavigationItem:
    url: str
    label: str
    active: bool


def navigation_items(
    request: HttpRequest, entries: list[tuple[str, Promise]] | None = None
) -> list[NavigationItem]:
    """Return the resolvable entries, marking the one whose page is being shown."""
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for url_name, label in NAVIGATION if entries is None else entries:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append(
            NavigationItem(url=url, label=str(label), active=_is_active(url_name, current))
        )
    return items


def _is_active(url_name: str, current: str) -> bool:
    # Detail pages belong to the list page of the same app section.
    sections = {
        "web:alert_detail": "web:alert_list",
        "web:employee_profile": "web:alert_list",
        "cases:case_detail": "cases:case_list",
        "cases:legal_aid_list": "cases:case_list",
        "cases:legal_aid_edit": "cases:case_list",
    }
    return url_name == sections.get(current, current)
