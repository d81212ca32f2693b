"""The personal-information protection impact assessment (PIA, PIPL Art. 55–56).

Built from the processing register and the retention schedule, with the
risks and safeguards of each source. PIPL asks for a PIA before processing
sensitive data or making automated assessments, and for the report to be
kept at least 3 years, so the export carries its date.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hrguard.privacy.models import DataSource, ProcessingActivity
from hrguard.privacy.register import SENSITIVE_SOURCES, basis_problems
from hrguard.privacy.retention import retention_policies

# Risks to employees and the safeguards the product applies, per source.
RISKS: dict[str, tuple[Promise, Promise]] = {
    DataSource.ROSTER: (
        _("身份信息泄露；被用于预警以外的目的。"),
        _("手机号加密保存并用盲索引查询；分诊页面只显示化名；按角色和部门限定可见范围。"),
    ),
    DataSource.PAYROLL: (
        _("收入信息泄露；以债务为由作出不利处理。"),
        _("只有 HR 角色可见；预警只是建议，处理决定须由人作出并记录；禁止以债务为由处分。"),
    ),
    DataSource.LEAVE: (
        _("把正常休假（病假、产假等受保护假期）误当作风险信号。"),
        _("受保护假期不计入请假激增指标；与本人和同部门基线比较。"),
    ),
    DataSource.REIMBURSEMENTS: (
        _("把业务原因的报销增加误当作风险信号。"),
        _("与本人和同部门基线比较；预警可被排除并记录原因。"),
    ),
    DataSource.PAYMENTS: (
        _("暴露消费习惯、健康、宗教等私人生活；同意不自愿。"),
        _(
            "只在单独同意后读取；一键撤回并按计划删除；原始记录 13 个月后删除；"
            "读取记录写入审计日志；拒绝或撤回不产生任何不利后果。"
        ),
    ),
    DataSource.CREDIT: (
        _("从非法渠道获取征信数据；超范围使用。"),
        _("只经依法设立的征信机构并凭书面授权获取；未接入时保持停用。"),
    ),
    DataSource.CHAT: (
        _("侵犯通信秘密；监控范围扩大到私人聊天。"),
        _(
            "只扫描公司提供的工作渠道；关键词表向员工公开；只保留命中的片段；"
            "不恢复已删除消息，不访问个人设备。"
        ),
    ),
}

GENERAL_SAFEGUARDS: tuple[Promise, ...] = (
    _("所有查看敏感数据、显示真实姓名、导出和变更都写入防篡改的哈希链审计日志。"),
    _("系统不自动作出对员工有影响的决定：预警只供参考，处理决定由人作出并记录理由。"),
    _("不以性别、年龄、民族、婚育状况、籍贯等作为规则或模型的输入。"),
    _("处理敏感数据的角色必须使用双因素认证登录；连续 5 次登录失败后锁定账号。"),
    _("员工可在自助页面查阅、复制、更正、删除本人数据，要求解释，并一键撤回同意。"),
    _("不向出借方或催收方提供任何员工信息。"),
)


@dataclass(frozen=True)
class PiaRow:
    source: str
    label: str
    sensitive: bool
    enabled: bool
    purpose: str
    data_items: str
    legal_basis: str
    basis_detail: str
    retention_period: str
    risks: str
    safeguards: str
    problems: list[str]
    example: bool


def pia_rows() -> list[PiaRow]:
    """Return one assessment row per registered source."""
    today = timezone.localdate()
    rows = []
    for activity in ProcessingActivity.objects.order_by("pk"):
        risks, safeguards = RISKS.get(activity.source, ("", ""))
        rows.append(
            PiaRow(
                source=activity.source,
                label=str(activity.get_source_display()),
                sensitive=activity.source in SENSITIVE_SOURCES,
                enabled=activity.enabled,
                purpose=activity.purpose,
                data_items=activity.data_items,
                legal_basis=str(activity.get_legal_basis_display()) if activity.legal_basis else "",
                basis_detail=_basis_detail(activity),
                retention_period=activity.retention_period,
                risks=str(risks),
                safeguards=str(safeguards),
                problems=basis_problems(activity, today=today),
                example=activity.example,
            )
        )
    return rows


def _basis_detail(activity: ProcessingActivity) -> str:
    if activity.rule_title:
        return gettext("%(title)s（%(version)s，%(day)s 公示）；民主程序：%(record)s") % {
            "title": activity.rule_title,
            "version": activity.rule_version,
            "day": activity.published_on.isoformat() if activity.published_on else "-",
            "record": activity.consultation_record,
        }
    if activity.lexicon_version:
        return gettext("关键词表 %(version)s 版已告知员工") % {"version": activity.lexicon_version}
    return ""


def pia_docx() -> bytes:
    """Return the impact assessment report as a Word document."""
    from docx import Document

    document = Document()
    document.add_heading(gettext("个人信息保护影响评估报告"), level=0)
    document.add_paragraph(
        gettext("评估日期：%(day)s。本报告及处理情况记录应至少保存 3 年。")
        % {"day": timezone.localdate().isoformat()}
    )

    document.add_heading(gettext("处理活动"), level=1)
    headers = [
        gettext("数据来源"),
        gettext("状态"),
        gettext("处理目的"),
        gettext("个人信息种类"),
        gettext("法律依据"),
        gettext("保存期限"),
        gettext("风险"),
        gettext("保护措施"),
    ]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
    for row in pia_rows():
        status = gettext("已启用") if row.enabled else gettext("未启用")
        basis = row.legal_basis
        if row.basis_detail:
            basis = f"{basis}\n{row.basis_detail}"
        if row.example:
            basis = f"{basis}\n" + gettext("（安装时的示例记录，须替换为本公司实际规章）")
        label = row.label + (gettext("（敏感）") if row.sensitive else "")
        values = [
            label,
            status,
            row.purpose,
            row.data_items,
            basis,
            row.retention_period,
            row.risks,
            row.safeguards,
        ]
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value

    document.add_heading(gettext("保存期限与删除"), level=1)
    for policy in retention_policies():
        document.add_paragraph(
            gettext("%(label)s：自%(start)s起 %(days)s 天后%(action)s")
            % {
                "label": policy.label,
                "start": policy.counted_from,
                "days": policy.days,
                "action": policy.action_label,
            },
            style="List Bullet",
        )

    document.add_heading(gettext("通用保护措施"), level=1)
    for safeguard in GENERAL_SAFEGUARDS:
        document.add_paragraph(str(safeguard), style="List Bullet")

    open_problems = [(row.label, problem) for row in pia_rows() for problem in row.problems]
    document.add_heading(gettext("待改进事项"), level=1)
    if not open_problems:
        document.add_paragraph(gettext("无。"))
    for label, problem in open_problems:
        document.add_paragraph(f"{label}：{problem}", style="List Bullet")

    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()
