import pytest

from hrguard import cli


def test_cli_without_command_lists_hrguard_commands(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main([])

    output = capsys.readouterr().out
    assert "常用命令" in output
    assert "  import     导入花名册、工资、请假、报销、授权、支付账单或聊天记录" in output
    assert "squashmigrations" not in output


def test_cli_help_all_lists_django_commands(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["help", "--all"])

    assert "squashmigrations" in capsys.readouterr().out


def test_cli_import_usage_names_alias(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["import", "--help"])

    assert capsys.readouterr().out.startswith("usage: hrguard import ")
