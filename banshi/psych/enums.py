"""The states of the two psych workflows (banshi/psych/workflow.py): 心理咨询预约 (`ps_`) and
心理危机干预 (`cr_`). State values are unique across every kind of matter and fit `Case.state`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PsState(models.TextChoices):
    REQUESTED = "ps_requested", _("待预约")
    SCHEDULED = "ps_scheduled", _("已预约")
    COUNSELLING = "ps_counselling", _("咨询中")
    CLOSED = "ps_closed", _("已结案")
    REFERRED = "ps_referred", _("已转介")
    CANCELLED = "ps_cancelled", _("已取消")


class CrState(models.TextChoices):
    NEW = "cr_new", _("待首次接触")
    CONTACTED = "cr_contacted", _("干预中")
    HANDED_OVER = "cr_handed_over", _("已移交处置")
    CLOSED = "cr_closed", _("已结案")
    DISMISSED = "cr_dismissed", _("经核实无危机")
