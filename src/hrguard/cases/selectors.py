"""Reads for triage, cases and intervention plans, with their permission checks."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.cases.models import (
    Case,
    CaseEvent,
    FamilyContactConsent,
    InterventionKind,
    InterventionStep,
    LegalAidProvider,
    PlaybookEntry,
)
from hrguard.cases.playbooks import ANY_INDICATOR, SuggestedStep
from hrguard.cases.states import CaseState
from hrguard.core.errors import NotFound, PermissionDenied
from hrguard.people.models import Employee

# A directory entry older than this is not offered for referral until someone
# checks that the contact still works.
LEGAL_AID_MAX_AGE_DAYS = 365


def require_permission(user: Any, permission: str) -> None:
    """Raise PermissionDenied unless the user has the Django permission."""
    if not user.has_perm(permission):
        raise PermissionDenied(
            gettext("你没有执行此操作的权限（%(permission)s）。"), permission=permission
        )


def case_get_for_user(*, case_id: int, user: Any) -> Case:
    # TODO: limit HR专员 to the cases of their own departments once data scopes exist.
    require_permission(user, "cases.view_case")
    try:
        return Case.objects.select_related("employee", "alert", "assignee").get(pk=case_id)
    except Case.DoesNotExist:
        raise NotFound(gettext("案件 %(case_id)s 不存在。"), case_id=case_id) from None


def case_list_for_user(*, user: Any, open_only: bool = True) -> QuerySet[Case]:
    require_permission(user, "cases.view_case")
    cases = Case.objects.select_related("employee", "assignee")
    if open_only:
        cases = cases.exclude(state=CaseState.CLOSED)
    return cases.order_by("due_date", "-opened_at")


def case_open_for_employee(*, employee: Employee) -> Case | None:
    return Case.objects.exclude(state=CaseState.CLOSED).filter(employee=employee).first()


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case).select_related("actor").order_by("created_at", "pk")


def legal_aid_providers_current(*, today: datetime.date) -> QuerySet[LegalAidProvider]:
    """Active providers verified within LEGAL_AID_MAX_AGE_DAYS of `today`."""
    oldest = today - datetime.timedelta(days=LEGAL_AID_MAX_AGE_DAYS)
    return LegalAidProvider.objects.filter(active=True, last_verified_on__gte=oldest)


def family_contact_consent_in_force(
    *, employee: Employee, day: datetime.date
) -> FamilyContactConsent | None:
    return (
        FamilyContactConsent.objects.filter(employee=employee, given_on__lte=day)
        .exclude(withdrawn_on__lte=day)
        .order_by("-given_on", "-pk")
        .first()
    )


def steps_due(*, day: datetime.date) -> QuerySet[InterventionStep]:
    """Planned steps of open cases whose due date is `day` or earlier."""
    return (
        InterventionStep.objects.filter(status=InterventionStep.Status.PLANNED, due_date__lte=day)
        .exclude(case__state=CaseState.CLOSED)
        .select_related("case", "case__employee", "owner")
    )


def plan_suggest(*, case: Case, today: datetime.date | None = None) -> list[SuggestedStep]:
    """Suggest intervention steps for the indicators of the case's alert.

    Kinds already planned or done on the case are left out; one suggestion per
    kind lists every indicator that led to it. Nothing is written.
    """
    today = today or timezone.localdate()
    fired = list(case.alert.indicators) if case.alert is not None else []
    entries = PlaybookEntry.objects.filter(
        active=True, indicator_code__in=[ANY_INDICATOR, *fired]
    ).order_by("position", "indicator_code", "pk")
    planned_kinds = set(
        case.steps.exclude(
            status__in=[InterventionStep.Status.CANCELLED, InterventionStep.Status.DECLINED]
        ).values_list("kind", flat=True)
    )

    by_kind: dict[str, tuple[PlaybookEntry, list[str]]] = {}
    for entry in entries:
        if entry.kind in planned_kinds:
            continue
        _first_entry, indicators = by_kind.setdefault(entry.kind, (entry, []))
        indicators.append(entry.indicator_code)

    consent = family_contact_consent_in_force(employee=case.employee, day=today)
    providers = tuple(
        legal_aid_providers_current(today=today).values_list("pk", "name").order_by("name")
    )
    suggestions = []
    for kind, (entry, indicators) in by_kind.items():
        suggestions.append(
            SuggestedStep(
                kind=kind,
                guidance=entry.guidance,
                record_template=entry.record_template,
                due_date=today + datetime.timedelta(days=entry.due_in_days),
                indicators=tuple(indicators),
                needs_family_consent=kind == InterventionKind.FAMILY_CONTACT,
                has_family_consent=consent is not None,
                legal_aid_providers=providers if kind == InterventionKind.LEGAL_AID else (),
            )
        )
    return suggestions
