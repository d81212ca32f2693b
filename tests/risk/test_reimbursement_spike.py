"""reimbursement_spike: the latest month against own baseline and department peers."""

from tests.risk.builders import MONTHS, claim, engine_input, indicator_run

CODE = "reimbursement_spike"
PEERS = [f"P{index}" for index in range(1, 9)]


def _steady(employee_no: str, yuan: str, department: str = "销售部") -> list[dict]:
    return [claim(employee_no, month.replace(day=5), yuan, department) for month in MONTHS]


def _company(
    latest_yuan: str, *, peer_latest_yuan: str = "500", peers: list[str] = PEERS
) -> list[dict]:
    rows = [claim("E1", month.replace(day=5), "500") for month in MONTHS[:-1]]
    rows.append(claim("E1", MONTHS[-1].replace(day=20), latest_yuan))
    for peer in peers:
        rows += [claim(peer, month.replace(day=5), "500") for month in MONTHS[:-1]]
        rows.append(claim(peer, MONTHS[-1].replace(day=6), peer_latest_yuan))
    return rows


def test_reimbursement_spike_far_above_baseline_and_peers_hits() -> None:
    inputs = engine_input(["E1", *PEERS], reimbursements=_company("9000"))

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is True
    evidence = result["evidence"]
    assert evidence["latest_fen"] == 900_000
    assert evidence["baseline_mean_fen"] == 50_000
    assert evidence["baseline_std_fen"] == 0
    # (9,000 − 500) / the 500-yuan standard-deviation floor.
    assert evidence["own_z"] == 17.0
    assert evidence["department"] == "销售部"
    assert evidence["peer_count"] == 8
    assert evidence["peer_mean_fen"] == 50_000
    assert evidence["peer_z"] == 17.0


def test_reimbursement_spike_small_amounts_never_fire() -> None:
    rows = [claim("E1", month.replace(day=5), "10") for month in MONTHS[:-1]]
    rows.append(claim("E1", MONTHS[-1].replace(day=5), "2900"))
    inputs = engine_input(["E1"], reimbursements=rows)

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is False
    assert result["evidence"]["own_z"] > 3


def test_reimbursement_spike_whole_department_spike_misses() -> None:
    inputs = engine_input(["E1", *PEERS], reimbursements=_company("9000", peer_latest_yuan="8500"))

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is False
    assert result["evidence"]["own_z"] == 17.0
    assert result["evidence"]["peer_z"] == 1.0


def test_reimbursement_spike_few_peers_uses_own_baseline_only() -> None:
    peers = PEERS[:3]
    inputs = engine_input(["E1", *peers], reimbursements=_company("9000", peers=peers))

    result = indicator_run(CODE, inputs)["E1"]

    assert result["hit"] is True
    assert result["evidence"]["peer_count"] == 3
    assert result["evidence"]["peer_z"] is None


def test_reimbursement_spike_peers_are_per_department() -> None:
    rows = _company("9000", peers=PEERS[:2]) + [
        row for peer in PEERS[2:] for row in _steady(peer, "9000", "研发部")
    ]
    inputs = engine_input(["E1", *PEERS], reimbursements=rows)

    result = indicator_run(CODE, inputs)["E1"]

    assert result["evidence"]["peer_count"] == 2
    assert result["hit"] is True


def test_reimbursement_spike_employee_without_claims_misses() -> None:
    inputs = engine_input(["E1", "E9"], reimbursements=_steady("E1", "500"))

    result = indicator_run(CODE, inputs)["E9"]

    assert result["hit"] is False
    assert result["evidence"]["latest_fen"] == 0
    assert result["evidence"]["department"] is None
