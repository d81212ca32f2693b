"""Reads for triage, cases and intervention plans, with their permission checks."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.cases.models import (
    Case,
    CaseEvent,
    FamilyContactConsent,
    FollowUp,
    FollowUpCheckpoint,
    FollowUpConsent,
    InterventionKind,
    InterventionStep,
    LegalAidProvider,
    PlaybookEntry,
)
from hrguard.cases.playbooks import ANY_INDICATOR, SuggestedStep
from hrguard.cases.states import CaseState
from hrguard.core.errors import NotFound, PermissionDenied
from hrguard.people.models import Employee
from hrguard.privacy.roles import PERMISSION_APP_LABEL, Action, can
from hrguard.privacy.scopes import employees_visible_to

# A directory entry older than this is not offered for referral until someone
# checks that the contact still works.
LEGAL_AID_MAX_AGE_DAYS = 365


def require_case_access(user: Any, employee: Employee) -> None:
    """Raise unless the user may handle cases and the employee is in the user's data scope.

    An employee outside the scope is reported as not found, so the check does
    not disclose that the employee has an alert or a case.
    """
    if not can(user, Action.MANAGE_CASES):
        raise PermissionDenied(gettext("您没有处理个案的权限。"))
    if not employees_visible_to(user).filter(pk=employee.pk).exists():
        raise NotFound(gettext("员工不存在，或不在您的数据范围内。"))


def user_can_handle(user: Any, employee: Employee) -> bool:
    """Return whether the user may handle cases of this employee (for assignees and owners)."""
    return (
        user.is_active
        and can(user, Action.MANAGE_CASES)
        and employees_visible_to(user).filter(pk=employee.pk).exists()
    )


def case_get_for_user(*, case_id: int, user: Any) -> Case:
    """Return a case the user may handle; raise NotFound when missing or out of scope."""
    if not can(user, Action.MANAGE_CASES):
        raise PermissionDenied(gettext("您没有处理个案的权限。"))
    case = (
        Case.objects.select_related("employee", "alert", "assignee")
        .filter(pk=case_id, employee__in=employees_visible_to(user))
        .first()
    )
    if case is None:
        raise NotFound(gettext("案件 %(case_id)s 不存在，或不在您的数据范围内。"), case_id=case_id)
    return case


def case_list_for_user(
    *,
    user: Any,
    open_only: bool = True,
    state: str | None = None,
    assignee_id: int | None = None,
    overdue_on: datetime.date | None = None,
) -> QuerySet[Case]:
    """Return the cases in the user's scope, soonest due first, narrowed by the given filters.

    `state` overrides `open_only`. `overdue_on` keeps open cases due before that day.
    """
    if not can(user, Action.MANAGE_CASES):
        return Case.objects.none()
    cases = Case.objects.select_related("employee", "employee__department", "assignee").filter(
        employee__in=employees_visible_to(user)
    )
    if state:
        cases = cases.filter(state=state)
    elif open_only:
        cases = cases.exclude(state=CaseState.CLOSED)
    if assignee_id is not None:
        cases = cases.filter(assignee_id=assignee_id)
    if overdue_on is not None:
        cases = cases.exclude(state=CaseState.CLOSED).filter(due_date__lt=overdue_on)
    return cases.order_by("due_date", "-opened_at")


def case_assignees_for_user(*, user: Any) -> list[Any]:
    """Return the users assigned to cases in the user's scope, for the case list's filter."""
    assignee_ids = (
        case_list_for_user(user=user, open_only=False)
        .exclude(assignee=None)
        .values_list("assignee_id", flat=True)
    )
    return list(get_user_model().objects.filter(pk__in=assignee_ids).order_by("username"))


def handlers_for_employee(*, employee: Employee) -> list[Any]:
    """Return the active users who may handle this employee's case, as assignees or step owners."""
    permission = Permission.objects.filter(
        codename=Action.MANAGE_CASES.value, content_type__app_label=PERMISSION_APP_LABEL
    ).first()
    if permission is None:
        return []
    candidates = (
        get_user_model()
        .objects.filter(Q(user_permissions=permission) | Q(groups__permissions=permission))
        .filter(is_active=True)
        .distinct()
        .order_by("username")
    )
    return [user for user in candidates if user_can_handle(user, employee)]


def step_get_for_user(*, step_id: int, user: Any) -> InterventionStep:
    """Return a plan step of a case the user may handle; raise NotFound otherwise."""
    step = InterventionStep.objects.select_related("case").filter(pk=step_id).first()
    if step is None:
        raise NotFound(gettext("干预步骤 %(step_id)s 不存在。"), step_id=step_id)
    case_get_for_user(case_id=step.case_id, user=user)
    return step


def checkpoint_get_for_user(*, checkpoint_id: int, user: Any) -> FollowUpCheckpoint:
    """Return a checkpoint of a case the user may handle; raise NotFound otherwise."""
    checkpoint = (
        FollowUpCheckpoint.objects.select_related("follow_up__case")
        .filter(pk=checkpoint_id)
        .first()
    )
    if checkpoint is None:
        raise NotFound(gettext("回访节点 %(checkpoint_id)s 不存在。"), checkpoint_id=checkpoint_id)
    case_get_for_user(case_id=checkpoint.follow_up.case_id, user=user)
    return checkpoint


def follow_up_consent_in_force(*, case: Case, day: datetime.date) -> FollowUpConsent | None:
    return (
        FollowUpConsent.objects.filter(case=case, given_on__lte=day)
        .exclude(withdrawn_on__lte=day)
        .order_by("-given_on", "-pk")
        .first()
    )


def follow_up_consent_get_for_user(*, consent_id: int, user: Any) -> FollowUpConsent:
    """Return a follow-up consent of a case the user may handle; raise NotFound otherwise."""
    consent = FollowUpConsent.objects.select_related("case").filter(pk=consent_id).first()
    if consent is None:
        raise NotFound(gettext("跟踪回访同意 %(consent_id)s 不存在。"), consent_id=consent_id)
    case_get_for_user(case_id=consent.case_id, user=user)
    return consent


def follow_up_consents_for_case(*, case: Case) -> QuerySet[FollowUpConsent]:
    return FollowUpConsent.objects.filter(case=case).select_related("recorded_by")


def follow_up_current(*, case: Case) -> FollowUp | None:
    return FollowUp.objects.filter(case=case, ended_at__isnull=True).order_by("-pk").first()


def checkpoints_for_case(*, case: Case) -> QuerySet[FollowUpCheckpoint]:
    return (
        FollowUpCheckpoint.objects.filter(follow_up__case=case)
        .select_related("follow_up", "recorded_by")
        .order_by("-follow_up__started_on", "-follow_up_id", "due_date", "pk")
    )


def checkpoints_due(*, day: datetime.date) -> QuerySet[FollowUpCheckpoint]:
    """Pending checkpoints of cases under follow-up whose date is `day` or earlier."""
    return FollowUpCheckpoint.objects.filter(
        status=FollowUpCheckpoint.Status.PENDING,
        due_date__lte=day,
        follow_up__ended_at__isnull=True,
        follow_up__case__state=CaseState.FOLLOWING_UP,
    ).select_related(
        "follow_up",
        "follow_up__started_by",
        "follow_up__case__employee",
        "follow_up__case__assignee",
    )


def plan_finished(*, case: Case) -> bool:
    """Return whether the case has plan steps and none of them is still planned."""
    steps = InterventionStep.objects.filter(case=case)
    return steps.exists() and not steps.filter(status=InterventionStep.Status.PLANNED).exists()


def case_open_for_employee(*, employee: Employee) -> Case | None:
    return Case.objects.exclude(state=CaseState.CLOSED).filter(employee=employee).first()


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case).select_related("actor").order_by("created_at", "pk")


def legal_aid_stale_before(*, today: datetime.date) -> datetime.date:
    """Return the verification date before which a directory entry is no longer offered."""
    return today - datetime.timedelta(days=LEGAL_AID_MAX_AGE_DAYS)


def legal_aid_providers_all() -> QuerySet[LegalAidProvider]:
    return LegalAidProvider.objects.order_by("-active", "name")


def legal_aid_provider_get(*, provider_id: int) -> LegalAidProvider:
    provider = LegalAidProvider.objects.filter(pk=provider_id).first()
    if provider is None:
        raise NotFound(gettext("法律援助机构 %(provider_id)s 不存在。"), provider_id=provider_id)
    return provider


def legal_aid_providers_current(*, today: datetime.date) -> QuerySet[LegalAidProvider]:
    """Active providers verified within LEGAL_AID_MAX_AGE_DAYS of `today`."""
    oldest = legal_aid_stale_before(today=today)
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
