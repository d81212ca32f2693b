"""The processing register installed with the product: an example basis for every source.

The HR sources get an example labour rule marked `example=True`: the register
and impact assessment pages ask the company to replace it with its own rule,
consultation record and publication date. The sensitive sources rest on
separate consent, which the scan checks per employee. Credit reports stay off
because no licensed credit-reporting channel is connected.

`register_install_defaults` only adds missing sources and never changes a
recorded one. It runs in migration 0004 and after every `migrate` or test
database flush, so a register wiped by a flush comes back.
"""

import datetime
from typing import Any

EXAMPLE_RULE = {
    "legal_basis": "hr_rules",
    "rule_title": "员工个人信息处理与人事风控管理办法（示例）",
    "rule_version": "示例-2026.1",
    "consultation_record": (
        "示例记录，请替换：填写职工代表大会或全体职工讨论的日期、与工会或职工代表协商的日期"
        "及会议记录编号。"
    ),
    "published_on": datetime.date(2026, 1, 1),
    "enabled": True,
    "example": True,
}

ACTIVITIES = [
    {
        "source": "roster",
        "purpose": "建立和管理劳动关系：核对身份、维护组织架构和岗位、确定扫描的在职员工名单。",
        "data_items": "工号、姓名、部门、岗位、入职日期、在职状态、手机号",
        "retention_period": "在职期间及离职后 2 年，之后匿名化",
        **EXAMPLE_RULE,
    },
    {
        "source": "payroll",
        "purpose": "发放工资；与本人同意提供的支付记录对比，发现支出长期明显超过收入。",
        "data_items": "月份、应发工资、实发工资",
        "retention_period": "至少 2 年（工资支付记录的法定保存期），离职后 2 年",
        **EXAMPLE_RULE,
    },
    {
        "source": "leave",
        "purpose": "考勤管理；发现个人事假和缺勤相对本人以往和同部门明显增加。",
        "data_items": "日期、假期类型、时长",
        "retention_period": "在职期间及离职后 2 年",
        **EXAMPLE_RULE,
    },
    {
        "source": "reimbursements",
        "purpose": "费用报销管理；发现报销相对本人以往和同部门明显增加。",
        "data_items": "日期、金额、类别、说明",
        "retention_period": "在职期间及离职后 2 年",
        **EXAMPLE_RULE,
    },
    {
        "source": "payments",
        "purpose": (
            "在员工单独同意后，分析其本人导出的支付宝、微信支付账单，发现支出明显超过收入、"
            "多头借贷和赌博类支出，以便及早提供帮助。"
        ),
        "data_items": "交易时间、交易对方、商品说明、收支方向、金额、支付方式、交易状态、订单号",
        "retention_period": "交易记录自交易日起 13 个月；撤回同意后删除",
        "legal_basis": "consent",
        "enabled": True,
    },
    {
        "source": "credit",
        "purpose": (
            "在员工书面授权后，经依法设立的征信机构获取本人征信报告，发现网贷逾期和频繁查询。"
        ),
        "data_items": "贷款账户、逾期记录、查询记录",
        "retention_period": "报告日起 6 个月；撤回同意后删除",
        "legal_basis": "consent",
        "enabled": False,
    },
    {
        "source": "chat",
        "purpose": (
            "在员工单独同意后，只在公司提供的工作沟通渠道中识别向同事借钱的请求；"
            "只保留命中的片段，其余内容扫描后即丢弃。"
        ),
        "data_items": "命中关键词的聊天片段及其上下文、发送时间、涉及的同事人数",
        "retention_period": "片段自保存起 6 个月；撤回同意后删除",
        "legal_basis": "consent",
        "enabled": True,
    },
]


def register_install_defaults(activity_model: Any, *, using: str = "default") -> int:
    """Add the sources missing from the register; return how many were added."""
    from hrguard.chat.lexicon import lexicon_load

    added = 0
    for row in ACTIVITIES:
        values = dict(row)
        source = values.pop("source")
        if source == "chat":
            values["lexicon_version"] = lexicon_load().version
        _, created = activity_model.objects.using(using).get_or_create(
            source=source, defaults=values
        )
        added += int(created)
    return added
