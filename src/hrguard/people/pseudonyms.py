"""Pseudonyms of the form 员工-7F3A, derived from the employee number."""

import hashlib
import hmac

from django.conf import settings

PREFIX = "员工-"


def pseudonym_for(employee_no: str, *, length: int = 4) -> str:
    """Return the keyed pseudonym for an employee number.

    The key is the installation's secret, so the same number maps to different
    pseudonyms in different installations and cannot be looked up in a table.
    """
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, b"pseudonym:" + employee_no.encode(), hashlib.sha256).hexdigest()
    return PREFIX + digest[:length].upper()


def unique_pseudonym(employee_no: str, taken: set[str]) -> str:
    """Return a pseudonym not in `taken`, lengthening the hash on a collision."""
    for length in range(4, 17):
        candidate = pseudonym_for(employee_no, length=length)
        if candidate not in taken:
            return candidate
    raise RuntimeError(f"no free pseudonym for employee {employee_no}")
