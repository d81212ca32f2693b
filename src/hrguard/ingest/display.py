"""Labels for import facts on pages and in the CLI: file layouts in words."""

from django.utils.translation import gettext as _

_ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "gb18030": "GB18030",
}


def layout_label(code: str) -> str:
    """Return a layout code such as `csv-gb18030` or `alipay-2023` in readable Chinese."""
    if code.startswith("csv-") and code[4:] in _ENCODINGS:
        return _("CSV（%(encoding)s 编码）") % {"encoding": _ENCODINGS[code[4:]]}
    labels = {
        "csv": _("CSV"),
        "xlsx": _("Excel 工作簿（xlsx）"),
        "xls": _("Excel 97-2003 工作簿（xls）"),
        "alipay-2023": _("支付宝账单（2023 年起的格式）"),
        "alipay-2021": _("支付宝账单（2021 年格式）"),
        "alipay-2019": _("支付宝账单（2019 年网页版格式）"),
        "wechat-csv": _("微信支付账单（CSV）"),
        "wechat-xlsx-2025": _("微信支付账单（xlsx，2025 年格式）"),
        "wechat-xlsx-2026": _("微信支付账单（xlsx，2026 年格式）"),
        "wecom-jsonl": _("企业微信会话存档（JSONL）"),
    }
    return labels.get(code, code)
