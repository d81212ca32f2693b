"""Score the borrowing detector against a labelled corpus."""

from dataclasses import dataclass

from hrguard.chat.classifier import LabelledMessage
from hrguard.chat.detector import Detector


@dataclass(frozen=True)
class CorpusScores:
    """Precision and recall of the borrowing verdict, and how often the amount was right."""

    messages: int
    true_positives: int
    false_positives: int
    false_negatives: int
    amounts_right: int
    requests: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.requests if self.requests else 1.0

    @property
    def amount_accuracy(self) -> float:
        """Share of labelled requests flagged with exactly the labelled amount (None when none)."""
        return self.amounts_right / self.requests if self.requests else 1.0


def corpus_evaluate(detector: Detector, messages: list[LabelledMessage]) -> CorpusScores:
    """Classify every message and count hits, misses and correct amounts."""
    true_positives = false_positives = false_negatives = amounts_right = 0
    for message in messages:
        detection = detector.classify(message.text)
        if message.borrowing and detection.borrowing:
            true_positives += 1
            amounts_right += detection.amount == message.amount
        elif message.borrowing:
            false_negatives += 1
        elif detection.borrowing:
            false_positives += 1

    return CorpusScores(
        messages=len(messages),
        true_positives=true_positives,
        false_positives=false_positives,
        false_negatives=false_negatives,
        amounts_right=amounts_right,
        requests=sum(message.borrowing for message in messages),
    )
