from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentTransaction(models.Model):
    """One row of an employee's own Alipay or WeChat Pay bill export.

    Sensitive personal information: read only for employees whose 支付记录
    consent is in force.
    """

    class Source(models.TextChoices):
        ALIPAY = "alipay", _("支付宝")
        WECHAT = "wechat", _("微信支付")

    class Direction(models.TextChoices):
        INCOME = "income", _("收入")
        EXPENSE = "expense", _("支出")
        NEUTRAL = "neutral", _("不计收支")

    employee = models.ForeignKey(
        "people.Employee", verbose_name=_("员工"), on_delete=models.CASCADE, related_name="payments"
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    occurred_at = models.DateTimeField(_("交易时间"))
    category = models.CharField(_("交易分类"), max_length=100, blank=True)
    counterparty = models.CharField(_("交易对方"), max_length=200, blank=True)
    description = models.CharField(_("商品说明"), max_length=500, blank=True)
    direction = models.CharField(_("收/支"), max_length=8, choices=Direction.choices)
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)
    method = models.CharField(_("收/付款方式"), max_length=100, blank=True)
    status = models.CharField(_("交易状态"), max_length=100, blank=True)
    order_no = models.CharField(_("交易订单号"), max_length=100)
    merchant_order_no = models.CharField(_("商家订单号"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    succeeded = models.BooleanField(
        _("交易成功"), help_text=_("交易已完成，计入消费；关闭、退款和待确认的不计入。")
    )
    batch = models.ForeignKey("ingest.ImportBatch", null=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("支付记录")
        verbose_name_plural = _("支付记录")
        constraints = [
            # The same order number appears in both parties' bills, so it is
            # unique per employee and platform, not globally.
            models.UniqueConstraint(
                fields=["employee", "source", "order_no"], name="payment_order_once_per_employee"
            ),
        ]
        indexes = [models.Index(fields=["employee", "occurred_at"])]
        ordering = ["employee_id", "occurred_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.order_no}"
