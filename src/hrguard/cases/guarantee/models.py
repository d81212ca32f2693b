import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hrguard.cases.evidence.models import EncryptedFile, LegalHoldError
from hrguard.cases.evidence.storage import file_remove
from hrguard.core.fields import EncryptedTextField


class DocumentKind(models.TextChoices):
    LABOUR_CONTRACT = "labour_contract", _("劳动合同")
    CONFIDENTIALITY = "confidentiality", _("保密协议")
    LOAN_APPLICATION = "loan_application", _("借款申请")
    PAYSLIP_RECEIPT = "payslip_receipt", _("工资条签收")
    AUTHORISATION = "authorisation", _("授权书")
    OTHER = "other", _("其他")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    RESOLVED = "resolved", _("已解决")
    CLOSED = "closed", _("已结案")


class SignedDocument(EncryptedFile):
    """A document signed by an employee and kept by the company, stored encrypted with its hash.

    The file and its hash never change once stored, so a corrected scan is a new document.
    """

    employee = models.ForeignKey(
        "people.Employee",
        verbose_name=_("员工"),
        on_delete=models.PROTECT,
        related_name="signed_documents",
    )
    title = models.CharField(_("文件名称"), max_length=200)
    kind = models.CharField(_("文件类别"), max_length=20, choices=DocumentKind.choices)
    signed_on = models.DateField(_("签署日期"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("员工签署文件")
        verbose_name_plural = _("员工签署文件")
        ordering = ["signed_on", "pk"]

    def __str__(self) -> str:
        return f"signed document {self.pk} employee {self.employee_id} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LegalHoldError(gettext("员工签署文件一经上传不能修改，如需更正请上传新文件。"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Delete the row and its file; raise LegalHoldError while the employee has an open dispute."""
        open_disputes = GuaranteeDispute.objects.filter(
            colleague_id=self.employee_id, status=DisputeStatus.OPEN
        )
        if open_disputes.exists():
            raise LegalHoldError(
                gettext("员工有处理中的担保纠纷，签署文件处于法律保全状态，不能删除。")
            )
        result = super().delete(*args, **kwargs)
        file_remove(storage_name=self.storage_name)
        return result


class GuaranteeDispute(models.Model):
    """A colleague's report that a lender names them as guarantor of a loan they did not guarantee."""

    colleague = models.ForeignKey(
        "people.Employee",
        verbose_name=_("被列为担保人的员工"),
        on_delete=models.PROTECT,
        related_name="guarantee_disputes",
    )
    lender = models.CharField(_("声称的出借方或平台"), max_length=200)
    # Names of third parties are personal data, so they are encrypted like the notes.
    claimed_debtor = EncryptedTextField(
        _("声称的借款人"), purpose="guarantee.dispute.claimed_debtor", blank=True
    )
    reported_on = models.DateField(_("反映日期"))
    notes = EncryptedTextField(_("情况记录"), purpose="guarantee.dispute.notes", blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("担保纠纷")
        verbose_name_plural = _("担保纠纷")
        ordering = ["-reported_on", "-pk"]

    def __str__(self) -> str:
        return f"guarantee dispute {self.pk} employee {self.colleague_id} {self.status}"


class ClauseScan(models.Model):
    """The result of one search of a colleague's signed documents for guarantee clauses.

    `results_json` is a JSON list with one object per document: document_id,
    title, kind, signed_on, sha256, status (a TextStatus value) and hits, a list
    of {keyword, snippet}. It is encrypted because snippets quote the documents.
    """

    dispute = models.ForeignKey(
        GuaranteeDispute, verbose_name=_("担保纠纷"), on_delete=models.PROTECT, related_name="scans"
    )
    clause_list_version = models.CharField(_("检索词表版本"), max_length=20)
    results_json = EncryptedTextField(_("检索结果"), purpose="guarantee.scan.results")
    documents = models.PositiveIntegerField(_("文件数"))
    hits = models.PositiveIntegerField(_("命中数"))
    not_searchable = models.PositiveIntegerField(_("不可检索文件数"))
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检索人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scanned_at = models.DateTimeField(_("检索时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("担保条款检索")
        verbose_name_plural = _("担保条款检索")
        ordering = ["-scanned_at", "-pk"]

    def __str__(self) -> str:
        return f"clause scan {self.pk} dispute {self.dispute_id} hits {self.hits}"

    @property
    def results(self) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = json.loads(self.results_json)
        return results
