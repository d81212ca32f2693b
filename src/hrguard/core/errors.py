"""One error hierarchy for everything a user can get wrong.

Each error has a stable code and a translated message with named placeholders;
the web layer shows it as a page message, the CLI prints it and exits non-zero.
"""

from typing import Any


class HrguardError(Exception):
    """A failure the user can act on, with a code and a translated message."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, **params: Any) -> None:
        self.params = params
        if code is not None:
            self.code = code
        super().__init__(message % params if params else message)

    @property
    def message(self) -> str:
        return str(self)


class NotFound(HrguardError):
    code = "not_found"


class ValidationFailed(HrguardError):
    code = "invalid"


class PermissionDenied(HrguardError):
    code = "permission_denied"
