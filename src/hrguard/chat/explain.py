"""Sentences that explain a colleague_borrowing result from its evidence."""

from typing import Any

from django.utils.translation import gettext

from hrguard.risk.explain import yuan_text


def colleague_borrowing_describe(evidence: dict[str, Any]) -> list[str]:
    """Say how many receivers were asked in the busiest window, then each request."""
    params = {
        "days": evidence["window_days"],
        "count": evidence["receiver_count"],
        "required": evidence["receivers_min"],
        "total": yuan_text(evidence["total_fen"]),
        "start": evidence["window_start"] or "",
        "end": evidence["window_end"] or "",
    }
    if evidence["receiver_count"] >= evidence["receivers_min"]:
        lines = [
            gettext(
                "%(days)d 天内（%(start)s至%(end)s）向 %(count)d 位同事或群聊借钱，"
                "共开口 %(total)s 元。"
            )
            % params
        ]
    elif evidence["receiver_count"]:
        lines = [
            gettext("%(days)d 天内最多向 %(count)d 位同事或群聊借钱，未达到 %(required)d 位。")
            % params
        ]
    else:
        lines = [gettext("扫描期内没有向同事借钱的消息。")]

    for request in evidence["requests"]:
        values = {
            "date": request["date"],
            "receivers": "、".join(request["receivers"]),
            "amount": yuan_text(request["amount_fen"]),
            "size": request["group_size"],
        }
        if request["in_group"] and request["amount_fen"] is not None:
            message = gettext(
                "%(date)s：在 %(size)d 名同事的群聊中（如 %(receivers)s）借 %(amount)s 元。"
            )
        elif request["in_group"]:
            message = gettext(
                "%(date)s：在 %(size)d 名同事的群聊中（如 %(receivers)s）借钱，未说金额。"
            )
        elif request["amount_fen"] is not None:
            message = gettext("%(date)s：向 %(receivers)s 借 %(amount)s 元。")
        else:
            message = gettext("%(date)s：向 %(receivers)s 借钱，未说金额。")
        lines.append(message % values)
    return lines
