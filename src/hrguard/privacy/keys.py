"""Key rotation: re-encrypt every EncryptedTextField column with the current data key.

Rotation runs online. Each batch is its own short transaction, and old tokens
keep decrypting during the run because the old key stays in HRGUARD_DATA_KEYS.
A row that the application changes during the run is left as the application
wrote it.

TODO: files encrypted with crypto.encrypt() (evidence) are not re-encrypted here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from hrguard.core import crypto
from hrguard.core.fields import EncryptedTextField
from hrguard.privacy.audit import audit_record

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500


@dataclass
class ColumnRotation:
    """Counts for one encrypted column."""

    label: str
    rotated: int = 0
    already_current: int = 0
    changed_during_run: int = 0
    remaining_old: int = 0


@dataclass
class RotationReport:
    key_id: str
    columns: list[ColumnRotation] = field(default_factory=list)

    @property
    def rotated(self) -> int:
        return sum(column.rotated for column in self.columns)

    @property
    def already_current(self) -> int:
        return sum(column.already_current for column in self.columns)

    @property
    def remaining_old(self) -> int:
        return sum(column.remaining_old for column in self.columns)


def encrypted_columns() -> Iterator[tuple[type[models.Model], EncryptedTextField]]:
    """Yield every model column stored through EncryptedTextField."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for model_field in model._meta.local_concrete_fields:
            if isinstance(model_field, EncryptedTextField):
                yield model, model_field


def keys_rotate(
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    reindex: bool = False,
    on_column: Callable[[ColumnRotation], None] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> RotationReport:
    """Re-encrypt every encrypted value that is not under the current key.

    With `reindex`, every value is rewritten and its blind index recomputed,
    which is needed after HRGUARD_INDEX_KEY changes.
    """
    report = RotationReport(key_id=crypto.current_key_id())
    logger.info("key rotation started", extra={"key_id": report.key_id})

    for model, model_field in encrypted_columns():
        column = _rotate_column(model, model_field, report.key_id, batch_size, reindex, using)
        report.columns.append(column)
        if on_column is not None:
            on_column(column)

    with transaction.atomic(using=using):
        audit_record(
            actor=None,
            action="keys.rotate",
            target_type="data_key",
            target_id=report.key_id,
            after={
                "rotated": report.rotated,
                "remaining_old": report.remaining_old,
                "reindex": reindex,
            },
            using=using,
        )
    logger.info(
        "key rotation finished: %s values rotated, %s still under old keys",
        report.rotated,
        report.remaining_old,
        extra={"key_id": report.key_id},
    )
    return report


def _rotate_column(
    model: type[models.Model],
    model_field: EncryptedTextField,
    key_id: str,
    batch_size: int,
    reindex: bool,
    using: str,
) -> ColumnRotation:
    column = ColumnRotation(label=f"{model._meta.label}.{model_field.name}")
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk_column = quote(_column_of(model._meta.pk))
    value_column = quote(_column_of(model_field))
    index_column = _index_column(model, model_field, quote)
    current_prefix = f"{crypto.TEXT_PREFIX}:{key_id}:"

    # Table and column names come from model metadata, quoted; values are parameters.
    select_sql = (
        f"SELECT {pk_column}, {value_column} FROM {table} "  # noqa: S608
        f"WHERE {value_column} IS NOT NULL AND {value_column} <> '' AND {pk_column} > %s "
        f"ORDER BY {pk_column} LIMIT %s"
    )
    first_select_sql = select_sql.replace(f"AND {pk_column} > %s ", "")
    set_clause = f"{value_column} = %s" + (f", {index_column} = %s" if index_column else "")
    update_sql = f"UPDATE {table} SET {set_clause} WHERE {pk_column} = %s AND {value_column} = %s"  # noqa: S608

    last_pk = None
    while True:
        with connection.cursor() as cursor:
            if last_pk is None:
                cursor.execute(first_select_sql, [batch_size])
            else:
                cursor.execute(select_sql, [last_pk, batch_size])
            rows = cursor.fetchall()
        if not rows:
            break
        last_pk = rows[-1][0]

        with transaction.atomic(using=using), connection.cursor() as cursor:
            for pk, token in rows:
                if token.startswith(current_prefix) and not reindex:
                    column.already_current += 1
                    continue
                plaintext = crypto.decrypt_text(token, purpose=model_field.purpose)
                params: list[Any] = [crypto.encrypt_text(plaintext, purpose=model_field.purpose)]
                if index_column:
                    params.append(model_field.index_for(plaintext))
                cursor.execute(update_sql, [*params, pk, token])
                if cursor.rowcount == 1:
                    column.rotated += 1
                else:
                    column.changed_during_run += 1

    column.remaining_old = _count_old_tokens(table, value_column, current_prefix, using)
    return column


def _index_column(
    model: type[models.Model], model_field: EncryptedTextField, quote: Callable[[str], str]
) -> str | None:
    if model_field.index_field is None:
        return None
    return quote(_column_of(model._meta.get_field(model_field.index_field)))


def _column_of(model_field: object) -> str:
    column = getattr(model_field, "column", None)
    if not isinstance(column, str):
        raise ValueError(f"{model_field!r} has no database column")
    return column


def _count_old_tokens(table: str, value_column: str, current_prefix: str, using: str) -> int:
    sql = (
        f"SELECT COUNT(*) FROM {table} "  # noqa: S608
        f"WHERE {value_column} IS NOT NULL AND {value_column} <> '' "
        f"AND SUBSTR({value_column}, 1, %s) <> %s"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [len(current_prefix), current_prefix])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def keys_file_add_current(*, entry: str) -> Path:
    """Put `entry` first in HRGUARD_DATA_KEYS inside HRGUARD_HOME/keys.env.

    Only for the embedded default; with keys in the environment, the operator
    edits the environment instead. Raises ImproperlyConfigured in that case.
    """
    keyring = crypto.load_keyring()
    path = crypto.keys_file_path()
    if keyring.source != str(path):
        raise ImproperlyConfigured(
            f"keys come from {keyring.source}; add the new key to {crypto.DATA_KEYS_VARIABLE} there."
        )
    lines = path.read_text(encoding="ascii").splitlines()
    prefix = f"{crypto.DATA_KEYS_VARIABLE}="
    updated = [
        f"{prefix}{entry},{line[len(prefix) :]}" if line.startswith(prefix) else line
        for line in lines
    ]
    temporary = path.with_name(f".{path.name}.new")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write("\n".join(updated) + "\n")
    # rename() replaces the file in one step, so a running server never reads half a file.
    temporary.replace(path)
    return path
