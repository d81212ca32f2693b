"""Shared pytest set-up: every test gets its own HRGUARD_HOME."""

from pathlib import Path

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
