"""The demand (群众诉求) workflow: 接诉即办 from registration to archive.

One row per action: the states it runs from, the state it leads to, who may run it (role and
scope), whether a reason is required, whether the system may run it, its clock effect, the
measures its event counts towards, and the messages it sends. `tests/cases/test_workflow_table.py`
checks every (state, action) pair against a table written out by hand; the state diagram in
docs/workflows/demand.md is generated from this table (`banshi workflow diagram demand`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from banshi.cases.enums import State
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

RULES: tuple[Rule, ...] = (
    R("dispatch", "派单", {S.REGISTERED, S.RETURNED}, S.DISPATCHED, DISPATCHER_INTAKE, SUPERVISOR_REGION, system=True,
      measures={"dispatched"}, alert="new_order", citizen="已派至承办单位"),
    R("answer", "当场答复", {S.REGISTERED}, S.REPLIED, OPERATOR_INTAKE, DISPATCHER_INTAKE,
      measures={"responded", "resolved"}, notice="final_reply", citizen="已答复"),
    R("sign", "签收", {S.DISPATCHED}, S.HANDLING, HANDLER_LEAD, LEADER_LEAD, measures={"responded"}, citizen="承办单位已签收"),
    R("return_request", "申请退单", {S.DISPATCHED, S.HANDLING}, None, HANDLER_LEAD, needs_reason=True),
    R("return", "退单", {S.DISPATCHED, S.HANDLING}, S.RETURNED, LEADER_LEAD, needs_reason=True,
      clock=ClockEffect(cancels_started_by=("dispatch",)), measures={"returned"}),
    R("return_reject", "驳回退单申请", {S.DISPATCHED, S.HANDLING}, None, LEADER_LEAD, needs_reason=True),
    R("transfer", "转办", {S.DISPATCHED, S.HANDLING}, S.DISPATCHED, LEADER_LEAD, DISPATCHER_INTAKE, SUPERVISOR_REGION,
      needs_reason=True, clock=ClockEffect(restarts=True), alert="new_order", citizen="已转至其他单位办理"),
    R("assign", "指派承办人", {S.DISPATCHED, S.HANDLING}, None, LEADER_LEAD),
    R("co_add", "增加协办单位", {S.HANDLING}, None, LEADER_LEAD, HANDLER_LEAD, DISPATCHER_INTAKE, SUPERVISOR_REGION),
    R("co_report", "协办反馈", {S.HANDLING, S.REPLY_REVIEW}, None, (Role.HANDLER, Scope.CO), (Role.LEADER, Scope.CO)),
    R("extend_request", "申请延期", {S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD, needs_reason=True),
    R("extend_approve", "批准延期", {S.HANDLING}, None, LEADER_LEAD, SUPERVISOR_REGION, measures={"extended"}),
    R("extend_reject", "驳回延期", {S.HANDLING}, None, LEADER_LEAD, SUPERVISOR_REGION, needs_reason=True),
    R("request_documents", "要求补充材料（暂停计时）", {S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD, needs_reason=True,
      clock=ClockEffect(pauses=True), notice="documents_request", citizen="请补充材料"),
    R("documents_received", "材料已补齐（恢复计时）", {S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD, system=True,
      clock=ClockEffect(resumes=True), citizen="材料已补齐"),
    R("procedural_reply", "程序性答复", {S.DISPATCHED, S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD,
      notice="progress_reply", citizen="程序性答复"),
    R("progress_reply", "阶段性答复", {S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD, notice="progress_reply",
      citizen="阶段性答复"),
    R("supervise", "督办", OPEN, None, SUPERVISOR_REGION, needs_reason=True, measures={"supervised"}, alert="supervision"),
    # 升级督办: raises the open notice a level (or opens one at 重点督办); the sweep runs it
    # without a staff actor when a notice's own deadline passes unanswered. Its alerts go to the
    # lead unit's leaders and the notice's supervisor (cases/notices.py).
    R("escalate", "升级督办", OPEN, None, SUPERVISOR_REGION, needs_reason=True, system=True, measures={"escalated"}),
    R("supervise_answer", "督办反馈", OPEN, None, LEADER_LEAD, HANDLER_LEAD, DISPATCHER_INTAKE),
    R("reply_submit", "提交办结答复", {S.HANDLING}, S.REPLY_REVIEW, HANDLER_LEAD, LEADER_LEAD),
    R("reply_approve", "审核通过答复", {S.REPLY_REVIEW}, S.REPLIED, LEADER_LEAD, measures={"resolved"},
      notice="final_reply", citizen="已办结答复"),
    R("reply_reject", "退回答复", {S.REPLY_REVIEW}, S.HANDLING, LEADER_LEAD, needs_reason=True),
    R("follow_up", "回访", {S.REPLIED}, S.FOLLOWED_UP, OPERATOR_INTAKE, DISPATCHER_INTAKE, SUPERVISOR_REGION,
      system=True, measures={"rated"}, notice="follow_up", citizen="已回访评价"),
    R("reopen", "重办", {S.FOLLOWED_UP}, S.HANDLING, DISPATCHER_INTAKE, SUPERVISOR_REGION, needs_reason=True,
      system=True, clock=ClockEffect(reopens=True), measures={"reopened"}, notice="reopened", alert="reopened",
      citizen="重新办理"),
    R("reopen_dispatch", "重新派单", {S.FOLLOWED_UP}, S.REGISTERED, DISPATCHER_INTAKE, SUPERVISOR_REGION,
      needs_reason=True, system=True, clock=ClockEffect(reopens=True), measures={"reopened"}, notice="reopened",
      citizen="重新办理"),
    R("archive", "归档", {S.FOLLOWED_UP}, S.ARCHIVED, DISPATCHER_INTAKE, SUPERVISOR_REGION, system=True,
      citizen="已归档"),
    R("withdraw", "撤回", OPEN, S.WITHDRAWN, OPERATOR_INTAKE, DISPATCHER_INTAKE, needs_reason=True, system=True,
      measures={"withdrawn"}, citizen="已撤回"),
    R("merge", "合并至重复诉求", {S.REGISTERED, S.RETURNED, S.DISPATCHED}, S.MERGED, DISPATCHER_INTAKE,
      SUPERVISOR_REGION, citizen="已与相同诉求合并办理"),
    R("invalidate", "标记无效", {S.REGISTERED, S.RETURNED}, S.INVALID, DISPATCHER_INTAKE, OPERATOR_INTAKE,
      SUPERVISOR_REGION, needs_reason=True),
    R("mark_urgent", "标记紧急", {S.REGISTERED, S.RETURNED, S.DISPATCHED, S.HANDLING}, None,
      DISPATCHER_INTAKE, OPERATOR_INTAKE, SUPERVISOR_REGION, LEADER_LEAD, system=True),
    R("link", "关联诉求", OPEN_FOR_NOTES, None, DISPATCHER_INTAKE, OPERATOR_INTAKE, SUPERVISOR_REGION,
      HANDLER_LEAD, LEADER_LEAD, system=True),
    R("attach", "添加附件", OPEN_FOR_NOTES, None, OPERATOR_INTAKE, DISPATCHER_INTAKE, HANDLER_LEAD, LEADER_LEAD,
      system=True),
    R("comment", "备注", OPEN_FOR_NOTES, None,
      *((r, Scope.VISIBLE) for r in (Role.OPERATOR, Role.DISPATCHER, Role.HANDLER, Role.LEADER, Role.SUPERVISOR))),
    # The deadline sweep (cases/sweep.py) records its warnings and breaches through these.
    R("sla_warning", "时限预警", OPEN_FOR_NOTES, None, system=True, measures={"warned"}, alert="sla_warning"),
    R("sla_breach", "已超时", OPEN_FOR_NOTES, None, system=True, measures={"breached"}, alert="sla_breach"),
)

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
