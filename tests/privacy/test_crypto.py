import base64
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from hrguard.core import crypto

KEY_A = "ka:" + base64.b64encode(b"A" * 32).decode()
KEY_B = "kb:" + base64.b64encode(b"B" * 32).decode()
INDEX_KEY = base64.b64encode(b"I" * 32).decode()


@pytest.fixture
def env_keys(monkeypatch: pytest.MonkeyPatch):
    def use(data_keys: str, index_key: str = INDEX_KEY) -> None:
        monkeypatch.setenv(crypto.DATA_KEYS_VARIABLE, data_keys)
        monkeypatch.setenv(crypto.INDEX_KEY_VARIABLE, index_key)

    return use


def test_encrypt_text_round_trip_returns_plaintext() -> None:
    token = crypto.encrypt_text("13800138000 张三", purpose="test.column")

    assert token.startswith("hg1:")
    assert "13800138000" not in token
    assert crypto.decrypt_text(token, purpose="test.column") == "13800138000 张三"


def test_encrypt_text_twice_gives_different_tokens() -> None:
    first = crypto.encrypt_text("same", purpose="test.column")
    second = crypto.encrypt_text("same", purpose="test.column")

    assert first != second


def test_encrypt_binary_round_trip_carries_key_id(env_keys) -> None:
    env_keys(KEY_A)

    token = crypto.encrypt(b"\x00evidence bytes\xff", purpose="evidence.file")

    assert token[0] == 1
    assert crypto.token_key_id(token) == "ka"
    assert crypto.decrypt(token, purpose="evidence.file") == b"\x00evidence bytes\xff"


def test_decrypt_text_other_purpose_raises() -> None:
    token = crypto.encrypt_text("13800138000", purpose="people.employee.phone")

    with pytest.raises(crypto.DecryptionError) as caught:
        crypto.decrypt_text(token, purpose="chat.snippet.text")

    assert caught.value.code == "decrypt_failed"
    assert "chat.snippet.text" in caught.value.message


def test_decrypt_binary_flipped_byte_raises() -> None:
    token = bytearray(crypto.encrypt(b"payload", purpose="evidence.file"))
    token[-1] ^= 0x01

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(bytes(token), purpose="evidence.file")


@pytest.mark.parametrize("token", ["", "plain 13800138000", "hg1:ka:", "hg1:ka:!!!!", "hg1::abcd"])
def test_decrypt_text_malformed_token_raises(token: str) -> None:
    with pytest.raises(crypto.DecryptionError) as caught:
        crypto.decrypt_text(token, purpose="test.column")

    assert caught.value.message == "无法解密：数据不是 hrguard 加密令牌，或已被截断。"


def test_keyring_new_current_key_still_decrypts_old_tokens(env_keys) -> None:
    env_keys(KEY_A)
    old_token = crypto.encrypt_text("old", purpose="test.column")

    env_keys(f"{KEY_B},{KEY_A}")
    new_token = crypto.encrypt_text("new", purpose="test.column")

    assert crypto.decrypt_text(old_token, purpose="test.column") == "old"
    assert crypto.token_key_id(old_token) == "ka"
    assert crypto.token_key_id(new_token) == "kb"
    assert crypto.current_key_id() == "kb"


def test_decrypt_text_removed_key_names_key(env_keys) -> None:
    env_keys(KEY_A)
    token = crypto.encrypt_text("old", purpose="test.column")
    env_keys(KEY_B)

    with pytest.raises(crypto.DecryptionError) as caught:
        crypto.decrypt_text(token, purpose="test.column")

    assert caught.value.message == (
        "无法解密：密钥 ka 不在 HRGUARD_DATA_KEYS 中。请把该旧密钥加回列表末尾后重试。"
    )


def test_keyring_without_environment_creates_private_keys_file(hrguard_home: Path) -> None:
    crypto.encrypt_text("x", purpose="test.column")

    keys_file = hrguard_home / "keys.env"
    assert keys_file.exists()
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    assert keys_file.name != Path(settings.DATABASES["default"]["NAME"]).name
    assert crypto.load_keyring().source == str(keys_file)


def test_keyring_keys_file_reused_on_next_load(hrguard_home: Path) -> None:
    token = crypto.encrypt_text("x", purpose="test.column")
    content = (hrguard_home / "keys.env").read_text()

    crypto.load_keyring()

    assert (hrguard_home / "keys.env").read_text() == content
    assert crypto.decrypt_text(token, purpose="test.column") == "x"


def test_keyring_production_without_environment_raises(
    monkeypatch: pytest.MonkeyPatch, hrguard_home: Path
) -> None:
    monkeypatch.setattr(settings, "PRODUCTION", True, raising=False)

    with pytest.raises(ImproperlyConfigured, match="must be set when HRGUARD_ENV=production"):
        crypto.encrypt_text("x", purpose="test.column")

    assert not (hrguard_home / "keys.env").exists()


def test_keyring_data_keys_without_index_key_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crypto.DATA_KEYS_VARIABLE, KEY_A)
    monkeypatch.delenv(crypto.INDEX_KEY_VARIABLE, raising=False)

    with pytest.raises(ImproperlyConfigured, match="must be set together"):
        crypto.load_keyring()


@pytest.mark.parametrize(
    ("data_keys", "message"),
    [
        ("ka:" + base64.b64encode(b"short").decode(), "must decode to 32 bytes, not 5"),
        ("ka:not base64!", "is not valid base64"),
        ("no-separator", "entries must read id:base64key"),
        (f"{KEY_A},{KEY_A}", "lists key id 'ka' twice"),
    ],
)
def test_keyring_malformed_data_keys_raises(env_keys, data_keys: str, message: str) -> None:
    env_keys(data_keys)

    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.load_keyring()


def test_blind_index_same_input_same_digest(env_keys) -> None:
    env_keys(KEY_A)

    first = crypto.blind_index("13800138000", purpose="phone")
    second = crypto.blind_index("13800138000", purpose="phone")

    assert first == second
    assert len(first) == 64
    assert int(first, 16) >= 0


def test_blind_index_differs_by_purpose_and_key(env_keys) -> None:
    env_keys(KEY_A)
    phone = crypto.blind_index("13800138000", purpose="phone")
    other_purpose = crypto.blind_index("13800138000", purpose="id_number")
    env_keys(KEY_A, base64.b64encode(b"J" * 32).decode())
    other_key = crypto.blind_index("13800138000", purpose="phone")

    assert phone != other_purpose
    assert phone != other_key


def test_generate_key_entry_parses_as_data_key(env_keys) -> None:
    entry = crypto.generate_key_entry()
    env_keys(entry, crypto.generate_index_key())

    assert crypto.current_key_id() == entry.split(":")[0]


def test_check_encryption_keys_production_without_keys_reports_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hrguard.privacy.checks import check_encryption_keys

    monkeypatch.setattr(settings, "PRODUCTION", True, raising=False)
    monkeypatch.delenv(crypto.DATA_KEYS_VARIABLE, raising=False)
    monkeypatch.delenv(crypto.INDEX_KEY_VARIABLE, raising=False)

    errors = check_encryption_keys()

    assert [error.id for error in errors] == ["hrguard.E002"]
    assert "must be set when HRGUARD_ENV=production" in errors[0].msg


def test_check_encryption_keys_production_with_keys_passes(env_keys, monkeypatch) -> None:
    from hrguard.privacy.checks import check_encryption_keys

    monkeypatch.setattr(settings, "PRODUCTION", True, raising=False)
    env_keys(KEY_A)

    assert check_encryption_keys() == []
