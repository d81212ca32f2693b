"""Open redirects: login and notification links never send the browser to another host."""

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from hrguard.notify.models import Notification
from tests.security.conftest import World

FOREIGN_TARGETS = (
    "https://evil.example/phish",
    "//evil.example/phish",
    "/\\evil.example/phish",
    "https:evil.example",
    "javascript:alert(1)",
)


@pytest.mark.django_db
def test_login_next_foreign_host_ignored() -> None:
    User.objects.create_user(username="hr.li", password="correct-horse-battery")

    for target in FOREIGN_TARGETS:
        client = Client()
        response = client.post(
            f"{reverse('login')}?next={target}",
            {"username": "hr.li", "password": "correct-horse-battery"},
        )

        assert response.status_code == 302, target
        assert "evil.example" not in response["Location"], target
        assert not response["Location"].startswith("javascript:"), target


def test_notification_link_foreign_host_ignored(
    world: World, client_for: Callable[[str], Client]
) -> None:
    client = client_for("hr_manager")

    for target in FOREIGN_TARGETS:
        notification = Notification.objects.create(
            recipient=world.users["hr_manager"], title="新预警", link=target
        )
        response = client.post(reverse("notify:notification_open", args=[notification.pk]))

        # A backslash is sent percent-encoded, so "/%5Cevil.example" stays a local path.
        assert response.status_code == 302, target
        assert urlsplit(response["Location"]).netloc == "", target
        assert response["Location"].startswith("/"), target
        assert not response["Location"].startswith(("//", "/\\")), target
