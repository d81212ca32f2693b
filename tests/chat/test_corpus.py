"""The detector's precision, recall and amount accuracy on the held-out test split."""

from pathlib import Path

from hrguard.chat.classifier import corpus_parse, training_split
from hrguard.chat.detector import detector_load
from hrguard.chat.evaluation import corpus_evaluate

TEST_SPLIT = Path(__file__).parent.parent / "data" / "chat" / "test.jsonl"


def test_split_shares_no_message_with_training_split() -> None:
    held_out = {message.text for message in corpus_parse(TEST_SPLIT.open(encoding="utf-8"))}
    trained = {message.text for message in training_split()}

    assert held_out & trained == set()
    assert len(held_out) + len(trained) >= 800


def test_corpus_targets_met_on_test_split() -> None:
    messages = corpus_parse(TEST_SPLIT.open(encoding="utf-8"))

    scores = corpus_evaluate(detector_load(), messages)

    assert scores.requests * 2 == scores.messages
    assert scores.precision >= 0.95
    assert scores.recall >= 0.92
    assert scores.amount_accuracy >= 0.95
