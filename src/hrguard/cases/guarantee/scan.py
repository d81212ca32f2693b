"""Find guarantee clauses in document text and cut a readable snippet around each hit.

Plain Python without Django, so it can be tested and reused alone. Matching
ignores whitespace and full-width forms, because text extracted from PDFs
often splits words with spaces or line breaks ("保 证 人").
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

CLAUSES_FILE = Path(__file__).with_name("clauses.toml")
SNIPPET_CONTEXT_CHARS = 40
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ClauseList:
    version: str
    keywords: tuple[str, ...]
    ignore: tuple[str, ...]


@dataclass(frozen=True)
class ClauseHit:
    keyword: str
    snippet: str


@lru_cache(maxsize=4)
def clause_list_load(path: Path = CLAUSES_FILE) -> ClauseList:
    """Return the versioned keyword and ignore lists from a clauses TOML file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return ClauseList(
        version=str(data["version"]),
        keywords=tuple(_normalise(word) for word in data["keywords"]),
        ignore=tuple(_normalise(phrase) for phrase in data.get("ignore", [])),
    )


def _normalise(text: str) -> str:
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def _compact(text: str) -> tuple[str, list[int]]:
    """Return `text` in NFKC without whitespace, and each kept character's index in `text`."""
    characters: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        for normal in unicodedata.normalize("NFKC", char):
            if not normal.isspace():
                characters.append(normal)
                positions.append(index)
    return "".join(characters), positions


@lru_cache(maxsize=4)
def _automaton(words: tuple[str, ...]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def _spans(compact: str, words: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """Return (start, end, word) of every occurrence of `words` in `compact`."""
    if not words or not compact:
        return []
    return [(end - len(word) + 1, end + 1, word) for end, word in _automaton(words).iter(compact)]


def clauses_find(text: str, clauses: ClauseList) -> list[ClauseHit]:
    """Return one hit per guarantee wording in `text`, in reading order.

    Where matches overlap the longest keyword wins, so "承担保证责任" is a hit
    for 保证责任 and not for 担保. Keywords inside an ignore phrase are
    skipped. Each snippet shows the original text around the match with
    whitespace collapsed.
    """
    compact, positions = _compact(text)
    ignored = _spans(compact, clauses.ignore)
    longest_first = sorted(
        _spans(compact, clauses.keywords), key=lambda span: (span[0] - span[1], span[0])
    )

    chosen: list[tuple[int, int, str]] = []
    for start, end, word in longest_first:
        if any(start < taken_end and end > taken_start for taken_start, taken_end, _ in chosen):
            continue
        if any(start >= low and end <= high for low, high, _ in ignored):
            continue
        chosen.append((start, end, word))

    return [
        ClauseHit(keyword=word, snippet=_snippet(text, positions[start], positions[end - 1] + 1))
        for start, end, word in sorted(chosen)
    ]


def _snippet(text: str, start: int, end: int) -> str:
    before = text[max(0, start - SNIPPET_CONTEXT_CHARS) : start]
    after = text[end : end + SNIPPET_CONTEXT_CHARS]
    prefix = "…" if start > SNIPPET_CONTEXT_CHARS else ""
    suffix = "…" if end + SNIPPET_CONTEXT_CHARS < len(text) else ""
    snippet = f"{prefix}{before}【{text[start:end]}】{after}{suffix}"
    return _WHITESPACE.sub(" ", snippet).strip()
