"""Decide whether a chat message asks someone to lend the sender money.

Three stages, cheapest first:

1. An Aho–Corasick automaton over the lexicon's trigger terms. A message
   without a trigger is negative and costs one automaton pass, which is what
   keeps the detector fast on ordinary work chat.
2. Rules over the normalised message. 借 in other senses (借鉴, 借口 ...) is
   masked, and jokes are negative. Lending to others ("我借你500"), reports
   ("他找我借钱"), refusals and warnings ("别借钱给他") are negative unless
   the message also asks the reader to lend to the sender ("借我", "跟你借").
   Borrowed objects (充电器, 会议室) are negative when the message names no
   money and no amount.
3. A character n-gram classifier decides what the rules leave open.

Reports and lending to others are negative on purpose: the colleague-borrowing
indicator counts the requests a person sends, and a report names a third
person who has not consented to being read about.

The module imports no Django so it can run in scans, notebooks and benchmarks.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import ahocorasick
import polars as pl

from hrguard.chat.amounts import amount_nearest
from hrguard.chat.classifier import CharNgramModel, model_load
from hrguard.chat.lexicon import Lexicon, lexicon_load

# Probability from the classifier at or above which a triggered message counts as a request.
THRESHOLD = 0.5


@dataclass(frozen=True)
class Detection:
    """The verdict on one message; `trigger` is the lexicon term that started the analysis."""

    borrowing: bool
    amount: Decimal | None
    urgent: bool
    trigger: str | None


NOT_TRIGGERED = Detection(borrowing=False, amount=None, urgent=False, trigger=None)


# A lexicon term found in a message: (start, end, term), end exclusive.
_Hit = tuple[int, int, str]


class Detector:
    """A borrowing detector built from one lexicon and one trained model."""

    def __init__(self, lexicon: Lexicon, model: CharNgramModel) -> None:
        self.lexicon = lexicon
        self.model = model
        self._trigger_automaton = _trigger_automaton_build(lexicon)
        self._trigger_spellings = sorted(
            {spelling for term in lexicon.terms["triggers"] for spelling in lexicon.spellings(term)}
        )
        self._rule_automaton = _rule_automaton_build(lexicon)

    def classify(self, text: str) -> Detection:
        """Classify one message."""
        if not self.is_triggered(text):
            return NOT_TRIGGERED
        return self._analyse(text)

    def is_triggered(self, text: str) -> bool:
        """Tell whether the raw message contains any spelling of a trigger term."""
        # Any match will do, and iter_long was the cheapest way to get one in measurements.
        return next(self._trigger_automaton.iter_long(text), None) is not None

    def triggered_many(self, texts: list[str]) -> list[bool]:
        """Tell for each raw message whether it contains a trigger spelling, in one native pass.

        polars `str.contains_any` runs a Rust Aho–Corasick automaton over the
        whole batch, so the per-message cost stays out of Python. It gives the
        same answers as `is_triggered` on every message.
        """
        if not texts:
            return []
        series = pl.Series(texts, dtype=pl.String())
        return series.str.contains_any(self._trigger_spellings).to_list()

    def classify_many(self, texts: Iterable[str]) -> list[Detection]:
        """Classify messages in order, pre-filtering the whole batch with `triggered_many`."""
        batch = list(texts)
        triggered = self.triggered_many(batch)
        return [
            self.analyse(text) if is_triggered else NOT_TRIGGERED
            for text, is_triggered in zip(batch, triggered, strict=True)
        ]

    def analyse(self, text: str) -> Detection:
        """Classify a message already known to contain a trigger spelling."""
        return self._analyse(text)

    def _analyse(self, text: str) -> Detection:
        normalised = self.lexicon.normalise(text)
        hits = self._rule_hits(normalised)
        triggers = _unmasked(hits.get("triggers", []), hits.get("masks", []))
        if not triggers:
            return NOT_TRIGGERED

        trigger_end, trigger = triggers[0][1], triggers[0][2]
        if self._rules_reject(normalised, hits):
            return Detection(borrowing=False, amount=None, urgent=False, trigger=trigger)
        if self.model.probability(normalised) < THRESHOLD:
            return Detection(borrowing=False, amount=None, urgent=False, trigger=trigger)

        return Detection(
            borrowing=True,
            amount=amount_nearest(normalised, trigger_end),
            urgent="urgent" in hits,
            trigger=trigger,
        )

    def _rule_hits(self, normalised: str) -> dict[str, list[_Hit]]:
        """Find every lexicon term in the text, by section, in order of their end."""
        hits: dict[str, list[_Hit]] = {}
        for end, entries in self._rule_automaton.iter(normalised):
            for section, term in entries:
                hits.setdefault(section, []).append((end - len(term) + 1, end + 1, term))
        return hits

    def _rules_reject(self, normalised: str, hits: dict[str, list[_Hit]]) -> bool:
        if "jokes" in hits:
            return True

        refusals = [
            hit for hit in hits.get("refusals", []) if not _is_question_form(normalised, hit)
        ]
        against = refusals + hits.get("lender", []) + hits.get("reporting", [])
        # "你借我的五百" contains "借我" but reports a loan the sender gave.
        requests = _unmasked(hits.get("requests", []), against)
        if against and not requests:
            return True

        # "能借我一下充电器吗": an object and nothing about money.
        if "objects" in hits and "money" not in hits:
            return amount_nearest(normalised, 0) is None
        return False


def _is_question_form(normalised: str, refusal: _Hit) -> bool:
    """Tell "要不要借钱给我" (an A-not-A question) from "不要借钱" (a refusal)."""
    start, _, term = refusal
    if not term.startswith("不") or start == 0 or len(term) < 2:
        return False
    return normalised[start - 1] == term[1]


def _unmasked(found: list[_Hit], masks: list[_Hit]) -> list[_Hit]:
    return [
        hit for hit in found if not any(mask[0] <= hit[0] and hit[1] <= mask[1] for mask in masks)
    ]


def _trigger_automaton_build(lexicon: Lexicon) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for term in lexicon.terms["triggers"]:
        for spelling in lexicon.spellings(term):
            automaton.add_word(spelling, spelling)
    automaton.make_automaton()
    return automaton


def _rule_automaton_build(lexicon: Lexicon) -> ahocorasick.Automaton:
    entries: dict[str, list[tuple[str, str]]] = {}
    for section, terms in lexicon.terms.items():
        for term in terms:
            entries.setdefault(term, []).append((section, term))

    automaton = ahocorasick.Automaton()
    for term, sections in entries.items():
        automaton.add_word(term, sections)
    automaton.make_automaton()
    return automaton


@cache
def detector_load() -> Detector:
    """Build the detector from the shipped lexicon and training split, once per process."""
    return Detector(lexicon_load(), model_load())


def classify(text: str) -> Detection:
    """Decide whether one chat message asks someone to lend the sender money."""
    return detector_load().classify(text)


def classify_many(texts: Iterable[str]) -> list[Detection]:
    """Classify many messages, in order."""
    return detector_load().classify_many(texts)
