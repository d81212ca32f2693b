"""Types shared by every importer: row problems and the import report."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from hrguard.ingest.bills.types import DeclaredTotals

# Characters of a cell value quoted in a message; longer values are cut.
QUOTED_LENGTH = 80


def shorten(text: str, limit: int = QUOTED_LENGTH) -> str:
    """Return `text`, or its first `limit` characters and its length when it is longer."""
    if len(text) <= limit:
        return text
    return _("%(start)s…（共 %(length)d 字）") % {"start": text[:limit], "length": len(text)}


@dataclass(frozen=True)
class RowIssue:
    """One problem in an input file, located so a person can find and fix it.

    `row` is the 1-based line (CSV) or row (spreadsheet) number as a text editor or
    Excel shows it; None when the problem concerns the whole file. `column` is the
    header as written in the file. `message` says what is wrong and how to fix it.
    """

    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def describe(self, file_name: str) -> str:
        """Return the whole problem as one Chinese sentence naming file, row, column and value."""
        if self.row is None:
            return _("文件「%(file)s」：%(message)s") % {"file": file_name, "message": self.message}
        if self.column is None:
            return _("文件「%(file)s」第 %(row)d 行：%(message)s") % {
                "file": file_name,
                "row": self.row,
                "message": self.message,
            }
        return _("文件「%(file)s」第 %(row)d 行「%(column)s」列的值「%(value)s」：%(message)s") % {
            "file": file_name,
            "row": self.row,
            "column": self.column,
            "value": shorten(self.value) if self.value is not None else "",
            "message": self.message,
        }


@dataclass
class ImportReport:
    """What one import did, or would have done on a dry run."""

    kind: str
    file_name: str
    status: str
    layout: str = ""
    batch_id: int | None = None
    rows_total: int = 0
    rows_created: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    issues: list[RowIssue] = field(default_factory=list)
    # All issues found; `issues` keeps only the first ones when a file has very many.
    issues_total: int = 0
    notes: list[str] = field(default_factory=list)
    # Differences that did not stop the import, for example a bill whose stated sums
    # differ from its rows; they are kept on the batch too.
    warnings: list[RowIssue] = field(default_factory=list)
    # For a bill: the totals it states about itself (a DeclaredTotals), and the rows
    # read per direction as {"income": (count, sum)}.
    declared_totals: "DeclaredTotals | None" = None
    read_totals: dict[str, tuple[int, Decimal]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.issues
