"""`hrguard serve`: serve the web UI on 127.0.0.1 with Django's development server."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

DEFAULT_PORT = 8000
# Only this machine can connect: the demo and single-user installs need no more,
# and a shared server belongs behind gunicorn and a reverse proxy.
BIND_ADDRESS = "127.0.0.1"


def add_home_argument(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--home",
        type=Path,
        help=_("数据目录（HRGUARD_HOME），默认 ./var；须通过 hrguard 命令传入才会生效"),
    )


def check_home_option(requested: Path | None, *, command: str) -> None:
    """Raise CommandError when --home names another folder than the settings use.

    Settings read HRGUARD_HOME once at start-up, so only the `hrguard` entry point,
    which sets it from --home before Django starts, can honour the option.
    """
    if requested is not None and requested.resolve() != Path(settings.HRGUARD_HOME).resolve():
        raise CommandError(
            _("--home 必须在 Django 启动前生效：请用「hrguard %(command)s --home %(home)s」运行。")
            % {"command": command, "home": requested}
        )


class Command(BaseCommand):
    help = _("在 127.0.0.1 上启动网页界面，按 Ctrl-C 停止。")

    def add_arguments(self, parser: ArgumentParser) -> None:
        add_home_argument(parser)
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=_("端口，默认 8000"))

    def handle(self, *args: Any, **options: Any) -> None:
        check_home_option(options["home"], command="serve")
        # WhiteNoise warns on every start when STATIC_ROOT is missing, although with
        # WHITENOISE_USE_FINDERS it serves the app folders' static files directly.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        # The reloader would start a second process that re-runs the caller (for
        # `hrguard demo`, the whole import), so it stays off.
        call_command("runserver", f"{BIND_ADDRESS}:{options['port']}", use_reloader=False)
