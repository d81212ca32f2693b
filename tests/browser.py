"""Playwright fixtures that drive Debian's chromium against pytest-django's live server.

Tests that use them need `live_server` (a transactional database) and the
`browser` mark. Without /usr/bin/chromium they are skipped, not failed.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "test-artifacts"
SKIP_MESSAGE = "浏览器测试已跳过：请先安装 Debian chromium（apt-get install chromium）"


@pytest.fixture
def browser_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[BrowserContext]:
    """Start chromium with a fresh profile, in Chinese, at a desktop window size."""
    if not CHROMIUM.exists():
        pytest.skip(SKIP_MESSAGE)

    # Playwright's sync API keeps an asyncio loop in this thread, and Django
    # rejects ORM calls from a thread with a running loop. The test code runs
    # between page actions, never inside the loop, so the check is safe to lift.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=tmp_path / "chromium-profile",
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


@pytest.fixture
def page(browser_context: BrowserContext) -> Page:
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def artifacts_dir() -> Path:
    """Return test-artifacts/ at the repository root, where screenshots are saved."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


def browser_log_in(page: Page, *, base_url: str, username: str, password: str) -> None:
    """Log in through the login form and wait for the dashboard."""
    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/")
