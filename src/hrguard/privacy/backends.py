"""The login lock-out backend: django-axes, for logins that come with a request."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """Reject logins of locked-out user names; authenticate nobody itself.

    django-axes raises when `authenticate()` is called without a request. Every
    login form and API authentication passes one, so a call without a request is
    server-side code (management commands, tests) with no client to lock out,
    and this backend leaves it to the next backend.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
