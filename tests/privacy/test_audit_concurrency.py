"""Concurrent appends must not fork the chain; PostgreSQL only, because the
in-memory SQLite test database cannot be shared between threads."""

import threading

import pytest
from django.db import connection, connections, transaction

from hrguard.privacy.audit import audit_record, audit_verify
from hrguard.privacy.models import AuditEntry

THREADS = 4
APPENDS_PER_THREAD = 10


@pytest.mark.django_db(transaction=True)
def test_audit_record_concurrent_appends_keep_one_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a database shared between threads (PostgreSQL)")
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def append(worker: int) -> None:
        try:
            start.wait()
            for number in range(APPENDS_PER_THREAD):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        action="test.append",
                        target_type="worker",
                        target_id=f"{worker}-{number}",
                    )
        except BaseException as error:  # handed to the main thread, which asserts on it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(
        range(1, THREADS * APPENDS_PER_THREAD + 1)
    )
    assert audit_verify().intact
