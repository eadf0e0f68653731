"""Case vocabularies: states (with named groups), types, channels, urgency, satisfaction."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The kinds of matter, each run by its own workflow definition (cases/workflow/)."""

    DEMAND = "demand", _("群众诉求")
    LEGAL_AID = "legal_aid", _("法律援助")
    MEDIATION = "mediation", _("人民调解")
    NOTARY = "notary", _("公证")
    JUDICIAL_AID = "judicial_aid", _("司法救助")
    PSYCH = "psych", _("心理服务")
    CRISIS = "crisis", _("心理危机干预")


class State(models.TextChoices):
    REGISTERED = "registered", _("待派单")
    DISPATCHED = "dispatched", _("待签收")
    HANDLING = "handling", _("办理中")
    REPLY_REVIEW = "reply_review", _("答复待审核")
    REPLIED = "replied", _("已答复待回访")
    FOLLOWED_UP = "followed_up", _("已回访")
    ARCHIVED = "archived", _("已归档")
    RETURNED = "returned", _("已退单")
    WITHDRAWN = "withdrawn", _("已撤回")
    MERGED = "merged", _("已合并")
    INVALID = "invalid", _("无效")


# Named groups used by queues, reports and the SLA worker.
OPEN_STATES = frozenset({State.REGISTERED, State.DISPATCHED, State.HANDLING, State.REPLY_REVIEW, State.RETURNED})
AWAITING_CITIZEN_STATES = frozenset({State.REPLIED})
CLOSED_STATES = frozenset({State.FOLLOWED_UP, State.ARCHIVED, State.WITHDRAWN, State.MERGED, State.INVALID})
TERMINAL_STATES = frozenset({State.ARCHIVED, State.WITHDRAWN, State.MERGED, State.INVALID})


class CaseType(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")


class Channel(models.TextChoices):
    HOTLINE_12345 = "hotline_12345", _("12345热线")
    HOTLINE_12309 = "hotline_12309", _("12309检察服务热线")
    PHONE = "phone", _("其他电话")
    PORTAL = "portal", _("网上诉求平台")
    WECHAT_QR = "wechat_qr", _("微信扫码")
    WINDOW = "window", _("窗口/诉讼服务大厅")
    LETTER = "letter", _("来信/意见箱")
    MEDIA = "media", _("媒体留言窗口")
    FIELD_VISIT = "field_visit", _("大走访/摆桌子")
    CIRCUIT = "circuit", _("巡回立案")
    GRID = "grid", _("网格员上报")
    OPEN311 = "open311", _("Open311接口")
    IMPORT = "import", _("台账导入")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    EMERGENCY = "emergency", _("特急")


class Satisfaction(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASICALLY_SATISFIED = 3, _("基本满意")
    UNSATISFIED = 2, _("不满意")
    VERY_UNSATISFIED = 1, _("非常不满意")


UNSATISFIED_RATINGS = frozenset({Satisfaction.UNSATISFIED, Satisfaction.VERY_UNSATISFIED})


class UnitRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")


class RequestKind(models.TextChoices):
    EXTENSION = "extension", _("延期申请")
    RETURN = "return", _("退单申请")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    LAPSED = "lapsed", _("已失效")  # the case left handling (or its unit) before anyone decided


class ReplyKind(models.TextChoices):
    PROCEDURAL = "procedural", _("程序性答复")
    PROGRESS = "progress", _("阶段性答复")
    FINAL = "final", _("办结答复")
    ON_SPOT = "on_spot", _("当场答复")


class ReplyStatus(models.TextChoices):
    SENT = "sent", _("已答复")
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已审核发出")
    REJECTED = "rejected", _("审核退回")


class LinkKind(models.TextChoices):
    DUPLICATE = "duplicate", _("重复诉求")
    RELATED = "related", _("相关诉求")
    SAME_CALLER = "same_caller", _("同一来电人")


class SupervisionLevel(models.IntegerChoices):
    """督办 levels: a notice is raised one level at a time (升级督办), by a supervisor or by the
    sweep when the notice's own deadline passes without an answer."""

    ORDINARY = 1, _("一般督办")
    KEY = 2, _("重点督办")
    LISTED = 3, _("挂牌督办")


SUPERVISION_MAX_LEVEL = SupervisionLevel.LISTED
