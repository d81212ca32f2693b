from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChatFlag(models.Model):
    """One chat message flagged as a borrowing request, kept encrypted with a little context.

    Only flagged messages are stored: the import discards every other message.
    `recipient_nos` lists the 工号 of the colleagues the message went to; external
    contacts are left out. `text` and `context` are AES-GCM tokens from
    hrguard.core.crypto (purposes FLAG_TEXT_PURPOSE and FLAG_CONTEXT_PURPOSE).
    Retention deletes a flag once the chat_snippets period of retention.toml has passed
    since it was stored, and, through a purge job, when the employee withdraws their
    聊天记录 consent.
    """

    employee = models.ForeignKey(
        "people.Employee",
        verbose_name=_("发送人"),
        on_delete=models.CASCADE,
        related_name="chat_flags",
    )
    sent_at = models.DateTimeField(_("发送时间"))
    recipient_nos = models.JSONField(_("接收人工号"), default=list)
    in_group = models.BooleanField(_("群聊"), default=False)
    # Blind index of the conversation (group id or pair of user ids): groups requests
    # without storing the ids themselves.
    conversation = models.CharField(max_length=64, db_index=True)
    # Blind index of the message id (or of the CSV row's values), so a re-import adds nothing.
    message_key = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2, null=True, blank=True)
    urgent = models.BooleanField(_("紧急"), default=False)
    lexicon_version = models.CharField(_("词表版本"), max_length=50)
    text = models.TextField()
    context = models.TextField()
    batch = models.ForeignKey(
        "ingest.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("借钱请求")
        verbose_name_plural = _("借钱请求")
        ordering = ["employee_id", "sent_at"]
        indexes = [models.Index(fields=["employee", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.sent_at:%Y-%m-%d}"


class LexiconVersion(models.Model):
    """A borrowing lexicon saved on the rule settings page; the newest one screens imports."""

    version = models.CharField(_("版本"), max_length=50, unique=True)
    content = models.TextField(_("内容"), help_text=_("词表原文 (TOML)"))
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("借钱词表")
        verbose_name_plural = _("借钱词表")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.version
