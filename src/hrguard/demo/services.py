"""Set up the demo: generate the company, import it, scan it and open its logins."""

import logging
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.urls import reverse

from hrguard.demo.company import Role as PlantedRole
from hrguard.demo.generator import (
    DEMO_AS_OF,
    DEMO_EMPLOYEES,
    DEMO_SEED,
    DemoFile,
    DemoManifest,
    generate_company,
)
from hrguard.ingest.base import ImportReport
from hrguard.ingest.services import import_file
from hrguard.people.models import Employee
from hrguard.privacy.models import EmployeeAccount
from hrguard.privacy.otp import otp_required
from hrguard.privacy.roles import Role, roles_sync
from hrguard.privacy.services import employee_account_link
from hrguard.risk.models import Alert, ScanRun
from hrguard.risk.services import scan_run

logger = logging.getLogger(__name__)

DEMO_DATA_FOLDER = "demo-data"
HR_MANAGER_USERNAME = "hr_manager"
EMPLOYEE_USERNAME = "employee"
PRIVACY_OFFICER_USERNAME = "privacy_officer"
# The employee behind the self-service login: the planted saver raises no alert, has a
# 支付记录 consent in force and two imported bills, so the page has data and a consent.
SELF_SERVICE_CASE = PlantedRole.SAVER
# 16 random bytes (128 bits) encode as a 22-character URL-safe password.
PASSWORD_BYTES = 16


def demo_files_generate(
    *, home: Path, seed: int = DEMO_SEED, employees: int = DEMO_EMPLOYEES
) -> DemoManifest:
    """Write the demo company's files into HRGUARD_HOME/demo-data."""
    return generate_company(
        home / DEMO_DATA_FOLDER, seed=seed, employees=employees, as_of=DEMO_AS_OF
    )


def demo_files_import(
    *, manifest: DemoManifest, on_file: Callable[[DemoFile], None] | None = None
) -> list[tuple[DemoFile, ImportReport]]:
    """Import every demo file through the normal import service, HR files first.

    A file the service rejects is returned with its issues instead of raising, so one
    bad file does not hide the rest of the demo. Re-importing unchanged files adds nothing.
    """
    reports = []
    for demo_file in manifest.files:
        report = import_file(
            kind=demo_file.kind,
            path=demo_file.path,
            file_name=demo_file.path.name,
            employee_no=demo_file.employee_no,
            create_departments=True,
        )
        if report.issues:
            logger.info(
                "demo file %s was rejected with %d issues",
                demo_file.path.name,
                len(report.issues),
                extra={"employee_no": demo_file.employee_no},
            )
        reports.append((demo_file, report))
        if on_file is not None:
            on_file(demo_file)
    return reports


def demo_scan(
    *, manifest: DemoManifest, progress: Callable[[int, int], None] | None = None
) -> ScanRun:
    """Scan every employee as of the demo's fixed date; `progress(done, total)` reports steps."""
    return scan_run(as_of=manifest.as_of, progress=progress)


@dataclass(frozen=True)
class DemoLogin:
    """A demo login with its new password and the page it is meant to open first."""

    username: str
    password: str
    role: Role
    path: str
    # Whether the first login must set up a second factor (see hrguard.privacy.otp).
    needs_otp: bool
    # 工号 of the linked employee, for the self-service login only.
    employee_no: str = ""


def demo_user_reset(*, username: str = HR_MANAGER_USERNAME, role: Role = Role.HR_MANAGER) -> str:
    """Create or reset a demo login with exactly `role` and return its new random password.

    The password is generated on every run and never stored in clear, so no demo
    installation shares a known default login.
    """
    password, _user = _user_reset(username=username, role=role)
    return password


def demo_logins_reset(*, manifest: DemoManifest) -> list[DemoLogin]:
    """Create or reset the demo's HR manager, self-service employee and privacy officer logins.

    The employee login is linked to the planted saver of `manifest`, who raises no alert.
    """
    employee_no = next(
        case.employee_no for case in manifest.cases if case.role is SELF_SERVICE_CASE
    )
    with transaction.atomic():
        manager = _login_reset(HR_MANAGER_USERNAME, Role.HR_MANAGER, "/")
        employee_login = _login_reset(
            EMPLOYEE_USERNAME,
            Role.EMPLOYEE,
            reverse("privacy:me"),
            employee=Employee.objects.get(employee_no=employee_no),
        )
        officer = _login_reset(
            PRIVACY_OFFICER_USERNAME, Role.PRIVACY_OFFICER, reverse("privacy:requests")
        )
    return [manager, employee_login, officer]


def _login_reset(
    username: str, role: Role, path: str, *, employee: Employee | None = None
) -> DemoLogin:
    password, user = _user_reset(username=username, role=role)
    if employee is not None:
        # A 工号 links to one login; an earlier demo run may have linked it to another one.
        EmployeeAccount.objects.filter(employee=employee).exclude(user=user).delete()
        employee_account_link(actor=None, user=user, employee=employee)
    return DemoLogin(
        username=username,
        password=password,
        role=role,
        path=path,
        needs_otp=otp_required(user),
        employee_no=employee.employee_no if employee is not None else "",
    )


def _user_reset(*, username: str, role: Role) -> tuple[str, User]:
    password = secrets.token_urlsafe(PASSWORD_BYTES)
    user_model = get_user_model()
    with transaction.atomic():
        # migrate creates the role groups; syncing again makes the role exist in any database.
        roles_sync()
        user, created = user_model.objects.get_or_create(username=username)
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
    logger.info("demo login %s %s", username, "created" if created else "reset")
    return password, user


def demo_alert_counts() -> dict[str, int]:
    """Return the open alerts by level."""
    levels = Alert.objects.filter(status=Alert.Status.OPEN).values_list("level", flat=True)
    return dict(Counter(levels))


def demo_case_alerts(*, manifest: DemoManifest) -> dict[str, tuple[str, str | None]]:
    """Map each planted case's 工号 to the employee's pseudonym and open alert level, if any."""
    numbers = [case.employee_no for case in manifest.cases]
    employees = Employee.objects.filter(employee_no__in=numbers)
    pseudonyms = dict(employees.values_list("employee_no", "pseudonym"))
    alerts = Alert.objects.filter(status=Alert.Status.OPEN, employee__employee_no__in=numbers)
    levels = dict(alerts.values_list("employee__employee_no", "level"))
    return {number: (pseudonyms.get(number, ""), levels.get(number)) for number in numbers}
