from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hrguard.cases.evidence.filetypes import INLINE_FILE_TYPES, FileType
from hrguard.cases.evidence.storage import file_remove
from hrguard.cases.models import AppendOnlyQuerySet
from hrguard.core.errors import HrguardError


class LegalHoldError(HrguardError):
    code = "legal_hold"


class EncryptedFile(models.Model):
    """The stored-file columns shared by evidence items and signed documents.

    `storage_name` is a random name under HRGUARD_HOME/evidence/; the file there
    is encrypted. `display_name` is the uploader's file name, kept only as text.
    """

    storage_name = models.CharField(_("存储文件名"), max_length=64, unique=True, editable=False)
    display_name = models.CharField(_("原文件名"), max_length=200)
    file_type = models.CharField(_("文件类型"), max_length=8, choices=FileType.choices)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    key_id = models.CharField(_("加密密钥"), max_length=32)

    class Meta:
        abstract = True

    @property
    def shows_inline(self) -> bool:
        return self.file_type in INLINE_FILE_TYPES


class EvidenceKind(models.TextChoices):
    RECORDING = "recording", _("通话录音")
    INTERVIEW_NOTE = "interview_note", _("谈话记录")
    SCREENSHOT = "screenshot", _("截图")
    CONTRACT = "contract", _("合同")
    AUTHORISATION = "authorisation", _("授权书")
    OTHER = "other", _("其他")


class EvidenceQuerySet(models.QuerySet["EvidenceItem"]):
    """Evidence rows are never updated in bulk, and never deleted while their case is open."""

    def update(self, **kwargs: Any) -> int:
        raise LegalHoldError(gettext("证据一经上传不能修改。"))

    def delete(self) -> tuple[int, dict[str, int]]:
        items = list(self.select_related("case"))
        on_hold = [item for item in items if item.case.is_open]
        if on_hold:
            raise on_hold[0].legal_hold_error()
        for item in items:
            item.delete()
        return len(items), {self.model._meta.label: len(items)}


class EvidenceItem(EncryptedFile):
    """One file attached to a case as evidence, hashed on arrival and immutable.

    Legal hold: the row and its file cannot be changed, and cannot be deleted
    while the case is open. Every read is a CustodyEvent.
    """

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="evidence"
    )
    kind = models.CharField(_("证据类别"), max_length=16, choices=EvidenceKind.choices)
    description = models.TextField(_("说明"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects: ClassVar[models.Manager["EvidenceItem"]] = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"evidence {self.pk} case {self.case_id} {self.sha256[:12]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LegalHoldError(gettext("证据一经上传不能修改。"))
        super().save(*args, **kwargs)

    def legal_hold_error(self) -> LegalHoldError:
        return LegalHoldError(
            gettext("案件 #%(case_id)s 尚未结案，证据处于法律保全状态，不能删除。"),
            case_id=self.case_id,
        )

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Delete a closed case's evidence row and file; raise LegalHoldError while it is open."""
        if self.case.is_open:
            raise self.legal_hold_error()
        # TODO: custody events protect the row, so the retention purge must remove them first.
        result = super().delete(*args, **kwargs)
        file_remove(storage_name=self.storage_name)
        return result


class CustodyEvent(models.Model):
    """One entry in an evidence item's chain of custody: who touched it, when and how.

    Append-only like CaseEvent. `hash_verified` records whether the file's SHA-256
    matched the stored hash when it was read.
    """

    class Action(models.TextChoices):
        UPLOADED = "uploaded", _("上传")
        VIEWED = "viewed", _("查看")
        DOWNLOADED = "downloaded", _("下载")
        EXPORTED = "exported", _("导出证据包")

    item = models.ForeignKey(
        EvidenceItem, verbose_name=_("证据"), on_delete=models.PROTECT, related_name="custody"
    )
    action = models.CharField(_("操作"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    hash_verified = models.BooleanField(_("哈希已核验"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects: ClassVar[models.Manager[Any]] = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("保管链记录")
        verbose_name_plural = _("保管链记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"evidence {self.item_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LegalHoldError(gettext("保管链记录只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise LegalHoldError(gettext("保管链记录只能追加，不能删除。"))
