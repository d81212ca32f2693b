"""The steps open to a colleague named as guarantor of a loan they did not guarantee, in order."""

from django.utils.translation import gettext_lazy as _

COLLEAGUE_STEPS = (
    _(
        "书面要求出借方或平台出示其声称由您签署的保证合同（担保条款）原件，以及电子签名所用的"
        "电子签名认证证书（CA 证书）和签署记录，注明不提供即视为您未签署。"
    ),
    _("以书面形式（挂号信或电子邮件）向出借方否认担保，说明您从未签署，保留寄送凭证。"),
    _(
        "通过中国人民银行征信中心或商业银行查询本人征信报告，看是否有以您为担保人的记录；"
        "如有，向征信中心或报送机构提出异议申请。"
    ),
    _("如发现有人冒用您的身份签署担保，携身份证件和证据包向公安机关报案，说明签名系伪造。"),
    _("不要向催收方付款或签署任何确认文件；接到威胁可拨打 110，骚扰电话和短信可向 12321 举报。"),
)
