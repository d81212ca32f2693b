import pytest
from django.core.management import get_commands, load_command_class

HRGUARD_COMMANDS = sorted(
    (name, app) for name, app in get_commands().items() if app.startswith("hrguard.")
)


@pytest.mark.parametrize(("name", "app"), HRGUARD_COMMANDS)
def test_command_help_renders(name: str, app: str) -> None:
    command = load_command_class(app, name)

    text = command.create_parser("hrguard", name).format_help()

    assert f"hrguard {name}" in text


def test_cli_maps_import_to_import_data() -> None:
    assert ("import_data", "hrguard.ingest") in HRGUARD_COMMANDS
