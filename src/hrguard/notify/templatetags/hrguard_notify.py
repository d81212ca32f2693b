"""Template helpers of the inbox: the link with the unread count in the page header."""

from typing import Any

from django import template

from hrguard.notify.selectors import notification_unread_count

register = template.Library()


@register.inclusion_tag("notify/partials/inbox_link.html", takes_context=True)
def inbox_link(context: template.Context) -> dict[str, Any]:
    user = context["request"].user
    return {"unread": notification_unread_count(user=user)}
