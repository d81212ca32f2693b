"""Check the owner a bill names in its preamble against the employee it is imported for.

Alipay writes the account holder's real name (`姓名：尹新雅`, sometimes masked as `*新雅`);
a different name means the 工号 given for the bill is most likely wrong, so the file is
rejected. WeChat writes the nickname (`微信昵称：[尹*雅]`), which the user chooses freely:
only a masked nickname is compared, and a difference is a warning.

A name made only of mask characters (`**`, or `xx` as the licensed samples were masked
by their maintainers) shows nothing to compare and is accepted. Messages never show the
roster name, so a mistyped 工号 does not reveal who it belongs to.
"""

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from hrguard.ingest.base import RowIssue

ALIPAY_NAME = re.compile(r"^姓名[：:]\s*(.*?)\s*$")
WECHAT_NICKNAME = re.compile(r"^微信昵称[：:]\s*\[(.*)\]")
# A name of mask characters only: nothing of it can be compared.
FULLY_MASKED = re.compile(r"^[*＊xX]+$")


def name_matches(written: str, roster_name: str) -> bool:
    """Return whether a bill's possibly masked name fits the roster name.

    Each run of `*` is one or more hidden characters, and the visible ones must match in
    place. So `*新雅` fits 尹新雅 and 欧阳新雅, but not 尹新月.
    """
    written = written.replace("＊", "*").replace(" ", "")
    roster_name = roster_name.replace(" ", "")
    if "*" not in written:
        return written == roster_name
    pattern = ".+".join(re.escape(part) for part in re.split(r"\*+", written))
    return re.fullmatch(pattern, roster_name) is not None


def owner_issues(
    preamble: Iterable[tuple[int, str]], *, employee_no: str, roster_name: str
) -> tuple[list[RowIssue], list[RowIssue]]:
    """Return (rejections, warnings) from comparing the bill's named owner with the employee."""
    rejections: list[RowIssue] = []
    warnings: list[RowIssue] = []
    for line, text in preamble:
        if found := ALIPAY_NAME.match(text):
            name = found.group(1)
            if name and not FULLY_MASKED.match(name) and not name_matches(name, roster_name):
                rejections.append(
                    RowIssue(
                        message=_(
                            "账单上的姓名与工号 %(no)s 的花名册姓名不一致。请确认工号是否填写正确。"
                        )
                        % {"no": employee_no},
                        row=line,
                    )
                )
        elif found := WECHAT_NICKNAME.match(text):
            nickname = found.group(1).strip()
            masked = "*" in nickname or "＊" in nickname
            comparable = masked and not FULLY_MASKED.match(nickname)
            if comparable and not name_matches(nickname, roster_name):
                warnings.append(
                    RowIssue(
                        message=_(
                            "账单的微信昵称与工号 %(no)s 的花名册姓名不一致。"
                            "昵称可以随意设置，这里只作提示；请确认工号是否填写正确。"
                        )
                        % {"no": employee_no},
                        row=line,
                    )
                )
    return rejections, warnings
