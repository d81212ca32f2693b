"""Template helpers of the web UI: names, indicator labels, money and navigation."""

from decimal import Decimal
from typing import Any

from django import template

from hrguard.people.models import Employee
from hrguard.web import navigation
from hrguard.web.display import display_name as employee_display_name
from hrguard.web.indicators import indicator_label as label_for_code

register = template.Library()


@register.simple_tag(takes_context=True)
def display_name(context: template.Context, employee: Employee, alert_id: int | None = None) -> str:
    """Render the employee as the current user may see them (see web.display)."""
    return employee_display_name(employee, context["request"].user, alert_id=alert_id)


@register.filter
def indicator_label(code: str) -> str:
    return label_for_code(code)


@register.filter
def yuan(amount: Decimal | None) -> str:
    """Format an amount in yuan as 12,000.00, grouped by thousands as bank statements are.

    Django's zh-hans number format has no thousands separator, hence this filter.
    """
    if amount is None:
        return "—"
    return f"{Decimal(amount):,.2f}"


@register.simple_tag(takes_context=True)
def navigation_items(context: template.Context) -> list[Any]:
    return navigation.navigation_items(context["request"])
