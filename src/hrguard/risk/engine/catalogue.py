"""Versioned keyword catalogues (lending platforms, gambling merchants) and their matcher.

A catalogue file has `version`, `updated`, an optional `not_within` list and
an array of entry tables (`[[platform]]`, `[[merchant_type]]`), each with a
`name`, an optional `operator` and its `aliases`. Text and aliases are
compared after NFKC normalisation, case folding and removal of white space, so
full-width letters, "360 借条" and "360借条" match alike.
"""

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import ahocorasick
import polars as pl

from hrguard.risk.engine.errors import ParamOutOfRange, RuleSetInvalid
from hrguard.risk.engine.registry import LoadContext, PrepareFunction

_FILE_NAME = re.compile(r"^[a-z0-9_]+\.toml$")
# Joins the fields of one row before matching. NUL is neither white space (which
# normalisation removes) nor part of any alias, so no match spans two fields.
FIELD_SEPARATOR = "\x00"
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    operator: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    file_name: str
    version: str
    entries: tuple[CatalogueEntry, ...]
    # Phrases inside which an alias match does not count, e.g. "幸福彩虹" hides "福彩".
    not_within: tuple[str, ...]

    def operator_of(self) -> dict[str, str]:
        return {entry.name: entry.operator for entry in self.entries}


def text_normalise(text: str) -> str:
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text).casefold())


def catalogue_load(path: Path, *, entry_table: str) -> Catalogue:
    """Read and validate a catalogue file whose entries are in `[[entry_table]]` tables."""
    source = str(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise RuleSetInvalid(source=source, problem="unreadable", detail=str(error)) from error
    except tomllib.TOMLDecodeError as error:
        raise RuleSetInvalid(source=source, problem="syntax", detail=str(error)) from error

    version = document.get("version")
    if not isinstance(version, str) or not version:
        raise RuleSetInvalid(source=source, problem="missing", key="version")
    raw_entries = document.get(entry_table)
    if not isinstance(raw_entries, list) or not raw_entries:
        raise RuleSetInvalid(source=source, problem="missing", key=entry_table)

    entries = tuple(
        _entry_parse(raw, source=source, key=f"{entry_table}[{index}]")
        for index, raw in enumerate(raw_entries)
    )
    not_within = document.get("not_within", [])
    if not isinstance(not_within, list) or not all(isinstance(item, str) for item in not_within):
        raise RuleSetInvalid(
            source=source,
            problem="wrong_type",
            key="not_within",
            detail="expected a list of strings",
        )
    return Catalogue(
        file_name=path.name, version=version, entries=entries, not_within=tuple(not_within)
    )


def _entry_parse(raw: object, *, source: str, key: str) -> CatalogueEntry:
    if not isinstance(raw, dict):
        raise RuleSetInvalid(
            source=source, problem="wrong_type", key=key, detail="expected a table"
        )
    name = raw.get("name")
    aliases = raw.get("aliases")
    operator = raw.get("operator", "")
    if not isinstance(name, str) or not name:
        raise RuleSetInvalid(source=source, problem="missing", key=f"{key}.name")
    if (
        not isinstance(aliases, list)
        or not aliases
        or not all(isinstance(alias, str) and text_normalise(alias) for alias in aliases)
    ):
        raise RuleSetInvalid(
            source=source,
            problem="wrong_type",
            key=f"{key}.aliases",
            detail="expected a non-empty list of non-empty strings",
        )
    if not isinstance(operator, str):
        raise RuleSetInvalid(
            source=source, problem="wrong_type", key=f"{key}.operator", detail="expected a string"
        )
    return CatalogueEntry(name=name, operator=operator, aliases=tuple(aliases))


def catalogue_pinned(
    file_name: str, expected_version: str, *, catalogue_dir: Path, entry_table: str
) -> Catalogue:
    """Load catalogue `file_name` and check it has the version the rule set pins.

    Pinning the version in the rule set keeps a scan replayable: a catalogue
    update needs a new rule-set version, so one rule-set version always means
    one set of keywords.
    """
    if not _FILE_NAME.match(file_name):
        raise ParamOutOfRange(
            "catalogue", f"{file_name!r} is not a plain file name like loan_platforms.toml"
        )
    catalogue = catalogue_load(catalogue_dir / file_name, entry_table=entry_table)
    if catalogue.version != expected_version:
        raise RuleSetInvalid(
            source=str(catalogue_dir / file_name),
            problem="catalogue_version",
            key="version",
            detail=f"the rule set expects {expected_version}, the file has {catalogue.version}",
        )
    return catalogue


class KeywordMatcher:
    """Find which catalogue entries a text mentions, with one Aho-Corasick pass."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._automaton = ahocorasick.Automaton()
        # Value: (entry name or None for a not_within phrase, normalised length).
        patterns: dict[str, tuple[str | None, int]] = {}
        for phrase in catalogue.not_within:
            normalised = text_normalise(phrase)
            patterns[normalised] = (None, len(normalised))
        for entry in catalogue.entries:
            for alias in entry.aliases:
                normalised = text_normalise(alias)
                patterns.setdefault(normalised, (entry.name, len(normalised)))
        for pattern, value in patterns.items():
            self._automaton.add_word(pattern, value)
        self._automaton.make_automaton()
        self._aliases = [pattern for pattern, (name, _) in patterns.items() if name is not None]

    def match(self, text: str) -> list[str]:
        """Return the names of the entries mentioned in `text`, in order of first mention."""
        normalised = text_normalise(text)
        hits: list[tuple[int, int, str]] = []
        shields: list[tuple[int, int]] = []
        for end, (name, length) in self._automaton.iter(normalised):
            start = end - length + 1
            if name is None:
                shields.append((start, end))
            else:
                hits.append((start, end, name))

        # A match inside a longer one (彩票 in 体育彩票) belongs to the longer one.
        shields.extend((start, end) for start, end, _ in hits)
        names: list[str] = []
        for start, end, name in sorted(hits):
            shielded = any(
                s_start <= start and end <= s_end and (s_start, s_end) != (start, end)
                for s_start, s_end in shields
            )
            if not shielded and name not in names:
                names.append(name)
        return names

    def match_frame(self, texts: pl.Series) -> pl.DataFrame:
        """Return one (text, name) row for each distinct text and each entry it mentions.

        Bills repeat the same counterparty and description across many rows,
        and almost no row names a catalogue entry. So each distinct text is
        first screened in polars, and only texts that may contain an alias are
        matched one by one in Python.
        """
        distinct = texts.drop_nulls().unique()
        candidates = distinct.filter(self._screen(distinct))
        pairs = [(text, name) for text in candidates.to_list() for name in self.match(text)]
        return pl.DataFrame(pairs, schema={"text": pl.String(), "name": pl.String()}, orient="row")

    def _screen(self, texts: pl.Series) -> pl.Series:
        """Return True for every text that text_normalise could turn into one containing an alias.

        The screen folds full-width ASCII, case and white space as NFKC and
        casefold do, and passes every text with another character that NFKC
        turns into a CJK character, ASCII or white space. So for aliases made
        of those it never drops a text that `match` would match.
        """
        folded = (
            texts.str.replace_many(_FULL_WIDTH, _HALF_WIDTH)
            .str.to_lowercase()
            .str.replace_all(r"\s+", "")
        )
        return folded.str.contains_any(self._aliases) | texts.str.contains(_COMPATIBILITY_FORMS)


# NFKC maps full-width ASCII (U+FF01–U+FF5E) to ASCII and the ideographic space to a space.
_FULL_WIDTH = [chr(code) for code in range(0xFF01, 0xFF5F)] + ["\u3000"]
_HALF_WIDTH = [chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)] + [" "]
# Other characters that NFKC, casefold or Python's white-space test turn into
# CJK, ASCII or white space: separators U+001C–U+001F, Latin, Greek and
# modifier letters, punctuation, letterlike and enclosed forms, CJK radicals,
# kanbun, enclosed CJK, compatibility ideographs, presentation forms, small and
# half-width forms, mathematical letters and enclosed alphanumerics. A test
# checks every code point up to U+2FFFF against this list.
_COMPATIBILITY_FORMS = (
    "[\x1c-\x1f\u00a0-\u02ff\u0370-\u03ff\u1d2c-\u1dbf\u1e96-\u1e9e\u1fbd-\u1ffe"
    "\u2000-\u2bff\u2c7c-\u2c7d\u2e80-\u2fdf\u3038-\u303a\u309b-\u309c\u3190-\u319f"
    "\u3200-\u33ff\ua7f2-\ua7f4\uf900-\ufaff\ufb00-\ufdff\ufe10-\ufe6f\ufe70-\ufeff"
    "\uff5f-\uffef\U000107a5\U0001d400-\U0001d7ff\U0001f100-\U0001f2ff"
    "\U0001fbf0-\U0001fbf9\U0002f800-\U0002fa1f]"
)


class CatalogueParams(Protocol):
    catalogue: str
    catalogue_version: str


@dataclass(frozen=True)
class CatalogueConfig:
    """Parameters and loaded catalogue of a catalogue-based indicator."""

    params: Any
    catalogue: Catalogue
    matcher: KeywordMatcher


def catalogue_attach(entry_table: str) -> PrepareFunction:
    """Return a `prepare` hook that loads the pinned catalogue named by the parameters."""

    def prepare(params: CatalogueParams, context: LoadContext) -> CatalogueConfig:
        catalogue = catalogue_pinned(
            params.catalogue,
            params.catalogue_version,
            catalogue_dir=context.catalogue_dir,
            entry_table=entry_table,
        )
        return CatalogueConfig(
            params=params, catalogue=catalogue, matcher=KeywordMatcher(catalogue)
        )

    return prepare
