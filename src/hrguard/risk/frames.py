"""Load the scan window from the database into the engine's polars frames.

Rows are read with the query the ORM compiles, through a chunked cursor, so
millions of payment rows never exist as model instances. Money is converted
to integer fen in SQL, and times to Asia/Shanghai wall-clock time here.

Payment rows are read only for employees whose 支付记录 consent is in force on
the scan date. The check happens here and nowhere else, so an indicator that
reads payments receives consented rows alone.
"""

import datetime
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.conf import settings
from django.db import connections
from django.db.models import BigIntegerField, F, FloatField, QuerySet
from django.db.models.functions import Cast, Round

from hrguard.attendance.models import LeaveRecord
from hrguard.payments.models import PaymentTransaction
from hrguard.payroll.models import PayrollRecord, Reimbursement
from hrguard.people.models import Employee
from hrguard.privacy.models import Consent, DataCategory
from hrguard.risk.engine import Period, ScanInput, scan_input
from hrguard.risk.engine.inputs import SOURCE_SCHEMAS

logger = logging.getLogger(__name__)

# Rows fetched from the cursor at a time; bounds the Python objects alive at once.
BATCH_ROWS = 200_000

# A loader returns the rows of one source for the given employees and period.
FrameLoader = Callable[..., pl.DataFrame]


@dataclass(frozen=True)
class FrameSource:
    loader: FrameLoader
    # Data category whose consent must be in force on as_of, or None for HR data.
    consent: str | None = None


def scanned_employees() -> QuerySet[Employee]:
    """Return the employees a scan covers: everyone not marked as having left."""
    return Employee.objects.exclude(status=Employee.Status.LEFT)


def fen(field: str) -> Cast:
    return Cast(Round(F(field) * 100), BigIntegerField())


def _window_bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """Return [start, end) as aware datetimes: the first local midnight of the window to the day after as_of."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(period.start, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(
        period.as_of + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
    )
    return start, end


def payments_load(*, period: Period, employees: QuerySet[Employee]) -> pl.DataFrame:
    start, end = _window_bounds(period)
    rows = (
        PaymentTransaction.objects.filter(
            employee__in=employees, occurred_at__gte=start, occurred_at__lt=end
        )
        .annotate(employee_no=F("employee__employee_no"), amount_fen=fen("amount"))
        .values_list(
            "employee_no",
            "occurred_at",
            "direction",
            "amount_fen",
            "succeeded",
            "counterparty",
            "description",
            "category",
        )
    )
    return queryset_frame(rows, "payments")


def payroll_load(*, period: Period, employees: QuerySet[Employee]) -> pl.DataFrame:
    rows = (
        PayrollRecord.objects.filter(
            employee__in=employees, month__gte=period.start, month__lte=period.as_of
        )
        .annotate(employee_no=F("employee__employee_no"), net_pay_fen=fen("net_pay"))
        .values_list("employee_no", "month", "net_pay_fen")
    )
    return queryset_frame(rows, "payroll")


def leave_load(*, period: Period, employees: QuerySet[Employee]) -> pl.DataFrame:
    rows = (
        LeaveRecord.objects.filter(
            employee__in=employees, date__gte=period.start, date__lte=period.as_of
        )
        .annotate(employee_no=F("employee__employee_no"), days_float=Cast("days", FloatField()))
        .values_list("employee_no", "date", "leave_type", "days_float")
    )
    return queryset_frame(rows, "leave", rename={"days_float": "days"})


def reimbursements_load(*, period: Period, employees: QuerySet[Employee]) -> pl.DataFrame:
    rows = (
        Reimbursement.objects.filter(
            employee__in=employees, date__gte=period.start, date__lte=period.as_of
        )
        .annotate(
            employee_no=F("employee__employee_no"),
            department=F("employee__department__name"),
            amount_fen=fen("amount"),
        )
        .values_list("employee_no", "department", "date", "amount_fen")
    )
    return queryset_frame(rows, "reimbursements")


FRAME_SOURCES: dict[str, FrameSource] = {
    "payments": FrameSource(payments_load, consent=DataCategory.PAYMENTS),
    "payroll": FrameSource(payroll_load),
    "leave": FrameSource(leave_load),
    "reimbursements": FrameSource(reimbursements_load),
}


def frame_source_register(source: str, loader: FrameLoader, *, consent: str | None = None) -> None:
    """Add a source to every scan; with `consent`, only consenting employees' rows are loaded."""
    FRAME_SOURCES[source] = FrameSource(loader, consent=consent)


def scan_frames(
    *,
    period: Period,
    on_source_done: Callable[[str], None] | None = None,
) -> ScanInput:
    """Load every registered source for the scanned employees over `period`."""
    employees = scanned_employees()
    employee_frame = pl.DataFrame(
        {"employee_no": list(employees.values_list("employee_no", flat=True))},
        schema={"employee_no": pl.String()},
    )

    frames: dict[str, pl.DataFrame] = {}
    scopes: dict[str, frozenset[str]] = {}
    for source, spec in FRAME_SOURCES.items():
        readable = employees
        if spec.consent is not None:
            consenting = Consent.objects.in_force_on(period.as_of).filter(category=spec.consent)
            readable = employees.filter(pk__in=consenting.values("employee_id"))
            scopes[source] = frozenset(readable.values_list("employee_no", flat=True))
        frames[source] = spec.loader(period=period, employees=readable)
        logger.info("scan frame %s: %d rows", source, frames[source].height)
        if on_source_done is not None:
            on_source_done(source)

    return scan_input(employees=employee_frame, frames=frames, scopes=scopes)


def queryset_frame(
    queryset: QuerySet[Any, Any], source: str, *, rename: Mapping[str, str] | None = None
) -> pl.DataFrame:
    """Run a values_list queryset through a chunked cursor into a frame of `source`'s schema."""
    sql, params = queryset.query.sql_with_params()
    schema = SOURCE_SCHEMAS[source]
    rename = dict(rename or {})
    batches: list[pl.DataFrame] = []
    with connections[queryset.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        # Name columns from the cursor: the ORM may order annotations after fields.
        names = [rename.get(column[0], column[0]) for column in cursor.description]
        while rows := cursor.fetchmany(BATCH_ROWS):
            batch = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
            batches.append(_conform(batch, schema))
    if not batches:
        return pl.DataFrame(schema=schema)
    return pl.concat(batches)


def _conform(batch: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Cast one batch to the schema; SQLite returns dates and times as text, in UTC for times."""
    columns = []
    for name, dtype in schema.items():
        column = pl.col(name)
        actual = batch.schema[name]
        if isinstance(dtype, pl.Datetime):
            if actual == pl.String():
                column = column.str.to_datetime(time_zone="UTC", time_unit="us")
            elif isinstance(actual, pl.Datetime) and actual.time_zone is None:
                column = column.dt.replace_time_zone("UTC")
            column = column.dt.convert_time_zone(settings.TIME_ZONE).dt.replace_time_zone(None)
        elif isinstance(dtype, pl.Date) and actual == pl.String():
            column = column.str.to_date("%Y-%m-%d")
        columns.append(column.cast(dtype).alias(name))
    return batch.select(columns)
