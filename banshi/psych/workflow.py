"""The two workflows of the social-psychological service platform, on the one engine:

- 心理咨询预约 (`psych`, numbers XL): 预约 → 联系并预约 (3 working days, policy `psych_appointment`)
  → 会谈 (sessions, confidential notes) → 结案; or 转介 (12356, hospitals …) or 取消; a counsellor
  who finds a crisis opens a crisis matter from it.
- 心理危机干预 (`crisis`, numbers WJ): opened at once by a self-harm demand (crisis.py) → 首次接触
  within 2 hours (policy `crisis`) or 移交 110/120 → 干预记录 → 结案; or 经核实无危机.

One entry per action, as for the demand: the rule, its domain function, typed input, API path and
web form. tests/psych/test_tables.py checks every (state, action) pair; docs/workflows/psych.md and
crisis.md are generated from these tables. The form fields `psych_mode`, `psych_referral_target`,
`crisis_contact_mode`, `crisis_risk`, `crisis_handover_target`, `crisis_outcome` take a code of
data/psych.yaml (`catalog.FIELD_CHOICES` lists their choices) or its Chinese label.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from banshi.cases.actions import FormField, act, actions_register, textarea
from banshi.cases.domain.matters import opener_register
from banshi.cases.inputs import ReasonIn
from banshi.cases.workflow.engine import Definition, Scope, definition_register, rule_make
from banshi.cases.workflow.shared import deadline_rules, shared_entries
from banshi.orgs.enums import Role
from banshi.psych import appointments as ps
from banshi.psych import crisis as cr
from banshi.psych.enums import CrState, PsState
from banshi.psych.inputs import (
    CrCloseIn,
    CrContactIn,
    CrHandoverIn,
    CrInterveneIn,
    PsCloseIn,
    PsCrisisIn,
    PsReferIn,
    PsScheduleIn,
    PsSessionIn,
)
from banshi.sla.services import ClockEffect

HANDLER = (Role.HANDLER, Scope.LEAD)
LEADER = (Role.LEADER, Scope.LEAD)
OPERATOR = (Role.OPERATOR, Scope.INTAKE)
SUPERVISOR = (Role.SUPERVISOR, Scope.REGION)
A = act


def _f(name: str, kind: str, label: str, *, required: bool = True) -> FormField:
    return FormField(name, kind, gettext_lazy(label), required)


# -- 心理咨询预约 ------------------------------------------------------------------------------------

P = PsState
PS_OPEN = frozenset({P.REQUESTED, P.SCHEDULED, P.COUNSELLING})
PS_TERMINAL = frozenset({P.CLOSED, P.REFERRED, P.CANCELLED})

PS_REGISTER = rule_make(
    "ps_request", "心理咨询预约", (), P.REQUESTED, OPERATOR, HANDLER, LEADER, system=True,
    clock=ClockEffect(from_receipt=True), measures={"applied"}, notice="matter_receipt", citizen="已收到预约申请",
)
SCHEDULE_FORM = (_f("at", "datetime", "预约时间"), _f("counsellor_name", "text", "咨询师（可选，默认为本人）", required=False),
                 _f("mode", "psych_mode", "咨询方式（可选）", required=False),
                 _f("place", "text", "地点（可选，默认为站点地址）", required=False))

PS_ACTIONS = (
    A("ps_schedule", "联系并预约", {P.REQUESTED}, P.SCHEDULED, HANDLER, LEADER, measures={"booked"},
      notice="progress_reply", citizen="已预约",
      run=ps.ps_schedule, input=PsScheduleIn, api=("psych/schedule", "预约 contact the person and book a time"),
      form=SCHEDULE_FORM),
    A("ps_reschedule", "改约或预约下次咨询", {P.SCHEDULED, P.COUNSELLING}, None, HANDLER, LEADER, notice="progress_reply",
      citizen="预约时间已调整",
      run=ps.ps_reschedule, input=PsScheduleIn, api=("psych/reschedule", "改约 move the appointment or book the next"),
      form=SCHEDULE_FORM),
    A("ps_session", "会谈记录", {P.SCHEDULED, P.COUNSELLING}, P.COUNSELLING, HANDLER, LEADER, measures={"counselled"},
      run=ps.ps_session, input=PsSessionIn,
      api=("psych/sessions", "会谈记录 one session; the notes are confidential (GET /api/v1/psych/{id}/notes)"),
      form=(_f("at", "datetime", "会谈时间"), _f("minutes", "text", "时长（分钟）"),
            _f("mode", "psych_mode", "咨询方式（可选）", required=False),
            textarea("notes", "会谈记录（保密，仅咨询师和站长可见）"),
            _f("next_at", "datetime", "下次预约时间（可选）", required=False))),
    # No SMS: where a person is referred (a psychiatric hospital …) is told in person, not on their phone.
    A("ps_refer", "转介", {P.REQUESTED, P.SCHEDULED, P.COUNSELLING}, P.REFERRED, HANDLER, LEADER, measures={"referred"},
      citizen="已转介",
      run=ps.ps_refer, input=PsReferIn, api=("psych/refer", "转介 to the 12356 hotline, a hospital …"),
      form=(_f("target", "psych_referral_target", "转介去向"), _f("to", "text", "转介机构名称（可选）", required=False),
            textarea("notes", "转介说明（保密，可选）", required=False))),
    A("ps_cancel", "取消预约", {P.REQUESTED, P.SCHEDULED}, P.CANCELLED, HANDLER, LEADER, needs_reason=True, system=True,
      citizen="已取消预约",
      run=ps.ps_cancel, input=ReasonIn, api=("psych/cancel", "取消 the person (or the station) cancels"),
      form=(textarea("reason", "取消原因"),)),
    A("ps_close", "结案", {P.COUNSELLING}, P.CLOSED, HANDLER, LEADER, citizen="已结案",
      run=ps.ps_close, input=PsCloseIn, api=("psych/close", "结案 after the sessions (summary confidential)"),
      form=(textarea("notes", "结案小结（保密，可选）", required=False),)),
    A("ps_crisis", "发现危机，启动危机干预", {P.SCHEDULED, P.COUNSELLING}, None, HANDLER, LEADER,
      run=ps.ps_crisis, input=PsCrisisIn, api=("psych/crisis", "启动危机干预 open a crisis matter from this one"),
      form=(textarea("notes", "发现的危机情况（保密，可选）", required=False),)),
)

PS_SHARED = shared_entries(PS_OPEN, PS_OPEN)

PSYCH = definition_register(Definition(
    kind="psych",
    label=gettext_lazy("心理咨询预约"),
    states=PsState,
    initial=P.REQUESTED,
    rules=tuple(a.rule for a in PS_ACTIONS + PS_SHARED) + deadline_rules(PS_OPEN),
    open_states=PS_OPEN,
    terminal_states=PS_TERMINAL,
    closed_states=PS_TERMINAL,
    answered_states=frozenset({P.SCHEDULED, P.COUNSELLING}) | PS_TERMINAL,
    register=PS_REGISTER,
))
actions_register(PSYCH.kind, PS_ACTIONS + PS_SHARED)
opener_register(PSYCH.kind, ps.psych_open_from_demand)


# -- 心理危机干预 ------------------------------------------------------------------------------------

C = CrState
CR_OPEN = frozenset({C.NEW, C.CONTACTED, C.HANDED_OVER})
CR_TERMINAL = frozenset({C.CLOSED, C.DISMISSED})

# No citizen messages and no steps on the tracking page: a person in crisis is contacted by people.
CR_REGISTER = rule_make(
    "cr_open", "启动心理危机干预", (), C.NEW, OPERATOR, HANDLER, LEADER, SUPERVISOR, system=True,
)
CONTACT_FORM = (_f("mode", "crisis_contact_mode", "接触方式"), _f("risk", "crisis_risk", "风险等级"),
                _f("at", "datetime", "接触时间（可选，默认为现在）", required=False))

CR_ACTIONS = (
    A("cr_contact", "首次接触", {C.NEW}, C.CONTACTED, HANDLER, LEADER, measures={"intervened"},
      run=cr.cr_contact, input=CrContactIn,
      api=("crisis/contact", "首次接触 within 2 hours; the minutes are in the event's data (first_contact_minutes)"),
      form=(*CONTACT_FORM, textarea("notes", "首次接触记录（保密）"))),
    A("cr_intervene", "干预记录", {C.CONTACTED, C.HANDED_OVER}, None, HANDLER, LEADER,
      run=cr.cr_intervene, input=CrInterveneIn, api=("crisis/interventions", "干预记录 a further contact or follow-up"),
      form=(_f("mode", "crisis_contact_mode", "接触方式"),
            _f("risk", "crisis_risk", "风险等级（可选）", required=False),
            _f("at", "datetime", "干预时间（可选，默认为现在）", required=False),
            textarea("notes", "干预记录（保密）"))),
    A("cr_handover", "移交处置（110/120等）", {C.NEW, C.CONTACTED}, C.HANDED_OVER, HANDLER, LEADER,
      run=cr.cr_handover, input=CrHandoverIn,
      api=("crisis/handover", "移交 to 110 / 120 / a hospital / the guardian (first response if before contact)"),
      form=(_f("to", "crisis_handover_target", "移交去向"),
            _f("receiver", "text", "接收单位或人员（可选）", required=False),
            _f("at", "datetime", "移交时间（可选，默认为现在）", required=False),
            textarea("notes", "移交情况（保密，可选）", required=False))),
    A("cr_close", "干预结案", {C.CONTACTED, C.HANDED_OVER}, C.CLOSED, HANDLER, LEADER,
      run=cr.cr_close, input=CrCloseIn, api=("crisis/close", "结案 with the outcome"),
      form=(_f("outcome", "crisis_outcome", "结案情形"), textarea("notes", "干预结案小结（保密，可选）", required=False))),
    A("cr_dismiss", "经核实无危机", {C.NEW, C.CONTACTED}, C.DISMISSED, LEADER, needs_reason=True,
      run=cr.cr_dismiss, input=ReasonIn, api=("crisis/dismiss", "经核实无危机 a false alarm, with what was checked"),
      form=(textarea("reason", "核实情况"),)),
)

CR_SHARED = shared_entries(CR_OPEN, CR_OPEN)

CRISIS = definition_register(Definition(
    kind="crisis",
    label=gettext_lazy("心理危机干预"),
    states=CrState,
    initial=C.NEW,
    rules=tuple(a.rule for a in CR_ACTIONS + CR_SHARED) + deadline_rules(CR_OPEN),
    open_states=CR_OPEN,
    terminal_states=CR_TERMINAL,
    closed_states=CR_TERMINAL,
    answered_states=frozenset({C.CONTACTED, C.HANDED_OVER}) | CR_TERMINAL,
    register=CR_REGISTER,
))
actions_register(CRISIS.kind, CR_ACTIONS + CR_SHARED)
opener_register(CRISIS.kind, cr.crisis_open_from_demand)
