"""The legal-aid (法律援助) workflow: 申请 → [补正] → 给予 / 不予 (→ 异议) → 指派 → 援助 → 结案 or 终止;
先行援助 when the applicant's legal deadline is under 7 days away (法律援助法 arts. 41–49).

One entry per action, as for the demand (cases/workflow/demand.py): the rule, its domain function
(services/legal_aid.py), typed input, API path and web form. The deadlines are the policy
`legal_aid_application` in sla/data/policies.yaml. `tests/services/test_legal_aid_table.py` checks
every (state, action) pair; docs/workflows/legal_aid.md is generated from this table.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from banshi.cases.actions import FormField, act, actions_register, keep, textarea
from banshi.cases.domain.matters import opener_register
from banshi.cases.inputs import ReasonIn, TextIn, Versioned
from banshi.cases.workflow.engine import Definition, Scope, definition_register, rule_make
from banshi.cases.workflow.shared import deadline_rules, shared_entries
from banshi.orgs.enums import Role
from banshi.services import legal_aid as aid
from banshi.services.enums import AidState
from banshi.services.inputs import (
    AidAdvanceIn,
    AidAssignIn,
    AidCloseIn,
    AidDocsIn,
    AidGrantIn,
    AidTerminateIn,
)
from banshi.sla.services import ClockEffect

S = AidState
OPEN = frozenset({S.REVIEW, S.DOCS, S.GRANTED, S.OBJECTION, S.SERVING})
NOTES = OPEN | {S.REFUSED, S.ENDED}
TERMINAL = frozenset({S.CLOSED, S.WITHDRAWN})
HANDLER = (Role.HANDLER, Scope.LEAD)
LEADER = (Role.LEADER, Scope.LEAD)
SUPERVISOR = (Role.SUPERVISOR, Scope.REGION)
A = act


class ObjectionDecisionIn(Versioned):
    uphold: bool
    reason: str


REGISTER_RULE = rule_make(
    "aid_apply", "法律援助申请", (), S.REVIEW, (Role.OPERATOR, Scope.INTAKE), HANDLER, LEADER, system=True,
    clock=ClockEffect(from_receipt=True), measures={"applied"}, notice="matter_receipt", citizen="已收到法律援助申请",
)
LAWYER = (FormField("lawyer_name", "text", gettext_lazy("法律援助人员")),
          FormField("lawyer_org", "text", gettext_lazy("所在律师事务所或机构（可选）"), required=False))

ACTIONS = (
    A("aid_docs_request", "一次性告知补正", {S.REVIEW}, S.DOCS, HANDLER, LEADER, clock=ClockEffect(pauses=True),
      notice="aid_docs", citizen="请补正材料",
      run=aid.aid_docs_request, input=AidDocsIn, api=("aid/documents-request", "一次性告知补正 list every missing document"),
      form=(FormField("documents", "lines", gettext_lazy("需补正的全部材料（每行一项）")),
            textarea("note", "说明（可选）", required=False))),
    A("aid_docs_received", "补正材料已收到", {S.DOCS}, S.REVIEW, HANDLER, LEADER, system=True,
      clock=ClockEffect(resumes=True), citizen="已收到补正材料",
      run=aid.aid_docs_received, input=ReasonIn, args=keep(note="reason"),
      api=("aid/documents-received", "补正材料已收到 the documents came: the decision clock runs again"),
      form=(textarea("reason", "说明（可选）", required=False),)),
    A("aid_lapse", "逾期未补正，视为撤回", {S.DOCS}, S.WITHDRAWN, LEADER, system=True, citizen="逾期未补正，视为撤回申请",
      run=aid.aid_lapse, api=("aid/lapse", "视为撤回 the 补正 date passed without an answer (art. 43)")),
    A("aid_grant", "决定给予法律援助", {S.REVIEW}, S.GRANTED, LEADER, measures={"granted"}, notice="aid_decision",
      citizen="决定给予法律援助", run=aid.aid_grant, input=AidGrantIn,
      api=("aid/grant", "决定给予法律援助 grant (hardship met, or exempt under arts. 32/42)"),
      form=(FormField("hardship", "hardship", gettext_lazy("经济困难审查")), textarea("note", "意见（可选）", required=False))),
    A("aid_refuse", "决定不予法律援助", {S.REVIEW}, S.REFUSED, LEADER, needs_reason=True, measures={"refused"},
      notice="aid_decision", citizen="决定不予法律援助",
      run=aid.aid_refuse, input=ReasonIn, api=("aid/refuse", "决定不予法律援助 refuse, with the reasons written to the applicant"),
      form=(textarea("reason", "不予援助的理由（书面告知申请人）"),)),
    A("aid_advance", "先行援助", {S.REVIEW, S.DOCS}, S.SERVING, LEADER, needs_reason=True, measures={"granted"},
      notice="aid_decision", citizen="先行提供法律援助",
      run=aid.aid_advance, input=AidAdvanceIn,
      api=("aid/advance", "先行援助 aid at once: the applicant's legal deadline is under 7 days away (art. 44)"),
      form=(FormField("deadline", "date", gettext_lazy("申请人案件的期限届满日")), *LAWYER, textarea("reason", "先行援助的理由"))),
    A("aid_assign", "指派法律援助人员", {S.GRANTED}, S.SERVING, LEADER, HANDLER, notice="aid_decision",
      citizen="已指派法律援助人员", run=aid.aid_assign, input=AidAssignIn,
      api=("aid/assign", "指派 assign a lawyer or legal-aid worker (within 3 days of granting)"), form=LAWYER),
    A("aid_object", "提出异议", {S.REFUSED, S.ENDED}, S.OBJECTION, HANDLER, LEADER, SUPERVISOR, system=True,
      citizen="异议审查中", run=aid.aid_object, input=TextIn,
      api=("aid/objection", "异议 the applicant objects to the refusal (art. 49)"), form=(textarea("text", "异议内容"),)),
    A("aid_objection_uphold", "异议成立，给予援助", {S.OBJECTION}, S.GRANTED, SUPERVISOR, LEADER, needs_reason=True,
      measures={"granted"}, notice="aid_decision", citizen="异议成立，决定给予法律援助",
      run=aid.aid_objection_decide, input=ObjectionDecisionIn, preset={"uphold": True},
      api=("aid/objection-decision", "异议审查 decide the objection within 5 days"), form=(textarea("reason", "审查意见"),)),
    A("aid_objection_dismiss", "异议不成立，维持决定", {S.OBJECTION}, S.CLOSED, SUPERVISOR, LEADER, needs_reason=True,
      notice="aid_decision", citizen="异议不成立",
      run=aid.aid_objection_decide, input=ObjectionDecisionIn, preset={"uphold": False},
      api=("aid/objection-decision", "异议审查 decide the objection within 5 days"), form=(textarea("reason", "审查意见"),)),
    A("aid_terminate", "终止法律援助", {S.SERVING}, S.ENDED, LEADER, needs_reason=True, notice="aid_decision",
      citizen="终止法律援助", run=aid.aid_terminate, input=AidTerminateIn,
      api=("aid/terminate", "终止 end the aid in a situation of art. 48"),
      form=(FormField("reason_code", "aid_termination", gettext_lazy("终止情形")), textarea("reason", "终止理由"))),
    A("aid_close", "结案归档", {S.SERVING}, S.CLOSED, HANDLER, LEADER, citizen="已结案",
      run=aid.aid_close, input=AidCloseIn, api=("aid/close", "结案归档 close with the outcome"),
      form=(textarea("outcome", "办理结果"),
            FormField("amount_recovered", "money", gettext_lazy("挽回（追回）金额，元（可选）"), required=False))),
    A("aid_withdraw", "申请人撤回", {S.REVIEW, S.DOCS}, S.WITHDRAWN, HANDLER, LEADER, needs_reason=True, system=True,
      citizen="已撤回申请", run=aid.aid_withdraw, input=ReasonIn,
      api=("aid/withdraw", "撤回 the applicant withdraws"), form=(textarea("reason", "撤回理由"),)),
)


SHARED = shared_entries(OPEN, NOTES)
SYSTEM_RULES = deadline_rules(OPEN)

LEGAL_AID = definition_register(Definition(
    kind="legal_aid",
    label=gettext_lazy("法律援助"),
    states=AidState,
    initial=S.REVIEW,
    rules=tuple(a.rule for a in ACTIONS + SHARED) + SYSTEM_RULES,
    open_states=OPEN,
    terminal_states=TERMINAL,
    closed_states=TERMINAL | {S.REFUSED, S.ENDED},
    answered_states=frozenset({S.GRANTED, S.REFUSED, S.SERVING, S.OBJECTION}) | TERMINAL,
    register=REGISTER_RULE,
))
actions_register(LEGAL_AID.kind, ACTIONS + SHARED)
opener_register(LEGAL_AID.kind, aid.aid_open_from_demand)
