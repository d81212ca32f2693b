from django.db import models
from django.utils.translation import gettext_lazy as _


class PayrollRecord(models.Model):
    """One employee's pay for one month; amounts in yuan."""

    employee = models.ForeignKey(
        "people.Employee", verbose_name=_("员工"), on_delete=models.CASCADE, related_name="payroll"
    )
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    gross_pay = models.DecimalField(_("应发工资"), max_digits=12, decimal_places=2)
    net_pay = models.DecimalField(_("实发工资"), max_digits=12, decimal_places=2)
    batch = models.ForeignKey("ingest.ImportBatch", null=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("工资")
        verbose_name_plural = _("工资")
        constraints = [
            models.UniqueConstraint(fields=["employee", "month"], name="payroll_one_per_month"),
        ]
        ordering = ["employee_id", "month"]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.month:%Y-%m}"


class Reimbursement(models.Model):
    employee = models.ForeignKey(
        "people.Employee",
        verbose_name=_("员工"),
        on_delete=models.CASCADE,
        related_name="reimbursements",
    )
    date = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2)
    category = models.CharField(_("类别"), max_length=50)
    description = models.CharField(_("说明"), max_length=500, blank=True)
    # Hash of the normalised row, so re-importing the same claim adds nothing.
    row_key = models.CharField(max_length=64, unique=True)
    batch = models.ForeignKey("ingest.ImportBatch", null=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("报销")
        verbose_name_plural = _("报销")
        ordering = ["employee_id", "date"]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.date} {self.amount}"
