"""Character n-gram classifier that decides whether a triggered message asks to borrow money.

The model is trained at first use from the training split shipped in the
package (data/train.jsonl), so the code and the data it learned from are
always the same version and nothing is unpickled or downloaded. Training is
deterministic and takes about a tenth of a second.

scikit-learn fits the model; scoring one message uses the fitted weights
directly (`CharNgramModel.probability`). That gives the same number as
`predict_proba` and took about 9 µs against 450 µs per message on the
benchmark machine described in benchmarks/RESULTS.md.
"""

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from hrguard.chat.lexicon import lexicon_load

NGRAM_RANGE = (1, 3)
# Chosen by 5-fold cross-validation on the training split (C from 1 to 30 gave
# the same precision; 10 gave the best recall). The test split played no part.
REGULARISATION_C = 10.0

_WHITESPACE = re.compile(r"\s\s+")


@dataclass(frozen=True)
class LabelledMessage:
    """One corpus line: the message, whether it asks to borrow, and the amount asked."""

    text: str
    borrowing: bool
    amount: Decimal | None


def corpus_parse(lines: Iterable[str]) -> list[LabelledMessage]:
    """Read JSONL corpus lines with the keys text, label (1 or 0) and amount (yuan or null)."""
    messages = []
    for line in lines:
        if not line.strip():
            continue
        row = json.loads(line)
        amount = None if row["amount"] is None else Decimal(str(row["amount"]))
        messages.append(LabelledMessage(row["text"], bool(row["label"]), amount))
    return messages


def training_split() -> list[LabelledMessage]:
    """Load the training split shipped inside the package."""
    data = resources.files("hrguard.chat").joinpath("data", "train.jsonl")
    return corpus_parse(data.read_text(encoding="utf-8").splitlines())


class CharNgramModel:
    """TF-IDF over character 1–3-grams followed by logistic regression, scored in plain Python."""

    def __init__(self, vectorizer: TfidfVectorizer, regression: LogisticRegression) -> None:
        self.vectorizer = vectorizer
        self.regression = regression
        coefficients = regression.coef_[0]
        idf = vectorizer.idf_
        self._intercept = float(regression.intercept_[0])
        # Per n-gram: (idf, idf × coefficient), so scoring needs one dict lookup per n-gram.
        self._weights = {
            ngram: (float(idf[column]), float(idf[column] * coefficients[column]))
            for ngram, column in vectorizer.vocabulary_.items()
        }

    def probability(self, normalised_text: str) -> float:
        """Return the probability that the normalised message asks to borrow money."""
        counts = Counter(_char_ngrams(normalised_text))
        squared_norm = 0.0
        dot = 0.0
        for ngram, count in counts.items():
            weights = self._weights.get(ngram)
            if weights is None:
                continue
            idf, weighted_coefficient = weights
            squared_norm += (count * idf) ** 2
            dot += count * weighted_coefficient
        score = self._intercept
        if squared_norm > 0:
            score += dot / math.sqrt(squared_norm)
        return 1.0 / (1.0 + math.exp(-score))

    def probability_reference(self, normalised_text: str) -> float:
        """Return the same probability through scikit-learn, for checking `probability`."""
        features = self.vectorizer.transform([normalised_text])
        return float(self.regression.predict_proba(features)[0, 1])


def _char_ngrams(text: str) -> list[str]:
    # Same n-grams as TfidfVectorizer(analyzer="char"): runs of whitespace count as one space.
    text = _WHITESPACE.sub(" ", text)
    low, high = NGRAM_RANGE
    return [
        text[start : start + size]
        for size in range(low, high + 1)
        for start in range(len(text) - size + 1)
    ]


def model_train(messages: list[LabelledMessage], normalise: Callable[[str], str]) -> CharNgramModel:
    """Fit the n-gram model on labelled messages (text normalised as the detector sees it)."""
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=NGRAM_RANGE, lowercase=False)
    features = vectorizer.fit_transform([normalise(message.text) for message in messages])
    labels = [int(message.borrowing) for message in messages]
    regression = LogisticRegression(C=REGULARISATION_C, class_weight="balanced", max_iter=1000)
    regression.fit(features, labels)
    return CharNgramModel(vectorizer, regression)


@cache
def model_load() -> CharNgramModel:
    """Train the model from the shipped training split once per process."""
    return model_train(training_split(), lexicon_load().normalise)
