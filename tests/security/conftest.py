"""Two departments of objects behind every URL parameter, users of every role and the URLconf walk.

Department A is 研发部 and department B is 销售部. Each has one employee with
an alert, a case (with a plan step, a follow-up consent and a checkpoint), an
evidence item, a guarantee dispute, a harassment incident, a bill import batch
and a rights request. Any object URL can therefore be built for either
department. The HR专员 and HRBP users are scoped to department A only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from hrguard.cases.evidence.models import EvidenceItem
from hrguard.cases.evidence.services import evidence_attach
from hrguard.cases.guarantee.models import GuaranteeDispute
from hrguard.cases.guarantee.services import dispute_open
from hrguard.cases.harassment.models import HarassmentIncident
from hrguard.cases.harassment.services import incident_record
from hrguard.cases.models import (
    Case,
    FollowUp,
    FollowUpCheckpoint,
    FollowUpConsent,
    InterventionKind,
    InterventionStep,
    LegalAidProvider,
)
from hrguard.ingest.models import ImportBatch, ImportKind
from hrguard.notify.models import Notification
from hrguard.people.models import Department, Employee
from hrguard.privacy.models import DataSubjectRequest, DepartmentScope, EmployeeAccount
from hrguard.privacy.roles import Role
from hrguard.risk.models import Alert, AlertLevel, RuleSet, ScanRun
from tests.factories import DepartmentFactory, EmployeeFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

# URL names anyone may open without logging in.
PUBLIC_URL_NAMES = frozenset({"login", "logout", "set_language"})


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Any) -> None:
    """Hash passwords with MD5 so the many users here cost nothing to create."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Route:
    """One URL pattern of the URLconf, with its namespaced name and converter parameters."""

    name: str
    pattern: str
    parameters: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            parameters = (
                tuple(entry.pattern.converters) if hasattr(entry.pattern, "converters") else ()
            )
            yield Route(f"{namespace}{entry.name}", prefix + str(entry.pattern), parameters)


def all_routes() -> list[Route]:
    """Return every named pattern of the project's URLconf, including ones added later."""
    routes = list(_walk(get_resolver().url_patterns, "", ""))
    unnamed = [route.pattern for route in routes if route.name.endswith("None")]
    assert unnamed == [], "every URL pattern needs a name so the security tests can reverse it"
    return routes


def private_routes() -> list[Route]:
    return [route for route in all_routes() if route.name not in PUBLIC_URL_NAMES]


@dataclass
class DepartmentObjects:
    """The objects of one department that URL parameters point at."""

    department: Department
    employee: Employee
    alert: Alert
    case: Case
    step: InterventionStep
    follow_up_consent: FollowUpConsent
    checkpoint: FollowUpCheckpoint
    evidence: EvidenceItem
    dispute: GuaranteeDispute
    incident: HarassmentIncident
    batch: ImportBatch
    subject_request: DataSubjectRequest


@dataclass
class World:
    """Users of every role and the objects of departments A and B."""

    users: dict[str, User]
    a: DepartmentObjects
    b: DepartmentObjects
    provider: LegalAidProvider
    notifications: dict[str, Notification] = field(default_factory=dict)

    def objects(self, department: str) -> DepartmentObjects:
        return self.a if department == "a" else self.b

    def field_values(self, department: str) -> dict[str, dict[str, Any]]:
        """Return every stored field of the department's objects, read again from the database.

        Row counts miss an UPDATE, so a denied request is also checked against these.
        """
        objects = self.objects(department)
        values = {}
        for attribute in DepartmentObjects.__dataclass_fields__:
            instance = getattr(objects, attribute)
            fresh = type(instance).objects.get(pk=instance.pk)
            values[attribute] = {
                field.attname: getattr(fresh, field.attname)
                for field in fresh._meta.concrete_fields
            }
        return values


# Builders for each URL parameter name: (world, department "a" or "b", viewer) -> value.
ParameterBuilder = Callable[[World, str, str], Any]

PARAMETER_BUILDERS: dict[str, ParameterBuilder] = {
    "alert_id": lambda w, d, u: w.objects(d).alert.pk,
    "case_id": lambda w, d, u: w.objects(d).case.pk,
    "employee_id": lambda w, d, u: w.objects(d).employee.pk,
    "batch_id": lambda w, d, u: w.objects(d).batch.pk,
    "item_id": lambda w, d, u: w.objects(d).evidence.pk,
    "dispute_id": lambda w, d, u: w.objects(d).dispute.pk,
    "incident_id": lambda w, d, u: w.objects(d).incident.pk,
    "step_id": lambda w, d, u: w.objects(d).step.pk,
    "consent_id": lambda w, d, u: w.objects(d).follow_up_consent.pk,
    "checkpoint_id": lambda w, d, u: w.objects(d).checkpoint.pk,
    "request_id": lambda w, d, u: w.objects(d).subject_request.pk,
    # Notifications belong to a user, so "the other department" is another user's inbox.
    "notification_id": lambda w, d, u: (
        (w.notifications[u] if d == "a" else w.notifications["outsider"]).pk
    ),
    # Not department data: the same value for both departments.
    "provider_id": lambda w, d, u: w.provider.pk,
    "kind": lambda w, d, u: "employees",
    "file_format": lambda w, d, u: "xlsx",
    "version": lambda w, d, u: 1,
    "category": lambda w, d, u: "payments",
    "data_format": lambda w, d, u: "json",
    "source": lambda w, d, u: "roster",
    "month": lambda w, d, u: "2026-11",
}

# Parameters whose object belongs to one department (or one user), for the IDOR checks.
OBJECT_PARAMETERS = frozenset(PARAMETER_BUILDERS) - {
    "provider_id",
    "kind",
    "file_format",
    "version",
    "category",
    "data_format",
    "source",
    "month",
}


def route_url(route: Route, world: World, department: str = "a", viewer: str = "hr_manager") -> str:
    """Reverse `route` with parameters pointing at `department`'s objects."""
    missing = [name for name in route.parameters if name not in PARAMETER_BUILDERS]
    assert missing == [], (
        f"{route.name} takes {missing}: add a builder to PARAMETER_BUILDERS in tests/security"
    )
    kwargs = {
        name: PARAMETER_BUILDERS[name](world, department, viewer) for name in route.parameters
    }
    return reverse(route.name, kwargs=kwargs)


def make_user(username: str, role: Role | None, departments: tuple[Department, ...] = ()) -> User:
    user = User.objects.create_user(username=username, password="correct-horse-battery")
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    for department in departments:
        DepartmentScope.objects.create(user=user, department=department)
    return user


def _case_objects(
    employee: Employee, manager: User
) -> tuple[Case, InterventionStep, FollowUpConsent, FollowUpCheckpoint, EvidenceItem]:
    """Create an open case of `employee` with a plan step, a follow-up and one evidence item."""
    case = Case.objects.create(employee=employee, opened_by=manager, assignee=manager)
    step = InterventionStep.objects.create(
        case=case,
        kind=InterventionKind.values[0],
        owner=manager,
        due_date=datetime.date(2030, 1, 1),
        created_by=manager,
    )
    consent = FollowUpConsent.objects.create(
        case=case,
        given_on=datetime.date(2026, 11, 1),
        how_recorded="书面签字，存于案件证据",
        recorded_by=manager,
    )

    follow_up = FollowUp.objects.create(
        case=case, started_on=datetime.date(2026, 11, 1), started_by=manager
    )
    checkpoint = FollowUpCheckpoint.objects.create(
        follow_up=follow_up, days_after=30, due_date=datetime.date(2026, 12, 1)
    )

    evidence = evidence_attach(
        case=case,
        user=manager,
        uploaded_file=SimpleUploadedFile("通话记录.pdf", PDF_BYTES),
        description="催收通话记录",
    )
    return case, step, consent, checkpoint, evidence


def _department_objects(
    department: Department,
    employee_no: str,
    users: dict[str, User],
    importer: User,
    rule_set: RuleSet,
) -> DepartmentObjects:
    manager = users["hr_manager"]
    legal = users["legal"]
    name = department.name
    employee = EmployeeFactory(
        employee_no=employee_no,
        name=f"{name}员工",
        department=department,
        phone=f"1380013{employee_no[1:]}0",
    )
    scan = ScanRun.objects.create(as_of=datetime.date(2026, 11, 30), rule_set=rule_set)
    alert = Alert.objects.create(
        employee=employee,
        level=AlertLevel.MEDIUM,
        indicators=["loan_platforms"],
        first_scan=scan,
        last_scan=scan,
        rule_set=rule_set,
    )
    case, step, consent, checkpoint, evidence = _case_objects(employee, manager)

    dispute = dispute_open(
        colleague=employee,
        user=legal,
        lender="速借金融平台",
        reported_on=datetime.date(2026, 11, 28),
        claimed_debtor="同事甲",
        notes="催收电话称其为担保人",
    )

    incident = incident_record(
        user=manager,
        colleague=employee,
        caller_number="13912345678",
        platform="速借金融平台",
        occurred_at=datetime.datetime(2026, 11, 20, 6, 30, tzinfo=datetime.UTC),
        channel="call",
        claimed_debtor="王磊",
        threat_flags=[],
        threats="",
        evidence_notes="录音已存员工手机",
    )

    batch = ImportBatch.objects.create(
        kind=ImportKind.PAYMENTS,
        file_name="alipay.csv",
        sha256="0" * 64,
        size=10,
        employee=employee,
        status=ImportBatch.Status.REJECTED,
        rows_total=1,
        rows_rejected=1,
        errors=[{"row": 2, "column": "金额", "value": "abc", "message": "金额无效"}],
        created_by=importer,
    )

    subject_request = DataSubjectRequest.objects.create(
        employee=employee,
        requested_by=manager,
        kind=DataSubjectRequest._meta.get_field("kind").choices[0][0],
        submitted_at=timezone.now(),
        deadline=datetime.date(2030, 1, 1),
    )

    return DepartmentObjects(
        department=department,
        employee=employee,
        alert=alert,
        case=case,
        step=step,
        follow_up_consent=consent,
        checkpoint=checkpoint,
        evidence=evidence,
        dispute=dispute,
        incident=incident,
        batch=batch,
        subject_request=subject_request,
    )


# Users by key: one per role, department-scoped HR in A, and a user with no role.
ROLE_USERS: dict[str, Role | None] = {
    "hr_specialist": Role.HR_SPECIALIST,
    "hrbp": Role.HRBP,
    "hr_manager": Role.HR_MANAGER,
    "legal": Role.LEGAL,
    "privacy_officer": Role.PRIVACY_OFFICER,
    "auditor": Role.AUDITOR,
    "employee": Role.EMPLOYEE,
    "system_admin": Role.SYSTEM_ADMIN,
    "no_role": None,
}


@pytest.fixture
def world(db: None) -> World:
    rule_set = RuleSet.objects.create(version="sec-1", content="", sha256="0" * 64)
    department_a = DepartmentFactory(name="研发部")
    department_b = DepartmentFactory(name="销售部")
    users = {}
    for key, role in ROLE_USERS.items():
        scoped = (department_a,) if role in (Role.HR_SPECIALIST, Role.HRBP) else ()
        users[key] = make_user(key, role, scoped)
    users["outsider"] = make_user("outsider", Role.HR_MANAGER)

    # Import batches are visible to their uploader, so A's batch is the specialist's.
    a = _department_objects(department_a, "E5001", users, users["hr_specialist"], rule_set)
    b = _department_objects(department_b, "E6001", users, users["outsider"], rule_set)
    EmployeeAccount.objects.create(user=users["employee"], employee=a.employee)

    provider = LegalAidProvider.objects.create(
        name="市法律援助中心",
        contact="12348",
        scope="劳动争议",
        last_verified_on=datetime.date(2026, 11, 1),
    )
    notifications = {
        key: Notification.objects.create(recipient=user, title="新预警", link="/alerts/")
        for key, user in users.items()
    }
    return World(users=users, a=a, b=b, provider=provider, notifications=notifications)


@pytest.fixture
def client_for(world: World) -> Callable[[str], Client]:
    """Return a factory of clients logged in as one of the world's users."""

    def make(key: str) -> Client:
        client = Client()
        client.force_login(world.users[key])
        return client

    return make
