"""The states of a 国家司法救助 matter (prefixed `ja_`; state values are unique across the kinds)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JaState(models.TextChoices):
    REVIEW = "ja_review", _("审查中")
    DOCS = "ja_docs", _("待补充材料")
    GRANTED = "ja_granted", _("已决定救助")
    PAID = "ja_paid", _("已发放完毕")
    REFUSED = "ja_refused", _("不予救助")
    CLOSED = "ja_closed", _("已结案")
    WITHDRAWN = "ja_withdrawn", _("已撤回")


class JaDecision(models.TextChoices):
    GRANTED = "granted", _("决定给予国家司法救助")
    REFUSED = "refused", _("决定不予救助")
