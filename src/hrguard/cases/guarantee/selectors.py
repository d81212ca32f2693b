"""Reads for guarantee disputes and signed documents, with their permission checks."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext

from hrguard.cases.guarantee.models import ClauseScan, GuaranteeDispute, SignedDocument
from hrguard.core.errors import NotFound, PermissionDenied
from hrguard.people.models import Employee
from hrguard.privacy.models import AuditEntry
from hrguard.privacy.roles import Action, can
from hrguard.privacy.scopes import employees_visible_to

SIGNED_DOCUMENT_TARGET = "signed_document"


def guarantee_access_check(*, user: Any, employee: Employee) -> None:
    """Raise unless the user handles legal matters or cases and the employee is in scope.

    An employee outside the scope is reported as not found.
    """
    if not (can(user, Action.MANAGE_LEGAL_MATTERS) or can(user, Action.MANAGE_CASES)):
        raise PermissionDenied(gettext("您没有处理担保纠纷的权限。"))
    if not employees_visible_to(user).filter(pk=employee.pk).exists():
        raise NotFound(gettext("员工不存在，或不在您的数据范围内。"))


def dispute_list_for_user(*, user: Any) -> QuerySet[GuaranteeDispute]:
    if not (can(user, Action.MANAGE_LEGAL_MATTERS) or can(user, Action.MANAGE_CASES)):
        return GuaranteeDispute.objects.none()
    return GuaranteeDispute.objects.select_related("colleague").filter(
        colleague__in=employees_visible_to(user)
    )


def dispute_get_for_user(*, dispute_id: int, user: Any) -> GuaranteeDispute:
    """Return a dispute the user may handle; raise NotFound when missing or out of scope."""
    dispute = GuaranteeDispute.objects.select_related("colleague").filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound(
            gettext("担保纠纷 %(dispute_id)s 不存在，或不在您的数据范围内。"), dispute_id=dispute_id
        )
    guarantee_access_check(user=user, employee=dispute.colleague)
    return dispute


def signed_documents_for_employee(*, employee: Employee, user: Any) -> QuerySet[SignedDocument]:
    """Return the documents the employee signed, oldest first, after the permission check."""
    guarantee_access_check(user=user, employee=employee)
    return SignedDocument.objects.filter(employee=employee).select_related("uploaded_by")


def scan_latest(*, dispute: GuaranteeDispute) -> ClauseScan | None:
    return dispute.scans.select_related("scanned_by").first()


def document_custody(*, documents: list[SignedDocument]) -> list[tuple[AuditEntry, str]]:
    """Return the audit entries of the documents' uploads and reads with each actor's user name."""
    entries = list(
        AuditEntry.objects.filter(
            target_type=SIGNED_DOCUMENT_TARGET,
            target_id__in=[str(document.pk) for document in documents],
        ).order_by("seq")
    )
    actor_ids = {entry.actor_id for entry in entries if entry.actor_id is not None}
    names = dict(get_user_model().objects.filter(pk__in=actor_ids).values_list("pk", "username"))
    system = gettext("系统")
    return [
        (entry, system if entry.actor_id is None else names.get(entry.actor_id, system))
        for entry in entries
    ]
