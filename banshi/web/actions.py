"""The web's map from a workflow action to its form fields and its domain function.

Holds no rules: the transition table (cases/workflow.py) and the domain functions
(cases/domain/lifecycle.py) decide; this module only parses the posted form into their arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.cases.domain import lifecycle as life
from banshi.cases.models import Case
from banshi.core.errors import InvalidInput
from banshi.orgs.models import Person
from banshi.web.params import is_id


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # textarea | text | unit | handler | rating | urgency | period | datetime | link_kind
    label: Any
    required: bool = True


TEXT = Field("text", "textarea", gettext_lazy("内容"))
REASON = Field("reason", "textarea", gettext_lazy("理由"))
NOTE = Field("note", "textarea", gettext_lazy("意见（可选）"), required=False)
UNIT = Field("unit_id", "unit", gettext_lazy("承办单位"))

FIELDS: dict[str, tuple[Field, ...]] = {
    "dispatch": (UNIT, Field("note", "text", gettext_lazy("派单说明（可选）"), required=False)),
    "answer": (Field("text", "textarea", gettext_lazy("答复内容")),),
    "sign": (),
    "return_request": (REASON,),
    "return": (REASON,),
    "return_reject": (REASON,),
    "transfer": (UNIT, REASON),
    "assign": (Field("handler_id", "handler", gettext_lazy("承办人")),),
    "co_add": (Field("unit_id", "unit", gettext_lazy("协办单位")), NOTE),
    "co_report": (TEXT,),
    "extend_request": (Field("period", "period", gettext_lazy("延期期限（如 5d、10wd）")), REASON),
    "extend_approve": (NOTE,),
    "extend_reject": (REASON,),
    "request_documents": (Field("text", "textarea", gettext_lazy("需补充的材料")),),
    "documents_received": (NOTE,),
    "procedural_reply": (Field("text", "textarea", gettext_lazy("答复内容")),),
    "progress_reply": (Field("text", "textarea", gettext_lazy("答复内容")),),
    "supervise": (
        Field("note", "textarea", gettext_lazy("督办意见")),
        Field("due_at", "datetime", gettext_lazy("督办期限（可选）"), required=False),
    ),
    "escalate": (
        Field("reason", "textarea", gettext_lazy("升级理由")),
        Field("due_at", "datetime", gettext_lazy("新的反馈期限（可选，只能提前）"), required=False),
    ),
    "supervise_answer": (Field("text", "textarea", gettext_lazy("督办反馈")),),
    "reply_submit": (Field("text", "textarea", gettext_lazy("办结答复")),),
    "reply_approve": (NOTE,),
    "reply_reject": (REASON,),
    "follow_up": (
        Field("rating", "rating", gettext_lazy("满意度")),
        Field("comment", "textarea", gettext_lazy("回访意见（可选）"), required=False),
    ),
    "reopen": (REASON,),
    "reopen_dispatch": (REASON,),
    "archive": (),
    "withdraw": (REASON,),
    "merge": (Field("into", "text", gettext_lazy("合并到的诉求编号")), NOTE),
    "invalidate": (REASON,),
    "mark_urgent": (Field("urgency", "urgency", gettext_lazy("紧急程度")), NOTE),
    "link": (Field("other", "text", gettext_lazy("关联诉求编号")), Field("kind", "link_kind", gettext_lazy("关联类型"))),
    "comment": (Field("text", "textarea", gettext_lazy("备注")),),
}


def _int(data: Mapping[str, str], name: str, what: str) -> int:
    raw = (data.get(name) or "").strip()
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(_("请选择%(what)s。") % {"what": what}, code=f"invalid_{name}") from None


def case_ref(data: Mapping[str, str], name: str) -> int:
    """A case given by its number (BS…) or its id."""
    raw = (data.get(name) or "").strip().upper()
    if is_id(raw):  # an id (a longer number would overflow the column: looked up as a number, not found)
        return int(raw)
    pk = Case.objects.filter(number=raw).values_list("pk", flat=True).first() if raw else None
    if pk is None:
        raise InvalidInput(_("诉求编号不存在：%(n)s") % {"n": raw}, code="invalid_case_ref")
    return int(pk)


def _due(data: Mapping[str, str]) -> datetime | None:
    raw = (data.get("due_at") or "").strip()
    if not raw:
        return None
    try:
        return timezone.make_aware(datetime.fromisoformat(raw))
    except ValueError:
        raise InvalidInput(_("督办期限格式不正确。"), code="invalid_due") from None


Handler = Callable[[int, Person, Mapping[str, str]], Case]


def _t(d: Mapping[str, str], name: str) -> str:
    return (d.get(name) or "").strip()


HANDLERS: dict[str, Handler] = {
    "dispatch": lambda c, p, d: life.case_dispatch(c, actor=p, unit_id=_int(d, "unit_id", _("承办单位")), note=_t(d, "note")),
    "answer": lambda c, p, d: life.case_answer(c, actor=p, text=_t(d, "text")),
    "sign": lambda c, p, d: life.case_sign(c, actor=p),
    "return_request": lambda c, p, d: life.case_return_request(c, actor=p, reason=_t(d, "reason")),
    "return": lambda c, p, d: life.case_return(c, actor=p, reason=_t(d, "reason")),
    "return_reject": lambda c, p, d: life.case_return_reject(c, actor=p, reason=_t(d, "reason")),
    "transfer": lambda c, p, d: life.case_transfer(
        c, actor=p, unit_id=_int(d, "unit_id", _("承办单位")), reason=_t(d, "reason")
    ),
    "assign": lambda c, p, d: life.case_assign(c, actor=p, handler_id=_int(d, "handler_id", _("承办人"))),
    "co_add": lambda c, p, d: life.case_co_add(c, actor=p, unit_id=_int(d, "unit_id", _("协办单位")), note=_t(d, "note")),
    "co_report": lambda c, p, d: life.case_co_report(c, actor=p, text=_t(d, "text")),
    "extend_request": lambda c, p, d: life.case_extension_request(
        c, actor=p, period=_t(d, "period"), reason=_t(d, "reason")
    ),
    "extend_approve": lambda c, p, d: life.case_extension_decide(c, actor=p, approve=True, note=_t(d, "note")),
    "extend_reject": lambda c, p, d: life.case_extension_decide(c, actor=p, approve=False, note=_t(d, "reason")),
    "request_documents": lambda c, p, d: life.case_documents_request(c, actor=p, text=_t(d, "text")),
    "documents_received": lambda c, p, d: life.case_documents_received(c, actor=p, note=_t(d, "note")),
    "procedural_reply": lambda c, p, d: life.case_progress_reply(c, actor=p, text=_t(d, "text"), procedural=True),
    "progress_reply": lambda c, p, d: life.case_progress_reply(c, actor=p, text=_t(d, "text")),
    "supervise": lambda c, p, d: life.case_supervise(c, actor=p, note=_t(d, "note"), due_at=_due(d)),
    "escalate": lambda c, p, d: life.case_escalate(c, actor=p, reason=_t(d, "reason"), due_at=_due(d)),
    "supervise_answer": lambda c, p, d: life.case_supervise_answer(c, actor=p, text=_t(d, "text")),
    "reply_submit": lambda c, p, d: life.case_reply_submit(c, actor=p, text=_t(d, "text")),
    "reply_approve": lambda c, p, d: life.case_reply_decide(c, actor=p, approve=True, note=_t(d, "note")),
    "reply_reject": lambda c, p, d: life.case_reply_decide(c, actor=p, approve=False, note=_t(d, "reason")),
    "follow_up": lambda c, p, d: life.case_follow_up(
        c, actor=p, rating=_int(d, "rating", _("满意度")), comment=_t(d, "comment")
    ),
    "reopen": lambda c, p, d: life.case_reopen(c, actor=p, reason=_t(d, "reason")),
    "reopen_dispatch": lambda c, p, d: life.case_reopen(c, actor=p, reason=_t(d, "reason")),
    "archive": lambda c, p, d: life.case_archive(c, actor=p),
    "withdraw": lambda c, p, d: life.case_withdraw(c, actor=p, reason=_t(d, "reason")),
    "merge": lambda c, p, d: life.case_merge(c, actor=p, into_id=case_ref(d, "into"), reason=_t(d, "note")),
    "invalidate": lambda c, p, d: life.case_invalidate(c, actor=p, reason=_t(d, "reason")),
    "mark_urgent": lambda c, p, d: life.case_mark_urgent(
        c, actor=p, urgency=_t(d, "urgency") or "urgent", reason=_t(d, "note")
    ),
    "link": lambda c, p, d: life.case_link(c, actor=p, other_id=case_ref(d, "other"), kind=_t(d, "kind") or "related"),
    "comment": lambda c, p, d: life.case_comment(c, actor=p, text=_t(d, "text")),
}


def action_run(case_id: int, action: str, *, actor: Person, data: Mapping[str, str]) -> Case:
    handler = HANDLERS.get(action)
    if handler is None:
        raise InvalidInput(_("未知的操作：%(action)s") % {"action": action}, code="unknown_action")
    return handler(case_id, actor, data)
