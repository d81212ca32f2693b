"""报销 (reimbursement) template: one row per claim, identified by a hash of the row."""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrguard.ingest.kinds import register
from hrguard.ingest.kinds.base import Cells, Column, RowContext, TemplateImporter, WriteCounts
from hrguard.payroll.models import Reimbursement

if TYPE_CHECKING:
    from hrguard.ingest.models import ImportBatch


@dataclass(frozen=True)
class ReimbursementRow:
    employee_id: int
    employee_no: str
    date: datetime.date
    amount: Decimal
    category: str
    description: str

    @property
    def row_key(self) -> str:
        """Hash of the normalised claim; the employee number, not the database id, keeps it portable."""
        text = "\x1f".join(
            (
                self.employee_no,
                self.date.isoformat(),
                str(self.amount),
                self.category,
                self.description,
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()


@register
class ReimbursementImporter(TemplateImporter[ReimbursementRow]):
    kind = "reimbursements"
    label = gettext_lazy("报销")
    columns = (
        Column("工号", ("员工编号", "职工号", "员工工号")),
        Column("姓名", ("员工姓名",), required=False),
        Column("日期", ("报销日期", "费用日期", "发生日期")),
        Column("金额", ("报销金额", "金额(元)")),
        Column("类别", ("报销类别", "费用类别", "费用类型")),
        Column("说明", ("事由", "备注", "报销说明"), required=False),
    )
    example = {
        "工号": "E0001",
        "姓名": "张三",
        "日期": "2026-03-05",
        "金额": "356.50",
        "类别": "差旅",
        "说明": "上海出差高铁票",
    }
    key_columns = ("工号", "日期", "金额", "类别", "说明")

    def duplicate_message(self, first_row: int, cells: Cells | None = None) -> str:
        return _(
            "与第 %(first)d 行完全相同，会被当作同一笔报销。"
            "如果确实是两笔报销，请在「说明」中区分（例如写上票据号）；否则请删除重复的行。"
        ) % {"first": first_row}

    def parse(self, ctx: RowContext) -> ReimbursementRow | None:
        employee_id = self.roster.resolve(ctx)
        date = ctx.date("日期")
        amount = ctx.amount("金额", allow_zero=False)
        category = ctx.text("类别", max_length=50)
        description = ctx.text("说明", required=False, max_length=500)
        if (
            ctx.issues
            or employee_id is None
            or date is None
            or amount is None
            or category is None
            or description is None
        ):
            return None
        return ReimbursementRow(employee_id, ctx.get("工号"), date, amount, category, description)

    def natural_key(self, record: ReimbursementRow) -> tuple[str, ...]:
        return (record.row_key,)

    def write_chunk(
        self, records: list[ReimbursementRow], *, batch: "ImportBatch | None", apply: bool
    ) -> WriteCounts:
        known = set(
            Reimbursement.objects.filter(row_key__in=[r.row_key for r in records]).values_list(
                "row_key", flat=True
            )
        )
        to_create = [
            Reimbursement(
                employee_id=record.employee_id,
                date=record.date,
                amount=record.amount,
                category=record.category,
                description=record.description,
                row_key=record.row_key,
                batch=batch,
            )
            for record in records
            if record.row_key not in known
        ]
        if apply:
            Reimbursement.objects.bulk_create(to_create)
        return WriteCounts(created=len(to_create), unchanged=len(records) - len(to_create))
