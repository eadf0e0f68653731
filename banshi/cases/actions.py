"""The action registry: every action on a case is declared once, here.

An entry names the domain function that runs it, its typed input (a pydantic model carrying the
case `version` the client saw, compared under the row lock by `transition()`), the workflow rules
it serves (their staff labels, citizen labels, clock effects, measures and notices are on the rule
in the workflow definition), its API path and summary, and the web form of each rule it serves.
The JSON API (`api/actions.py`) and the workbench's action forms (`web/actions.py`) are generated
from this list; neither holds a rule of its own.

Adding an action: write its domain function (cases/domain/), add its rule to the definition
(cases/workflow/<kind>.py), and add one `Action(...)` here — the API endpoint, its OpenAPI entry
and the web form follow. See the README's contributor section for a worked example.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field

from banshi.cases.domain import lifecycle as life
from banshi.cases.models import Case
from banshi.orgs.models import Person

# -- typed inputs (also the JSON API's request bodies) ---------------------------------------------


class Versioned(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: int | None = Field(None, description="the case version the client saw; a stale one gets 409")


class DispatchIn(Versioned):
    unit_id: int
    note: str = ""
    category: str | None = None
    periods: dict[str, str] = Field(default_factory=dict, description='per-order deadlines, e.g. {"result": "15d"}')


class TransferIn(Versioned):
    unit_id: int
    reason: str
    periods: dict[str, str] = Field(default_factory=dict)


class ReasonIn(Versioned):
    reason: str = ""


class TextIn(Versioned):
    text: str


class AssignIn(Versioned):
    handler_id: int


class UnitIn(Versioned):
    unit_id: int
    note: str = ""


class ExtensionIn(Versioned):
    period: str = Field(description="e.g. 3d, 5wd, 1m, 24h")
    reason: str


class DecisionIn(Versioned):
    approve: bool
    note: str = ""


class ReplyIn(Versioned):
    text: str
    procedural: bool = False


class FollowUpIn(Versioned):
    rating: int = Field(description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意")
    comment: str = ""
    contacted: bool = True
    resolved: bool | None = None


class MergeIn(Versioned):
    into_id: int
    reason: str = ""


class UrgencyIn(Versioned):
    urgency: str = "urgent"
    reason: str = ""


class LinkIn(Versioned):
    other_id: int
    kind: str = "related"


class SuperviseIn(Versioned):
    note: str
    due_at: datetime | None = None


class EscalateIn(Versioned):
    reason: str
    due_at: datetime | None = Field(None, description="an earlier deadline for the answer (never a later one)")


# -- web form fields -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormField:
    """One field of an action's web form: the input's field name, its widget and its label."""

    name: str
    kind: str  # textarea | text | unit | handler | rating | urgency | period | datetime | link_kind | case_ref
    label: Any
    required: bool = True


def textarea(name: str, label: str, *, required: bool = True) -> FormField:
    return FormField(name, "textarea", _(label), required)


REASON = textarea("reason", "理由")
NOTE = textarea("note", "意见（可选）", required=False)


# -- the registry ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str  # the registry key
    path: str  # the API path under /api/v1/cases/{id}/
    summary: str  # the API summary
    input: type[Versioned]
    run: Callable[..., Case]  # the domain function: fn(case_id, *, actor, expected_version, **args)
    forms: dict[str, tuple[FormField, ...]]  # workflow rule → its web form (the rules this entry serves)
    args: Callable[[Any], dict[str, Any]] | None = None  # input → domain arguments (default: the input's fields)
    presets: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule → fixed input values

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(self.forms)

    def call(self, case_id: int, actor: Person, data: Versioned, *, rule: str | None = None) -> Case:
        if rule is not None and rule in self.presets:
            data = data.model_copy(update=self.presets[rule])
        kwargs = self.args(data) if self.args else data.model_dump(exclude={"version"})
        return self.run(case_id, actor=actor, expected_version=data.version, **kwargs)


def _keep(*names: str, **renamed: str) -> Callable[[Any], dict[str, Any]]:
    """Pass the named input fields on; `renamed` maps a domain argument to an input field."""
    return lambda d: {**{n: getattr(d, n) for n in names}, **{k: getattr(d, v) for k, v in renamed.items()}}


UNIT = FormField("unit_id", "unit", _("承办单位"))
ACTIONS: tuple[Action, ...] = (
    Action("dispatch", "dispatch", "派单 dispatch to a unit", DispatchIn, life.case_dispatch,
           {"dispatch": (UNIT, FormField("note", "text", _("派单说明（可选）"), required=False))}),
    Action("answer", "answer", "当场答复 answer a consultation on the spot", TextIn, life.case_answer,
           {"answer": (textarea("text", "答复内容"),)}),
    Action("sign", "sign", "签收 sign for the order", Versioned, life.case_sign, {"sign": ()}),
    Action("return_request", "return-request", "申请退单 ask the leader to return the order", ReasonIn,
           life.case_return_request, {"return_request": (REASON,)}),
    Action("return", "return", "退单 return the order to the dispatcher (leader; approves a pending request)",
           ReasonIn, life.case_return, {"return": (REASON,)}),
    Action("return_reject", "return-reject", "驳回退单申请 reject a return request", ReasonIn,
           life.case_return_reject, {"return_reject": (REASON,)}),
    Action("transfer", "transfer", "转办 transfer to another unit", TransferIn, life.case_transfer,
           {"transfer": (UNIT, REASON)}),
    Action("assign", "assign", "指派承办人 assign a handler", AssignIn, life.case_assign,
           {"assign": (FormField("handler_id", "handler", _("承办人")),)}),
    Action("co_add", "co-units", "增加协办单位 add a co-handling unit", UnitIn, life.case_co_add,
           {"co_add": (FormField("unit_id", "unit", _("协办单位")), NOTE)}),
    Action("co_report", "co-report", "协办反馈 a co-unit reports", TextIn, life.case_co_report,
           {"co_report": (textarea("text", "内容"),)}),
    Action("extension_request", "extension-request", "申请延期 ask for an extension", ExtensionIn,
           life.case_extension_request,
           {"extend_request": (FormField("period", "period", _("延期期限（如 5d、10wd）")), REASON)}),
    Action("extension_decision", "extension-decision", "审批延期 approve or reject the pending extension",
           DecisionIn, life.case_extension_decide,
           {"extend_approve": (NOTE,), "extend_reject": (textarea("note", "理由"),)},
           presets={"extend_approve": {"approve": True}, "extend_reject": {"approve": False}}),
    Action("documents_request", "documents-request", "要求补充材料 ask the citizen for documents (pausable clocks stop)",
           TextIn, life.case_documents_request, {"request_documents": (textarea("text", "需补充的材料"),)}),
    Action("documents_received", "documents-received", "材料已补齐 documents received (clocks resume)", ReasonIn,
           life.case_documents_received, {"documents_received": (textarea("reason", "意见（可选）", required=False),)},
           args=_keep(note="reason")),
    Action("progress_reply", "progress-reply", "阶段性/程序性答复 a progress or procedural reply", ReplyIn,
           life.case_progress_reply,
           {"progress_reply": (textarea("text", "答复内容"),), "procedural_reply": (textarea("text", "答复内容"),)},
           presets={"procedural_reply": {"procedural": True}, "progress_reply": {"procedural": False}}),
    Action("reply", "reply", "提交办结答复 submit the final reply for approval", TextIn, life.case_reply_submit,
           {"reply_submit": (textarea("text", "办结答复"),)}),
    Action("reply_decision", "reply-decision", "审核答复 approve or reject the final reply", DecisionIn,
           life.case_reply_decide, {"reply_approve": (NOTE,), "reply_reject": (textarea("note", "理由"),)},
           presets={"reply_approve": {"approve": True}, "reply_reject": {"approve": False}}),
    Action("follow_up", "follow-up", "回访 record the follow-up; an unsatisfied rating reopens the case", FollowUpIn,
           life.case_follow_up,
           {"follow_up": (FormField("rating", "rating", _("满意度")), textarea("comment", "回访意见（可选）", required=False))}),
    Action("reopen", "reopen", "重办 reopen", ReasonIn, life.case_reopen,
           {"reopen": (REASON,), "reopen_dispatch": (REASON,)}),
    Action("archive", "archive", "归档 archive", Versioned, life.case_archive, {"archive": ()}),
    Action("withdraw", "withdraw", "撤回 withdraw at the citizen's request", ReasonIn, life.case_withdraw,
           {"withdraw": (REASON,)}),
    Action("invalidate", "invalidate", "无效 mark invalid", ReasonIn, life.case_invalidate, {"invalidate": (REASON,)}),
    Action("merge", "merge", "合并 merge into a duplicate", MergeIn, life.case_merge,
           {"merge": (FormField("into_id", "case_ref", _("合并到的诉求编号")),
                      textarea("reason", "意见（可选）", required=False))}),
    Action("urgency", "urgency", "标记紧急 set urgency", UrgencyIn, life.case_mark_urgent,
           {"mark_urgent": (FormField("urgency", "urgency", _("紧急程度")),
                            textarea("reason", "意见（可选）", required=False))}),
    Action("link", "links", "关联诉求 link a related or duplicate case", LinkIn, life.case_link,
           {"link": (FormField("other_id", "case_ref", _("关联诉求编号")), FormField("kind", "link_kind", _("关联类型")))}),
    Action("comment", "comments", "备注 add a note", TextIn, life.case_comment, {"comment": (textarea("text", "备注"),)}),
    Action("supervise", "supervise", "督办 issue a supervision notice", SuperviseIn, life.case_supervise,
           {"supervise": (textarea("note", "督办意见"),
                          FormField("due_at", "datetime", _("督办期限（可选）"), required=False))}),
    Action("escalate", "escalate", "升级督办 raise the open supervision notice a level (一般 → 重点 → 挂牌), or open one at 重点督办",
           EscalateIn, life.case_escalate,
           {"escalate": (textarea("reason", "升级理由"),
                         FormField("due_at", "datetime", _("新的反馈期限（可选，只能提前）"), required=False))}),
    Action("supervise_answer", "supervision-answer", "督办反馈 answer the open supervision notice", TextIn,
           life.case_supervise_answer, {"supervise_answer": (textarea("text", "督办反馈"),)}),
)
# Attachments are an action too (`attach`), but their input is a multipart upload checked by
# content (cases/uploads.py): the API and the web each have one upload endpoint calling
# `case_attach`, so there is no form to generate.
UPLOAD_RULES = frozenset({"attach"})

BY_NAME: dict[str, Action] = {a.name: a for a in ACTIONS}
BY_RULE: dict[str, Action] = {rule: a for a in ACTIONS for rule in a.rules}


def action_for_rule(rule: str) -> Action | None:
    return BY_RULE.get(rule)


def form_for_rule(rule: str) -> tuple[FormField, ...]:
    a = BY_RULE.get(rule)
    return a.forms[rule] if a else ()
