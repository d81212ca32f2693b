"""考勤请假 (leave and absence) template: one row per employee, date and type."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrguard.attendance.models import LeaveRecord, LeaveType
from hrguard.ingest import values
from hrguard.ingest.kinds import register
from hrguard.ingest.kinds.base import (
    Column,
    RowContext,
    TemplateImporter,
    WriteCounts,
    upsert_chunk,
)

if TYPE_CHECKING:
    from hrguard.ingest.models import ImportBatch

# One row is one date, but some systems put a whole maternity leave on its first day.
MAX_DAYS = Decimal(366)


@dataclass(frozen=True)
class LeaveRow:
    employee_id: int
    date: datetime.date
    leave_type: str
    days: Decimal


@register
class LeaveImporter(TemplateImporter[LeaveRow]):
    kind = "leave"
    label = gettext_lazy("考勤请假")
    columns = (
        Column("工号", ("员工编号", "职工号", "员工工号")),
        Column("姓名", ("员工姓名",), required=False),
        Column("日期", ("请假日期", "考勤日期")),
        Column("类型", ("请假类型", "假期类型", "考勤类型")),
        Column("时长(天)", ("时长", "天数", "请假天数")),
    )
    example = {
        "工号": "E0001",
        "姓名": "张三",
        "日期": "2026-03-02",
        "类型": "事假",
        "时长(天)": "1",
    }
    key_columns = ("工号", "日期", "类型")
    allowed_values = {"类型": tuple(LeaveType.values)}

    def parse(self, ctx: RowContext) -> LeaveRow | None:
        employee_id = self.roster.resolve(ctx)
        date = ctx.date("日期")
        leave_type = self._leave_type(ctx)
        days = self._days(ctx)
        if ctx.issues or employee_id is None or date is None or leave_type is None or days is None:
            return None
        return LeaveRow(employee_id, date, leave_type, days)

    def _leave_type(self, ctx: RowContext) -> str | None:
        value = ctx.get("类型")
        if value in LeaveType.values:
            return value
        ctx.problem(
            "类型",
            _("未知的类型。请填写以下之一：%(known)s。") % {"known": "、".join(LeaveType.values)},
        )
        return None

    def _days(self, ctx: RowContext) -> Decimal | None:
        value = ctx.get("时长(天)")
        if not value:
            ctx.problem("时长(天)", _("时长不能为空，请填写天数，例如 1 或 0.5。"))
            return None
        try:
            days = values.parse_amount(value, allow_negative=True)
        except values.ValueProblem:
            ctx.problem("时长(天)", _("时长必须是最多两位小数的天数，例如 1、0.5 或 0.25。"))
            return None
        if days < 0 or days > MAX_DAYS:
            ctx.problem("时长(天)", _("时长必须在 0 到 366 天之间。"))
            return None
        return days

    def natural_key(self, record: LeaveRow) -> tuple[str, ...]:
        return (str(record.employee_id), record.date.isoformat(), record.leave_type)

    def write_chunk(
        self, records: list[LeaveRow], *, batch: "ImportBatch | None", apply: bool
    ) -> WriteCounts:
        rows = [
            {
                "employee_id": record.employee_id,
                "date": record.date,
                "leave_type": record.leave_type,
                "days": record.days,
            }
            for record in records
        ]
        return upsert_chunk(
            LeaveRecord,
            rows,
            key_fields=("employee_id", "date", "leave_type"),
            batch=batch,
            apply=apply,
        )
