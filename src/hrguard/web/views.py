"""Pages of the risk UI: dashboard, alert list and the employee risk profile."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from hrguard.core.errors import NotFound
from hrguard.people.models import Employee
from hrguard.risk import selectors
from hrguard.risk.models import Alert, IndicatorResult, ScanRun
from hrguard.web import charts
from hrguard.web.forms import AlertFilterForm
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


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    by_level = selectors.open_alert_counts_by_level(user=request.user)
    by_department = selectors.open_alert_counts_by_department(user=request.user)
    scans = selectors.scan_trend()

    context = {
        "by_level": [(level, by_level[level]) for level in reversed(selectors.LEVELS_ASCENDING)],
        "open_total": sum(by_level.values()),
        "latest_scan": selectors.scan_latest(),
        "department_chart": charts.department_bar_option(by_department) if by_department else None,
        "trend_chart": charts.scan_trend_option(scans) if scans else None,
    }
    return render(request, "web/dashboard.html", context)


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET, indicator_codes=selectors.indicator_codes_in_use())
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


@login_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    try:
        alert = selectors.alert_get_for_user(alert_id=alert_id, user=request.user)
    except NotFound as error:
        raise Http404(error.message) from error

    results = selectors.alert_results(alert=alert)
    return _render_risk_profile(request, alert.employee, alert, alert.last_scan, results)


@login_required
def employee_profile(request: HttpRequest, employee_id: int) -> HttpResponse:
    try:
        profile = selectors.risk_profile_for_user(employee_id=employee_id, user=request.user)
    except NotFound as error:
        raise Http404(error.message) from error

    return _render_risk_profile(
        request, profile.employee, profile.alert, profile.scan, profile.results
    )


def _render_risk_profile(
    request: HttpRequest,
    employee: Employee,
    alert: Alert | None,
    scan: ScanRun | None,
    results: list[IndicatorResult],
) -> HttpResponse:
    evidence = [_evidence_row(result) for result in results]
    spending_end: datetime.date = scan.as_of if scan else timezone.localdate()
    spending = selectors.employee_monthly_spending(
        employee=employee, end=spending_end, months=SPENDING_MONTHS
    )

    context = {
        "employee": employee,
        "alert": alert,
        "scan": scan,
        "hits": [row for row in evidence if row.hit],
        "misses": [row for row in evidence if not row.hit],
        "spending": spending,
        "spending_chart": charts.spending_option(spending) if spending else None,
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
