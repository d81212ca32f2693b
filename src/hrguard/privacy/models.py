import datetime
from typing import Any

from django.conf import settings
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


class ConsentChannel(models.TextChoices):
    """How a consent was given or withdrawn."""

    PAPER = "paper", _("书面授权（导入）")
    SELF_SERVICE = "self_service", _("员工自助")


class Consent(models.Model):
    employee = models.ForeignKey(
        "people.Employee", verbose_name=_("员工"), on_delete=models.CASCADE, related_name="consents"
    )
    category = models.CharField(_("数据类别"), max_length=16, choices=DataCategory.choices)
    granted_on = models.DateField(_("同意日期"))
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    batch = models.ForeignKey("ingest.ImportBatch", null=True, on_delete=models.SET_NULL)
    # Imported paper consents carry only their dates; the self-service portal
    # records the exact times and the notice version the employee was shown.
    granted_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    channel = models.CharField(
        _("同意方式"), max_length=16, choices=ConsentChannel.choices, default=ConsentChannel.PAPER
    )
    notice = models.ForeignKey(
        "privacy.ProcessingNotice",
        verbose_name=_("告知书版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents",
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawal_channel = models.CharField(
        _("撤回方式"), max_length=16, choices=ConsentChannel.choices, blank=True
    )

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


class Capability(models.Model):
    """Holder of the permissions that roles grant; it has no table.

    Selectors check these through hrguard.privacy.roles.can(); the codenames
    are listed in hrguard.privacy.roles.Action.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_department_employees", _("查看所辖部门的员工")),
            ("view_all_employees", _("查看全部员工")),
            ("import_data", _("导入人事数据")),
            ("view_alerts", _("查看风险预警")),
            ("manage_cases", _("处理个案")),
            ("reveal_name", _("查看化名对应的姓名")),
            ("approve_interventions", _("批准干预措施")),
            ("manage_rules", _("设置风险规则")),
            ("manage_legal_matters", _("处理担保纠纷与催收骚扰")),
            ("export_evidence", _("导出证据包")),
            ("view_audit_log", _("查看审计日志")),
            ("manage_consents", _("管理个人信息授权")),
            ("manage_retention", _("管理保存期限与删除")),
            ("handle_subject_requests", _("处理个人信息权利请求")),
            ("use_self_service", _("使用员工自助")),
            ("manage_users", _("管理用户与角色")),
            ("manage_keys", _("管理加密密钥")),
            ("manage_connectors", _("管理数据接入")),
        ]

    def __str__(self) -> str:
        return "capability"


class DepartmentScope(models.Model):
    """A department (with all its sub-departments) whose employees a user may see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="department_scopes",
    )
    department = models.ForeignKey(
        "people.Department",
        verbose_name=_("部门"),
        on_delete=models.CASCADE,
        related_name="user_scopes",
    )

    class Meta:
        verbose_name = _("数据范围")
        verbose_name_plural = _("数据范围")
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="department_scope_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.department_id}"


class EmployeeAccount(models.Model):
    """The login of an employee who uses self-service."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="employee_account",
    )
    employee = models.OneToOneField(
        "people.Employee",
        verbose_name=_("员工"),
        on_delete=models.CASCADE,
        related_name="account",
    )

    class Meta:
        verbose_name = _("员工账号")
        verbose_name_plural = _("员工账号")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.employee_id}"


class RevealContext(models.TextChoices):
    ALERT = "alert", _("预警")
    CASE = "case", _("个案")


class Reveal(models.Model):
    """A user's permission to see one employee's name within one alert or case."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="reveals",
    )
    employee = models.ForeignKey(
        "people.Employee",
        verbose_name=_("员工"),
        on_delete=models.CASCADE,
        related_name="reveals",
    )
    context_type = models.CharField(_("场景"), max_length=8, choices=RevealContext.choices)
    context_id = models.PositiveBigIntegerField(_("场景编号"))
    reason = models.TextField(_("理由"))
    revealed_at = models.DateTimeField(_("查看时间"))

    class Meta:
        verbose_name = _("姓名查看记录")
        verbose_name_plural = _("姓名查看记录")
        indexes = [
            models.Index(
                fields=["user", "employee", "context_type", "context_id"],
                name="reveal_lookup",
            ),
        ]
        ordering = ["-revealed_at"]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.employee_id} ({self.context_type} {self.context_id})"


GENESIS_HASH = "0" * 64


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("audit entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("audit entries are append-only")


class AuditEntry(models.Model):
    """One link of the append-only, hash-chained audit log.

    `hash` is the SHA-256 of this entry's fields including `seq` and
    `prev_hash`, so changing, removing or reordering an entry breaks the chain.
    Write entries only through hrguard.privacy.audit.audit_record.
    """

    seq = models.PositiveBigIntegerField(_("序号"), primary_key=True)
    created_at = models.DateTimeField(_("时间"))
    # A user id without a foreign key: deleting a user must not rewrite history.
    # None means the system itself.
    actor_id = models.BigIntegerField(_("操作人"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=64)
    target_type = models.CharField(_("对象类型"), max_length=64)
    target_id = models.CharField(_("对象编号"), max_length=64)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("audit entries are append-only")


class AuditChainHead(models.Model):
    """The single row that records the newest audit entry.

    audit_record locks this row to serialise appends, and verification compares
    it with the last entry, so removing entries from the end is detected too.
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class DataSource(models.TextChoices):
    """Sources of personal data, each with one entry in the processing register."""

    ROSTER = "roster", _("员工花名册")
    PAYROLL = "payroll", _("工资")
    LEAVE = "leave", _("考勤请假")
    REIMBURSEMENTS = "reimbursements", _("报销")
    PAYMENTS = "payments", _("支付记录")
    CREDIT = "credit", _("征信报告")
    CHAT = "chat", _("聊天记录")


class LegalBasis(models.TextChoices):
    # PIPL Art. 13(1)(2): HR management under labour rules adopted with the staff
    # congress or union and published to staff (Labour Contract Law Art. 4).
    HR_RULES = "hr_rules", _("按照依法制定的劳动规章制度实施人力资源管理所必需")
    # PIPL Art. 29: sensitive personal information needs separate consent.
    CONSENT = "consent", _("个人单独同意")


class ProcessingActivity(models.Model):
    """One entry of the processing register (处理活动登记): a data source and its legal basis.

    A source stays switched off until its basis is complete; imports of a
    switched-off source are rejected. Change rows only through
    hrguard.privacy.register.
    """

    source = models.CharField(_("数据来源"), max_length=16, choices=DataSource.choices, unique=True)
    purpose = models.TextField(_("处理目的"))
    data_items = models.TextField(_("个人信息种类"))
    legal_basis = models.CharField(
        _("法律依据"), max_length=16, choices=LegalBasis.choices, blank=True
    )
    rule_title = models.CharField(_("规章制度名称"), max_length=200, blank=True)
    rule_version = models.CharField(_("规章制度版本"), max_length=50, blank=True)
    consultation_record = models.TextField(
        _("民主程序记录"),
        blank=True,
        help_text=_("职工代表大会或全体职工讨论、与工会或职工代表协商的时间和记录编号"),
    )
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    retention_period = models.CharField(_("保存期限"), max_length=200)
    # The chat lexicon version the employees were notified of; a newer lexicon
    # needs a new notice before chat may be scanned with it.
    lexicon_version = models.CharField(_("关键词表版本"), max_length=50, blank=True)
    enabled = models.BooleanField(_("已启用"), default=False)
    # True for the example basis installed with the product, which the company
    # must replace with its own rule and consultation record.
    example = models.BooleanField(_("示例记录"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("处理活动")
        verbose_name_plural = _("处理活动登记")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.source} enabled={self.enabled}"


class ProcessingNotice(models.Model):
    """One published version of the processing notice (个人信息处理告知书).

    `content` is the snapshot of purposes, data categories, bases and
    retention the employees were shown; a change to any of them publishes a
    new version.
    """

    version = models.PositiveIntegerField(_("版本"), unique=True)
    content = models.JSONField(_("内容"))
    sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField(_("发布时间"))

    class Meta:
        verbose_name = _("个人信息处理告知书")
        verbose_name_plural = _("个人信息处理告知书")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"notice v{self.version}"


class RequestKind(models.TextChoices):
    ACCESS = "access", _("查阅")
    COPY = "copy", _("复制（导出副本）")
    CORRECTION = "correction", _("更正")
    DELETION = "deletion", _("删除")
    EXPLANATION = "explanation", _("解释说明")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    COMPLETED = "completed", _("已办结")
    REFUSED = "refused", _("已拒绝")


class DataSubjectRequest(models.Model):
    """A ticket for one rights request (PIPL Art. 44–48) from an employee about their own data."""

    employee = models.ForeignKey(
        "people.Employee",
        verbose_name=_("员工"),
        on_delete=models.CASCADE,
        related_name="subject_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("请求类型"), max_length=16, choices=RequestKind.choices)
    # The data category a deletion asks for; blank means the request names none.
    category = models.CharField(
        _("数据类别"), max_length=16, choices=DataCategory.choices, blank=True
    )
    alert = models.ForeignKey(
        "risk.Alert",
        verbose_name=_("相关预警"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    details = models.TextField(_("请求内容"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    deadline = models.DateField(_("答复期限"))
    answer = models.TextField(_("答复及理由"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("个人信息权利请求")
        verbose_name_plural = _("个人信息权利请求")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return f"request {self.pk} {self.kind} {self.status}"


class PurgeReason(models.TextChoices):
    CONSENT_WITHDRAWN = "consent_withdrawn", _("撤回同意")
    DELETION_REQUEST = "deletion_request", _("删除请求")


class PurgeJob(models.Model):
    """The scheduled deletion of one employee's data of one sensitive category.

    `hrguard retention run` executes the jobs due on its day, except for
    employees under legal hold, whose jobs wait for the hold to end.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待执行")
        DONE = "done", _("已执行")

    employee = models.ForeignKey(
        "people.Employee", verbose_name=_("员工"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(_("数据类别"), max_length=16, choices=DataCategory.choices)
    reason = models.CharField(_("原因"), max_length=20, choices=PurgeReason.choices)
    request = models.ForeignKey(
        DataSubjectRequest,
        verbose_name=_("删除请求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="purge_jobs",
    )
    scheduled_for = models.DateField(_("计划日期"))
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    executed_at = models.DateTimeField(_("执行时间"), null=True, blank=True)
    rows_deleted = models.PositiveIntegerField(_("删除行数"), default=0)

    class Meta:
        verbose_name = _("删除任务")
        verbose_name_plural = _("删除任务")
        ordering = ["scheduled_for", "pk"]

    def __str__(self) -> str:
        return f"purge {self.category} of {self.employee_id} on {self.scheduled_for}"
