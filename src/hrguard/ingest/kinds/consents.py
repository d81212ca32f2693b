"""个人信息授权 (consent) template: one row per employee, data category and grant date."""

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrguard.ingest.kinds import register
from hrguard.ingest.kinds.base import Column, RowContext, TemplateImporter, WriteCounts
from hrguard.privacy.models import Consent, DataCategory

if TYPE_CHECKING:
    from hrguard.ingest.models import ImportBatch
    from hrguard.people.models import Employee

# The labels HR writes in the file, mapped to the stored category.
CATEGORY_BY_LABEL = {str(label): value for value, label in DataCategory.choices}


@dataclass(frozen=True)
class ConsentRow:
    employee_id: int
    category: str
    granted_on: datetime.date
    withdrawn_on: datetime.date | None


@register
class ConsentImporter(TemplateImporter[ConsentRow]):
    kind = "consents"
    label = gettext_lazy("个人信息授权")
    columns = (
        Column("工号", ("员工编号", "职工号", "员工工号")),
        Column("姓名", ("员工姓名",), required=False),
        Column("数据类别", ("授权类别", "类别")),
        Column("同意日期", ("授权日期", "签署日期")),
        Column("撤回日期", ("撤销日期",), required=False),
    )
    example = {
        "工号": "E0001",
        "姓名": "张三",
        "数据类别": "支付记录",
        "同意日期": "2026-03-01",
        "撤回日期": "",
    }
    key_columns = ("工号", "数据类别", "同意日期")
    allowed_values = {"数据类别": tuple(CATEGORY_BY_LABEL)}

    def __init__(self, *, path: Path, file_name: str, employee: "Employee | None" = None) -> None:
        super().__init__(path=path, file_name=file_name, employee=employee)
        self.kept_withdrawals = 0

    def parse(self, ctx: RowContext) -> ConsentRow | None:
        employee_id = self.roster.resolve(ctx)
        category = CATEGORY_BY_LABEL.get(ctx.get("数据类别"))
        if category is None:
            ctx.problem(
                "数据类别",
                _("未知的数据类别。请填写以下之一：%(known)s。")
                % {"known": "、".join(CATEGORY_BY_LABEL)},
            )
        granted_on = ctx.date("同意日期")
        withdrawn_on = ctx.date("撤回日期", required=False)
        if granted_on is not None and withdrawn_on is not None and withdrawn_on < granted_on:
            ctx.problem(
                "撤回日期",
                _("撤回日期早于同意日期 %(granted)s，请核对。") % {"granted": granted_on},
            )
        if ctx.issues or employee_id is None or category is None or granted_on is None:
            return None
        return ConsentRow(employee_id, category, granted_on, withdrawn_on)

    def write(self, *, batch: "ImportBatch | None", apply: bool) -> WriteCounts:
        counts = super().write(batch=batch, apply=apply)
        if self.kept_withdrawals:
            self.notes.append(
                _(
                    "%(count)d 条授权在系统中已撤回，文件中没有撤回日期，已保留撤回记录。"
                    "员工重新同意时，请以新的同意日期另起一行。"
                )
                % {"count": self.kept_withdrawals}
            )
        return counts

    def natural_key(self, record: ConsentRow) -> tuple[str, ...]:
        return (str(record.employee_id), record.category, record.granted_on.isoformat())

    def write_chunk(
        self, records: list[ConsentRow], *, batch: "ImportBatch | None", apply: bool
    ) -> WriteCounts:
        existing = {
            (row.employee_id, row.category, row.granted_on): row
            for row in Consent.objects.filter(
                employee_id__in={r.employee_id for r in records},
                granted_on__in={r.granted_on for r in records},
            )
        }
        counts = WriteCounts()
        to_create: list[Consent] = []
        to_update: list[Consent] = []
        for record in records:
            current = existing.get((record.employee_id, record.category, record.granted_on))
            if current is None:
                to_create.append(
                    Consent(
                        employee_id=record.employee_id,
                        category=record.category,
                        granted_on=record.granted_on,
                        withdrawn_on=record.withdrawn_on,
                        batch=batch,
                    )
                )
            elif current.withdrawn_on == record.withdrawn_on:
                counts.unchanged += 1
            elif record.withdrawn_on is None:
                # A withdrawal is never undone by an import: consenting again is a new grant
                # with its own 同意日期.
                self.kept_withdrawals += 1
                counts.unchanged += 1
            else:
                current.withdrawn_on, current.batch = record.withdrawn_on, batch
                to_update.append(current)
        counts.created += len(to_create)
        counts.updated += len(to_update)
        if apply:
            Consent.objects.bulk_create(to_create)
            Consent.objects.bulk_update(to_update, ["withdrawn_on", "batch"])
        return counts
