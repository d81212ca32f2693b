"""Guarantee keywords are found in context, across PDF spacing, and not in statutory wording."""

from hrguard.cases.guarantee.scan import clause_list_load, clauses_find


def test_clauses_find_guarantor_returns_snippet_in_context() -> None:
    hits = clauses_find("第五条 乙方同意作为本借款的担保人，承担还款义务。", clause_list_load())

    assert [hit.keyword for hit in hits] == ["担保人"]
    assert hits[0].snippet == "第五条 乙方同意作为本借款的【担保人】，承担还款义务。"


def test_clauses_find_overlapping_keywords_returns_longest() -> None:
    hits = clauses_find("提供连带保证。", clause_list_load())

    assert [hit.keyword for hit in hits] == ["连带保证"]


def test_clauses_find_words_split_by_spaces_found() -> None:
    hits = clauses_find("甲方为共同借 款\n人之一", clause_list_load())

    assert [hit.keyword for hit in hits] == ["共同借款人"]
    assert hits[0].snippet == "甲方为【共同借 款 人】之一"


def test_clauses_find_statutory_no_guarantee_sentence_ignored() -> None:
    text = "用人单位招用劳动者，不得要求劳动者提供担保或者以其他名义向劳动者收取财物。"

    assert clauses_find(text, clause_list_load()) == []


def test_clause_list_load_has_version_and_keywords() -> None:
    clauses = clause_list_load()

    assert clauses.version == "2026.1"
    assert {
        "保证人",
        "担保人",
        "担保",
        "连带责任",
        "连带保证",
        "保证责任",
        "共同借款人",
        "代偿",
    } <= set(clauses.keywords)


def test_clauses_find_word_across_boundary_prefers_longest() -> None:
    hits = clauses_find("本人承担保证责任。", clause_list_load())

    assert [hit.keyword for hit in hits] == ["保证责任"]
