"""Reject free text that gives an employee's debts as grounds for discipline.

Debt, overdue online loans and collectors' calls are not lawful grounds for
discipline or dismissal: only the grounds in Labour Contract Law articles 39
and 40 are. Help records must never become a disciplinary file, so every note
and step text in a case passes through `validate_no_debt_discipline`.
"""

import re

from django.utils.translation import gettext

from hrguard.core.errors import ValidationFailed

DEBT_TERMS = (
    "欠债",
    "负债",
    "债务",
    "欠款",
    "网贷",
    "借贷",
    "贷款",
    "逾期",
    "催收",
    "催债",
    "讨债",
    "征信",
    "失信",
    "被执行",
    "debt",
    "overdue loan",
    "collector",
)

DISCIPLINE_TERMS = (
    "纪律处分",
    "处分",
    "处罚",
    "惩处",
    "警告",
    "记过",
    "降职",
    "降级",
    "降薪",
    "停职",
    "罚款",
    "扣发",
    "辞退",
    "开除",
    "解雇",
    "解除劳动合同",
    "解除合同",
    "discipline",
    "disciplinary",
    "dismissal",
    "dismiss",
    "terminate",
    "termination",
)

# A sentence stating that debt is *not* a ground ("不会因网贷逾期受到处分") is what
# HR should tell the employee, so it stays allowed.
NEGATIONS = (
    "不会",
    "不得",
    "不能",
    "不因",
    "不作为",
    "不构成",
    "不予",
    "不影响",
    "不涉及",
    "无关",
    "并非",
    "不是",
    "禁止",
    "not ",
    "never ",
)

_SENTENCE_END = re.compile(r"[。！？；;!?\n]+|\.\s")


def find_debt_discipline(text: str) -> tuple[str, str] | None:
    """Return the (debt term, discipline term) of the first sentence that joins them."""
    for sentence in _SENTENCE_END.split(text.lower()):
        debt = next((term for term in DEBT_TERMS if term in sentence), None)
        discipline = next((term for term in DISCIPLINE_TERMS if term in sentence), None)
        if debt is None or discipline is None:
            continue
        if any(negation in sentence for negation in NEGATIONS):
            continue
        return debt, discipline
    return None


def validate_no_debt_discipline(text: str) -> None:
    """Raise ValidationFailed if the text gives debt as a reason for discipline."""
    found = find_debt_discipline(text)
    if found is None:
        return

    debt, discipline = found
    raise ValidationFailed(
        gettext(
            "文字把“%(debt)s”和“%(discipline)s”联系在一起。负债、网贷逾期、催收电话不是"
            "纪律处分或解除劳动合同的理由（劳动合同法第三十九条、第四十条），"
            "请删去这层联系后再保存。"
        ),
        code="debt_as_discipline_ground",
        debt=debt,
        discipline=discipline,
    )
