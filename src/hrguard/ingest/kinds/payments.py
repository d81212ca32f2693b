"""支付记录 (payments): one employee's own Alipay or WeChat Pay bill export.

Payment records are sensitive personal information, so a bill is imported only for an
employee whose 支付记录 consent is in force on the day of the import.
"""

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrguard.ingest import readers
from hrguard.ingest.base import RowIssue
from hrguard.ingest.bills import BillLayoutUnknown, BillRow, read_bill
from hrguard.ingest.kinds import register
from hrguard.ingest.kinds.base import (
    CHUNK_SIZE,
    Cells,
    Importer,
    IssueCollector,
    KeyLedger,
    WriteCounts,
    file_issue,
)
from hrguard.payments.models import PaymentTransaction
from hrguard.privacy.models import Consent, DataCategory

if TYPE_CHECKING:
    from hrguard.ingest.models import ImportBatch

# The model fields an import compares and overwrites when an order is seen again,
# for example when 等待确认收货 became 交易成功 in a later export.
UPDATED_FIELDS = [
    "occurred_at",
    "category",
    "counterparty",
    "description",
    "direction",
    "amount",
    "method",
    "status",
    "merchant_order_no",
    "note",
    "succeeded",
]
# Model field lengths: an overlong export value is truncated instead of failing the insert.
_MAX_LENGTHS = {
    field: getattr(PaymentTransaction._meta.get_field(field), "max_length", None)
    for field in [
        "category",
        "counterparty",
        "description",
        "method",
        "status",
        "merchant_order_no",
        "note",
    ]
}


@register
class PaymentsImporter(Importer):
    kind = "payments"
    label = gettext_lazy("支付记录")
    needs_employee = True

    def validate(self, issues: IssueCollector) -> None:
        if self.employee is None:
            raise ValueError("a payments import needs the employee the bill belongs to")
        today = timezone.localdate()
        consented = (
            Consent.objects.in_force_on(today)
            .filter(employee=self.employee, category=DataCategory.PAYMENTS)
            .exists()
        )
        if not consented:
            issues.add(
                RowIssue(
                    message=_(
                        "员工 %(no)s 没有在 %(day)s 有效的「支付记录」单独同意，不能导入其账单。"
                        "请先取得员工的书面同意并导入个人信息授权。"
                    )
                    % {"no": self.employee.employee_no, "day": today.isoformat()}
                )
            )
            return

        ledger = KeyLedger()
        try:
            bill = read_bill(self.path, file_name=self.file_name)
            self.layout = bill.layout
            for issue in bill.check_totals(self._valid_rows(bill.rows(), issues, ledger)):
                issues.add(issue)
            for row, first_row, cells in ledger.duplicates():
                issues.add(
                    RowIssue(
                        message=_(
                            "交易订单号与第 %(first)d 行重复。同一笔交易只能出现一次，请重新导出原始账单。"
                        )
                        % {"first": first_row},
                        row=row,
                    ),
                    cells,
                )
        except (readers.UnreadableFile, BillLayoutUnknown) as problem:
            issues.add(file_issue(problem, self.file_name))
        finally:
            ledger.close()
        if self.rows_total == 0 and issues.total == 0:
            issues.add(
                RowIssue(message=_("账单中没有交易记录。请确认导出时选择了正确的时间范围。"))
            )

    def _valid_rows(
        self, rows: Iterator[BillRow | RowIssue], issues: IssueCollector, ledger: KeyLedger
    ) -> Iterator[BillRow]:
        """Count rows, record row issues and order numbers, and pass the parsed rows on."""
        for item in rows:
            if isinstance(item, RowIssue):
                self.rows_total += 1
                issues.add(item)
                continue
            self.rows_total += 1
            ledger.add((item.order_no,), item.line, _cells(item))
            yield item

    def write(self, *, batch: "ImportBatch | None", apply: bool) -> WriteCounts:
        bill = read_bill(self.path, file_name=self.file_name)
        counts = WriteCounts()
        chunk: list[BillRow] = []
        for item in bill.rows():
            if isinstance(item, RowIssue):
                raise RuntimeError(f"row {item.row} of {self.file_name} changed after validation")
            chunk.append(item)
            if len(chunk) >= CHUNK_SIZE:
                counts.add(self._write_chunk(chunk, source=bill.source, batch=batch, apply=apply))
                chunk = []
        if chunk:
            counts.add(self._write_chunk(chunk, source=bill.source, batch=batch, apply=apply))
        return counts

    def _write_chunk(
        self, rows: list[BillRow], *, source: str, batch: "ImportBatch | None", apply: bool
    ) -> WriteCounts:
        existing = {
            payment.order_no: payment
            for payment in PaymentTransaction.objects.filter(
                employee=self.employee, source=source, order_no__in=[row.order_no for row in rows]
            )
        }
        counts = WriteCounts()
        to_create: list[PaymentTransaction] = []
        to_update: list[PaymentTransaction] = []
        for row in rows:
            fields = _model_fields(row)
            current = existing.get(row.order_no)
            if current is None:
                to_create.append(
                    PaymentTransaction(
                        employee=self.employee,
                        source=source,
                        order_no=row.order_no,
                        batch=batch,
                        **fields,
                    )
                )
            elif all(getattr(current, name) == value for name, value in fields.items()):
                counts.unchanged += 1
            else:
                for name, value in fields.items():
                    setattr(current, name, value)
                current.batch = batch
                to_update.append(current)
        counts.created += len(to_create)
        counts.updated += len(to_update)
        if apply:
            PaymentTransaction.objects.bulk_create(to_create)
            PaymentTransaction.objects.bulk_update(to_update, [*UPDATED_FIELDS, "batch"])
        return counts


def _model_fields(row: BillRow) -> dict[str, object]:
    fields: dict[str, object] = {
        "occurred_at": row.occurred_at,
        "direction": row.direction,
        "amount": row.amount,
        # A refund row returns money, so it never counts as spending.
        "succeeded": row.succeeded and not row.refund,
    }
    for name, max_length in _MAX_LENGTHS.items():
        fields[name] = getattr(row, name)[:max_length]
    return fields


def _cells(row: BillRow) -> Cells:
    return [
        ("交易时间", row.occurred_at.isoformat(sep=" ")),
        ("交易分类", row.category),
        ("交易对方", row.counterparty),
        ("商品说明", row.description),
        ("收/支", str(PaymentTransaction.Direction(row.direction).label)),
        ("金额", str(row.amount)),
        ("收/付款方式", row.method),
        ("交易状态", row.status),
        ("交易订单号", row.order_no),
        ("商家订单号", row.merchant_order_no),
        ("备注", row.note),
    ]
