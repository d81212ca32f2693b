"""Catalogue files and the Aho-Corasick keyword matcher."""

import re

import polars as pl

from hrguard.risk.engine.catalogue import (
    _COMPATIBILITY_FORMS,
    _FULL_WIDTH,
    KeywordMatcher,
    catalogue_load,
    text_normalise,
)
from hrguard.risk.engine.ruleset import CATALOGUE_DIR


def test_catalogue_loan_platforms_file_loads() -> None:
    catalogue = catalogue_load(CATALOGUE_DIR / "loan_platforms.toml", entry_table="platform")

    names = {entry.name for entry in catalogue.entries}
    assert catalogue.version == "2026.12.1"
    assert {"借呗", "微粒贷", "京东金条", "360借条", "度小满", "网商贷"} <= names
    assert not any(alias == "花呗" for entry in catalogue.entries for alias in entry.aliases)


def test_keyword_matcher_longest_match_wins() -> None:
    catalogue = catalogue_load(
        CATALOGUE_DIR / "gambling_merchants.toml", entry_table="merchant_type"
    )
    matcher = KeywordMatcher(catalogue)

    assert matcher.match("中国体育彩票 竞彩足球") == ["体育彩票"]
    assert matcher.match("幸福彩票站") == ["彩票"]
    assert matcher.match("幸福彩虹蛋糕") == []


def test_keyword_matcher_frame_matches_distinct_texts() -> None:
    catalogue = catalogue_load(CATALOGUE_DIR / "loan_platforms.toml", entry_table="platform")
    matcher = KeywordMatcher(catalogue)
    texts = pl.Series(["蚂蚁借呗", "超市", "蚂蚁借呗", "ＷＥ分期乐和洋钱罐", None, "３６０　借条"])

    pairs = sorted(matcher.match_frame(texts).rows())

    assert pairs == sorted(
        [
            ("ＷＥ分期乐和洋钱罐", "分期乐"),
            ("ＷＥ分期乐和洋钱罐", "洋钱罐"),
            ("蚂蚁借呗", "借呗"),
            ("３６０　借条", "360借条"),
        ]
    )


def test_keyword_matcher_screen_passes_compatibility_forms() -> None:
    catalogue = catalogue_load(
        CATALOGUE_DIR / "gambling_merchants.toml", entry_table="merchant_type"
    )
    matcher = KeywordMatcher(catalogue)
    # U+FA84 is a CJK compatibility ideograph that NFKC turns into 彩, and
    # Python's white-space test removes U+001C, so both texts name 体彩.
    texts = pl.Series(["体\x1c彩", "普通商户", "体\ufa84"])

    pairs = sorted(matcher.match_frame(texts).rows())

    assert pairs == sorted([("体\x1c彩", "体育彩票"), ("体\ufa84", "体育彩票")])


def test_keyword_matcher_screen_covers_every_folded_code_point() -> None:
    """Every character that folding turns into CJK, ASCII or white space passes the screen."""
    screen = re.compile(_COMPATIBILITY_FORMS)
    full_width = set(_FULL_WIDTH)
    missed = []
    for code in range(0x80, 0x30000):
        character = chr(code)
        folded = text_normalise(character)
        if folded == character or character in full_width or character.isspace():
            continue
        reaches_alias_text = folded == "" or any(
            "\u3400" <= part <= "\u9fff" or part.isascii() for part in folded
        )
        if reaches_alias_text and not screen.match(character):
            missed.append(f"U+{code:04X}")

    assert missed == []
