"""Hostile values in every GET filter: never a server error, never another department's rows."""

import re
from collections.abc import Callable

from django.test import Client

from tests.security.conftest import World, private_routes, route_url

HOSTILE_VALUES = (
    "' OR 1=1 --",
    '" OR ""="',
    "1; DROP TABLE people_employee; --",
    "x" * 10_000,
    "9" * 30,
    "-1",
    "2026-13-45",
    "𠮷\u202e\ufeff\u200b①２３",
    "١٢٣",
    "\x00",
    "%00../../etc/passwd",
    "<script>alert(1)</script>",
)
SINGLE_FIELD_VALUES = ("9" * 30, "\x00", "' OR 1=1 --")
# Filter names used across the pages, on top of those found in each page's GET forms.
COMMON_FILTERS = (
    "q",
    "department",
    "level",
    "status",
    "indicator",
    "month",
    "page",
    "sort",
    "order",
    "kind",
    "state",
    "employee",
    "from",
    "to",
    "format",
    "assignee",
    "overdue",
    "category",
)
_FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.DOTALL | re.IGNORECASE)
_FIELD_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.IGNORECASE)


def _get_form_fields(html: str) -> set[str]:
    """Return the field names of the page's GET forms (forms without method="post")."""
    names: set[str] = set()
    for form in _FORM.findall(html):
        opening = form[: form.index(">")]
        if re.search(r"method=\"post\"", opening, re.IGNORECASE):
            continue
        names.update(_FIELD_NAME.findall(form))
    return names - {"csrfmiddlewaretoken"}


def _server_error_fields(client: Client, url: str, fields: set[str], value: str) -> list[str]:
    """Return the fields that give a server error with `value`, all of them set at once first."""
    if client.get(url, dict.fromkeys(fields, value)).status_code < 500:
        return []
    return [field for field in sorted(fields) if client.get(url, {field: value}).status_code >= 500]


def test_filters_hostile_values_no_server_error(
    world: World, client_for: Callable[[str], Client]
) -> None:
    # given users who between them open every page, the scoped HR专员 first
    failures = []
    leaks = []
    other_department_marks = (world.b.employee.employee_no, world.b.employee.pseudonym)
    checked: set[str] = set()

    for user_key in ("hr_specialist", "hr_manager", "legal", "privacy_officer", "employee"):
        client = client_for(user_key)
        client.raise_request_exception = False
        for route in private_routes():
            if route.name in checked:
                continue
            url = route_url(route, world, "a", user_key)
            page = client.get(url)
            if page.status_code != 200 or not page["Content-Type"].startswith("text/html"):
                continue
            checked.add(route.name)
            form_fields = _get_form_fields(page.content.decode())
            fields = form_fields | set(COMMON_FILTERS)

            # when every filter gets each hostile value
            for value in HOSTILE_VALUES:
                response = client.get(url, dict.fromkeys(fields, value))

                # then the response is a page or a 4xx message, never a 500
                if response.status_code >= 500:
                    bad = _server_error_fields(client, url, fields, value)
                    failures.append((user_key, route.name, bad, value[:20]))
                    continue
                # and the scoped specialist still gets no department-B employee
                body = response.content.decode(errors="replace")
                if user_key == "hr_specialist" and any(
                    mark in body for mark in other_department_marks
                ):
                    leaks.append((route.name, value[:20]))

            # One invalid field can stop a form before it reads the others, so the
            # page's own fields also get the values most likely to break a query alone.
            for field in sorted(form_fields):
                for value in SINGLE_FIELD_VALUES:
                    if client.get(url, {field: value}).status_code >= 500:
                        failures.append((user_key, route.name, [field], value[:20]))

    assert failures == []
    assert leaks == []
