"""The capability check shared by the privacy services."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext

from hrguard.core.errors import PermissionDenied
from hrguard.privacy.roles import Action, can

# None is a command run by the operator on the server, which is trusted.
Actor = User | AnonymousUser | None


def require(actor: Actor, action: Action) -> None:
    """Raise PermissionDenied unless `actor` holds `action` or is the server operator (None)."""
    if actor is not None and not can(actor, action):
        raise PermissionDenied(gettext("您没有执行此操作的权限。"))
