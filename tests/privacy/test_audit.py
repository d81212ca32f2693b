from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from hrguard.core.errors import ValidationFailed
from hrguard.privacy.audit import audit_record, audit_verify, entry_hash
from hrguard.privacy.models import GENESIS_HASH, AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db


def record_five(actor=None) -> list[AuditEntry]:
    return [
        audit_record(
            actor=actor,
            action="case.update",
            target_type="case",
            target_id=str(number),
            before={"status": "open", "amount": Decimal("12.50")},
            after={"status": "closed"},
            reason="处理完毕",
        )
        for number in range(1, 6)
    ]


def run_verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        call_command("audit", "verify")
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    else:
        code = 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def execute(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_audit_record_links_entries_in_order(django_user_model) -> None:
    user = django_user_model.objects.create_user(username="hr1")

    entries = record_five(actor=user)

    assert [entry.seq for entry in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.hash
    assert entries[0].actor_id == user.pk
    assert entries[0].before == {"status": "open", "amount": "12.50"}
    assert AuditChainHead.objects.get().seq == 5
    assert AuditChainHead.objects.get().hash == entries[-1].hash


def test_audit_record_stored_entry_hash_recomputes() -> None:
    record_five()

    for entry in AuditEntry.objects.all():
        assert entry_hash(entry) == entry.hash


def test_audit_record_system_actor_stored_as_none() -> None:
    entry = audit_record(actor=None, action="scan.run", target_type="scan", target_id="7")

    assert entry.actor_id is None
    assert entry.before is None


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_atomic_raises() -> None:
    with pytest.raises(RuntimeError, match=r"inside the transaction.atomic\(\) block"):
        audit_record(actor=None, action="scan.run", target_type="scan", target_id="7")

    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_audit_record_rolled_back_with_its_change() -> None:
    def failing_change() -> None:
        with transaction.atomic():
            audit_record(actor=None, action="scan.run", target_type="scan", target_id="7")
            raise LookupError("change failed")

    with pytest.raises(LookupError):
        failing_change()

    with transaction.atomic():
        entry = audit_record(actor=None, action="scan.run", target_type="scan", target_id="8")

    assert entry.seq == 1
    assert audit_verify().intact


@pytest.mark.parametrize(
    ("before", "message"),
    [
        ({"name": "张三"}, "personal data key 'name'"),
        ({"contact": {"phone": "x"}}, "personal data key 'phone'"),
        ({"note": "回电 13800138000"}, "must not contain a phone or ID number"),
        ({"ids": ["11010519491231002X"]}, "must not contain a phone or ID number"),
        ({"ratio": 1.5}, "must use Decimal or str instead of float"),
    ],
)
def test_audit_record_personal_data_raises(before: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        audit_record(
            actor=None, action="x", target_type="employee", target_id="E0001", before=before
        )

    assert AuditEntry.objects.count() == 0


def test_audit_record_hex_digest_with_digit_run_accepted() -> None:
    digest = "ab13812345678cd" + "0" * 49

    entry = audit_record(
        actor=None,
        action="evidence.attach",
        target_type="evidence",
        target_id="9",
        after={"sha256": digest, "bundle": "E0042-13812345678X"},
    )

    assert entry.after == {"sha256": digest, "bundle": "E0042-13812345678X"}


def test_audit_record_reason_with_phone_raises() -> None:
    with pytest.raises(ValidationFailed) as caught:
        audit_record(
            actor=None,
            action="x",
            target_type="employee",
            target_id="E0001",
            reason="致电13800138000",
        )

    assert caught.value.message == "理由中不能包含手机号或身份证号，请改写后再提交。"


def test_audit_entry_update_and_delete_raise() -> None:
    entry = record_five()[0]

    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.filter(seq=1).update(reason="x")
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.all().delete()
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()


def test_audit_verify_intact_chain_exits_zero(capsys) -> None:
    entries = record_five()

    code, out, err = run_verify(capsys)

    assert code == 0
    assert err == ""
    assert out.startswith("审计链完整：共 5 条记录。")
    assert f"5:{entries[-1].hash}" in out


def test_audit_verify_empty_chain_intact() -> None:
    report = audit_verify()

    assert report.intact
    assert report.checked == 0


def test_audit_verify_changed_field_reported(capsys) -> None:
    record_five()
    execute("UPDATE privacy_auditentry SET target_id = %s WHERE seq = %s", ["999", 3])

    code, _, err = run_verify(capsys)

    assert code == 1
    assert "审计链断裂：第 3 条记录的内容被修改（哈希不符）。" in err
    assert "此前的 2 条记录完好。" in err


def test_audit_verify_changed_json_reported() -> None:
    record_five()
    execute("UPDATE privacy_auditentry SET after = %s WHERE seq = %s", ['{"status": "open"}', 4])

    report = audit_verify()

    assert report.problem == "审计链断裂：第 4 条记录的内容被修改（哈希不符）。"
    assert report.problem_seq == 4


def test_audit_verify_rehashed_entry_reported() -> None:
    entries = record_five()
    changed = AuditEntry.objects.get(seq=2)
    changed.reason = "改写"
    execute(
        "UPDATE privacy_auditentry SET reason = %s, hash = %s WHERE seq = %s",
        ["改写", entry_hash(changed), 2],
    )

    report = audit_verify()

    assert entries[1].hash != entry_hash(changed)
    assert report.problem == "审计链断裂：第 3 条记录与前一条的链接不符，第 2 条记录被修改或替换。"
    assert report.problem_seq == 2


def test_audit_verify_deleted_middle_row_reported(capsys) -> None:
    record_five()
    execute("DELETE FROM privacy_auditentry WHERE seq = %s", [3])

    code, _, err = run_verify(capsys)

    assert code == 1
    assert "审计链断裂：第 3 条记录缺失，已被删除。" in err


def test_audit_verify_swapped_rows_reported(capsys) -> None:
    record_five()
    execute("UPDATE privacy_auditentry SET seq = %s WHERE seq = %s", [1000, 2])
    execute("UPDATE privacy_auditentry SET seq = %s WHERE seq = %s", [2, 3])
    execute("UPDATE privacy_auditentry SET seq = %s WHERE seq = %s", [3, 1000])

    code, _, err = run_verify(capsys)

    assert code == 1
    assert "审计链断裂：第 2 条的位置上是原第 3 条记录，记录顺序被调换。" in err


def test_audit_verify_deleted_tail_reported() -> None:
    record_five()
    execute("DELETE FROM privacy_auditentry WHERE seq >= %s", [4])

    report = audit_verify()

    assert report.problem == "审计链断裂：第 4 至 5 条记录缺失，链尾已被删除。"
    assert report.checked == 3


def test_audit_verify_anchor_mismatch_reported() -> None:
    entries = record_five()

    intact = audit_verify(anchors={2: entries[1].hash})
    rewritten = audit_verify(anchors={2: "f" * 64})
    beyond = audit_verify(anchors={9: "f" * 64})

    assert intact.intact
    assert rewritten.problem == "审计链断裂：第 2 条记录的哈希与外部锚点不符，链已被重写。"
    assert beyond.problem == "审计链断裂：外部锚点记录的第 9 条记录已不存在。"


def test_audit_verify_malformed_anchor_raises() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="锚点 12:abc 无效"):
        call_command("audit", "verify", "--anchor", "12:abc")


def test_audit_verify_command_empty_chain_says_so(capsys) -> None:
    code, out, _ = run_verify(capsys)

    assert code == 0
    assert out == "审计日志中还没有记录。\n"
