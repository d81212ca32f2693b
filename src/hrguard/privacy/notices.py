"""The processing notice (个人信息处理告知书): versioned snapshots of the register and retention.

PIPL Art. 17 requires the notice to name the processor and its contact, the
purposes, methods, categories and retention periods, and how to exercise
rights, and to be given again when any of these change. `notice_current`
compares the register and the retention schedule with the latest published
version and publishes a new version when they differ, so every change reaches
the employees before the next consent is recorded.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.chat.lexicon import lexicon_load
from hrguard.privacy.audit import audit_record
from hrguard.privacy.models import DataSource, ProcessingActivity, ProcessingNotice
from hrguard.privacy.register import SENSITIVE_SOURCES
from hrguard.privacy.retention import retention_policies

logger = logging.getLogger(__name__)


def notice_content() -> dict[str, Any]:
    """Return the current notice content: processor, enabled sources, retention, lexicon."""
    activities = []
    for activity in ProcessingActivity.objects.filter(enabled=True).order_by("pk"):
        activities.append(
            {
                "source": activity.source,
                "label": str(activity.get_source_display()),
                "sensitive": activity.source in SENSITIVE_SOURCES,
                "purpose": activity.purpose,
                "data_items": activity.data_items,
                "legal_basis": str(activity.get_legal_basis_display()),
                "rule_title": activity.rule_title,
                "rule_version": activity.rule_version,
                "published_on": activity.published_on.isoformat() if activity.published_on else "",
                "retention_period": activity.retention_period,
            }
        )
    content: dict[str, Any] = {
        "processor": getattr(settings, "HRGUARD_COMPANY_NAME", "") or gettext("本公司"),
        "contact": getattr(settings, "HRGUARD_PRIVACY_CONTACT", "")
        or gettext("个人信息保护负责人（请通过员工自助页面提交请求）"),
        "activities": activities,
        "retention": [
            {"label": policy.label, "days": policy.days, "action": policy.action_label}
            for policy in retention_policies()
        ],
    }
    if any(row["source"] == DataSource.CHAT for row in activities):
        lexicon = lexicon_load()
        content["lexicon"] = {
            "version": lexicon.version,
            "notice": lexicon.notice,
            "triggers": list(lexicon.terms["triggers"]),
        }
    return content


def notice_current() -> ProcessingNotice:
    """Return the notice for the current register, publishing a new version if it changed."""
    content = json.loads(json.dumps(notice_content(), cls=DjangoJSONEncoder))
    digest = hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    latest = ProcessingNotice.objects.order_by("-version").first()
    if latest is not None and latest.sha256 == digest:
        return latest

    try:
        with transaction.atomic():
            version = (ProcessingNotice.objects.aggregate(top=Max("version"))["top"] or 0) + 1
            notice = ProcessingNotice.objects.create(
                version=version, content=content, sha256=digest, published_at=timezone.now()
            )
            audit_record(
                actor=None,
                action="notice.publish",
                target_type="processing_notice",
                target_id=str(version),
                after={"version": version},
            )
    except IntegrityError:
        # Another request published the same change at the same moment.
        return ProcessingNotice.objects.order_by("-version").first() or notice_current()
    logger.info("processing notice version %s published", version)
    return notice


def notice_get(version: int) -> ProcessingNotice | None:
    return ProcessingNotice.objects.filter(version=version).first()


def notice_docx(notice: ProcessingNotice) -> bytes:
    """Return the notice as a Word document."""
    from docx import Document

    content = notice.content
    document = Document()
    document.add_heading(gettext("个人信息处理告知书"), level=0)
    document.add_paragraph(
        gettext("版本 %(version)s，发布于 %(time)s")
        % {
            "version": notice.version,
            "time": timezone.localtime(notice.published_at).strftime("%Y-%m-%d %H:%M"),
        }
    )
    document.add_paragraph(gettext("个人信息处理者：%(name)s") % {"name": content["processor"]})
    document.add_paragraph(gettext("联系方式：%(contact)s") % {"contact": content["contact"]})

    document.add_heading(gettext("我们处理哪些个人信息、为什么、依据什么"), level=1)
    for row in content["activities"]:
        document.add_heading(row["label"], level=2)
        document.add_paragraph(gettext("处理目的：%(text)s") % {"text": row["purpose"]})
        document.add_paragraph(gettext("个人信息种类：%(text)s") % {"text": row["data_items"]})
        document.add_paragraph(gettext("法律依据：%(text)s") % {"text": row["legal_basis"]})
        if row["rule_title"]:
            document.add_paragraph(
                gettext("规章制度：%(title)s（%(version)s，%(day)s 公示）")
                % {
                    "title": row["rule_title"],
                    "version": row["rule_version"],
                    "day": row["published_on"],
                }
            )
        document.add_paragraph(gettext("保存期限：%(text)s") % {"text": row["retention_period"]})
        if row["sensitive"]:
            document.add_paragraph(notice_sensitive_text())

    if "lexicon" in content:
        lexicon = content["lexicon"]
        document.add_heading(
            gettext("聊天关键词表（%(version)s 版）") % {"version": lexicon["version"]}, level=1
        )
        document.add_paragraph(lexicon["notice"])
        document.add_paragraph("、".join(lexicon["triggers"]))

    document.add_heading(gettext("保存期限到期后的处理"), level=1)
    for policy in content["retention"]:
        document.add_paragraph(
            gettext("%(label)s：%(days)s 天后%(action)s")
            % {"label": policy["label"], "days": policy["days"], "action": policy["action"]},
            style="List Bullet",
        )

    document.add_heading(gettext("您的权利"), level=1)
    for line in notice_rights_lines():
        document.add_paragraph(line, style="List Bullet")

    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def notice_sensitive_text() -> str:
    return gettext(
        "这是敏感个人信息，只在您单独同意后处理。不同意或撤回同意不会对您产生任何不利影响；"
        "撤回后，下一次风险扫描不再读取这类数据，已保存的数据会按计划删除。"
    )


def notice_rights_lines() -> list[str]:
    """Return the rights section of the notice, one sentence per right."""
    return [
        gettext("查阅、复制：在员工自助页面提出请求，可下载本人数据的 JSON 或 CSV 副本。"),
        gettext("更正、删除：发现数据有误或不再需要处理时，可请求更正或删除。"),
        gettext(
            "解释说明：可要求解释与您有关的风险预警或决定。系统只提出建议，任何处理决定都由人作出。"
        ),
        gettext("撤回同意：在员工自助页面一键撤回，撤回不影响撤回前已进行的处理。"),
        gettext("每项请求都会登记并在期限内答复；拒绝时会说明理由。"),
    ]
