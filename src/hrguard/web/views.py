"""Pages of the risk UI: dashboard, alert list and the employee risk profile."""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from hrguard.core.errors import HrguardError, NotFound
from hrguard.privacy.roles import Action, can
from hrguard.privacy.selectors import name_revealed
from hrguard.privacy.services import reveal_name
from hrguard.risk import selectors
from hrguard.risk.models import Alert, IndicatorResult
from hrguard.web import charts
from hrguard.web.forms import AlertFilterForm, RevealNameForm
from hrguard.web.indicators import evidence_sentences, indicator_label

ALERTS_PER_PAGE = 25
ALERT_TABLE_ID = "alert-table"
SPENDING_MONTHS = 6


@dataclass(frozen=True)
class EvidenceRow:
    code: str
    label: str
    hit: bool
    severity: int
    sentences: list[str]


View = Callable[..., HttpResponse]


def alert_viewer_required(view: View) -> View:
    """Require login, then the VIEW_ALERTS capability (403 without it)."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can(request.user, Action.VIEW_ALERTS):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(checked)


def role_start_page(view: View) -> View:
    """Send users whose role has its own start page there instead of a 403."""

    @functools.wraps(view)
    def routed(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        own_page = can(request.user, Action.USE_SELF_SERVICE) or can(
            request.user, Action.HANDLE_SUBJECT_REQUESTS
        )
        if own_page and not can(request.user, Action.VIEW_ALERTS):
            return redirect("privacy:home")
        return view(request, *args, **kwargs)

    return login_required(routed)


@role_start_page
@alert_viewer_required
def dashboard(request: HttpRequest) -> HttpResponse:
    by_level = selectors.open_alert_counts_by_level(user=request.user)
    by_department = selectors.open_alert_counts_by_department(user=request.user)
    scans = selectors.scan_trend()
    alert_list_url = reverse("web:alert_list")

    context = {
        "by_level": [(level, by_level[level]) for level in reversed(selectors.LEVELS_ASCENDING)],
        "open_total": sum(by_level.values()),
        "latest_scan": selectors.scan_latest(),
        "department_chart": charts.department_bar_option(by_department) if by_department else None,
        "department_chart_height": charts.department_chart_height(by_department),
        # Clicking a department's bar opens the alert list filtered to it.
        "department_links": [
            f"{alert_list_url}?department={row.department_id}" for row in by_department
        ],
        "trend_chart": charts.scan_trend_option(scans) if scans else None,
    }
    return render(request, "web/dashboard.html", context)


@alert_viewer_required
def alert_list(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(
        request.GET,
        indicator_codes=selectors.indicator_codes_in_use(),
        departments=selectors.departments_visible_to(user=request.user),
    )
    form.is_valid()
    # Invalid fields are left out of cleaned_data, so the valid filters still apply.
    filters = form.cleaned_data
    department = filters.get("department")
    alerts = selectors.alert_list_for_user(
        user=request.user,
        status=filters.get("status") or Alert.Status.OPEN,
        level=filters.get("level") or None,
        department_id=department.pk if department else None,
        indicator=filters.get("indicator") or None,
    )
    page = Paginator(alerts, ALERTS_PER_PAGE).get_page(request.GET.get("page"))

    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    # Filters and page links swap only the table. Any other htmx request, such as
    # restoring the page from history, gets the whole page.
    if request.headers.get("HX-Target") == ALERT_TABLE_ID:
        response = render(request, "web/partials/alert_table.html", context)
    else:
        response = render(request, "web/alert_list.html", context)
    patch_vary_headers(response, ["HX-Target"])
    return response


@alert_viewer_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    try:
        alert = selectors.alert_get_for_user(alert_id=alert_id, user=request.user)
    except NotFound as error:
        raise Http404(error.message) from error

    profile = selectors.alert_profile(alert=alert)
    return _render_risk_profile(request, profile)


@alert_viewer_required
def employee_profile(request: HttpRequest, employee_id: int) -> HttpResponse:
    try:
        profile = selectors.risk_profile_for_user(employee_id=employee_id, user=request.user)
    except NotFound as error:
        raise Http404(error.message) from error

    return _render_risk_profile(request, profile)


def _render_risk_profile(request: HttpRequest, profile: selectors.RiskProfile) -> HttpResponse:
    employee, alert, scan = profile.employee, profile.alert, profile.scan
    evidence = [_evidence_row(result) for result in profile.results]
    spending_end: datetime.date = scan.as_of if scan else timezone.localdate()
    spending = selectors.employee_monthly_spending(
        user=request.user, employee=employee, end=spending_end, months=SPENDING_MONTHS
    )
    may_reveal = (
        alert is not None
        and can(request.user, Action.REVEAL_NAME)
        and not name_revealed(user=request.user, employee=employee, alert_id=alert.pk)
    )

    context = {
        "employee": employee,
        "alert": alert,
        "scan": scan,
        "hits": [row for row in evidence if row.hit],
        "misses": [row for row in evidence if not row.hit],
        "spending": spending,
        "spending_chart": charts.spending_option(spending) if spending else None,
        "reveal_form": RevealNameForm() if may_reveal else None,
    }
    return render(request, "web/risk_profile.html", context)


def _evidence_row(result: IndicatorResult) -> EvidenceRow:
    return EvidenceRow(
        code=result.code,
        label=indicator_label(result.code),
        hit=result.hit,
        severity=result.severity,
        sentences=evidence_sentences(result.code, result.evidence, result_id=result.pk),
    )


@require_POST
@alert_viewer_required
def alert_reveal_name(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Reveal the name behind an alert's pseudonym, for this user and alert, with a reason."""
    try:
        alert = selectors.alert_get_for_user(alert_id=alert_id, user=request.user)
    except NotFound as error:
        raise Http404(error.message) from error

    form = RevealNameForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get_json_data()["reason"]:
            messages.error(request, message["message"])
        return redirect("web:alert_detail", alert_id=alert.pk)
    try:
        reveal_name(
            # alert_viewer_required let only logged-in users through.
            user=cast(User, request.user),
            employee=alert.employee,
            reason=form.cleaned_data["reason"],
            alert_id=alert.pk,
        )
    except HrguardError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("已显示该员工的姓名，本次查看已记入审计日志。"))
    return redirect("web:alert_detail", alert_id=alert.pk)
