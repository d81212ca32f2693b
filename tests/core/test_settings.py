import subprocess
import sys

from django.conf import settings


def test_settings_language_and_time_zone_defaults() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_settings_production_without_secret_fails(tmp_path) -> None:
    env = {"HRGUARD_ENV": "production", "HRGUARD_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import hrguard.config.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "HRGUARD_SECRET_KEY must be set" in result.stderr
