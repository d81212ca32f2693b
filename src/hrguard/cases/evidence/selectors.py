"""Reads of evidence, with the permission checks every caller goes through."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from hrguard.cases.evidence.models import CustodyEvent, EvidenceItem
from hrguard.cases.models import Case
from hrguard.core.errors import NotFound, PermissionDenied
from hrguard.privacy.roles import Action, can
from hrguard.privacy.scopes import employees_visible_to


def evidence_access_check(*, user: Any, case: Case) -> None:
    """Raise unless the user handles cases or legal matters and the case's employee is in scope.

    An out-of-scope case is reported as not found, so its existence is not disclosed.
    """
    if not (can(user, Action.MANAGE_CASES) or can(user, Action.MANAGE_LEGAL_MATTERS)):
        raise PermissionDenied(gettext("您没有查看或上传案件证据的权限。"))
    if not employees_visible_to(user).filter(pk=case.employee_id).exists():
        raise NotFound(gettext("案件 %(case_id)s 不存在，或不在您的数据范围内。"), case_id=case.pk)


def evidence_export_check(*, user: Any, case: Case) -> None:
    """Raise unless the user may export evidence packages of this case."""
    if not can(user, Action.EXPORT_EVIDENCE):
        raise PermissionDenied(gettext("您没有导出证据包的权限。"))
    if not employees_visible_to(user).filter(pk=case.employee_id).exists():
        raise NotFound(gettext("案件 %(case_id)s 不存在，或不在您的数据范围内。"), case_id=case.pk)


def evidence_case_get_for_user(*, case_id: int, user: Any) -> Case:
    """Return a case whose evidence the user may see; raise NotFound or PermissionDenied."""
    case = Case.objects.select_related("employee").filter(pk=case_id).first()
    if case is None:
        raise NotFound(gettext("案件 %(case_id)s 不存在，或不在您的数据范围内。"), case_id=case_id)
    evidence_access_check(user=user, case=case)
    return case


def evidence_list_for_case(*, case: Case, user: Any) -> QuerySet[EvidenceItem]:
    """Return the case's evidence in upload order, after the permission check."""
    evidence_access_check(user=user, case=case)
    return EvidenceItem.objects.filter(case=case).select_related("uploaded_by")


def evidence_get_for_user(*, item_id: int, user: Any) -> EvidenceItem:
    """Return one evidence item the user may see; raise NotFound when missing or out of scope."""
    item = EvidenceItem.objects.select_related("case", "uploaded_by").filter(pk=item_id).first()
    if item is None:
        raise NotFound(gettext("证据 %(item_id)s 不存在，或不在您的数据范围内。"), item_id=item_id)
    evidence_access_check(user=user, case=item.case)
    return item


def custody_for_case(*, case: Case) -> QuerySet[CustodyEvent]:
    """Return the custody events of all of a case's evidence, oldest first."""
    return (
        CustodyEvent.objects.filter(item__case=case)
        .select_related("actor", "item")
        .order_by("created_at", "pk")
    )
