from pathlib import Path

import pytest

from tests import browser


def test_browser_context_without_chromium_skips(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", Path("/nonexistent/chromium"))

    with pytest.raises(pytest.skip.Exception) as raised:
        request.getfixturevalue("browser_context")

    assert raised.value.msg == (
        "浏览器测试已跳过：请先安装 Debian chromium（apt-get install chromium）"
    )
