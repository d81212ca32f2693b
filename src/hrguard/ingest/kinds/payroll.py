"""工资 (payroll) template: one row per employee and month."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrguard.ingest.kinds import register
from hrguard.ingest.kinds.base import (
    Column,
    RowContext,
    TemplateImporter,
    WriteCounts,
    upsert_chunk,
)
from hrguard.payroll.models import PayrollRecord

if TYPE_CHECKING:
    from hrguard.ingest.models import ImportBatch


@dataclass(frozen=True)
class PayrollRow:
    employee_id: int
    month: datetime.date
    gross_pay: Decimal
    net_pay: Decimal


@register
class PayrollImporter(TemplateImporter[PayrollRow]):
    kind = "payroll"
    label = gettext_lazy("工资")
    columns = (
        Column("工号", ("员工编号", "职工号", "员工工号")),
        Column("姓名", ("员工姓名",), required=False),
        Column("月份", ("工资月份", "所属月份", "发放月份")),
        Column("应发工资", ("应发合计", "应发金额", "应付工资")),
        Column("实发工资", ("实发金额", "实发合计", "工资实发合计", "本月实付工资")),
    )
    example = {
        "工号": "E0001",
        "姓名": "张三",
        "月份": "2026-03",
        "应发工资": "12000.00",
        "实发工资": "9856.40",
    }
    key_columns = ("工号", "月份")

    def parse(self, ctx: RowContext) -> PayrollRow | None:
        employee_id = self.roster.resolve(ctx)
        month = ctx.month("月份")
        gross = ctx.amount("应发工资")
        net = ctx.amount("实发工资")
        if gross is not None and net is not None and net > gross:
            ctx.problem(
                "实发工资",
                _("实发工资不能大于应发工资（%(gross)s）。请检查两列是否填反。") % {"gross": gross},
            )
        if ctx.issues or employee_id is None or month is None or gross is None or net is None:
            return None
        return PayrollRow(employee_id, month, gross, net)

    def natural_key(self, record: PayrollRow) -> tuple[str, ...]:
        return (str(record.employee_id), record.month.isoformat())

    def write_chunk(
        self, records: list[PayrollRow], *, batch: "ImportBatch | None", apply: bool
    ) -> WriteCounts:
        rows = [
            {
                "employee_id": record.employee_id,
                "month": record.month,
                "gross_pay": record.gross_pay,
                "net_pay": record.net_pay,
            }
            for record in records
        ]
        return upsert_chunk(
            PayrollRecord, rows, key_fields=("employee_id", "month"), batch=batch, apply=apply
        )
