"""Debt is never accepted as grounds for discipline in case text."""

import pytest

from hrguard.cases.validators import find_debt_discipline, validate_no_debt_discipline
from hrguard.core.errors import ValidationFailed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("因网贷逾期给予警告处分", ("网贷", "处分")),
        ("欠债太多，建议解除劳动合同", ("欠债", "解除劳动合同")),
        ("催收电话影响工作秩序，予以记过", ("催收", "记过")),
        ("Issue a disciplinary warning for the overdue loan.", ("overdue loan", "disciplinary")),
        ("员工情况说明。\n因征信逾期予以辞退", ("逾期", "辞退")),
    ],
)
def test_find_debt_discipline_debt_as_ground_returns_terms(
    text: str, expected: tuple[str, str]
) -> None:
    assert find_debt_discipline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "员工说明了网贷逾期的情况，约定下周再谈",
        "已告知员工：不会因网贷逾期受到任何处分",
        "员工上月无故旷工三天，按制度给予警告",
        "催收电话打到前台，前台未透露任何信息",
        "",
    ],
)
def test_find_debt_discipline_other_text_returns_none(text: str) -> None:
    assert find_debt_discipline(text) is None


def test_validate_no_debt_discipline_raises_with_terms() -> None:
    with pytest.raises(ValidationFailed) as raised:
        validate_no_debt_discipline("因网贷逾期给予警告处分")

    assert raised.value.code == "debt_as_discipline_ground"
    assert str(raised.value) == (
        "文字把“网贷”和“处分”联系在一起。负债、网贷逾期、催收电话不是纪律处分或解除劳动合同的理由"
        "（劳动合同法第三十九条、第四十条），请删去这层联系后再保存。"
    )
