"""The 国家司法救助 workflow: 申请 (or 办案机关提出) → 审查 [→ 补充材料 → 审查] → 决定救助 (with the
amount) → 发放 (one or several payments) → 已发放完毕 → 结案; or 不予救助 (with reasons) → 结案; or 撤回.

One entry per action, as for the demand (cases/workflow/demand.py): the rule, its domain function
(domain.py), typed input, API path and web form. The deadlines are the policy `judicial_aid` in
sla/data/policies.yaml (审查决定 10 working days from the application, paused while documents are
awaited; 发放 7 working days from the grant, met by the first payment).
tests/judicial_aid/test_table.py checks every (state, action) pair; docs/workflows/judicial_aid.md
is generated from this table.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from banshi.cases.actions import FormField, act, actions_register, keep, textarea
from banshi.cases.domain.matters import opener_register
from banshi.cases.inputs import ReasonIn
from banshi.cases.workflow.engine import Definition, Scope, definition_register, rule_make
from banshi.cases.workflow.shared import deadline_rules, shared_entries
from banshi.judicial_aid import domain as ja
from banshi.judicial_aid.enums import JaState
from banshi.judicial_aid.inputs import JaDocsIn, JaGrantIn, JaPayIn, JaRefuseIn
from banshi.orgs.enums import Role
from banshi.sla.services import ClockEffect

S = JaState
OPEN = frozenset({S.REVIEW, S.DOCS, S.GRANTED})
NOTES = OPEN | {S.PAID, S.REFUSED}
# A refusal is not terminal: the decision deadline is met by it (a terminal state cancels the clock);
# the file is then archived (结案).
TERMINAL = frozenset({S.CLOSED, S.WITHDRAWN})
HANDLER = (Role.HANDLER, Scope.LEAD)
LEADER = (Role.LEADER, Scope.LEAD)
A = act

REGISTER_RULE = rule_make(
    "ja_apply", "国家司法救助申请", (), S.REVIEW, (Role.OPERATOR, Scope.INTAKE), HANDLER, LEADER, system=True,
    clock=ClockEffect(from_receipt=True), measures={"applied"}, notice="matter_receipt", citizen="已收到国家司法救助申请",
)

ACTIONS = (
    A("ja_docs_request", "一次性告知补充材料", {S.REVIEW}, S.DOCS, HANDLER, LEADER, clock=ClockEffect(pauses=True),
      notice="documents_request", citizen="请补充材料",
      run=ja.ja_docs_request, input=JaDocsIn,
      api=("judicial-aid/documents-request", "补充材料 list every missing document at once; the decision clock pauses"),
      form=(FormField("documents", "lines", gettext_lazy("需补充的全部材料（每行一项）")),
            textarea("note", "说明（可选）", required=False))),
    A("ja_docs_received", "材料已补齐", {S.DOCS}, S.REVIEW, HANDLER, LEADER, system=True,
      clock=ClockEffect(resumes=True), citizen="已收到补充材料",
      run=ja.ja_docs_received, input=ReasonIn, args=keep(note="reason"),
      api=("judicial-aid/documents-received", "材料已补齐 the documents came: the decision clock runs again"),
      form=(textarea("reason", "说明（可选）", required=False),)),
    A("ja_grant", "决定给予救助", {S.REVIEW}, S.GRANTED, LEADER, measures={"granted"}, notice="progress_reply",
      citizen="决定给予国家司法救助", run=ja.ja_grant, input=JaGrantIn,
      api=("judicial-aid/grant", "决定救助 grant, with the amount (above the limit only with reasons)"),
      form=(FormField("amount", "money", gettext_lazy("救助金额，元")),
            textarea("reasons", "决定理由（可选）", required=False),
            textarea("exceed_reason", "突破限额的理由（超过限额时必填）", required=False))),
    A("ja_refuse", "决定不予救助", {S.REVIEW}, S.REFUSED, LEADER, needs_reason=True, measures={"refused"},
      notice="progress_reply", citizen="决定不予国家司法救助", run=ja.ja_refuse, input=JaRefuseIn,
      api=("judicial-aid/refuse", "不予救助 refuse, with the reasons written in the 不予救助决定书"),
      form=(FormField("reason_code", "ja_refusal_reason", gettext_lazy("不予救助的理由")),
            textarea("reasons", "具体理由（写入不予救助决定书）"))),
    A("ja_withdraw", "申请人撤回", {S.REVIEW, S.DOCS}, S.WITHDRAWN, HANDLER, LEADER, needs_reason=True, system=True,
      citizen="已撤回申请", run=ja.ja_withdraw, input=ReasonIn,
      api=("judicial-aid/withdraw", "撤回 the applicant withdraws"), form=(textarea("reason", "撤回理由"),)),
    A("ja_pay", "发放救助金", {S.GRANTED}, None, HANDLER, LEADER, measures={"paid"}, notice="progress_reply",
      citizen="救助金已发放", run=ja.ja_pay, input=JaPayIn,
      api=("judicial-aid/payments", "发放 record a payment (several may make up the amount granted, never more)"),
      form=(FormField("amount", "money", gettext_lazy("本次发放金额，元")),
            FormField("paid_on", "date", gettext_lazy("发放日期")),
            FormField("method", "ja_payment_method", gettext_lazy("发放方式")),
            FormField("reference", "text", gettext_lazy("凭证号（可选）"), required=False),
            textarea("note", "说明（可选）", required=False))),
    A("ja_complete", "救助金已全部发放", {S.GRANTED}, S.PAID, system=True, citizen="救助金已全部发放",
      run=ja.ja_complete),
    A("ja_close", "结案归档", {S.PAID, S.REFUSED}, S.CLOSED, HANDLER, LEADER, citizen="已结案",
      run=ja.ja_close, input=ReasonIn, args=keep(note="reason"),
      api=("judicial-aid/close", "结案 archive the file once the aid is paid in full (or the refusal delivered)"),
      form=(textarea("reason", "结案意见（可选）", required=False),)),
)


SHARED = shared_entries(OPEN, NOTES)
SYSTEM_RULES = deadline_rules(OPEN)

JUDICIAL_AID = definition_register(Definition(
    kind="judicial_aid",
    label=gettext_lazy("国家司法救助"),
    states=JaState,
    initial=S.REVIEW,
    rules=tuple(a.rule for a in ACTIONS + SHARED) + SYSTEM_RULES,
    open_states=OPEN,
    terminal_states=TERMINAL,
    closed_states=TERMINAL | {S.PAID, S.REFUSED},
    answered_states=frozenset({S.GRANTED, S.PAID}) | TERMINAL,
    register=REGISTER_RULE,
))
actions_register(JUDICIAL_AID.kind, ACTIONS + SHARED)
opener_register(JUDICIAL_AID.kind, ja.ja_open_from_demand)
