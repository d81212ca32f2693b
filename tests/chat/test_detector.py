"""The borrowing detector on single messages, batches and a short conversation."""

from decimal import Decimal

import pytest

from hrguard.chat.classifier import model_load, model_train, training_split
from hrguard.chat.detector import NOT_TRIGGERED, Detection, classify, classify_many
from hrguard.chat.lexicon import lexicon_load


@pytest.mark.parametrize(
    ("message", "amount", "urgent"),
    [
        ("急用钱，能借我两千吗", "2000", True),
        ("借我2万元，下周还", "20000", False),
        ("兄弟借我5k，今晚就要", "5000", True),
        ("不好意思，想跟您借1.5万，年底前还您", "15000", False),
        ("手頭緊，能借我兩千塊嗎", "2000", False),
        ("V我200，明天还", "200", False),
        ("can you lend me 1w? asap", "10000", True),
        ("🙏🙏 江湖救急，借我三千", "3000", True),
        ("能不能借我点钱", None, False),
        ("要不要借我两千，我下周就还", "2000", False),
    ],
)
def test_classify_request_returns_amount_and_urgency(
    message: str, amount: str | None, urgent: bool
) -> None:
    detection = classify(message)

    assert detection.borrowing is True
    assert detection.amount == (None if amount is None else Decimal(amount))
    assert detection.urgent is urgent


@pytest.mark.parametrize(
    "message",
    [
        # 借 in other senses.
        "这个方案可以借鉴一下",
        "别找借口",
        "借过一下",
        "借助工具提效",
        "小王借调到总部了",
        "借问一下打印机在哪",
        "借一步说话",
        "借你吉言",
        "借这个机会感谢大家",
        "借东风做推广",
        "这几天借住在同学家",
    ],
)
def test_classify_other_sense_of_borrow_is_not_triggered(message: str) -> None:
    assert classify(message) == NOT_TRIGGERED


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("object", "能借我一下充电器吗"),
        ("object", "你的电脑借我用一下"),
        ("object", "那本书能借我看看吗"),
        ("object", "谁有伞借我一把"),
        ("object", "投影仪借我们用一下"),
        ("object", "会议室借到四点"),
        ("money talk", "这个月工资什么时候发"),
        ("money talk", "报销还没到账"),
        ("money talk", "奖金下周发"),
        ("money talk", "预算还差两万"),
        ("money talk", "客户回款到了吗"),
        ("money talk", "团建费每人两百"),
        ("money talk", "群里发红包了"),
        ("money talk", "备用金月底要还回去"),
        ("refusal", "我不借钱给别人"),
        ("refusal", "别借钱给他，他欠了一圈了"),
        ("document", "借条模板发一下"),
        ("document", "借款合同模板在共享盘"),
        ("lending to others", "我借你500，不急着还"),
        ("lending to others", "需要的话我可以借给你两千"),
        ("report", "他找我借钱，我没借"),
        ("report", "小张昨天问我借了两千块"),
        ("joke", "疯狂星期四，v我50"),
        ("joke", "谁借我一个亿，我马上退休"),
    ],
)
def test_classify_hard_negative_is_not_borrowing(kind: str, message: str) -> None:
    assert classify(message).borrowing is False, kind


def test_classify_many_matches_classify_one_by_one() -> None:
    messages = ["借鉴一下", "借我两千", "", "今天开会", "急用钱，借我1w", "他找我借钱"]

    assert classify_many(messages) == [classify(message) for message in messages]


def test_classify_request_names_trigger_term() -> None:
    assert classify("能周转我2000吗") == Detection(
        borrowing=True, amount=Decimal(2000), urgent=False, trigger="周转"
    )


def test_model_probability_equals_scikit_learn() -> None:
    model = model_load()
    normalise = lexicon_load().normalise

    for message in ["借我  两千", "借鉴一下", "能不能借我1w", "x", ""]:
        text = normalise(message)
        assert model.probability(text) == pytest.approx(model.probability_reference(text), abs=1e-9)


def test_conversation_one_asker_three_colleagues_and_a_joke() -> None:
    # Given E001 asks three colleagues for money and E004 jokes about borrowing.
    conversation = [
        ("E001", "E002", "在吗？"),
        ("E001", "E002", "能借我两千吗，下周发工资就还"),
        ("E002", "E001", "不好意思，我也手头紧"),
        ("E001", "E003", "兄弟江湖救急，借我1000"),
        ("E003", "E001", "你上次借的还没还呢"),
        ("E001", "E005", "姐，能不能先借我点钱，五百就行"),
        ("E004", "E001", "哈哈你借我一个亿吧，我明天就辞职"),
        ("E005", "E001", "借条模板发你了，先把上次的写一下"),
    ]

    # When every message is classified.
    detections = classify_many([text for _, _, text in conversation])
    asked = {
        (sender, receiver)
        for (sender, receiver, _), detection in zip(conversation, detections, strict=True)
        if detection.borrowing
    }

    # Then only E001's three requests count.
    assert asked == {("E001", "E002"), ("E001", "E003"), ("E001", "E005")}
    assert [d.amount for d in detections if d.borrowing] == [
        Decimal(2000),
        Decimal(1000),
        Decimal(500),
    ]


def test_lexicon_has_version_date_and_notice() -> None:
    lexicon = lexicon_load()

    assert lexicon.version == "2026.12.04.2"
    assert lexicon.date == "2026-12-04"
    assert "借" in lexicon.terms["triggers"]
    assert lexicon.notice.startswith("系统只在您单独同意后")


def test_model_train_twice_gives_same_probabilities() -> None:
    normalise = lexicon_load().normalise
    first = model_train(training_split(), normalise)
    second = model_train(training_split(), normalise)

    for message in ["借我两千", "借鉴一下", "能借我一下充电器吗"]:
        text = normalise(message)
        assert first.probability(text) == second.probability(text)
