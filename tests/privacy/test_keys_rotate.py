import base64
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from hrguard.core import crypto
from hrguard.core.fields import phone_blind_index
from hrguard.people.models import Employee
from hrguard.privacy.models import AuditEntry
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

KEY_A = "ka:" + base64.b64encode(b"A" * 32).decode()
KEY_B = "kb:" + base64.b64encode(b"B" * 32).decode()
INDEX_KEY = base64.b64encode(b"I" * 32).decode()
PHONES = ["13800138001", "13800138002", "13800138003", "13800138004", "13800138005"]


@pytest.fixture
def use_keys(monkeypatch: pytest.MonkeyPatch):
    def use(data_keys: str, index_key: str = INDEX_KEY) -> None:
        monkeypatch.setenv(crypto.DATA_KEYS_VARIABLE, data_keys)
        monkeypatch.setenv(crypto.INDEX_KEY_VARIABLE, index_key)

    return use


def stored_phones() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_index FROM people_employee ORDER BY id")
        return list(cursor.fetchall())


def run_keys(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("keys", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_keys_rotate_moves_tokens_to_current_key(use_keys) -> None:
    use_keys(KEY_A)
    for phone in PHONES:
        EmployeeFactory(phone=phone)
    EmployeeFactory(phone="")
    indexes_before = [index for _, index in stored_phones()]
    use_keys(f"{KEY_B},{KEY_A}")

    code, out, err = run_keys("rotate", "--batch-size", "2")

    assert code == 0
    assert err == ""
    assert "people.Employee.phone：重新加密 5 个，已是当前密钥 0 个，运行期间被修改 0 个。" in out
    assert "共重新加密 5 个值，0 个值原本就使用当前密钥 kb。" in out
    assert "现在可以从 HRGUARD_DATA_KEYS 中删除其他密钥。" in out
    assert [crypto.token_key_id(token) for token, _ in stored_phones() if token] == ["kb"] * 5
    assert [index for _, index in stored_phones()] == indexes_before
    use_keys(KEY_B)
    assert sorted(employee.phone for employee in Employee.objects.exclude(phone_index="")) == PHONES


def test_keys_rotate_records_audit_entry(use_keys) -> None:
    use_keys(KEY_A)
    EmployeeFactory(phone=PHONES[0])
    use_keys(f"{KEY_B},{KEY_A}")

    run_keys("rotate")

    entry = AuditEntry.objects.get(action="keys.rotate")
    assert entry.target_id == "kb"
    assert entry.after == {"rotated": 1, "remaining_old": 0, "reindex": False}
    assert entry.actor_id is None


def test_keys_rotate_nothing_old_explains_next_steps(use_keys) -> None:
    use_keys(KEY_A)
    EmployeeFactory(phone=PHONES[0])

    code, out, _ = run_keys("rotate")

    assert code == 0
    assert "共重新加密 0 个值，1 个值原本就使用当前密钥 ka。" in out
    assert "要更换密钥：先运行 hrguard keys generate" in out


def test_keys_rotate_reindex_uses_new_index_key(use_keys) -> None:
    use_keys(KEY_A)
    employee = EmployeeFactory(phone="+86 138 0013 8001")
    use_keys(KEY_A, base64.b64encode(b"J" * 32).decode())

    code, _, _ = run_keys("rotate", "--reindex")

    assert code == 0
    assert Employee.objects.get(phone_index=phone_blind_index("13800138001")) == employee


def test_keys_rotate_invalid_batch_size_raises(use_keys) -> None:
    from django.core.management.base import CommandError

    use_keys(KEY_A)

    with pytest.raises(CommandError, match="--batch-size 必须是正整数，当前为 0。"):
        call_command("keys", "rotate", "--batch-size", "0")


def test_keys_generate_prints_entry_and_instructions(use_keys) -> None:
    use_keys(KEY_A)

    code, out, err = run_keys("generate")

    key_id, _, encoded = out.strip().partition(":")
    assert code == 0
    assert len(base64.b64decode(encoded)) == 32
    assert f"这是新密钥 {key_id}。把它放在 HRGUARD_DATA_KEYS 的最前面" in err


def test_keys_generate_write_with_environment_keys_raises(use_keys) -> None:
    from django.core.exceptions import ImproperlyConfigured

    use_keys(KEY_A)

    with pytest.raises(ImproperlyConfigured, match="keys come from environment"):
        call_command("keys", "generate", "--write")


def test_keys_generate_write_then_rotate_with_keys_file(hrguard_home: Path) -> None:
    EmployeeFactory(phone=PHONES[0])
    old_key_id = crypto.current_key_id()

    code, out, _ = run_keys("generate", "--write")
    new_key_id = crypto.current_key_id()
    rotate_code, rotate_out, _ = run_keys("rotate")

    assert code == 0
    assert new_key_id != old_key_id
    assert f"已把新密钥 {new_key_id} 设为" in out
    assert oct((hrguard_home / "keys.env").stat().st_mode & 0o777) == "0o600"
    assert rotate_code == 0
    assert f"共重新加密 1 个值，0 个值原本就使用当前密钥 {new_key_id}。" in rotate_out
    assert crypto.token_key_id(stored_phones()[0][0]) == new_key_id
    assert Employee.objects.get().phone == PHONES[0]
