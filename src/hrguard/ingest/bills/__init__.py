"""Parsers for an employee's own Alipay and WeChat Pay bill exports.

`read_bill(path, file_name=...)` recognises the layout by its header names and returns a
`Bill` whose `rows()` stream `BillRow`s (or `RowIssue`s for unreadable rows) and whose
`check_totals()` compares them with the totals the file states.
"""

from hrguard.ingest.bills.reader import Bill, BillLayoutUnknown, read_bill
from hrguard.ingest.bills.types import BillRow, DeclaredTotal, DeclaredTotals, Direction, Source

__all__ = [
    "Bill",
    "BillLayoutUnknown",
    "BillRow",
    "DeclaredTotal",
    "DeclaredTotals",
    "Direction",
    "Source",
    "read_bill",
]
