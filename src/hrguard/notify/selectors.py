"""Reads of a user's in-app inbox."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from hrguard.core.errors import NotFound
from hrguard.notify.models import Notification


def notifications_for_user(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


def notification_unread_count(*, user: Any) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get_for_user(*, notification_id: int, user: Any) -> Notification:
    """Return one of the user's own notifications; anyone else's is reported as not found."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise NotFound(
            gettext("通知 %(notification_id)s 不存在。"), notification_id=notification_id
        )
    return notification
