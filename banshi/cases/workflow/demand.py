"""The demand (群众诉求) workflow: 接诉即办 from registration to archive.

One entry per action (`act`, cases/actions.py): the states it runs from, the state it leads to,
who may run it (role and scope), whether a reason is required, whether the system may run it, its
clock effect, the measures its event counts towards, the messages it sends — and its domain
function, typed input, API path and web form, from which the API and the workbench are generated. `tests/cases/test_workflow_table.py`
checks every (state, action) pair against a table written out by hand; the state diagram in
docs/workflows/demand.md is generated from this table (`banshi workflow diagram demand`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from banshi.cases.actions import Action, FormField, act, actions_register, keep, textarea
from banshi.cases.domain import lifecycle as life
from banshi.cases.domain.matters import case_refer
from banshi.cases.enums import State
from banshi.cases.inputs import (
    AssignIn,
    DecisionIn,
    DispatchIn,
    EscalateIn,
    ExtensionIn,
    FollowUpIn,
    LinkIn,
    MergeIn,
    ReasonIn,
    ReferIn,
    ReplyIn,
    SuperviseIn,
    TextIn,
    TransferIn,
    UnitIn,
    UrgencyIn,
)
from banshi.cases.workflow.engine import Definition, Rule, Scope, definition_register, rule_make
from banshi.orgs.enums import Role
from banshi.sla.services import ClockEffect

S = State
OPEN = frozenset({S.REGISTERED, S.DISPATCHED, S.HANDLING, S.REPLY_REVIEW, S.RETURNED})
OPEN_FOR_NOTES = OPEN | {S.REPLIED, S.FOLLOWED_UP}
TERMINAL = frozenset({S.ARCHIVED, S.WITHDRAWN, S.MERGED, S.INVALID})
DISPATCHER_INTAKE = (Role.DISPATCHER, Scope.INTAKE)
OPERATOR_INTAKE = (Role.OPERATOR, Scope.INTAKE)
SUPERVISOR_REGION = (Role.SUPERVISOR, Scope.REGION)
HANDLER_LEAD = (Role.HANDLER, Scope.LEAD)
LEADER_LEAD = (Role.LEADER, Scope.LEAD)
R = rule_make

# Registration: who may register is checked by banshi/cases/registration.py for every channel.
REGISTER_RULE = R(
    "register", "登记", (), S.REGISTERED,
    *((role, Scope.INTAKE) for role in (Role.OPERATOR, Role.DISPATCHER, Role.HANDLER, Role.LEADER, Role.SUPERVISOR)),
    system=True, clock=ClockEffect(from_receipt=True), measures={"received"}, notice="receipt", citizen="已受理",
)

UNIT = FormField("unit_id", "unit", gettext_lazy("承办单位"))
REASON = textarea("reason", "理由")
NOTE = textarea("note", "意见（可选）", required=False)
REPLY_TEXT = textarea("text", "答复内容")
A = act

# The registry: one entry per action — its table row, then its domain function, input, API path and form.
ACTIONS: tuple[Action, ...] = (
    A("dispatch", "派单", {S.REGISTERED, S.RETURNED}, S.DISPATCHED, DISPATCHER_INTAKE, SUPERVISOR_REGION, system=True,
      measures={"dispatched"}, alert="new_order", citizen="已派至承办单位",
      run=life.case_dispatch, input=DispatchIn, api=("dispatch", "派单 dispatch to a unit"),
      form=(UNIT, FormField("note", "text", gettext_lazy("派单说明（可选）"), required=False))),
    A("answer", "当场答复", {S.REGISTERED}, S.REPLIED, OPERATOR_INTAKE, DISPATCHER_INTAKE,
      clock=ClockEffect(completes=True), measures={"responded", "resolved"}, notice="final_reply", citizen="已答复",
      run=life.case_answer, input=TextIn, api=("answer", "当场答复 answer a consultation on the spot"),
      form=(REPLY_TEXT,)),
    A("sign", "签收", {S.DISPATCHED}, S.HANDLING, HANDLER_LEAD, LEADER_LEAD, measures={"responded"},
      citizen="承办单位已签收", run=life.case_sign, api=("sign", "签收 sign for the order")),
    A("return_request", "申请退单", {S.DISPATCHED, S.HANDLING}, None, HANDLER_LEAD, needs_reason=True,
      run=life.case_return_request, input=ReasonIn, api=("return-request", "申请退单 ask the leader to return the order"),
      form=(REASON,)),
    A("return", "退单", {S.DISPATCHED, S.HANDLING}, S.RETURNED, LEADER_LEAD, needs_reason=True,
      clock=ClockEffect(cancels_started_by=("dispatch",)), measures={"returned"},
      run=life.case_return, input=ReasonIn,
      api=("return", "退单 return the order to the dispatcher (leader; approves a pending request)"), form=(REASON,)),
    A("return_reject", "驳回退单申请", {S.DISPATCHED, S.HANDLING}, None, LEADER_LEAD, needs_reason=True,
      run=life.case_return_reject, input=ReasonIn, api=("return-reject", "驳回退单申请 reject a return request"),
      form=(REASON,)),
    A("transfer", "转办", {S.DISPATCHED, S.HANDLING}, S.DISPATCHED, LEADER_LEAD, DISPATCHER_INTAKE, SUPERVISOR_REGION,
      needs_reason=True, clock=ClockEffect(restarts=True), measures={"dispatched"}, alert="new_order",
      citizen="已转至其他单位办理",
      run=life.case_transfer, input=TransferIn, api=("transfer", "转办 transfer to another unit"), form=(UNIT, REASON)),
    A("assign", "指派承办人", {S.DISPATCHED, S.HANDLING}, None, LEADER_LEAD,
      run=life.case_assign, input=AssignIn, api=("assign", "指派承办人 assign a handler"),
      form=(FormField("handler_id", "handler", gettext_lazy("承办人")),)),
    A("co_add", "增加协办单位", {S.HANDLING}, None, LEADER_LEAD, HANDLER_LEAD, DISPATCHER_INTAKE, SUPERVISOR_REGION,
      run=life.case_co_add, input=UnitIn, api=("co-units", "增加协办单位 add a co-handling unit"),
      form=(FormField("unit_id", "unit", gettext_lazy("协办单位")), NOTE)),
    A("co_report", "协办反馈", {S.HANDLING, S.REPLY_REVIEW}, None, (Role.HANDLER, Scope.CO), (Role.LEADER, Scope.CO),
      run=life.case_co_report, input=TextIn, api=("co-report", "协办反馈 a co-unit reports"),
      form=(textarea("text", "内容"),)),
    A("extend_request", "申请延期", {S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD, needs_reason=True,
      run=life.case_extension_request, input=ExtensionIn, api=("extension-request", "申请延期 ask for an extension"),
      form=(FormField("period", "period", gettext_lazy("延期期限")), REASON)),
    A("extend_approve", "批准延期", {S.HANDLING}, None, LEADER_LEAD, SUPERVISOR_REGION, measures={"extended"},
      run=life.case_extension_decide, input=DecisionIn, preset={"approve": True},
      api=("extension-decision", "审批延期 approve or reject the pending extension"), form=(NOTE,)),
    A("extend_reject", "驳回延期", {S.HANDLING}, None, LEADER_LEAD, SUPERVISOR_REGION, needs_reason=True,
      run=life.case_extension_decide, input=DecisionIn, preset={"approve": False},
      api=("extension-decision", "审批延期 approve or reject the pending extension"), form=(textarea("note", "理由"),)),
    A("request_documents", "要求补充材料（暂停计时）", {S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD, needs_reason=True,
      clock=ClockEffect(pauses=True), notice="documents_request", citizen="请补充材料",
      run=life.case_documents_request, input=TextIn,
      api=("documents-request", "要求补充材料 ask the citizen for documents (pausable clocks stop)"),
      form=(textarea("text", "需补充的材料"),)),
    A("documents_received", "材料已补齐（恢复计时）", {S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD, system=True,
      clock=ClockEffect(resumes=True), citizen="材料已补齐",
      run=life.case_documents_received, input=ReasonIn, args=keep(note="reason"),
      api=("documents-received", "材料已补齐 documents received (clocks resume)"),
      form=(textarea("reason", "意见（可选）", required=False),)),
    A("procedural_reply", "程序性答复", {S.DISPATCHED, S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD,
      notice="progress_reply", citizen="程序性答复",
      run=life.case_progress_reply, input=ReplyIn, preset={"procedural": True},
      api=("progress-reply", "阶段性/程序性答复 a progress or procedural reply"), form=(REPLY_TEXT,)),
    A("progress_reply", "阶段性答复", {S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD, notice="progress_reply",
      citizen="阶段性答复", run=life.case_progress_reply, input=ReplyIn, preset={"procedural": False},
      api=("progress-reply", "阶段性/程序性答复 a progress or procedural reply"), form=(REPLY_TEXT,)),
    A("supervise", "督办", OPEN, None, SUPERVISOR_REGION, needs_reason=True, measures={"supervised"}, alert="supervision",
      run=life.case_supervise, input=SuperviseIn, api=("supervise", "督办 issue a supervision notice"),
      form=(textarea("note", "督办意见"), FormField("due_at", "datetime", gettext_lazy("督办期限（可选）"), required=False))),
    # 升级督办: raises the open notice a level (or opens one at 重点督办); the sweep runs it
    # without a staff actor when a notice's own deadline passes unanswered. Its alerts go to the
    # lead unit's leaders and the notice's supervisor (cases/notices.py).
    A("escalate", "升级督办", OPEN, None, SUPERVISOR_REGION, needs_reason=True, system=True, measures={"escalated"},
      run=life.case_escalate, input=EscalateIn,
      api=("escalate", "升级督办 raise the open supervision notice a level (一般 → 重点 → 挂牌), or open one at 重点督办"),
      form=(textarea("reason", "升级理由"),
            FormField("due_at", "datetime", gettext_lazy("新的反馈期限（可选，只能提前）"), required=False))),
    A("supervise_answer", "督办反馈", OPEN, None, LEADER_LEAD, HANDLER_LEAD, DISPATCHER_INTAKE,
      run=life.case_supervise_answer, input=TextIn, api=("supervision-answer", "督办反馈 answer the open supervision notice"),
      form=(textarea("text", "督办反馈"),)),
    A("reply_submit", "提交办结答复", {S.HANDLING}, S.REPLY_REVIEW, HANDLER_LEAD, LEADER_LEAD,
      run=life.case_reply_submit, input=TextIn, api=("reply", "提交办结答复 submit the final reply for approval"),
      form=(textarea("text", "办结答复"),)),
    A("reply_approve", "审核通过答复", {S.REPLY_REVIEW}, S.REPLIED, LEADER_LEAD, measures={"resolved"},
      notice="final_reply", citizen="已办结答复",
      run=life.case_reply_decide, input=DecisionIn, preset={"approve": True},
      api=("reply-decision", "审核答复 approve or reject the final reply"), form=(NOTE,)),
    A("reply_reject", "退回答复", {S.REPLY_REVIEW}, S.HANDLING, LEADER_LEAD, needs_reason=True,
      run=life.case_reply_decide, input=DecisionIn, preset={"approve": False},
      api=("reply-decision", "审核答复 approve or reject the final reply"), form=(textarea("note", "理由"),)),
    A("follow_up", "回访", {S.REPLIED}, S.FOLLOWED_UP, OPERATOR_INTAKE, DISPATCHER_INTAKE, SUPERVISOR_REGION,
      system=True, measures={"rated"}, notice="follow_up", citizen="已回访评价",
      run=life.case_follow_up, input=FollowUpIn,
      api=("follow-up", "回访 record the follow-up; an unsatisfied rating reopens the case"),
      form=(FormField("rating", "rating", gettext_lazy("满意度")), textarea("comment", "回访意见（可选）", required=False))),
    # 重办 and 重新派单: one domain function decides which (back to the unit, or to the dispatcher).
    A("reopen", "重办", {S.FOLLOWED_UP}, S.HANDLING, DISPATCHER_INTAKE, SUPERVISOR_REGION, needs_reason=True,
      system=True, clock=ClockEffect(reopens=True), measures={"reopened"}, notice="reopened", alert="reopened",
      citizen="重新办理", run=life.case_reopen, input=ReasonIn, api=("reopen", "重办 reopen"), form=(REASON,)),
    A("reopen_dispatch", "重新派单", {S.FOLLOWED_UP}, S.REGISTERED, DISPATCHER_INTAKE, SUPERVISOR_REGION,
      needs_reason=True, system=True, clock=ClockEffect(reopens=True), measures={"reopened"}, notice="reopened",
      citizen="重新办理", run=life.case_reopen, input=ReasonIn, api=("reopen", "重办 reopen"), form=(REASON,)),
    A("archive", "归档", {S.FOLLOWED_UP}, S.ARCHIVED, DISPATCHER_INTAKE, SUPERVISOR_REGION, system=True,
      citizen="已归档", run=life.case_archive, api=("archive", "归档 archive")),
    A("withdraw", "撤回", OPEN, S.WITHDRAWN, OPERATOR_INTAKE, DISPATCHER_INTAKE, needs_reason=True, system=True,
      measures={"withdrawn"}, citizen="已撤回",
      run=life.case_withdraw, input=ReasonIn, api=("withdraw", "撤回 withdraw at the citizen's request"), form=(REASON,)),
    A("merge", "合并至重复诉求", {S.REGISTERED, S.RETURNED, S.DISPATCHED}, S.MERGED, DISPATCHER_INTAKE,
      SUPERVISOR_REGION, citizen="已与相同诉求合并办理",
      run=life.case_merge, input=MergeIn, api=("merge", "合并 merge into a duplicate"),
      form=(FormField("into_id", "case_ref", gettext_lazy("合并到的诉求编号")),
            textarea("reason", "意见（可选）", required=False))),
    A("invalidate", "标记无效", {S.REGISTERED, S.RETURNED}, S.INVALID, DISPATCHER_INTAKE, OPERATOR_INTAKE,
      SUPERVISOR_REGION, needs_reason=True,
      run=life.case_invalidate, input=ReasonIn, api=("invalidate", "无效 mark invalid"), form=(REASON,)),
    A("mark_urgent", "标记紧急", {S.REGISTERED, S.RETURNED, S.DISPATCHED, S.HANDLING}, None,
      DISPATCHER_INTAKE, OPERATOR_INTAKE, SUPERVISOR_REGION, LEADER_LEAD, system=True,
      run=life.case_mark_urgent, input=UrgencyIn, api=("urgency", "标记紧急 set urgency"),
      form=(FormField("urgency", "urgency", gettext_lazy("紧急程度")), textarea("reason", "意见（可选）", required=False))),
    A("link", "关联诉求", OPEN_FOR_NOTES, None, DISPATCHER_INTAKE, OPERATOR_INTAKE, SUPERVISOR_REGION,
      HANDLER_LEAD, LEADER_LEAD, system=True,
      run=life.case_link, input=LinkIn, api=("links", "关联诉求 link a related or duplicate case"),
      form=(FormField("other_id", "case_ref", gettext_lazy("关联诉求编号")),
            FormField("kind", "link_kind", gettext_lazy("关联类型")))),
    # Attachments: a multipart upload checked by content (cases/uploads.py); the API and the web
    # each have one upload endpoint calling `case_attach`, so the entry has no path or form.
    A("attach", "添加附件", OPEN_FOR_NOTES, None, OPERATOR_INTAKE, DISPATCHER_INTAKE, HANDLER_LEAD, LEADER_LEAD,
      system=True, run=life.case_attach),
    # 转专项服务: open a legal-aid or mediation matter from the demand (banshi/services/ registers the kinds).
    A("refer", "转专项服务", OPEN, None, OPERATOR_INTAKE, DISPATCHER_INTAKE, HANDLER_LEAD, LEADER_LEAD,
      SUPERVISOR_REGION, measures={"referred"}, citizen="已转专项服务（法律援助、人民调解、司法救助等）办理",
      run=case_refer, input=ReferIn, api=("refer", "转专项服务 open a legal-aid or mediation matter from the demand"),
      form=(FormField("kind", "matter_kind", gettext_lazy("转入事项")), UNIT,
            textarea("note", "说明（可选）", required=False))),
    A("comment", "备注", OPEN_FOR_NOTES, None,
      *((r, Scope.VISIBLE) for r in (Role.OPERATOR, Role.DISPATCHER, Role.HANDLER, Role.LEADER, Role.SUPERVISOR)),
      run=life.case_comment, input=TextIn, api=("comments", "备注 add a note"), form=(textarea("text", "备注"),)),
)

# Rules only the system runs: the deadline sweep (cases/sweep.py) records its warnings and breaches.
SYSTEM_RULES: tuple[Rule, ...] = (
    R("sla_warning", "时限预警", OPEN_FOR_NOTES, None, system=True, measures={"warned"}, alert="sla_warning",
      passive=True),
    R("sla_breach", "已超时", OPEN_FOR_NOTES, None, system=True, measures={"breached"}, alert="sla_breach",
      passive=True),
)
RULES: tuple[Rule, ...] = tuple(a.rule for a in ACTIONS) + SYSTEM_RULES

DEMAND = definition_register(Definition(
    kind="demand",
    label=gettext_lazy("群众诉求"),
    states=State,
    initial=S.REGISTERED,
    rules=RULES,
    open_states=OPEN,
    terminal_states=TERMINAL,
    closed_states=TERMINAL | {S.FOLLOWED_UP},
    answered_states=frozenset({S.REPLIED, S.FOLLOWED_UP}),
    register=REGISTER_RULE,
))
TABLE = DEMAND.table
actions_register(DEMAND.kind, ACTIONS)
