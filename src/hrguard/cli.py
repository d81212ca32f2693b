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
    _apply_home_option(args)

    from django.core.management import execute_from_command_line

    execute_from_command_line(["hrguard", *args])


def _apply_home_option(args: list[str]) -> None:
    """Set HRGUARD_HOME from a `--home DIR` option, since settings read it at start-up."""
    for index, arg in enumerate(args):
        if arg == "--home" and index + 1 < len(args):
            os.environ["HRGUARD_HOME"] = args[index + 1]
        elif arg.startswith("--home="):
            os.environ["HRGUARD_HOME"] = arg.removeprefix("--home=")


if __name__ == "__main__":
    main()
