from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hrguard.cases.states import CaseState
from hrguard.core.errors import HrguardError


class DismissalReason(models.TextChoices):
    FALSE_POSITIVE = "false_positive", _("误报")
    KNOWN_SITUATION = "known_situation", _("已知情况")
    DATA_ERROR = "data_error", _("数据错误")
    EMPLOYEE_EXPLAINED = "employee_explained", _("员工已说明")
    OTHER = "other", _("其他")


class AlertDismissal(models.Model):
    """The record of an alert's dismissal: reason code, note, user and time.

    The scan reads `indicators` to decide whether later evidence is of a new kind:
    an alert dismissed on some indicators stays quiet until another one fires.
    """

    alert = models.OneToOneField(
        "risk.Alert", verbose_name=_("预警"), on_delete=models.CASCADE, related_name="dismissal"
    )
    reason_code = models.CharField(_("排除原因"), max_length=24, choices=DismissalReason.choices)
    note = models.TextField(_("说明"), blank=True)
    indicators = models.JSONField(_("排除时的指标"), default=list)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("排除人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    dismissed_at = models.DateTimeField(_("排除时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预警排除记录")
        verbose_name_plural = _("预警排除记录")
        ordering = ["-dismissed_at"]

    def __str__(self) -> str:
        return f"alert {self.alert_id} {self.reason_code}"


class Case(models.Model):
    employee = models.ForeignKey(
        "people.Employee", verbose_name=_("员工"), on_delete=models.PROTECT, related_name="cases"
    )
    alert = models.ForeignKey(
        "risk.Alert",
        verbose_name=_("来源预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=CaseState.choices, default=CaseState.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    due_date = models.DateField(_("处理期限"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("立案人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("立案时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-opened_at"]
        permissions = [("dismiss_alert", _("可以排除预警"))]
        constraints = [
            models.UniqueConstraint(
                fields=["employee"],
                condition=~models.Q(state="closed"),
                name="case_one_open_per_employee",
            ),
        ]

    def __str__(self) -> str:
        return f"case {self.pk} {self.employee_id} {self.state}"

    @property
    def is_open(self) -> bool:
        return self.state != CaseState.CLOSED


class AppendOnlyError(HrguardError):
    code = "append_only"


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """A queryset that can insert and read rows but never update or delete them."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(gettext("案件记录只能追加，不能修改。"))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(gettext("案件记录只能追加，不能删除。"))


class CaseEvent(models.Model):
    """One entry in a case's history: who did what, when, with the values before and after.

    Rows are append-only through the ORM: saving an existing row, deleting a row
    and queryset update() or delete() all raise AppendOnlyError. The case is
    protected from deletion while it has events.
    """

    # TODO: the retention purge of closed cases needs a deletion path that bypasses this guard.

    class Kind(models.TextChoices):
        OPENED = "opened", _("立案")
        STATE_CHANGED = "state_changed", _("状态变更")
        REOPENED = "reopened", _("重新打开")
        ASSIGNED = "assigned", _("指派负责人")
        DUE_DATE_SET = "due_date_set", _("设置期限")
        NOTE_ADDED = "note_added", _("添加备注")
        STEP_ADDED = "step_added", _("添加干预步骤")
        STEP_RESULT = "step_result", _("记录步骤结果")
        FOLLOW_UP_CONSENT = "follow_up_consent", _("记录跟踪回访同意")
        CHECKPOINT_RECORDED = "checkpoint_recorded", _("记录回访结果")
        RECURRED = "recurred", _("跟踪期间再次预警")

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices)
    # Empty when the system acted: a risk scan reopening a case under follow-up.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    before = models.JSONField(_("变更前"), default=dict)
    after = models.JSONField(_("变更后"), default=dict)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects: ClassVar[models.Manager[Any]] = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件事件")
        verbose_name_plural = _("案件事件")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"case {self.case_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(gettext("案件记录只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(gettext("案件记录只能追加，不能删除。"))


class InterventionKind(models.TextChoices):
    INTERVIEW = "interview", _("与员工谈话")
    FINANCIAL_COUNSELLING = "financial_counselling", _("财务咨询")
    DEBT_NEGOTIATION = "debt_negotiation", _("协助与出借方协商")
    LEGAL_AID = "legal_aid", _("法律援助转介")
    SALARY_ADVANCE = "salary_advance", _("按制度预支工资")
    FAMILY_CONTACT = "family_contact", _("联系家属（须员工同意）")


class PlaybookEntry(models.Model):
    """One suggested intervention for one indicator, editable by HR.

    `indicator_code` "*" applies to every case. Defaults come from
    cases/playbooks.toml and are added only where HR has no entry yet.
    """

    ANY_INDICATOR = "*"

    indicator_code = models.CharField(_("指标"), max_length=40)
    kind = models.CharField(_("干预方式"), max_length=24, choices=InterventionKind.choices)
    position = models.PositiveSmallIntegerField(_("顺序"), default=100)
    guidance = models.TextField(_("操作指引"))
    record_template = models.TextField(_("记录模板"), blank=True)
    due_in_days = models.PositiveSmallIntegerField(_("建议期限（天）"), default=7)
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("干预预案")
        verbose_name_plural = _("干预预案")
        ordering = ["position", "indicator_code", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_code", "kind"], name="playbook_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.kind}"


class LegalAidProvider(models.Model):
    """An entry in the legal-aid directory that HR keeps up to date."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    contact = models.CharField(_("联系方式"), max_length=200)
    scope = models.TextField(_("服务范围"))
    region = models.CharField(_("地区"), max_length=100, blank=True)
    last_verified_on = models.DateField(_("最近核实日期"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("法律援助机构")
        verbose_name_plural = _("法律援助机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FamilyContactConsent(models.Model):
    """The employee's recorded consent that HR may contact a named family member."""

    employee = models.ForeignKey(
        "people.Employee",
        verbose_name=_("员工"),
        on_delete=models.CASCADE,
        related_name="family_contact_consents",
    )
    relation = models.CharField(_("家属关系"), max_length=50)
    given_on = models.DateField(_("同意日期"))
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    how_recorded = models.CharField(
        _("同意方式"), max_length=200, help_text=_("例如：书面签字，存于案件证据")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联系家属同意")
        verbose_name_plural = _("联系家属同意")
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.relation} {self.given_on}"


class InterventionStep(models.Model):
    """A step a person chose for a case's plan, and what came of it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("待执行")
        DONE = "done", _("已完成")
        DECLINED = "declined", _("员工婉拒")
        CANCELLED = "cancelled", _("已取消")

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("干预方式"), max_length=24, choices=InterventionKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("执行人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("期限"))
    note = models.TextField(_("说明"), blank=True)
    legal_aid_provider = models.ForeignKey(
        LegalAidProvider,
        verbose_name=_("法律援助机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    family_contact_consent = models.ForeignKey(
        FamilyContactConsent,
        verbose_name=_("联系家属同意"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    result = models.TextField(_("结果"), blank=True)
    result_recorded_at = models.DateTimeField(_("结果记录时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("添加人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("干预步骤")
        verbose_name_plural = _("干预步骤")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="family_contact")
                | models.Q(family_contact_consent__isnull=False),
                name="step_family_contact_needs_consent",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="legal_aid") | models.Q(legal_aid_provider__isnull=False),
                name="step_legal_aid_needs_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id} {self.kind} {self.due_date}"


class FollowUpConsent(models.Model):
    """The employee's recorded consent that HR follows up on the case after the plan.

    Checkpoints ask how repayment is going, which is the employee's financial
    information, so a case enters follow-up only while such a consent is in force.
    """

    case = models.ForeignKey(
        Case,
        verbose_name=_("案件"),
        on_delete=models.PROTECT,
        related_name="follow_up_consents",
    )
    given_on = models.DateField(_("同意日期"))
    how_recorded = models.CharField(
        _("同意方式"), max_length=200, help_text=_("例如：书面签字，存于案件证据")
    )
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("跟踪回访同意")
        verbose_name_plural = _("跟踪回访同意")
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"case {self.case_id} follow-up consent {self.given_on}"


class FollowUp(models.Model):
    """One period in which a case is 跟踪中, with the alert as it stood when it began.

    A scan reopens the case when the employee's alert goes beyond this baseline:
    a different alert, a higher level, or an indicator not listed here.
    """

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    started_on = models.DateField(_("开始日期"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    alert = models.ForeignKey(
        "risk.Alert",
        verbose_name=_("开始时的预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    alert_level = models.CharField(_("开始时的预警级别"), max_length=8, blank=True)
    alert_indicators = models.JSONField(_("开始时的命中指标"), default=list)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("跟踪期")
        verbose_name_plural = _("跟踪期")
        ordering = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return f"case {self.case_id} follow-up from {self.started_on}"


class RepaymentStatus(models.TextChoices):
    NORMAL = "normal", _("正常还款")
    PARTIAL = "partial", _("部分还款")
    OVERDUE = "overdue", _("逾期")
    NOT_APPLICABLE = "not_applicable", _("不适用")


class FollowUpCheckpoint(models.Model):
    """A check-in a set number of days into a follow-up, and what HR recorded at it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待回访")
        RECORDED = "recorded", _("已记录")
        CANCELLED = "cancelled", _("已取消")

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("跟踪期"), on_delete=models.PROTECT, related_name="checkpoints"
    )
    days_after = models.PositiveSmallIntegerField(_("跟踪第几天"))
    due_date = models.DateField(_("回访日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    repayment_status = models.CharField(
        _("还款情况"), max_length=16, choices=RepaymentStatus.choices, blank=True
    )
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回访节点")
        verbose_name_plural = _("回访节点")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "days_after"], name="checkpoint_once_per_day_offset"
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up {self.follow_up_id} day {self.days_after}"
