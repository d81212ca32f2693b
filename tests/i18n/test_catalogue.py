"""Checks of the committed English catalogue: complete, consistent and compiled."""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"

# printf-style conversions (named or positional), the escaped percent sign, and
# str.format fields. A translation must keep each of them, or formatting fails
# or drops a value.
PLACEHOLDER = re.compile(
    r"%(?:\([^)]+\))?[#0\- +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrs%]"
    r"|\{[A-Za-z_]\w*(?:\.\w+)*(?:![rsa])?(?::[^{}]*)?\}"
)


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(CATALOGUE / "django.po"))


def test_catalogue_header_declares_english(catalogue: polib.POFile) -> None:
    assert catalogue.metadata["Language"] == "en"
    assert catalogue.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    # polib stores the header's flags as a list, empty when the header is not fuzzy.
    assert not catalogue.metadata_is_fuzzy


def test_catalogue_every_msgid_translated(catalogue: polib.POFile) -> None:
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]

    assert len(catalogue) > 0
    assert untranslated == []


def test_catalogue_no_entry_fuzzy(catalogue: polib.POFile) -> None:
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert fuzzy == []


def test_catalogue_plural_entries_fill_both_forms(catalogue: polib.POFile) -> None:
    incomplete = [
        entry.msgid
        for entry in catalogue
        if entry.msgid_plural and sorted(entry.msgstr_plural) != [0, 1]
    ]
    empty = [
        entry.msgid
        for entry in catalogue
        if entry.msgid_plural and not all(entry.msgstr_plural.values())
    ]

    assert incomplete == []
    assert empty == []


def test_catalogue_placeholders_match_msgid(catalogue: polib.POFile) -> None:
    mismatches = []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            pairs = [
                (entry.msgid, entry.msgstr_plural[0]),
                (entry.msgid_plural, entry.msgstr_plural[1]),
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, translation in pairs:
            if placeholders(source) != placeholders(translation):
                mismatches.append((source, translation))

    assert mismatches == []


def test_catalogue_translations_leave_no_chinese_sentence(catalogue: polib.POFile) -> None:
    # Chinese is allowed only where the user must type or see it verbatim: the
    # language's own name, and column headers or values that the importers
    # match in Chinese. Those are quoted inside English text, so a translation
    # that starts with a Chinese character was most likely left untranslated.
    left_in_chinese = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if re.match(r"[\u4e00-\u9fff]", entry.msgstr) and entry.msgid != entry.msgstr
    ]

    assert left_in_chinese == []


def test_compiled_catalogue_matches_po(catalogue: polib.POFile) -> None:
    expected = polib.mofile(catalogue.to_binary())
    committed = polib.mofile(str(CATALOGUE / "django.mo"))

    def contents(mo: polib.MOFile) -> dict[tuple[str, str, str], object]:
        return {
            (entry.msgctxt or "", entry.msgid, entry.msgid_plural): (
                entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
            )
            for entry in mo
        }

    expected_contents = contents(expected)
    committed_contents = contents(committed)
    stale = sorted(
        key[1]
        for key in expected_contents.keys() | committed_contents.keys()
        if expected_contents.get(key) != committed_contents.get(key)
    )

    assert stale == [], "django.mo is out of date: run `make messages` and commit both files"
    assert committed.metadata["Plural-Forms"] == expected.metadata["Plural-Forms"]
