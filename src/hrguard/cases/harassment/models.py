from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hrguard.core.fields import EncryptedTextField, phone_blind_index


class Channel(models.TextChoices):
    CALL = "call", _("电话")
    SMS = "sms", _("短信")
    INSTANT_MESSAGE = "instant_message", _("即时通讯")
    VISIT = "visit", _("上门")


class ThreatFlag(models.TextChoices):
    PERSONAL_SAFETY = "personal_safety", _("威胁人身安全")
    ABUSE = "abuse", _("辱骂")
    PRIVACY_DISCLOSURE = "privacy_disclosure", _("泄露隐私")
    IMPERSONATING_AUTHORITIES = "impersonating_authorities", _("冒充公检法")
    OTHER = "other", _("其他")


class HarassmentIncident(models.Model):
    """One call, message or visit by a debt collector to a colleague who is not the debtor.

    The caller's number is encrypted; its blind index lets incidents be counted
    by number without storing it in clear. The claimed debtor is free text
    until HR identifies an employee by hand (`debtor`); the system never links
    a debtor by itself, because a collector's claim is not evidence.
    """

    colleague = models.ForeignKey(
        "people.Employee",
        verbose_name=_("被骚扰的员工"),
        on_delete=models.PROTECT,
        related_name="harassment_incidents",
    )
    caller_number = EncryptedTextField(
        _("来电或来信号码"),
        purpose="harassment.incident.caller_number",
        index_field="caller_number_index",
        index_function=phone_blind_index,
    )
    caller_number_index = models.CharField(
        _("来电号码索引"), max_length=64, db_index=True, editable=False
    )
    platform = models.CharField(_("对方自称的平台或出借方"), max_length=200)
    occurred_at = models.DateTimeField(_("发生时间"))
    channel = models.CharField(_("方式"), max_length=20, choices=Channel.choices)
    # Names of third parties are personal data, so they are encrypted like the notes.
    claimed_debtor = EncryptedTextField(
        _("对方所称的借款人"), purpose="harassment.incident.claimed_debtor", blank=True
    )
    debtor = models.ForeignKey(
        "people.Employee",
        verbose_name=_("经人事确认的借款人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="harassment_as_debtor",
    )
    debtor_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("借款人的案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="harassment_incidents",
    )
    debtor_linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    debtor_linked_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    # ThreatFlag values, in the order of ThreatFlag.
    threat_flags = models.JSONField(_("威胁类型"), default=list, blank=True)
    threats = EncryptedTextField(_("威胁内容"), purpose="harassment.incident.threats", blank=True)
    evidence_notes = EncryptedTextField(
        _("证据说明"), purpose="harassment.incident.evidence_notes", blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("催收骚扰事件")
        verbose_name_plural = _("催收骚扰事件")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["occurred_at"], name="harassment_occurred_at")]

    def __str__(self) -> str:
        return f"harassment incident {self.pk} employee {self.colleague_id} {self.channel}"

    @property
    def threat_labels(self) -> list[str]:
        labels = dict(ThreatFlag.choices)
        return [str(labels[flag]) for flag in ThreatFlag.values if flag in self.threat_flags]
