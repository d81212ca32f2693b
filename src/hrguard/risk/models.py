from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertLevel(models.TextChoices):
    WATCH = "watch", _("关注")
    MEDIUM = "medium", _("中风险")
    HIGH = "high", _("高风险")


LEVEL_ORDER = {AlertLevel.WATCH: 1, AlertLevel.MEDIUM: 2, AlertLevel.HIGH: 3}


class RuleSet(models.Model):
    """A frozen copy of the rule-set file that produced some alerts."""

    version = models.CharField(_("版本"), max_length=50, unique=True)
    content = models.TextField(_("内容"), help_text=_("规则文件原文 (TOML)"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("规则集")
        verbose_name_plural = _("规则集")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.version


class ScanRun(models.Model):
    as_of = models.DateField(_("扫描基准日"))
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("规则集"), on_delete=models.PROTECT)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    employees_scanned = models.PositiveIntegerField(_("扫描人数"), default=0)
    alerts_watch = models.PositiveIntegerField(_("关注"), default=0)
    alerts_medium = models.PositiveIntegerField(_("中风险"), default=0)
    alerts_high = models.PositiveIntegerField(_("高风险"), default=0)

    class Meta:
        verbose_name = _("扫描")
        verbose_name_plural = _("扫描")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.as_of} #{self.pk}"


class Alert(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        DISMISSED = "dismissed", _("已排除")
        CLOSED = "closed", _("已关闭")

    employee = models.ForeignKey(
        "people.Employee", verbose_name=_("员工"), on_delete=models.CASCADE, related_name="alerts"
    )
    level = models.CharField(_("级别"), max_length=8, choices=AlertLevel.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    indicators = models.JSONField(_("指标"), default=list, help_text=_("命中的指标代码"))
    first_scan = models.ForeignKey(ScanRun, on_delete=models.PROTECT, related_name="+")
    last_scan = models.ForeignKey(ScanRun, on_delete=models.PROTECT, related_name="alerts")
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("规则集"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee"],
                condition=models.Q(status="open"),
                name="alert_one_open_per_employee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.level} {self.status}"


class IndicatorResult(models.Model):
    """One indicator's outcome for one employee in one scan, with its evidence.

    Stored for hits and misses alike, so a past alert can be explained and replayed.
    """

    scan = models.ForeignKey(ScanRun, on_delete=models.CASCADE, related_name="results")
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="results"
    )
    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("指标"), max_length=40)
    hit = models.BooleanField(_("命中"))
    severity = models.PositiveSmallIntegerField(_("严重度"), default=0)
    # Structured evidence: numbers, months and sources, rendered into sentences by risk.explain.
    evidence = models.JSONField(_("证据"), default=dict)

    class Meta:
        verbose_name = _("指标结果")
        verbose_name_plural = _("指标结果")
        indexes = [models.Index(fields=["scan", "employee"])]
        constraints = [
            models.UniqueConstraint(
                fields=["scan", "employee", "code"], name="result_once_per_scan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.employee_id} hit={self.hit}"
