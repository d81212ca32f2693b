"""Field and file encryption (AES-256-GCM) and keyed blind indexes (HMAC-SHA256).

Keys come from the environment, never from the database or the repository:

- ``HRGUARD_DATA_KEYS``: comma-separated ``id:base64key`` entries of 32-byte keys.
  The first entry is the current key and encrypts everything new; the others are
  old keys that still decrypt. Rotation: put a new key first, restart, then run
  ``hrguard keys rotate`` to re-encrypt, then drop the old key.
- ``HRGUARD_INDEX_KEY``: base64 of the 32-byte HMAC key for blind indexes.

When neither variable is set (the embedded default), both keys are generated
once into ``HRGUARD_HOME/keys.env`` (mode 0600), a file separate from the
database, so copying the database alone does not copy the keys. That fallback
is rejected when HRGUARD_ENV=production. Settings and the environment are read
on each call, not at import time.

Token formats (the "purpose" string is bound as AES-GCM associated data, so a
token copied into another column or use fails to decrypt):

- binary, from ``encrypt``: ``0x01 | len(key_id) | key_id | nonce(12) | ciphertext+tag``
- text, from ``encrypt_text``: ``hg1:<key_id>:<base64url(nonce | ciphertext+tag)>``
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext

from hrguard.core.errors import HrguardError

DATA_KEYS_VARIABLE = "HRGUARD_DATA_KEYS"
INDEX_KEY_VARIABLE = "HRGUARD_INDEX_KEY"
KEYS_FILE_NAME = "keys.env"

KEY_BYTES = 32
NONCE_BYTES = 12
BINARY_VERSION = 1
TEXT_PREFIX = "hg1"
_KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class DecryptionError(HrguardError):
    code = "decrypt_failed"


@dataclass(frozen=True)
class KeyRing:
    """The data keys (current first) and the blind-index key in force."""

    data_keys: tuple[tuple[str, bytes], ...]
    index_key: bytes
    source: str

    @property
    def current_key_id(self) -> str:
        return self.data_keys[0][0]

    def data_key(self, key_id: str) -> bytes | None:
        for candidate_id, key in self.data_keys:
            if candidate_id == key_id:
                return key
        return None


def generate_key_entry() -> str:
    """Return a fresh ``id:base64key`` entry for HRGUARD_DATA_KEYS."""
    key_id = "k" + secrets.token_hex(4)
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode('ascii')}"


def generate_index_key() -> str:
    """Return a fresh base64 value for HRGUARD_INDEX_KEY."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def keys_file_path() -> Path:
    return Path(settings.HRGUARD_HOME) / KEYS_FILE_NAME


def load_keyring() -> KeyRing:
    """Return the keys from the environment, or from HRGUARD_HOME/keys.env outside production.

    Raises ImproperlyConfigured when the keys are missing or malformed.
    """
    data_keys = os.environ.get(DATA_KEYS_VARIABLE, "").strip()
    index_key = os.environ.get(INDEX_KEY_VARIABLE, "").strip()
    if data_keys or index_key:
        if not (data_keys and index_key):
            raise ImproperlyConfigured(
                f"{DATA_KEYS_VARIABLE} and {INDEX_KEY_VARIABLE} must be set together."
            )
        return _parse_keyring(data_keys, index_key, source="environment")

    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured(
            f"{DATA_KEYS_VARIABLE} and {INDEX_KEY_VARIABLE} must be set when HRGUARD_ENV=production."
        )
    path = keys_file_path()
    if not path.exists():
        _create_keys_file(path)
    stat = path.stat()
    return _read_keys_file(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _parse_keyring(data_keys: str, index_key: str, *, source: str) -> KeyRing:
    entries: list[tuple[str, bytes]] = []
    for entry in data_keys.split(","):
        entry = entry.strip()
        if not entry:
            continue
        key_id, separator, encoded = entry.partition(":")
        if not separator or not _KEY_ID_PATTERN.match(key_id):
            raise ImproperlyConfigured(
                f"{DATA_KEYS_VARIABLE} entries must read id:base64key with an id of letters, "
                f"digits, '-' or '_'; got an entry starting {key_id[:8]!r}."
            )
        if any(existing_id == key_id for existing_id, _ in entries):
            raise ImproperlyConfigured(f"{DATA_KEYS_VARIABLE} lists key id {key_id!r} twice.")
        entries.append((key_id, _decode_key(encoded, f"{DATA_KEYS_VARIABLE} key {key_id!r}")))
    if not entries:
        raise ImproperlyConfigured(f"{DATA_KEYS_VARIABLE} contains no key.")
    return KeyRing(
        data_keys=tuple(entries),
        index_key=_decode_key(index_key, INDEX_KEY_VARIABLE),
        source=source,
    )


def _decode_key(encoded: str, label: str) -> bytes:
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error as error:
        raise ImproperlyConfigured(f"{label} is not valid base64.") from error
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{label} must decode to {KEY_BYTES} bytes, not {len(key)}.")
    return key


@lru_cache(maxsize=32)
def _read_keys_file(path: str, mtime_ns: int, size: int) -> KeyRing:
    # mtime and size are part of the cache key, so an edited file is read again.
    values: dict[str, str] = {}
    for line in Path(path).read_text(encoding="ascii").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        values[name.strip()] = value.strip()
    missing = [name for name in (DATA_KEYS_VARIABLE, INDEX_KEY_VARIABLE) if not values.get(name)]
    if missing:
        raise ImproperlyConfigured(f"{path} is missing {', '.join(missing)}.")
    return _parse_keyring(values[DATA_KEYS_VARIABLE], values[INDEX_KEY_VARIABLE], source=path)


def _create_keys_file(path: Path) -> None:
    """Write new keys to `path` with mode 0600 unless another process got there first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    content = (
        "# hrguard encryption keys for this installation. Keep this file apart from the\n"
        "# database and its backups: without it the encrypted columns cannot be read.\n"
        f"{DATA_KEYS_VARIABLE}={generate_key_entry()}\n"
        f"{INDEX_KEY_VARIABLE}={generate_index_key()}\n"
    )
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(content)
        # link() fails if the file exists, so two first uses cannot overwrite each other's keys.
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)


def _associated_data(key_id: str, purpose: str) -> bytes:
    if not purpose:
        raise ValueError("purpose must not be empty")
    return f"hrguard/v{BINARY_VERSION}/{key_id}/{purpose}".encode()


def _seal(plaintext: bytes, purpose: str) -> tuple[str, bytes, bytes]:
    keyring = load_keyring()
    key_id, key = keyring.data_keys[0]
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext, _associated_data(key_id, purpose))
    return key_id, nonce, sealed


def _open(key_id: str, nonce: bytes, sealed: bytes, purpose: str) -> bytes:
    key = load_keyring().data_key(key_id)
    if key is None:
        raise DecryptionError(
            gettext(
                "无法解密：密钥 %(key_id)s 不在 HRGUARD_DATA_KEYS 中。请把该旧密钥加回列表末尾后重试。"
            ),
            key_id=key_id,
        )
    try:
        return AESGCM(key).decrypt(nonce, sealed, _associated_data(key_id, purpose))
    except InvalidTag as error:
        raise DecryptionError(
            gettext(
                "无法解密用途为 %(purpose)s 的数据（密钥 %(key_id)s）：数据已损坏、被篡改或被复制到了别的字段。"
            ),
            purpose=purpose,
            key_id=key_id,
        ) from error


def encrypt(plaintext: bytes, *, purpose: str) -> bytes:
    """Encrypt `plaintext` with the current data key into a binary token bound to `purpose`."""
    key_id, nonce, sealed = _seal(plaintext, purpose)
    encoded_id = key_id.encode("ascii")
    return bytes([BINARY_VERSION, len(encoded_id)]) + encoded_id + nonce + sealed


def decrypt(token: bytes, *, purpose: str) -> bytes:
    """Decrypt a binary token from `encrypt`; raise DecryptionError if it fails."""
    key_id, nonce, sealed = _split_binary_token(token)
    return _open(key_id, nonce, sealed, purpose)


def encrypt_text(plaintext: str, *, purpose: str) -> str:
    """Encrypt a string into an ASCII text token bound to `purpose`."""
    key_id, nonce, sealed = _seal(plaintext.encode("utf-8"), purpose)
    body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
    return f"{TEXT_PREFIX}:{key_id}:{body}"


def decrypt_text(token: str, *, purpose: str) -> str:
    """Decrypt a text token from `encrypt_text`; raise DecryptionError if it fails."""
    key_id, nonce, sealed = _split_text_token(token)
    return _open(key_id, nonce, sealed, purpose).decode("utf-8")


def token_key_id(token: bytes | str) -> str:
    """Return the id of the data key that encrypted a binary or text token."""
    if isinstance(token, str):
        return _split_text_token(token)[0]
    return _split_binary_token(token)[0]


def is_text_token(value: str) -> bool:
    """Return whether `value` looks like a text token (it is not checked cryptographically)."""
    prefix, _, rest = value.partition(":")
    key_id, separator, _ = rest.partition(":")
    return prefix == TEXT_PREFIX and bool(separator) and bool(_KEY_ID_PATTERN.match(key_id))


def current_key_id() -> str:
    return load_keyring().current_key_id


def blind_index(value: str, *, purpose: str) -> str:
    """Return the HMAC-SHA256 hex digest of `value` under the index key, separated by `purpose`.

    Equal inputs give equal digests, so a column of digests can be searched
    without storing the value. Normalise the value first (see
    hrguard.core.fields.normalise_cn_mobile); the digest is exact-match only.
    """
    if not purpose:
        raise ValueError("purpose must not be empty")
    message = purpose.encode("utf-8") + b"\x00" + value.encode("utf-8")
    return hmac.new(load_keyring().index_key, message, hashlib.sha256).hexdigest()


def _malformed_token() -> DecryptionError:
    return DecryptionError(gettext("无法解密：数据不是 hrguard 加密令牌，或已被截断。"))


def _split_binary_token(token: bytes) -> tuple[str, bytes, bytes]:
    if len(token) < 2 or token[0] != BINARY_VERSION:
        raise _malformed_token()
    id_length = token[1]
    body_start = 2 + id_length
    if len(token) < body_start + NONCE_BYTES + 16:
        raise _malformed_token()
    try:
        key_id = token[2:body_start].decode("ascii")
    except UnicodeDecodeError as error:
        raise _malformed_token() from error
    return key_id, token[body_start : body_start + NONCE_BYTES], token[body_start + NONCE_BYTES :]


def _split_text_token(token: str) -> tuple[str, bytes, bytes]:
    if not is_text_token(token):
        raise _malformed_token()
    _, key_id, body = token.split(":", 2)
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as error:
        raise _malformed_token() from error
    if len(raw) < NONCE_BYTES + 16:
        raise _malformed_token()
    return key_id, raw[:NONCE_BYTES], raw[NONCE_BYTES:]
