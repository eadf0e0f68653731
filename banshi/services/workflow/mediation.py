"""The people's-mediation (人民调解) workflow: 申请/移送 → 受理 (or 不予受理) → 调解 (sessions, records;
extendable) → 达成协议 (→ 履行回访, 司法确认 within 30 days → 结案) or 调解不成 / 终止
(人民调解法 arts. 17–33; 人民调解工作若干规定 art. 33).

One entry per action, as for the demand; the deadlines are the policy `people_mediation` in
sla/data/policies.yaml. `tests/services/test_mediation_table.py` checks every (state, action)
pair; docs/workflows/mediation.md is generated from this table.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from banshi.cases.actions import FormField, act, actions_register, keep, textarea
from banshi.cases.domain.matters import opener_register
from banshi.cases.inputs import ReasonIn
from banshi.cases.workflow.engine import Definition, Scope, definition_register, rule_make
from banshi.cases.workflow.shared import deadline_rules, shared_entries
from banshi.orgs.enums import Role
from banshi.services import mediation as med
from banshi.services.enums import MedState
from banshi.services.inputs import (
    MedAcceptIn,
    MedAgreeIn,
    MedExtendIn,
    MedFailIn,
    MedPerformanceIn,
    MedSessionIn,
)
from banshi.sla.services import ClockEffect

S = MedState
OPEN = frozenset({S.RECEIVED, S.MEDIATING, S.AGREED})
NOTES = OPEN
TERMINAL = frozenset({S.CLOSED, S.FAILED, S.DECLINED, S.ENDED})
HANDLER = (Role.HANDLER, Scope.LEAD)
LEADER = (Role.LEADER, Scope.LEAD)
SUPERVISOR = (Role.SUPERVISOR, Scope.REGION)
A = act

REGISTER_RULE = rule_make(
    "med_apply", "调解申请", (), S.RECEIVED, (Role.OPERATOR, Scope.INTAKE), HANDLER, LEADER, system=True,
    clock=ClockEffect(from_receipt=True), measures={"applied"}, notice="matter_receipt", citizen="已收到调解申请",
)

ACTIONS = (
    A("med_accept", "受理调解", {S.RECEIVED}, S.MEDIATING, HANDLER, LEADER, notice="progress_reply", citizen="已受理调解",
      run=med.med_accept, input=MedAcceptIn, api=("mediation/accept", "受理 take the dispute up (both parties willing)"),
      form=(FormField("room_id", "mediation_room", gettext_lazy("调解室（可选）"), required=False),
            FormField("mediators", "lines", gettext_lazy("调解员（每行一人）"), required=False),
            FormField("parties", "parties", gettext_lazy("补充当事人（每行：姓名,电话）"), required=False),
            textarea("note", "说明（可选）", required=False))),
    A("med_decline", "不予受理", {S.RECEIVED}, S.DECLINED, HANDLER, LEADER, needs_reason=True, notice="progress_reply",
      citizen="不予受理", run=med.med_decline, input=ReasonIn,
      api=("mediation/decline", "不予受理 a party refuses (mediation is voluntary) or the dispute is not for mediation"),
      form=(textarea("reason", "理由"),)),
    A("med_session", "调解记录", {S.MEDIATING}, None, HANDLER, LEADER, citizen="",
      run=med.med_session, input=MedSessionIn, api=("mediation/sessions", "调解记录 record a session"),
      form=(FormField("at", "datetime", gettext_lazy("调解时间")),
            FormField("mode", "mediation_mode", gettext_lazy("调解方式")),
            FormField("place", "text", gettext_lazy("地点（可选）"), required=False),
            FormField("video", "checkbox", gettext_lazy("视频调解"), required=False),
            FormField("mediators", "lines", gettext_lazy("调解员（每行一人）"), required=False),
            textarea("record", "调解记录"))),
    A("med_extend", "延长调解期限", {S.MEDIATING}, None, LEADER, needs_reason=True, measures={"extended"},
      run=med.med_extend, input=MedExtendIn, api=("mediation/extend", "延长调解期限 extend the one-month limit, with reasons"),
      form=(FormField("period", "mediation_period", gettext_lazy("延长期限")), textarea("reason", "延长理由"))),
    A("med_agree", "达成调解协议", {S.MEDIATING}, S.AGREED, HANDLER, LEADER, measures={"mediated", "agreed"},
      notice="progress_reply", citizen="已达成调解协议",
      run=med.med_agree, input=MedAgreeIn, api=("mediation/agreement", "达成协议 written (调解协议书) or oral"),
      form=(FormField("form", "agreement_form", gettext_lazy("协议形式")),
            textarea("facts", "纠纷主要事实、争议事项（可选，默认为申请内容）", required=False),
            textarea("terms", "协议内容（履行方式和期限）"))),
    A("med_fail", "调解不成", {S.MEDIATING}, S.FAILED, HANDLER, LEADER, needs_reason=True, measures={"mediated"},
      notice="progress_reply", citizen="调解未达成协议",
      run=med.med_fail, input=MedFailIn, api=("mediation/fail", "调解不成 no agreement: tell the next channel"),
      form=(FormField("next_channel", "next_channel", gettext_lazy("告知的后续途径")), textarea("reason", "调解情况"))),
    A("med_terminate", "终止调解", {S.MEDIATING}, S.ENDED, HANDLER, LEADER, needs_reason=True, measures={"mediated"},
      citizen="已终止调解", run=med.med_terminate, input=ReasonIn,
      api=("mediation/terminate", "终止 a party withdraws from mediation"), form=(textarea("reason", "终止理由"),)),
    A("med_performance", "履行回访", {S.AGREED}, None, HANDLER, LEADER, citizen="已回访协议履行情况",
      run=med.med_performance, input=MedPerformanceIn,
      api=("mediation/performance", "履行回访 check that the agreement is performed"),
      form=(FormField("performance", "performance", gettext_lazy("履行情况")),
            textarea("note", "回访情况（可选）", required=False))),
    A("med_confirm", "已申请司法确认", {S.AGREED}, None, HANDLER, LEADER, citizen="已申请司法确认",
      run=med.med_confirm, input=ReasonIn, args=keep(note="reason"),
      api=("mediation/confirmation", "司法确认 the parties applied to the court (within 30 days)"),
      form=(textarea("reason", "说明（可选）", required=False),)),
    A("med_close", "结案", {S.AGREED}, S.CLOSED, HANDLER, LEADER, citizen="已结案",
      run=med.med_close, input=ReasonIn, args=keep(note="reason"), api=("mediation/close", "结案 close the file"),
      form=(textarea("reason", "结案意见（可选）", required=False),)),
)


SHARED = shared_entries(OPEN, NOTES)
SYSTEM_RULES = deadline_rules(OPEN)

MEDIATION = definition_register(Definition(
    kind="mediation",
    label=gettext_lazy("人民调解"),
    states=MedState,
    initial=S.RECEIVED,
    rules=tuple(a.rule for a in ACTIONS + SHARED) + SYSTEM_RULES,
    open_states=OPEN,
    terminal_states=TERMINAL,
    closed_states=TERMINAL,
    answered_states=frozenset({S.AGREED}) | TERMINAL,
    register=REGISTER_RULE,
))
actions_register(MEDIATION.kind, ACTIONS + SHARED)
opener_register(MEDIATION.kind, med.mediation_open_from_demand)
