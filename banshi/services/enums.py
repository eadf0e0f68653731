from django.db import models
from django.utils.translation import gettext_lazy as _


class AidState(models.TextChoices):
    REVIEW = "aid_review", _("待审查")
    DOCS = "aid_docs", _("待补正材料")
    GRANTED = "aid_granted", _("已决定给予，待指派")
    REFUSED = "aid_refused", _("不予法律援助")
    OBJECTION = "aid_objection", _("异议审查中")
    SERVING = "aid_serving", _("援助中")
    CLOSED = "aid_closed", _("已结案归档")
    ENDED = "aid_ended", _("已终止援助")
    WITHDRAWN = "aid_withdrawn", _("已撤回申请")


class MedState(models.TextChoices):
    RECEIVED = "med_received", _("待受理")
    MEDIATING = "med_mediating", _("调解中")
    AGREED = "med_agreed", _("已达成协议")
    FAILED = "med_failed", _("调解不成")
    DECLINED = "med_declined", _("不予受理")
    ENDED = "med_ended", _("已终止调解")
    CLOSED = "med_closed", _("已结案")
