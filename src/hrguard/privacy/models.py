import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataCategory(models.TextChoices):
    """Sensitive categories that need the employee's separate consent (单独同意)."""

    PAYMENTS = "payments", _("支付记录")
    CREDIT = "credit", _("征信报告")
    CHAT = "chat", _("聊天记录")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force_on(self, day: datetime.date) -> "ConsentQuerySet":
        """Consents granted on or before `day` and not withdrawn by then."""
        return self.filter(granted_on__lte=day).filter(
            models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gt=day)
        )


class Consent(models.Model):
    employee = models.ForeignKey(
        "people.Employee", verbose_name=_("员工"), on_delete=models.CASCADE, related_name="consents"
    )
    category = models.CharField(_("数据类别"), max_length=16, choices=DataCategory.choices)
    granted_on = models.DateField(_("同意日期"))
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    batch = models.ForeignKey("ingest.ImportBatch", null=True, on_delete=models.SET_NULL)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人信息授权")
        verbose_name_plural = _("个人信息授权")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "category", "granted_on"], name="consent_once_per_grant"
            ),
        ]
        ordering = ["employee_id", "category", "granted_on"]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.category} {self.granted_on}"

    def in_force_on(self, day: datetime.date) -> bool:
        return self.granted_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)
