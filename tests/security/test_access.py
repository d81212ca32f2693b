"""Every URL of the URLconf: login required, role checks, department scopes (IDOR) and CSRF.

The URLs come from walking the URLconf, so a page added later is checked
without editing these tests. A new page needs an entry in URL_ACCESS, and a new
parameter name needs a builder in PARAMETER_BUILDERS.
"""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from hrguard.privacy.models import RequestKind, RequestStatus
from tests.security.access import URL_ACCESS, role_may_open, row_counts
from tests.security.conftest import (
    OBJECT_PARAMETERS,
    ROLE_USERS,
    World,
    all_routes,
    private_routes,
    route_url,
)

DENIED = {403, 404, 405}
# Start pages that send a role with its own start page there instead of refusing.
START_PAGE_URL_NAMES = frozenset({"web:dashboard"})


def _refused(url_name: str, response: Any) -> bool:
    """Return whether the response shows no data: a 403/404/405, or a start page's redirect."""
    if response.status_code in DENIED:
        return True
    return (
        url_name in START_PAGE_URL_NAMES
        and response.status_code == 302
        and response["Location"] == reverse("privacy:home")
    )


def test_urlconf_every_private_url_listed_in_access_table() -> None:
    # given the current URLconf
    names = {route.name for route in private_routes()}

    # then URL_ACCESS lists the roles of every private URL, and no entry is stale
    assert sorted(names - URL_ACCESS.keys()) == []
    assert sorted(URL_ACCESS.keys() - names) == []


def test_urlconf_every_parameter_has_builder(world: World) -> None:
    for route in all_routes():
        route_url(route, world)


def test_anonymous_every_private_url_redirects_to_login(world: World) -> None:
    # given a client that has not logged in
    client = Client()
    before = row_counts()
    problems = []

    # when it requests every private URL with GET and POST
    for route in private_routes():
        url = route_url(route, world)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            redirected_to_login = response.status_code == 302 and response["Location"].startswith(
                "/login/"
            )
            if not (redirected_to_login or response.status_code in DENIED):
                problems.append((method, route.name, response.status_code))

    # then each response is a redirect to the login page or a refusal, and nothing was written
    assert problems == []
    assert row_counts() == before


def _sweep(
    client: Client, world: World, user_key: str, department: str, method: str
) -> list[tuple[str, int]]:
    results = []
    for route in private_routes():
        url = route_url(route, world, department, user_key)
        response = getattr(client, method)(url)
        results.append((route.name, response.status_code))
    return results


def test_roles_without_capability_refused_everywhere(
    world: World, client_for: Callable[[str], Client]
) -> None:
    # given a logged-in user of every role, and of none
    problems: list[tuple[str, str, str, int]] = []
    changed: list[str] = []

    for user_key, role in ROLE_USERS.items():
        client = client_for(user_key)
        before = row_counts()
        fields_before = world.field_values("a")

        # when the user requests each URL their role does not open
        for route in private_routes():
            if role_may_open(role, route.name):
                continue
            url = route_url(route, world, "a", user_key)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if not _refused(route.name, response):
                    problems.append((user_key, method, route.name, response.status_code))

        # then every response is a refusal, and no POST wrote or changed a row
        if row_counts() != before or world.field_values("a") != fields_before:
            changed.append(user_key)

    assert problems == []
    assert changed == []


def test_roles_with_capability_never_server_error(
    world: World, client_for: Callable[[str], Client]
) -> None:
    problems = []
    for user_key, role in ROLE_USERS.items():
        client = client_for(user_key)
        client.raise_request_exception = False
        for route in private_routes():
            if not role_may_open(role, route.name):
                continue
            response = client.get(route_url(route, world, "a", user_key))
            if response.status_code >= 500:
                problems.append((user_key, route.name, response.status_code))

    assert problems == []


def _object_routes() -> list[Any]:
    return [r for r in private_routes() if OBJECT_PARAMETERS.intersection(r.parameters)]


def test_scoped_hr_other_department_object_not_found(
    world: World, client_for: Callable[[str], Client]
) -> None:
    # given HR专员 and HRBP users scoped to department A
    problems: list[tuple[str, str, str, int]] = []
    changed: list[str] = []

    for user_key in ("hr_specialist", "hrbp"):
        client = client_for(user_key)
        before = row_counts()
        fields_before = world.field_values("b")
        for route in _object_routes():
            if not role_may_open(ROLE_USERS[user_key], route.name):
                continue
            url = route_url(route, world, "b", user_key)

            # when they request any object URL of department B
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status not in (404, 405):
                    problems.append((user_key, method, route.name, status))

        # then the objects do not exist for them, and nothing changed
        if row_counts() != before or world.field_values("b") != fields_before:
            changed.append(user_key)

    assert problems == []
    assert changed == []


def test_scoped_hr_own_department_object_found(
    world: World, client_for: Callable[[str], Client]
) -> None:
    # given the same HR专员, asking for department A's objects (the control for the test above)
    client = client_for("hr_specialist")
    not_found = []
    for route in _object_routes():
        if not role_may_open(ROLE_USERS["hr_specialist"], route.name):
            continue
        response = client.get(route_url(route, world, "a", "hr_specialist"))
        if response.status_code == 404:
            not_found.append(route.name)

    assert not_found == []


def test_other_users_notification_not_found(
    world: World, client_for: Callable[[str], Client]
) -> None:
    client = client_for("hr_manager")
    url = route_url(
        next(r for r in all_routes() if r.name == "notify:notification_open"),
        world,
        "b",
        "hr_manager",
    )

    response = client.post(url)

    assert response.status_code == 404
    world.notifications["outsider"].refresh_from_db()
    assert world.notifications["outsider"].read_at is None


def test_post_without_csrf_token_rejected(world: World) -> None:
    # given clients that enforce CSRF like a browser session, for roles that may post
    problems = []
    changed = []
    for user_key in ("hr_manager", "legal", "privacy_officer", "employee"):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users[user_key])
        before = row_counts()
        for route in private_routes():
            response = client.post(route_url(route, world, "a", user_key), {"note": "x"})
            if response.status_code != 403:
                problems.append((user_key, route.name, response.status_code))
        if row_counts() != before:
            changed.append(user_key)

    assert problems == []
    assert changed == []


def test_unverified_personal_data_roles_sent_to_otp(
    world: World, client_for: Callable[[str], Client], settings: Any
) -> None:
    # given two-factor login switched on, as in production, and sessions that skipped the code
    settings.HRGUARD_OTP_REQUIRED = True
    otp_pages = (reverse("privacy:otp_setup"), reverse("privacy:otp_verify"))
    problems = []
    changed = []

    for user_key in ("hr_specialist", "hrbp", "hr_manager", "legal", "privacy_officer"):
        client = client_for(user_key)
        before = row_counts()

        # when they request every page except the two-factor steps themselves
        for route in private_routes():
            if route.name in ("privacy:otp_setup", "privacy:otp_verify"):
                continue
            url = route_url(route, world, "a", user_key)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                to_otp = response.status_code == 302 and response["Location"].startswith(otp_pages)
                if not (to_otp or response.status_code in DENIED):
                    problems.append((user_key, method, route.name, response.status_code))

        # then each request goes to the two-factor step, and nothing was written
        if row_counts() != before:
            changed.append(user_key)

    assert problems == []
    assert changed == []


def test_superuser_flag_widens_no_scope(world: World, client_for: Callable[[str], Client]) -> None:
    # given the department-A HR专员 who is also a Django superuser
    specialist = world.users["hr_specialist"]
    specialist.is_superuser = True
    specialist.save()
    client = client_for("hr_specialist")

    # when they open department B's import batch
    response = client.get(reverse("ingest:batch_detail", args=[world.b.batch.pk]))

    # then the flag grants nothing: data access comes from roles and scopes only
    assert response.status_code == 404


def test_employee_other_employees_export_not_given(
    world: World, client_for: Callable[[str], Client]
) -> None:
    # given a completed copy request of department B's employee
    request = world.b.subject_request
    request.kind = RequestKind.COPY
    request.status = RequestStatus.COMPLETED
    request.save()
    client = client_for("employee")

    # when department A's employee asks for its export in each format
    for data_format in ("json", "csv"):
        url = reverse("privacy:request_export", args=[request.pk, data_format])
        response = client.get(url)

        # then no file is sent
        assert response.status_code in (302, 404), data_format
        assert "Content-Disposition" not in response, data_format


def test_employee_own_export_given(world: World, client_for: Callable[[str], Client]) -> None:
    # given the same kind of request for department A's employee (the control for the test above)
    request = world.a.subject_request
    request.kind = RequestKind.COPY
    request.status = RequestStatus.COMPLETED
    request.save()

    response = client_for("employee").get(
        reverse("privacy:request_export", args=[request.pk, "json"])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_phone_lookup_other_department_not_found(
    world: World, client_for: Callable[[str], Client]
) -> None:
    # given department B's employee and the department-A HR专员
    other = world.b.employee
    client = client_for("hr_specialist")

    # when the specialist looks up that employee's phone number on the intake page
    body = client.get(reverse("harassment:intake"), {"phone": other.phone}).content.decode()

    # then the page names nobody from department B
    assert other.employee_no not in body
    assert other.pseudonym not in body
    assert other.name not in body


def test_phone_lookup_own_department_found(
    world: World, client_for: Callable[[str], Client]
) -> None:
    own = world.a.employee

    body = (
        client_for("hr_specialist")
        .get(reverse("harassment:intake"), {"phone": own.phone})
        .content.decode()
    )

    assert own.pseudonym in body or own.employee_no in body
