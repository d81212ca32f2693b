"""The `hrguard` console command: Django management commands behind one name."""

import os
import sys

# `import` is a Python keyword, so its management command module has another name.
_ALIASES = {"import": "import_data"}


def main(argv: list[str] | None = None) -> None:
    """Run a hrguard subcommand, e.g. `hrguard import payments bill.csv`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrguard.config.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in _ALIASES:
        args[0] = _ALIASES[args[0]]

    from django.core.management import execute_from_command_line

    execute_from_command_line(["hrguard", *args])


if __name__ == "__main__":
    main()
