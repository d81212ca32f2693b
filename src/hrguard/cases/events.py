"""The append-only case history: every service that changes a case records it here."""

from typing import Any

from hrguard.cases.models import Case, CaseEvent
from hrguard.privacy.audit import audit_record


def event_add(
    *,
    case: Case,
    actor: Any,
    kind: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> CaseEvent:
    """Append the case event and its audit-log entry; call inside the change's transaction."""
    event = CaseEvent.objects.create(
        case=case, actor=actor, kind=kind, before=before or {}, after=after or {}, note=note
    )
    # The audit entry carries ids and states only: notes are case content,
    # which auditors do not see by default.
    audit_record(
        actor=actor,
        action=f"case.{kind}",
        target_type="case",
        target_id=str(case.pk),
        before=before,
        after=after,
    )
    return event
