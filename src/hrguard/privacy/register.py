"""The processing register (处理活动登记): each data source's purpose, legal basis and switch.

A source may be switched on only once its legal basis is complete:
- HR data (roster, payroll, leave, reimbursements) under HR management needs
  the labour rule's title, version, the record of its democratic procedure
  (职工代表大会 or all staff, negotiation with the union or staff
  representatives) and a publication date (PIPL Art. 13(1)(2), Labour
  Contract Law Art. 4);
- sensitive sources (payment records, credit reports, chat) need separate
  consent (PIPL Art. 29), which the scan then checks per employee; chat also
  needs the keyword lexicon version that employees were notified of.

Imports call `source_disabled_message(kind)` and are rejected while the source is off.
"""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hrguard.chat.lexicon import lexicon_load
from hrguard.core.errors import NotFound, ValidationFailed
from hrguard.privacy.audit import audit_record
from hrguard.privacy.models import DataSource, LegalBasis, ProcessingActivity
from hrguard.privacy.permissions import Actor, require
from hrguard.privacy.roles import Action

logger = logging.getLogger(__name__)

# Sources of sensitive personal information: separate consent is the only basis
# accepted, because whether the HR basis covers them is disputed.
SENSITIVE_SOURCES = frozenset({DataSource.PAYMENTS, DataSource.CREDIT, DataSource.CHAT})

# Import kinds (hrguard.ingest.models.ImportKind values) and the source each one feeds.
# The consent import is the consent registry itself, so no switch applies to it.
SOURCE_BY_IMPORT_KIND: dict[str, DataSource] = {
    "employees": DataSource.ROSTER,
    "payroll": DataSource.PAYROLL,
    "leave": DataSource.LEAVE,
    "reimbursements": DataSource.REIMBURSEMENTS,
    "payments": DataSource.PAYMENTS,
    "chat": DataSource.CHAT,
}


def activities_list() -> list[ProcessingActivity]:
    """Return the register in source order."""
    return list(ProcessingActivity.objects.order_by("pk"))


def activity_get(source: str) -> ProcessingActivity:
    activity = ProcessingActivity.objects.filter(source=source).first()
    if activity is None:
        raise NotFound(gettext("处理活动登记中没有数据来源 %(source)s。"), source=source)
    return activity


def basis_problems(activity: ProcessingActivity, *, today: datetime.date) -> list[str]:
    """Return what is missing before the source may be switched on; empty when complete."""
    problems: list[str] = []
    if not activity.legal_basis:
        return [gettext("尚未记录法律依据。")]

    if activity.source in SENSITIVE_SOURCES and activity.legal_basis != LegalBasis.CONSENT:
        problems.append(gettext("敏感个人信息只能以个人单独同意为依据。"))
    if activity.legal_basis == LegalBasis.HR_RULES:
        if not activity.rule_title.strip() or not activity.rule_version.strip():
            problems.append(gettext("请填写劳动规章制度的名称和版本。"))
        if not activity.consultation_record.strip():
            problems.append(
                gettext("请填写职工代表大会或全体职工讨论、与工会或职工代表协商的记录。")
            )
        if activity.published_on is None:
            problems.append(gettext("请填写规章制度向员工公示的日期。"))
        elif activity.published_on > today:
            problems.append(
                gettext("规章制度将于 %(day)s 公示，公示之前不能启用。")
                % {"day": activity.published_on.isoformat()}
            )
    if activity.source == DataSource.CHAT:
        current = lexicon_load().version
        if activity.lexicon_version != current:
            problems.append(
                gettext(
                    "关键词表已更新为 %(current)s 版，告知员工的是 %(notified)s 版。"
                    "请确认新版关键词表并重新发布告知书。"
                )
                % {"current": current, "notified": activity.lexicon_version or "-"}
            )
    return problems


def source_enabled(kind: str, *, today: datetime.date | None = None) -> bool:
    """Return whether data of import `kind` may be imported now.

    Kinds that feed no registered source (the consent registry) are always allowed.
    """
    source = SOURCE_BY_IMPORT_KIND.get(kind)
    if source is None:
        return True
    activity = ProcessingActivity.objects.filter(source=source).first()
    if activity is None or not activity.enabled:
        return False
    return not basis_problems(activity, today=today or timezone.localdate())


def source_disabled_message(kind: str) -> str | None:
    """Return why data of import `kind` may not be imported now, or None when it may."""
    if source_enabled(kind):
        return None
    source = SOURCE_BY_IMPORT_KIND[kind]
    logger.warning("import of %s rejected: source %s is switched off", kind, source.value)
    return gettext(
        "数据来源“%(source)s”尚未启用，不能导入。请个人信息保护负责人先在处理活动登记中"
        "记录其处理目的和法律依据并启用该来源。"
    ) % {"source": source.label}


def activity_record_basis(
    *,
    actor: Actor,
    source: str,
    legal_basis: str,
    purpose: str,
    data_items: str,
    retention_period: str,
    rule_title: str = "",
    rule_version: str = "",
    consultation_record: str = "",
    published_on: datetime.date | None = None,
    confirm_lexicon: bool = False,
) -> ProcessingActivity:
    """Record a source's purpose and legal basis; the actor needs MANAGE_CONSENTS.

    An enabled source whose new basis is incomplete is rejected, so a source
    is never on without a basis. `confirm_lexicon` records the current chat
    lexicon as the one notified to employees.
    """
    require(actor, Action.MANAGE_CONSENTS)
    if legal_basis not in LegalBasis.values:
        raise ValidationFailed(gettext("请选择法律依据。"), code="basis_required")
    if not purpose.strip() or not data_items.strip() or not retention_period.strip():
        raise ValidationFailed(
            gettext("请填写处理目的、个人信息种类和保存期限。"), code="register_incomplete"
        )

    with transaction.atomic():
        activity = ProcessingActivity.objects.select_for_update().get(pk=activity_get(source).pk)
        before = _basis_snapshot(activity)
        activity.legal_basis = legal_basis
        activity.purpose = purpose.strip()
        activity.data_items = data_items.strip()
        activity.retention_period = retention_period.strip()
        activity.rule_title = rule_title.strip()
        activity.rule_version = rule_version.strip()
        activity.consultation_record = consultation_record.strip()
        activity.published_on = published_on
        if confirm_lexicon and activity.source == DataSource.CHAT:
            activity.lexicon_version = lexicon_load().version
        activity.example = False
        activity.updated_by = actor if isinstance(actor, User) else None

        problems = basis_problems(activity, today=timezone.localdate())
        if activity.enabled and problems:
            raise ValidationFailed(
                gettext("该来源已启用，新的法律依据不完整：%(problems)s 请先停用该来源。"),
                code="basis_incomplete",
                problems=" ".join(problems),
            )
        activity.save()
        audit_record(
            actor=actor,
            action="register.record_basis",
            target_type="processing_activity",
            target_id=activity.source,
            before=before,
            after=_basis_snapshot(activity),
        )
    return activity


def activity_switch(*, actor: Actor, source: str, enabled: bool) -> ProcessingActivity:
    """Switch a source on or off; switching on needs a complete basis (MANAGE_CONSENTS)."""
    require(actor, Action.MANAGE_CONSENTS)
    with transaction.atomic():
        activity = ProcessingActivity.objects.select_for_update().get(pk=activity_get(source).pk)
        if enabled:
            problems = basis_problems(activity, today=timezone.localdate())
            if problems:
                raise ValidationFailed(
                    gettext("不能启用“%(source)s”：%(problems)s"),
                    code="basis_incomplete",
                    source=str(activity.get_source_display()),
                    problems=" ".join(problems),
                )
        if activity.enabled == enabled:
            return activity
        activity.enabled = enabled
        activity.updated_by = actor if isinstance(actor, User) else None
        activity.save(update_fields=["enabled", "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            action="register.enable" if enabled else "register.disable",
            target_type="processing_activity",
            target_id=activity.source,
            after={"enabled": enabled},
        )
    logger.info("source %s switched %s", source, "on" if enabled else "off")
    return activity


def _basis_snapshot(activity: ProcessingActivity) -> dict[str, object]:
    return {
        "legal_basis": activity.legal_basis,
        "rule_version": activity.rule_version,
        "published_on": activity.published_on,
        "lexicon_version": activity.lexicon_version,
        "retention_period": activity.retention_period,
    }
