"""Case states and the transitions a person may make between them.

Kept apart from the models so the table can be read, tested and rendered on
its own. Every state change goes through `cases.services.case_transition`,
which checks this table and records a CaseEvent.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    NEW = "new", _("待处理")
    IN_PROGRESS = "in_progress", _("处理中")
    FOLLOWING_UP = "following_up", _("跟踪中")
    CLOSED = "closed", _("已结案")


# Closing is allowed from every open state, so a case opened on a false lead can
# be closed without pretending it was handled. Reopening (closed -> in_progress)
# brings the case back to active handling, never to "new", because it already
# has an assignee and a history.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseState.NEW: frozenset({CaseState.IN_PROGRESS, CaseState.CLOSED}),
    CaseState.IN_PROGRESS: frozenset({CaseState.FOLLOWING_UP, CaseState.CLOSED}),
    CaseState.FOLLOWING_UP: frozenset({CaseState.IN_PROGRESS, CaseState.CLOSED}),
    CaseState.CLOSED: frozenset({CaseState.IN_PROGRESS}),
}

# Transitions that need a written reason, because they end or restart the handling.
NOTE_REQUIRED = frozenset(
    {
        (CaseState.NEW, CaseState.CLOSED),
        (CaseState.IN_PROGRESS, CaseState.CLOSED),
        (CaseState.FOLLOWING_UP, CaseState.CLOSED),
        (CaseState.CLOSED, CaseState.IN_PROGRESS),
    }
)


def is_allowed(from_state: str, to_state: str) -> bool:
    return to_state in ALLOWED_TRANSITIONS.get(from_state, frozenset())


def is_reopen(from_state: str, to_state: str) -> bool:
    return from_state == CaseState.CLOSED and to_state == CaseState.IN_PROGRESS
