"""System checks: in production the encryption keys must come from the environment."""

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from hrguard.core import crypto


@checks.register(checks.Tags.security)
def check_encryption_keys(**kwargs: Any) -> list[checks.CheckMessage]:
    """Report missing or malformed HRGUARD_DATA_KEYS / HRGUARD_INDEX_KEY in production."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    try:
        crypto.load_keyring()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="hrguard.E002")]
    return []


@checks.register(checks.Tags.security)
def check_otp_required(**kwargs: Any) -> list[checks.CheckMessage]:
    """Report two-factor login switched off in production."""
    if getattr(settings, "PRODUCTION", False) and not getattr(
        settings, "HRGUARD_OTP_REQUIRED", True
    ):
        return [
            checks.Error(
                "HRGUARD_OTP_REQUIRED must stay True in production: roles that see personal "
                "data must sign in with a second factor.",
                id="hrguard.E003",
            )
        ]
    return []
