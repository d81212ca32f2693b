from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hrguard.core.fields import EncryptedTextField
from hrguard.risk.models import AlertLevel


class Notification(models.Model):
    """An entry in one user's in-app inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    # Identifies the occasion ("alert:12:high", "step-due:7") so a repeated scan
    # or reminder run never puts the same message in an inbox twice.
    dedupe_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_occasion",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["dedupe_key"]),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.title}"


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")
    FEISHU = "feishu", _("飞书群机器人")


class Channel(models.Model):
    """An outgoing channel: an e-mail list or a group robot's web hook.

    The web-hook URL and the signing secret are encrypted at rest, because a
    WeCom URL carries the robot's key and anyone with it can post to the group.
    """

    kind = models.CharField(_("类型"), max_length=12, choices=ChannelKind.choices)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    enabled = models.BooleanField(_("启用"), default=True)
    webhook_url = EncryptedTextField(
        _("Webhook 地址"), blank=True, purpose="notify.channel.webhook_url"
    )
    secret = EncryptedTextField(_("签名密钥"), blank=True, purpose="notify.channel.secret")
    email_to = models.JSONField(_("收件人"), default=list, blank=True)
    min_level = models.CharField(
        _("最低通知级别"), max_length=8, choices=AlertLevel.choices, default=AlertLevel.MEDIUM
    )
    send_step_reminders = models.BooleanField(_("发送步骤到期提醒"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class Delivery(models.Model):
    """One message queued for one channel, with its attempts.

    Rows stay after sending or giving up, so nothing a channel missed is lost:
    a failed delivery can be queued again with `hrguard notify send-due --retry-failed`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.ForeignKey(
        Channel, verbose_name=_("渠道"), on_delete=models.CASCADE, related_name="deliveries"
    )
    # The message without signature fields: signatures carry a timestamp, so
    # they are computed at each attempt.
    payload = models.JSONField(_("内容"))
    dedupe_key = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"))
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["next_attempt_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="delivery_once_per_occasion",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["dedupe_key"]),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} {self.channel_id} {self.status}"
