"""`hrguard chat classify`: through a real subprocess, and in-process for the error path."""

import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

HRGUARD = [sys.executable, "-m", "hrguard.cli"]


def test_chat_classify_stdin_lines_writes_json_lines() -> None:
    # Given three messages, one of them a request, and an empty line.
    stdin = "急用钱，能借我两千吗\n借鉴一下竞品\n\n借我1.5万元，下周还\n"

    # When they go through the command.
    completed = subprocess.run(
        [*HRGUARD, "chat", "classify"],
        input=stdin.encode("utf-8"),
        capture_output=True,
        check=True,
        timeout=60,
    )

    # Then each line comes back as one JSON object, in order, with Chinese kept as is.
    lines = completed.stdout.decode("utf-8").splitlines()
    assert lines[0] == (
        '{"text": "急用钱，能借我两千吗", "borrowing": true, "amount": 2000, "urgent": true}'
    )
    assert json.loads(lines[1]) == {
        "text": "借鉴一下竞品",
        "borrowing": False,
        "amount": None,
        "urgent": False,
    }
    assert json.loads(lines[2]) == {"text": "", "borrowing": False, "amount": None, "urgent": False}
    assert json.loads(lines[3]) == {
        "text": "借我1.5万元，下周还",
        "borrowing": True,
        "amount": 15000,
        "urgent": False,
    }
    assert len(lines) == 4


def test_chat_classify_invalid_utf8_raises_with_line_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a second line encoded in GBK.
    stdin = "借我两千\n".encode() + "借我三千\n".encode("gbk")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    stdout = io.StringIO()

    # When the command reads it, then it stops at that line and names it.
    with pytest.raises(CommandError) as raised:
        call_command("chat", "classify", stdout=stdout)

    assert str(raised.value) == "第 2 行不是有效的 UTF-8 文本，请先把输入转换为 UTF-8。"
