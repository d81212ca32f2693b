from django.db import models
from django.utils.translation import gettext_lazy as _


class LeaveType(models.TextChoices):
    PERSONAL = "事假", _("事假")
    SICK = "病假", _("病假")
    ANNUAL = "年假", _("年假")
    MARRIAGE = "婚假", _("婚假")
    MATERNITY = "产假", _("产假")
    PATERNITY = "陪产假", _("陪产假")
    BEREAVEMENT = "丧假", _("丧假")
    COMPENSATORY = "调休", _("调休")
    ABSENT = "旷工", _("旷工")
    LATE = "迟到", _("迟到")


# Leave the law protects: it must never count as a risk signal.
PROTECTED_LEAVE = frozenset(
    {
        LeaveType.SICK,
        LeaveType.MATERNITY,
        LeaveType.MARRIAGE,
        LeaveType.BEREAVEMENT,
        LeaveType.ANNUAL,
        LeaveType.PATERNITY,
    }
)


class LeaveRecord(models.Model):
    employee = models.ForeignKey(
        "people.Employee", verbose_name=_("员工"), on_delete=models.CASCADE, related_name="leave"
    )
    date = models.DateField(_("日期"))
    leave_type = models.CharField(_("类型"), max_length=8, choices=LeaveType.choices)
    days = models.DecimalField(_("时长(天)"), max_digits=5, decimal_places=2)
    batch = models.ForeignKey("ingest.ImportBatch", null=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("请假与缺勤")
        verbose_name_plural = _("请假与缺勤")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "date", "leave_type"], name="leave_one_per_day_and_type"
            ),
        ]
        ordering = ["employee_id", "date"]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.date} {self.leave_type} {self.days}"
