"""A management-command base for hrguard's translated commands."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class HrguardCommand(BaseCommand):
    """A BaseCommand whose `help` may be a lazy translation.

    argparse formats the description with regular expressions, which reject
    Django's lazy strings, so the text is resolved in the active language first.
    """

    # Subclasses assign gettext_lazy(...) here; create_parser resolves it.
    help: Any = ""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if parser.description is not None:
            parser.description = str(parser.description)
        return parser
