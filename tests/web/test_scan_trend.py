import datetime

import pytest

from hrguard.risk.models import RuleSet, ScanRun
from hrguard.risk.selectors import scan_latest, scan_trend

pytestmark = pytest.mark.django_db


def _scan(rule_set: RuleSet, as_of: datetime.date, *, watch: int) -> ScanRun:
    return ScanRun.objects.create(
        as_of=as_of,
        rule_set=rule_set,
        finished_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
        alerts_watch=watch,
    )


@pytest.fixture
def rule_set() -> RuleSet:
    return RuleSet.objects.create(version="test-1", content="", sha256="0" * 64)


def test_scan_trend_orders_by_reference_date(rule_set: RuleSet) -> None:
    november = _scan(rule_set, datetime.date(2026, 11, 30), watch=6)
    back_dated = _scan(rule_set, datetime.date(1999, 1, 1), watch=0)

    trend = scan_trend()

    assert trend == [back_dated, november]


def test_scan_trend_keeps_latest_run_per_date(rule_set: RuleSet) -> None:
    _scan(rule_set, datetime.date(2026, 11, 30), watch=6)
    rerun = _scan(rule_set, datetime.date(2026, 11, 30), watch=7)

    trend = scan_trend()

    assert trend == [rerun]


def test_scan_latest_ignores_back_dated_rerun(rule_set: RuleSet) -> None:
    november = _scan(rule_set, datetime.date(2026, 11, 30), watch=6)
    _scan(rule_set, datetime.date(1999, 1, 1), watch=0)

    assert scan_latest() == november
