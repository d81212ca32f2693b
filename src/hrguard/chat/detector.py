"""Decide whether a chat message asks someone to lend the sender money.

Three stages, cheapest first:

1. An Aho–Corasick automaton over the lexicon's trigger terms. A message
   without a trigger is negative and costs one automaton pass, which is what
   keeps the detector fast on ordinary work chat.
2. Rules over the normalised message: 借 in other senses (借鉴, 借口 ...) is
   masked; lending to others ("我借你500"), reports ("他找我借钱"),
   refusals and warnings ("别借钱给他"), jokes and borrowed objects
   (充电器, 会议室) are negative unless the message also asks the reader to
   lend to the sender ("借我", "跟你借").
3. A character n-gram classifier decides what the rules leave open.

Reports and lending to others are negative on purpose: the colleague-borrowing
indicator counts the requests a person sends, and a report names a third
person who has not consented to being read about.

The module imports no Django so it can run in scans, notebooks and benchmarks.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import accumulate

import ahocorasick

from hrguard.chat.amounts import amount_nearest
from hrguard.chat.classifier import CharNgramModel, model_load
from hrguard.chat.lexicon import Lexicon, lexicon_load

# Probability from the classifier at or above which a triggered message counts as a request.
THRESHOLD = 0.5
# Separates messages when a batch is scanned as one string; no lexicon term contains it.
_BATCH_SEPARATOR = "\x00"


@dataclass(frozen=True)
class Detection:
    """The verdict on one message; `trigger` is the lexicon term that started the analysis."""

    borrowing: bool
    amount: Decimal | None
    urgent: bool
    trigger: str | None


NOT_TRIGGERED = Detection(borrowing=False, amount=None, urgent=False, trigger=None)


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    section: str
    term: str


class Detector:
    """A borrowing detector built from one lexicon and one trained model."""

    def __init__(self, lexicon: Lexicon, model: CharNgramModel) -> None:
        self.lexicon = lexicon
        self.model = model
        self._trigger_automaton = _trigger_automaton_build(lexicon)
        self._rule_automaton = _rule_automaton_build(lexicon)

    def classify(self, text: str) -> Detection:
        """Classify one message."""
        for _ in self._trigger_automaton.iter(text):
            return self._analyse(text)
        return NOT_TRIGGERED

    def classify_many(self, texts: Sequence[str]) -> list[Detection]:
        """Classify many messages with one automaton pass over all of them."""
        results = [NOT_TRIGGERED] * len(texts)
        if not texts:
            return results

        joined = _BATCH_SEPARATOR.join(texts)
        ends = list(accumulate(len(text) + 1 for text in texts))
        index = 0
        analysed = -1
        for end, _term in self._trigger_automaton.iter(joined):
            while ends[index] <= end:
                index += 1
            if index != analysed:
                results[index] = self._analyse(texts[index])
                analysed = index
        return results

    def _analyse(self, text: str) -> Detection:
        normalised = self.lexicon.normalise(text)
        hits = self._rule_hits(normalised)
        triggers = _unmasked(hits.get("triggers", []), hits.get("masks", []))
        if not triggers:
            return NOT_TRIGGERED

        trigger = triggers[0]
        if self._rules_reject(normalised, hits):
            return Detection(borrowing=False, amount=None, urgent=False, trigger=trigger.term)
        if self.model.probability(normalised) < THRESHOLD:
            return Detection(borrowing=False, amount=None, urgent=False, trigger=trigger.term)

        return Detection(
            borrowing=True,
            amount=amount_nearest(normalised, trigger.end),
            urgent=bool(hits.get("urgent")),
            trigger=trigger.term,
        )

    def _rule_hits(self, normalised: str) -> dict[str, list[_Hit]]:
        hits: dict[str, list[_Hit]] = {}
        for end, entries in self._rule_automaton.iter(normalised):
            for section, term in entries:
                hit = _Hit(end - len(term) + 1, end + 1, section, term)
                hits.setdefault(section, []).append(hit)
        for found in hits.values():
            found.sort(key=lambda hit: (hit.start, -hit.end))
        return hits

    def _rules_reject(self, normalised: str, hits: dict[str, list[_Hit]]) -> bool:
        if hits.get("jokes"):
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
        if hits.get("objects") and not hits.get("money"):
            return amount_nearest(normalised, 0) is None
        return False


def _is_question_form(normalised: str, refusal: _Hit) -> bool:
    """Tell "要不要借钱给我" (an A-not-A question) from "不要借钱" (a refusal)."""
    if not refusal.term.startswith("不") or refusal.start == 0 or len(refusal.term) < 2:
        return False
    return normalised[refusal.start - 1] == refusal.term[1]


def _unmasked(triggers: list[_Hit], masks: list[_Hit]) -> list[_Hit]:
    return [
        trigger
        for trigger in triggers
        if not any(mask.start <= trigger.start and trigger.end <= mask.end for mask in masks)
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
    """Classify many messages at once; faster than calling `classify` in a loop."""
    return detector_load().classify_many(list(texts))
