"""What the harassment pages tell HR and the harassed colleague to do."""

from django.utils.translation import gettext_lazy as _

# The numbers and addresses of the complaint channels live in channels.toml.
CHECKLIST = (
    _(
        "保留证据：通话录音、短信和聊天截图、通话记录（号码和时间），上门时记下人数、时间并保存监控。原始手机和文件由员工本人保管，公司不收取员工手机。"
    ),
    _("涉及威胁人身安全、冒充公检法或上门滋扰的，立即拨打 110 报警。"),
    _(
        "针对出借方或平台的催收行为，向金融消费者投诉热线 12378 投诉，并通过中国互联网金融协会的举报平台举报。"
    ),
    _("骚扰电话和骚扰短信向 12381 举报，垃圾短信可向 12321 举报。"),
    _("向平台发送停止骚扰告知函（可在事件页面生成 Word 文件，盖章后寄出或发送）。"),
    _("不向对方确认或否认任何人是否为本公司员工，不代为转达或承诺还款。"),
)

# Shown to reception and HR for answering collectors' calls.
RECEPTION_SCRIPT = (
    _("原则：不确认、不透露员工任何信息。"),
    _("“您好，公司不对外提供任何人员的信息，也不确认任何人是否在本公司工作。”"),
    _("“如您有法律文书，请通过法院或公安机关依法送达。”"),
    _("“您的来电已记录，请停止拨打本公司及员工的电话。”"),
    _("记下来电号码、时间、对方自称的平台和所称的借款人，转交人事登记。"),
)
