"""Two-factor login (TOTP, django-otp) for every role that sees personal data.

After the password, a user with such a role must enter a code from an
authenticator app before any other page opens. A user without a confirmed
device is sent to the setup page first, which shows the QR code once; a user
with one is sent to the verify page, so a stolen password alone cannot
enrol a new device.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from hrguard.privacy.roles import Role, user_roles

logger = logging.getLogger(__name__)

# Roles that see employee data; the privacy officer sees consents and requests.
PERSONAL_DATA_ROLES = frozenset(
    {Role.HR_SPECIALIST, Role.HRBP, Role.HR_MANAGER, Role.LEGAL, Role.PRIVACY_OFFICER}
)

# Pages an unverified user may open: signing in and out, language, the OTP steps.
EXEMPT_URL_NAMES = frozenset(
    {"login", "logout", "set_language", "privacy:otp_setup", "privacy:otp_verify"}
)


def otp_required(user: User | AnonymousUser) -> bool:
    """Return whether `user` holds a role that must sign in with a second factor.

    HRGUARD_OTP_REQUIRED False turns the requirement off; the test suite does
    that so tests can log in with force_login, and production refuses it.
    """
    if not getattr(settings, "HRGUARD_OTP_REQUIRED", True):
        return False
    if not user.is_authenticated or not isinstance(user, User):
        return False
    return bool(user_roles(user) & PERSONAL_DATA_ROLES)


def otp_confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class OtpRequiredMiddleware:
    """Send users of personal-data roles to the OTP step until their session is verified.

    Needs django_otp.middleware.OTPMiddleware before it, which adds
    `user.is_verified()`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = request.user
        if not isinstance(user, User) or not otp_required(user) or user.is_verified():  # type: ignore[attr-defined]
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_URL_NAMES:
            return None

        step = "privacy:otp_verify" if otp_confirmed_device(user) else "privacy:otp_setup"
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(step)}?{query}")
