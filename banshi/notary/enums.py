"""The vocabularies of the notary matter: its workflow states, and the slots' and bookings' codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NtState(models.TextChoices):
    BOOKED = "nt_booked", _("已预约")
    REVIEW = "nt_review", _("审查中")
    DOCS = "nt_docs", _("待补充材料")
    ISSUED = "nt_issued", _("已出具公证书")
    REFUSED = "nt_refused", _("不予办理")
    ENDED = "nt_ended", _("已终止")
    CANCELLED = "nt_cancelled", _("已取消预约")
    MISSED = "nt_missed", _("预约未到场")


class SlotKind(models.TextChoices):
    REGULAR = "regular", _("工作日时段")
    WEEKEND = "weekend", _("周末不打烊")
    SPECIAL = "special", _("专题服务周")


class BookingMode(models.TextChoices):
    IN_PERSON = "in_person", _("到公证处办理")
    VIDEO = "video", _("远程视频办理")


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")
    ATTENDED = "attended", _("已到场受理")
    MISSED = "missed", _("未到场")


class Delivery(models.TextChoices):
    ON_SPOT = "on_spot", _("当场领取")
    MAIL = "mail", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子公证书")
    PICKUP = "pickup", _("另行到窗口领取")
