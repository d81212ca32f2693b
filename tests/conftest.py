"""Shared pytest set-up: every test gets its own HRGUARD_HOME."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

pytest_plugins = ["tests.factories_fixtures", "tests.browser"]


@pytest.fixture(autouse=True)
def hrguard_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point stored files at a per-test folder so tests never share state on disk."""
    home = tmp_path / "hrguard-home"
    home.mkdir()
    monkeypatch.setattr(settings, "HRGUARD_HOME", home)
    monkeypatch.setattr(settings, "MEDIA_ROOT", home / "files")
    return home


@pytest.fixture(autouse=True)
def otp_not_required(settings: Any) -> None:
    """Let tests log in with force_login; tests of two-factor login turn it back on."""
    settings.HRGUARD_OTP_REQUIRED = False
