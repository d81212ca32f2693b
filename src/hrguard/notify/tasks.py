"""Celery entry points for the notification queue; they call the same services as the CLI."""

from celery import shared_task

from hrguard.notify.services import deliveries_send_due, notifications_collect_due


@shared_task(name="hrguard.notify.send_due_deliveries")
def send_due_deliveries(delivery_ids: list[int] | None = None) -> int:
    """Send due deliveries (only `delivery_ids` when given); return how many were sent."""
    return deliveries_send_due(delivery_ids=delivery_ids).sent


@shared_task(name="hrguard.notify.collect_and_send")
def collect_and_send() -> int:
    """Queue unannounced alerts and due steps, then send; meant for a periodic beat entry."""
    notifications_collect_due()
    return deliveries_send_due().sent
