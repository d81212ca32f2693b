"""The in-app inbox page and the unread count in the page header."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hrguard.notify.models import Notification
from hrguard.notify.services import notification_create
from tests.web.conftest import make_hr_user

pytestmark = pytest.mark.django_db


def _notify(user: User, title: str, link: str = "http://127.0.0.1:8000/cases/7/") -> Notification:
    notification = notification_create(
        recipient=user, title=title, body="员工：员工-0001", link=link
    )
    assert notification is not None
    return notification


def test_inbox_lists_own_notifications_with_unread_count(
    manager_client: Client, manager: User
) -> None:
    _notify(manager, "人事风控：干预步骤到期")
    _notify(manager, "人事风控：你被指派为案件负责人")
    _notify(make_hr_user("hr.wang"), "别人的通知")

    response = manager_client.get("/notify/inbox/")

    page = response.content.decode()
    titles = [n.title for n in response.context["page"].object_list]
    assert titles == ["人事风控：你被指派为案件负责人", "人事风控：干预步骤到期"]
    assert "别人的通知" not in page
    assert 'aria-label="2 条未读">2</span>' in page


def test_notification_open_marks_read_and_follows_path(
    manager_client: Client, manager: User
) -> None:
    notification = _notify(
        manager, "人事风控：跟踪回访到期", link="https://hr.example.com/cases/7/"
    )

    response = manager_client.post(f"/notify/inbox/{notification.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == "/cases/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    header = manager_client.get("/notify/inbox/").content.decode()
    assert "条未读" not in header


def test_notification_open_of_other_user_returns_404(
    manager_client: Client,
) -> None:
    notification = _notify(make_hr_user("hr.wang"), "别人的通知")

    response = manager_client.post(f"/notify/inbox/{notification.pk}/open/")

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_inbox_mark_all_read_clears_unread(manager_client: Client, manager: User) -> None:
    _notify(manager, "一")
    _notify(manager, "二")

    manager_client.post("/notify/inbox/read-all/")

    assert Notification.objects.filter(recipient=manager, read_at__isnull=True).count() == 0


def test_inbox_anonymous_redirects_to_login(client: Client) -> None:
    response = client.get("/notify/inbox/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
