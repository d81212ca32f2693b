from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    EMPLOYEES = "employees", _("员工花名册")
    PAYROLL = "payroll", _("工资")
    LEAVE = "leave", _("考勤请假")
    REIMBURSEMENTS = "reimbursements", _("报销")
    CONSENTS = "consents", _("个人信息授权")
    PAYMENTS = "payments", _("支付记录")
    CHAT = "chat", _("聊天记录")


class ImportBatch(models.Model):
    """One attempt to import one file, kept whether it was committed or rejected."""

    class Status(models.TextChoices):
        COMMITTED = "committed", _("已导入")
        REJECTED = "rejected", _("已拒绝")
        DRY_RUN = "dry_run", _("仅校验")

    kind = models.CharField(_("类型"), max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField(_("大小(字节)"))
    layout = models.CharField(_("格式"), max_length=50, blank=True)
    employee = models.ForeignKey(
        "people.Employee",
        verbose_name=_("员工"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("个人账单所属的员工"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    rows_total = models.PositiveIntegerField(_("数据行"), default=0)
    rows_created = models.PositiveIntegerField(_("新增"), default=0)
    rows_updated = models.PositiveIntegerField(_("更新"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("未变"), default=0)
    rows_rejected = models.PositiveIntegerField(_("错误行"), default=0)
    # Row-level problems: [{"row": 5, "column": "金额", "value": "abc", "message": "..."}]
    errors = models.JSONField(default=list, blank=True)
    # Differences that did not stop the import, such as a bill whose stated sum differs
    # from its rows: [{"row": 9, "message": "..."}]
    warnings = models.JSONField(default=list, blank=True)
    # Path under HRGUARD_HOME of the stored original, set only when committed.
    stored_path = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"
