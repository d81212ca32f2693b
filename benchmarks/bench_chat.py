"""Measure how many chat messages per second the borrowing detector classifies on one core.

The mix is mostly ordinary work chat with about 1% of messages that contain a
trigger term (taken from both corpus splits). The detector runs its full path:
automaton, rules, and the classifier for every triggered message. The baseline
is a plain `re` alternation of the same trigger spellings searched in every
message; it only finds candidates and decides nothing.

The batched path (`Detector.classify_many`) pre-filters the whole list in
one polars `str.contains_any` call (Rust Aho–Corasick) and runs the detector
only on triggered messages; the chat import screens messages the same way.

`--archive N` instead imports a generated WeCom archive of N messages through
`hrguard import chat` into a fresh SQLite database in a temporary folder and
reports the time and the peak resident memory of the process.

Run: .venv/bin/python benchmarks/bench_chat.py [--messages 200000]
     .venv/bin/python benchmarks/bench_chat.py --archive 5000000
"""

import argparse
import datetime
import os
import platform
import random
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from hrguard.chat.classifier import corpus_parse, training_split
from hrguard.chat.detector import detector_load
from hrguard.chat.evaluation import corpus_evaluate

ROOT = Path(__file__).resolve().parent.parent
TEST_SPLIT = ROOT / "tests" / "data" / "chat" / "test.jsonl"
TRIGGERED_SHARE = 0.01
REPEATS = 5

# Fragments of ordinary work chat; sentences are built from one to three of them.
WORK_CHAT = [
    "收到",
    "好的，我下午看一下",
    "会议改到三点了，地点不变",
    "这个需求下周一评审",
    "文档我已经更新到共享盘了",
    "@张三 麻烦看下这个bug",
    "今天的日报发一下",
    "客户那边反馈说页面打不开",
    "测试环境又挂了，谁在重启",
    "我晚点到，地铁延误",
    "明天上午请半天假去医院",
    "周报模板在群公告里",
    "这个接口返回500，看下日志",
    "PR已经提了，帮忙review一下",
    "下班前把合同发给法务",
    "OK",
    "👍",
    "谢谢！",
    "辛苦了",
    "我在开会，稍后回复",
    "数据已经导出来了，一共两万三千行",
    "新同事下周入职，工位安排在靠窗那边",
    "年会节目报名截止到周五",
    "打印机没纸了",
    "午饭一起吗？",
    "今天加班吗",
    "项目进度更新：前端完成80%，后端联调中",
    "把上个季度的销售数据整理成表格",
    "这个版本先不上线，等产品确认",
    "好的没问题",
    "麻烦把会议纪要发到群里",
    "I'll send the slides after lunch",
    "sounds good, let's sync tomorrow",
    "服务器CPU占用有点高",
    "客户下午两点到，前台接待一下",
    "这周五团队聚餐，地点待定",
    "考勤系统今天维护，打卡可能延迟",
    "报价单已经发给客户了",
    "合同第五条需要修改",
    "请大家在周四前提交绩效自评",
]


def realistic_mix(count: int, seed: int = 20261204) -> list[str]:
    """Build `count` messages: ordinary chat plus about 1% triggered corpus messages."""
    rng = random.Random(seed)
    detector = detector_load()
    corpus = training_split() + corpus_parse(TEST_SPLIT.open(encoding="utf-8"))
    triggered = [m.text for m in corpus if detector.classify(m.text).trigger is not None]

    messages = []
    while len(messages) < count:
        if rng.random() < TRIGGERED_SHARE:
            messages.append(rng.choice(triggered))
            continue
        text = "，".join(rng.sample(WORK_CHAT, rng.randint(1, 3)))
        if detector.classify(text).trigger is None:
            messages.append(text)
    return messages


def baseline_pattern() -> re.Pattern[str]:
    """Compile one alternation of every trigger spelling the automaton holds."""
    detector = detector_load()
    lexicon = detector.lexicon
    spellings = {s for term in lexicon.terms["triggers"] for s in lexicon.spellings(term)}
    ordered = sorted(spellings, key=len, reverse=True)
    return re.compile("|".join(re.escape(spelling) for spelling in ordered))


def rate(run: Callable[[list[str]], object], messages: list[str]) -> float:
    """Return the median messages per CPU second over REPEATS runs.

    CPU time of this process, not wall time, so other work on a shared machine
    does not count against the detector.
    """
    rates = []
    for _ in range(REPEATS):
        started = time.process_time()
        run(messages)
        rates.append(len(messages) / (time.process_time() - started))
    return statistics.median(rates)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000, help="messages in the mix")
    parser.add_argument(
        "--archive", type=int, default=0, help="import a generated archive of this many messages"
    )
    options = parser.parse_args()
    if options.archive:
        archive_import(options.archive)
        return

    # One core: the detector is single-threaded, and pinning keeps the numbers comparable.
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    detector = detector_load()
    messages = realistic_mix(options.messages)
    share = sum(detector.classify(m).trigger is not None for m in messages) / len(messages)
    flagged = sum(d.borrowing for d in detector.classify_many(messages))
    pattern = baseline_pattern()

    def full_path(batch: list[str]) -> object:
        return [detector.classify(text) for text in batch]

    def batched(batch: list[str]) -> object:
        return detector.classify_many(batch)

    def prefilter_only(batch: list[str]) -> object:
        return detector.triggered_many(batch)

    def automaton_only(batch: list[str]) -> object:
        return [detector.is_triggered(text) for text in batch]

    def baseline(batch: list[str]) -> object:
        return [pattern.search(text) is not None for text in batch]

    results = {
        "full path, batched: classify_many() with polars pre-filter": rate(batched, messages),
        "full path: classify() per message": rate(full_path, messages),
        "polars contains_any pre-filter only, whole batch": rate(prefilter_only, messages),
        "trigger automaton only, per message": rate(automaton_only, messages),
        "baseline: re alternation per message": rate(baseline, messages),
    }

    held_out = corpus_parse(TEST_SPLIT.open(encoding="utf-8"))
    scores = corpus_evaluate(detector, held_out)

    base = results["baseline: re alternation per message"]
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {cpu_model()}, Python {platform.python_version()}, pinned to one core")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print(f"mix: {len(messages):,} messages, {share:.2%} triggered, {flagged:,} flagged")
    print(
        f"test split: {scores.messages} messages, {scores.requests} requests, "
        f"precision {scores.precision:.3f}, recall {scores.recall:.3f}, "
        f"amount right {scores.amount_accuracy:.3f} "
        f"(TP {scores.true_positives}, FP {scores.false_positives}, "
        f"FN {scores.false_negatives})"
    )
    print("| path | messages per CPU second | × baseline |")
    print("|---|---:|---:|")
    for name, value in results.items():
        print(f"| {name} | {value:,.0f} | {value / base:.1f} |")


ARCHIVE_EMPLOYEES = 2000
ARCHIVE_GROUPS = 200
ARCHIVE_START_MS = 1_793_462_400_000  # 2026-11-01 00:00 Asia/Shanghai
# Share of archive records that are images (skipped) and of senders without consent.
ARCHIVE_IMAGE_SHARE = 0.05
ARCHIVE_NO_CONSENT_SHARE = 0.1


def archive_write(path: Path, count: int, seed: int = 20261204) -> None:
    """Write `count` WeCom archive records, one JSON object per line, without holding them."""
    import json

    rng = random.Random(seed)
    triggered = [
        m.text for m in training_split() if detector_load().classify(m.text).trigger is not None
    ]
    step_ms = 30 * 24 * 3600 * 1000 // count
    with path.open("w", encoding="utf-8") as stream:
        for index in range(count):
            sender = f"B{rng.randrange(ARCHIVE_EMPLOYEES):05d}"
            record: dict[str, object] = {
                "msgid": f"{index}_{seed}",
                "action": "send",
                "from": sender,
                "msgtime": ARCHIVE_START_MS + index * step_ms,
            }
            if rng.random() < 0.2:
                record["roomid"] = f"wrBench{rng.randrange(ARCHIVE_GROUPS):04d}"
                record["tolist"] = [f"B{rng.randrange(ARCHIVE_EMPLOYEES):05d}" for _ in range(5)]
            else:
                record["roomid"] = ""
                record["tolist"] = [f"B{rng.randrange(ARCHIVE_EMPLOYEES):05d}"]
            if rng.random() < ARCHIVE_IMAGE_SHARE:
                record["msgtype"] = "image"
                record["image"] = {"md5sum": "0" * 32, "filesize": 1024, "sdkfileid": "x"}
            else:
                if rng.random() < TRIGGERED_SHARE:
                    text = rng.choice(triggered)
                else:
                    text = "，".join(rng.sample(WORK_CHAT, rng.randint(1, 3)))
                record["msgtype"] = "text"
                record["text"] = {"content": text}
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")


def archive_import(count: int) -> None:
    """Import a generated archive into a fresh database and print time and peak memory."""
    import resource
    import shutil
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="hrguard-bench-chat-"))
    os.environ["HRGUARD_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrguard.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from hrguard.chat.models import ChatFlag
    from hrguard.ingest.services import import_file
    from hrguard.people.models import Department, Employee
    from hrguard.people.pseudonyms import pseudonym_for
    from hrguard.privacy.models import Consent, DataCategory

    call_command("migrate", verbosity=0)
    department = Department.objects.create(name="基准测试部")
    employees = Employee.objects.bulk_create(
        Employee(
            employee_no=f"B{number:05d}",
            name=f"职员{number}",
            department=department,
            hire_date=datetime.date(2020, 1, 1),
            pseudonym=pseudonym_for(f"B{number:05d}", length=8),
        )
        for number in range(ARCHIVE_EMPLOYEES)
    )
    consenting = employees[: int(ARCHIVE_EMPLOYEES * (1 - ARCHIVE_NO_CONSENT_SHARE))]
    Consent.objects.bulk_create(
        Consent(employee=e, category=DataCategory.CHAT, granted_on=datetime.date(2026, 1, 1))
        for e in consenting
    )
    archive = home / "archive.jsonl"
    archive_write(archive, count)
    size_mb = archive.stat().st_size / 1e6
    detector_load()

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu_started = time.perf_counter(), time.process_time()
    report = import_file(kind="chat", path=archive, file_name=archive.name)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {cpu_model()}, Python {platform.python_version()}")
    print(f"archive: {count:,} records, {size_mb:,.0f} MB, status {report.status}")
    print(f"flagged and stored: {ChatFlag.objects.count():,}")
    for note in report.notes:
        print(f"note: {note}")
    print(f"import: {elapsed:,.1f} s wall, {cpu:,.1f} s CPU, {count / elapsed:,.0f} records/s")
    print(f"peak RSS: {rss_before:,.0f} MiB before the import, {rss_after:,.0f} MiB after")
    shutil.rmtree(home)


if __name__ == "__main__":
    main()
