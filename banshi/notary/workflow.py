"""The notary (公证) workflow: 预约 → 受理 → 审查 (一次性告知补充材料: the clock pauses, 公证法 art. 30)
→ 出具公证书 / 不予办理 (art. 31) / 终止; before the visit a booking may be cancelled (the place is
freed) or the citizen may not come.

One entry per action, as for the demand (cases/workflow/demand.py): the rule, its domain function
(notary/domain.py), typed input, API path and web form. The deadline is the policy `notarization`
in sla/data/policies.yaml (certificate: 15 working days from `nt_accept`, met by `nt_issue`,
`nt_refuse`, `nt_terminate`, pausable); the matter's own period (5 or 10 working days for simple
matters, data/matters.yaml) is passed on `nt_accept`. `tests/notary/test_tables.py` checks every
(state, action) pair; docs/workflows/notary.md is generated from this table.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from banshi.cases.actions import FormField, act, actions_register, keep, textarea
from banshi.cases.inputs import ReasonIn
from banshi.cases.workflow.engine import Definition, Scope, definition_register, rule_make
from banshi.cases.workflow.shared import deadline_rules, shared_entries
from banshi.notary import domain as nt
from banshi.notary.enums import NtState
from banshi.notary.inputs import NtAcceptIn, NtDocsIn, NtDocsReceivedIn, NtIssueIn, NtRefuseIn, NtTerminateIn
from banshi.orgs.enums import Role
from banshi.sla.services import ClockEffect

S = NtState
OPEN = frozenset({S.BOOKED, S.REVIEW, S.DOCS})
# Decided: closed, but not terminal — the certificate clock must be *met* by the decision (a move
# into a terminal state cancels every running milestone), and the file still takes notes and
# attachments (e.g. the scanned certificate, the delivery receipt).
DECIDED = frozenset({S.ISSUED, S.REFUSED, S.ENDED})
NOTES = OPEN | DECIDED
TERMINAL = frozenset({S.CANCELLED, S.MISSED})
WINDOW = (Role.OPERATOR, Scope.INTAKE)
HANDLER = (Role.HANDLER, Scope.LEAD)  # 公证员
LEADER = (Role.LEADER, Scope.LEAD)  # 公证处负责人 (approves refusals and terminations)
A = act
# The citizen's SMS of each step (notify/data/templates.yaml): nt_booked (the booking and its code),
# nt_docs (补充材料), nt_result (the other steps); the reminder the day before is domain.REMINDER_TEMPLATE.
BOOKED_SMS = "nt_booked"
DOCS_SMS = "nt_docs"
RESULT_SMS = "nt_result"

REGISTER_RULE = rule_make(
    "nt_book", "预约公证", (), S.BOOKED, WINDOW, HANDLER, LEADER, system=True, measures={"booked"},
    notice=BOOKED_SMS, citizen="已预约",
)

ACTIONS = (
    A("nt_cancel", "取消预约", {S.BOOKED}, S.CANCELLED, WINDOW, HANDLER, LEADER, system=True, notice=RESULT_SMS,
      citizen="已取消预约", run=nt.nt_cancel, input=ReasonIn, args=keep("reason"),
      api=("notary/cancel", "取消预约 cancel the booking: its place is freed for others"),
      form=(textarea("reason", "取消原因（可选）", required=False),)),
    A("nt_no_show", "预约未到场", {S.BOOKED}, S.MISSED, HANDLER, LEADER, system=True, citizen="预约时段已过，未到场",
      run=nt.nt_no_show, api=("notary/no-show", "预约未到场 the slot has ended and the citizen did not come")),
    A("nt_accept", "受理", {S.BOOKED}, S.REVIEW, HANDLER, LEADER, measures={"applied"}, notice=RESULT_SMS,
      citizen="已受理，审查中", run=nt.nt_accept, input=NtAcceptIn,
      api=("notary/accept", "受理 accept the application: the certificate is due in the matter's period (5/10/15 working days)"),
      form=(textarea("note", "说明（可选）", required=False),)),
    A("nt_docs_request", "一次性告知补充材料", {S.REVIEW}, S.DOCS, HANDLER, LEADER, clock=ClockEffect(pauses=True),
      notice=DOCS_SMS, citizen="请补充材料", run=nt.nt_docs_request, input=NtDocsIn,
      api=("notary/documents-request", "一次性告知补充材料 list every missing document; the clock pauses (公证法第30条)"),
      form=(FormField("documents", "lines", gettext_lazy("需补充的全部材料（每行一项）")),
            textarea("note", "说明（可选）", required=False))),
    A("nt_docs_received", "补充材料已收到", {S.DOCS}, S.REVIEW, HANDLER, LEADER, system=True,
      clock=ClockEffect(resumes=True), citizen="已收到补充材料", run=nt.nt_docs_received, input=NtDocsReceivedIn,
      api=("notary/documents-received", "补充材料已收到 the documents came: the clock runs again"),
      form=(FormField("in_person", "checkbox", gettext_lazy("当事人到公证处补交（计一次到场）"), required=False),
            textarea("note", "说明（可选）", required=False))),
    A("nt_issue", "出具公证书", {S.REVIEW}, S.ISSUED, HANDLER, LEADER, measures={"issued"}, notice=RESULT_SMS,
      citizen="已出具公证书", run=nt.nt_issue, input=NtIssueIn,
      api=("notary/issue", "出具公证书 issue the certificate (its number is recorded)"),
      form=(FormField("certificate_number", "text", gettext_lazy("公证书编号")),
            FormField("delivery", "notary_delivery", gettext_lazy("送达方式")),
            textarea("note", "说明（可选）", required=False))),
    A("nt_refuse", "不予办理", {S.REVIEW, S.DOCS}, S.REFUSED, LEADER, needs_reason=True, measures={"refused"},
      notice=RESULT_SMS, citizen="不予办理公证", run=nt.nt_refuse, input=NtRefuseIn,
      api=("notary/refuse", "不予办理 refuse in a situation of 公证法第31条, with the reasons in writing"),
      form=(FormField("reason_code", "notary_refusal", gettext_lazy("不予办理的情形")),
            textarea("reason", "理由（书面告知当事人）"))),
    A("nt_terminate", "终止公证", {S.REVIEW, S.DOCS}, S.ENDED, LEADER, needs_reason=True, notice=RESULT_SMS,
      citizen="已终止公证", run=nt.nt_terminate, input=NtTerminateIn,
      api=("notary/terminate", "终止公证 end the matter (e.g. withdrawn before the certificate is issued)"),
      form=(FormField("reason_code", "notary_termination", gettext_lazy("终止的情形")), textarea("reason", "终止理由"))),
)


SHARED = shared_entries(OPEN, NOTES)
SYSTEM_RULES = deadline_rules(OPEN)

NOTARY = definition_register(Definition(
    kind="notary",
    label=gettext_lazy("公证"),
    states=NtState,
    initial=S.BOOKED,
    rules=tuple(a.rule for a in ACTIONS + SHARED) + SYSTEM_RULES,
    open_states=OPEN,
    terminal_states=TERMINAL,
    closed_states=DECIDED | TERMINAL,
    answered_states=DECIDED | TERMINAL,
    register=REGISTER_RULE,
))
actions_register(NOTARY.kind, ACTIONS + SHARED)
