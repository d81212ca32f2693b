"""`hrguard serve`: serve the web UI on 127.0.0.1 with Django's development server."""

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy

DEFAULT_PORT = 8000
# Only this machine can connect: the demo and single-user installs need no more,
# and a shared server belongs behind gunicorn and a reverse proxy.
BIND_ADDRESS = "127.0.0.1"


class Command(BaseCommand):
    help = gettext_lazy("在 127.0.0.1 上启动网页界面，按 Ctrl-C 停止。")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--port", type=int, default=DEFAULT_PORT, help=gettext_lazy("端口，默认 8000")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The reloader would start a second process that re-runs the caller (for
        # `hrguard demo`, the whole import), so it stays off.
        call_command("runserver", f"{BIND_ADDRESS}:{options['port']}", use_reloader=False)
