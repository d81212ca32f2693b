"""Which roles may open each URL, and a row count of every table to prove a denied POST changed nothing."""

from __future__ import annotations

from django.apps import apps
from django.db import connection

from hrguard.privacy.roles import ROLE_ACTIONS, Action, Role

# Each URL name maps to alternative sets of actions. A role may open the URL when
# it has every action of at least one set. ANY_USER means any logged-in user.
ANY_USER: tuple[frozenset[Action], ...] = (frozenset(),)

_CASE_OR_LEGAL = (frozenset({Action.MANAGE_CASES}), frozenset({Action.MANAGE_LEGAL_MATTERS}))


def _only(*actions: Action) -> tuple[frozenset[Action], ...]:
    return (frozenset(actions),)


URL_ACCESS: dict[str, tuple[frozenset[Action], ...]] = {
    "web:dashboard": _only(Action.VIEW_ALERTS),
    "web:alert_list": _only(Action.VIEW_ALERTS),
    "web:alert_detail": _only(Action.VIEW_ALERTS),
    "web:alert_reveal_name": _only(Action.VIEW_ALERTS),
    "web:employee_profile": _only(Action.VIEW_ALERTS),
    "ingest:upload": _only(Action.IMPORT_DATA),
    "ingest:template": _only(Action.IMPORT_DATA),
    "ingest:batch_detail": _only(Action.IMPORT_DATA),
    "ingest:rejected": _only(Action.IMPORT_DATA),
    "chat:rule_settings": _only(Action.MANAGE_RULES),
    "privacy:home": ANY_USER,
    "privacy:notice": ANY_USER,
    "privacy:notice_download": ANY_USER,
    "privacy:otp_setup": ANY_USER,
    "privacy:otp_verify": ANY_USER,
    "privacy:me": _only(Action.USE_SELF_SERVICE),
    "privacy:consent_grant": _only(Action.USE_SELF_SERVICE),
    "privacy:consent_withdraw": _only(Action.USE_SELF_SERVICE),
    "privacy:request_submit": _only(Action.USE_SELF_SERVICE),
    "privacy:request_export": _only(Action.USE_SELF_SERVICE),
    "privacy:requests": _only(Action.HANDLE_SUBJECT_REQUESTS),
    "privacy:request_detail": _only(Action.HANDLE_SUBJECT_REQUESTS),
    "privacy:register": _only(Action.MANAGE_CONSENTS),
    "privacy:register_edit": _only(Action.MANAGE_CONSENTS),
    "privacy:register_switch": _only(Action.MANAGE_CONSENTS),
    "privacy:retention": _only(Action.MANAGE_RETENTION),
    "privacy:pia": _only(Action.MANAGE_CONSENTS),
    "privacy:pia_download": _only(Action.MANAGE_CONSENTS),
    "cases:case_list": _only(Action.MANAGE_CASES),
    "cases:case_detail": _only(Action.MANAGE_CASES),
    "cases:case_transition": _only(Action.MANAGE_CASES),
    "cases:case_assign": _only(Action.MANAGE_CASES),
    "cases:case_due_date": _only(Action.MANAGE_CASES),
    "cases:case_note": _only(Action.MANAGE_CASES),
    "cases:step_add": _only(Action.MANAGE_CASES),
    "cases:follow_up_consent": _only(Action.MANAGE_CASES),
    "cases:step_result": _only(Action.MANAGE_CASES),
    "cases:follow_up_consent_withdraw": _only(Action.MANAGE_CASES),
    "cases:checkpoint_record": _only(Action.MANAGE_CASES),
    "cases:case_open": _only(Action.MANAGE_CASES, Action.VIEW_ALERTS),
    "cases:alert_dismiss": _only(Action.MANAGE_CASES, Action.VIEW_ALERTS),
    "cases:legal_aid_list": _only(Action.MANAGE_CASES),
    "cases:legal_aid_edit": _only(Action.MANAGE_CASES, Action.APPROVE_INTERVENTIONS),
    "evidence:case": _CASE_OR_LEGAL,
    "evidence:panel": _CASE_OR_LEGAL,
    "evidence:upload": _CASE_OR_LEGAL,
    "evidence:view": _CASE_OR_LEGAL,
    "evidence:download": _CASE_OR_LEGAL,
    "evidence:package": _only(Action.EXPORT_EVIDENCE),
    "guarantee:dispute_list": _CASE_OR_LEGAL,
    "guarantee:dispute_detail": _CASE_OR_LEGAL,
    "guarantee:dispute_scan": _CASE_OR_LEGAL,
    "guarantee:dispute_status": _CASE_OR_LEGAL,
    "guarantee:letter": _CASE_OR_LEGAL,
    "guarantee:package": _only(Action.EXPORT_EVIDENCE),
    "guarantee:documents": _CASE_OR_LEGAL,
    "harassment:intake": _CASE_OR_LEGAL,
    "harassment:summary": _CASE_OR_LEGAL,
    "harassment:incident_detail": _CASE_OR_LEGAL,
    "harassment:debtor_link": _CASE_OR_LEGAL,
    "harassment:debtor_unlink": _CASE_OR_LEGAL,
    "harassment:letter": _CASE_OR_LEGAL,
    "notify:inbox": ANY_USER,
    "notify:inbox_mark_all_read": ANY_USER,
    "notify:notification_open": ANY_USER,
    "reports:index": _only(Action.VIEW_ALERTS),
    "reports:monthly": _only(Action.VIEW_ALERTS),
    "reports:employee": _only(Action.VIEW_ALERTS),
}


def role_may_open(role: Role | None, url_name: str) -> bool:
    """Return whether `role` (None: a logged-in user with no role) may open `url_name`."""
    granted = ROLE_ACTIONS[role] if role is not None else frozenset()
    return any(required <= granted for required in URL_ACCESS[url_name])


# Tables a denied request may still write to: the audit trail records refused
# attempts, and Django keeps sessions.
_WRITABLE_ON_DENIAL = frozenset({"privacy_auditentry", "privacy_auditchainhead", "django_session"})


def _counted_tables() -> list[str]:
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables - _WRITABLE_ON_DENIAL)


def row_counts() -> dict[str, int]:
    """Return the number of rows of every table, in one query."""
    tables = _counted_tables()
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT {index}, COUNT(*) FROM {quote(table)}"  # noqa: S608 - table names come from the models, not from input
        for index, table in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = dict(cursor.fetchall())
    return {table: counts[index] for index, table in enumerate(tables)}
