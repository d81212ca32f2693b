from typing import Any

import pytest


@pytest.fixture(autouse=True)
def otp_required(settings: Any) -> None:
    """Enforce two-factor login as in production, after the suite-wide fixture turned it off."""
    settings.HRGUARD_OTP_REQUIRED = True
