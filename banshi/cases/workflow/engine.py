"""The workflow engine: one definition per kind of matter, and the one function that changes a
case's state.

Every action on a case — state-changing or not — runs through `transition()`, which finds the
case's definition (by `Case.kind`), checks its table, the actor's role and scope, the expected
version, compares-and-sets the state and version, writes the audit event, applies the rule's
clock effect to the SLA milestones and writes the rule's notices to the outbox, all in one
transaction. UI, API, workers, imports and bulk actions call domain functions that call this;
nothing else assigns `Case.state`. Concurrent actions on one case: the row lock (PostgreSQL) or
the immediate write transaction (SQLite) plus the version compare-and-set make exactly one win;
the other gets 409.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.cases.enums import RequestStatus
from banshi.cases.models import ApprovalRequest, Case, CaseEvent, CaseUnit, Supervision
from banshi.cases.visibility import can_see_case, case_in_region
from banshi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from banshi.orgs.models import Person, Unit
from banshi.orgs.scoping import sees_region, unit_within
from banshi.sla.services import NO_EFFECT, ClockEffect, ClockState, clock_apply


class Scope(StrEnum):
    INTAKE = "intake"  # the unit that took the matter in (or the committee's region)
    LEAD = "lead"  # the lead handling unit
    CO = "co"  # a co-handling unit
    REGION = "region"  # the supervisor's region
    VISIBLE = "visible"  # anyone who may see the case


# What assessment counts (issue: 三率). A rule names the measures its event counts towards.
MEASURES: dict[str, Any] = {
    "received": gettext_lazy("受理"),
    "dispatched": gettext_lazy("派单"),
    "responded": gettext_lazy("响应（签收或当场答复）"),
    "resolved": gettext_lazy("办结"),
    "rated": gettext_lazy("评价"),
    "reopened": gettext_lazy("重办"),
    "returned": gettext_lazy("退单"),
    "extended": gettext_lazy("延期"),
    "supervised": gettext_lazy("督办"),
    "escalated": gettext_lazy("升级督办"),
    "warned": gettext_lazy("时限预警"),
    "breached": gettext_lazy("超时"),
    "withdrawn": gettext_lazy("撤回"),
    "referred": gettext_lazy("转法律援助、人民调解等专项服务"),
    "applied": gettext_lazy("专项服务申请或受理（法律援助、调解、公证、司法救助等）"),
    "granted": gettext_lazy("决定给予（法律援助含先行援助、司法救助）"),
    "refused": gettext_lazy("决定不予（法律援助、司法救助）或不予办理（公证）"),
    "mediated": gettext_lazy("调解结束（达成协议或调解不成）"),
    "agreed": gettext_lazy("达成调解协议"),
    "booked": gettext_lazy("预约（公证、心理咨询）"),
    "issued": gettext_lazy("出具公证书"),
    "paid": gettext_lazy("发放司法救助金"),
    "counselled": gettext_lazy("心理咨询（一次会谈）"),
    "intervened": gettext_lazy("危机干预首次接触"),
}


@dataclass(frozen=True)
class Rule:
    action: str
    label: Any  # lazy Chinese label (staff)
    sources: frozenset[str]
    target: str | None  # None: the state does not change
    who: tuple[tuple[str, Scope], ...]
    needs_reason: bool = False
    system: bool = False  # the system (worker, citizen portal) may run it without a staff actor
    clock: ClockEffect = NO_EFFECT
    measures: frozenset[str] = frozenset()
    notice: str = ""  # the citizen's message template (SMS), if any
    alert: str = ""  # the internal alert template to the lead unit, if any
    citizen_label: Any = ""  # how the step reads on the citizen's tracking page ("" = not shown)
    passive: bool = False  # records an event without changing the version (the sweep's warnings)


@dataclass(frozen=True)
class Definition:
    """One kind of matter: its states, rules, named state sets and the registration rule."""

    kind: str
    label: Any
    states: type[models.TextChoices]
    initial: str
    rules: tuple[Rule, ...]
    open_states: frozenset[str]  # being handled: supervision applies, notices end when it leaves
    terminal_states: frozenset[str]  # no clock runs, nothing more happens
    closed_states: frozenset[str]  # counted as closed (`closed_at` is set on entry)
    answered_states: frozenset[str]  # replied: recurring milestones stop recurring
    register: Rule = field(default=None)  # type: ignore[assignment]  # the creation rule
    table: dict[str, Rule] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.table.update({r.action: r for r in self.rules})
        problems = definition_problems(self)
        if problems:
            raise ValueError(f"workflow definition {self.kind!r}: " + "; ".join(problems))

    def actions(self) -> set[str]:
        return set(self.table) | ({self.register.action} if self.register else set())

    def state_label(self, state: str) -> str:
        return str(self.states(state).label) if state in self.states.values else state


def definition_problems(d: Definition) -> list[str]:
    """What is wrong with a definition (checked when it is built)."""
    states = set(d.states.values)
    out: list[str] = []
    if d.initial not in states:
        out.append(f"initial state {d.initial!r} is not a state")
    for name, group in (("open", d.open_states), ("terminal", d.terminal_states), ("closed", d.closed_states),
                        ("answered", d.answered_states)):
        if not set(group) <= states:
            out.append(f"{name} states {sorted(set(group) - states)} are not states")
    seen: set[str] = set()
    for r in d.rules:
        if r.action in seen:
            out.append(f"action {r.action!r} declared twice")
        seen.add(r.action)
        if not set(r.sources) <= states or (r.target is not None and r.target not in states):
            out.append(f"action {r.action!r} names an unknown state")
        if not r.measures <= set(MEASURES):
            out.append(f"action {r.action!r}: unknown measures {sorted(r.measures - set(MEASURES))}")
        if not r.who and not r.system:
            out.append(f"action {r.action!r}: nobody may run it")
    return out


_DEFINITIONS: dict[str, Definition] = {}


def definition_register(d: Definition) -> Definition:
    _DEFINITIONS[d.kind] = d
    return d


SHIPPED = ("banshi.cases.workflow.demand",)


def _load_shipped() -> None:
    """The definitions cases ships register themselves when their module is imported (once)."""
    import importlib

    for module in SHIPPED:
        importlib.import_module(module)


def definitions() -> list[Definition]:
    _load_shipped()
    return list(_DEFINITIONS.values())


def definition_for(kind: str) -> Definition:
    if kind not in _DEFINITIONS:
        _load_shipped()
    try:
        return _DEFINITIONS[kind]
    except KeyError:
        raise InvalidInput(_("未知的事项类型：%(kind)s") % {"kind": kind}, code="unknown_kind") from None


def rule_for(kind: str, action: str) -> Rule | None:
    return definition_for(kind).table.get(action)


def all_actions() -> set[str]:
    """Every action of every registered definition (deadline policies may name only these)."""
    return {a for d in definitions() for a in d.actions()}


REGISTER = "register"


def allowed_pairs(kind: str = "demand") -> set[tuple[str, str]]:
    """Every (from, to) state pair the definition allows (self-loops included)."""
    return {(src, r.target or src) for r in definition_for(kind).rules for src in r.sources}


def _in_scope(person: Person, case: Case, scope: Scope) -> bool:
    if scope is Scope.VISIBLE:
        return True  # visibility is checked before any rule
    if scope is Scope.REGION:
        return case_in_region(person, case)
    if scope is Scope.INTAKE:
        return unit_within(person, case.intake_unit_id) or (sees_region(person) and case_in_region(person, case))
    if scope is Scope.LEAD:
        return unit_within(person, case.lead_unit_id)
    co_ids = list(CaseUnit.objects.filter(case_id=case.pk).values_list("unit_id", flat=True))
    assert person.unit is not None
    return Unit.objects.filter(pk__in=co_ids, path__startswith=person.unit.path).exists()


def may_act(person: Person, case: Case, rule: Rule) -> bool:
    return any(person.role == role and _in_scope(person, case, scope) for role, scope in rule.who)


def allowed_actions(case: Case, person: Person) -> list[Rule]:
    """The actions this person may take on this case now (the UI shows only these)."""
    return [r for r in definition_for(case.kind).rules if case.state in r.sources and r.who and may_act(person, case, r)]


def state_label(state: str, kind: str | None = None) -> str:
    """A state's Chinese label. State values are unique across the kinds of matter, so the kind
    may be left out."""
    if kind is not None:
        return definition_for(kind).state_label(state)
    for d in definitions():
        if state in d.states.values:
            return d.state_label(state)
    return state


Hook = Callable[[Case, CaseEvent], None]


def transition(
    case_id: int,
    action: str,
    *,
    actor: Person | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    before: Callable[[Case], None] | None = None,
    after: Hook | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Run `action` on the case. `changes` are extra column updates made with the state change;
    `before(case)` may veto with a DomainError after the table and scope checks; `after(case,
    event)` writes the action's own rows; `expected_version` (the version the actor saw) is
    compared under the lock. Raises NotFound, PermissionDenied, Conflict, InvalidInput."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        try:
            case = Case.objects.select_for_update().get(pk=case_id)
        except Case.DoesNotExist:
            raise NotFound(_("诉求不存在或无权查看。")) from None
        d = definition_for(case.kind)
        rule = d.table.get(action)
        if rule is None:
            raise InvalidInput(_("未知的操作：%(action)s") % {"action": action}, code="unknown_action")
        if actor is not None:
            if not can_see_case(actor, case):
                raise NotFound(_("诉求不存在或无权查看。"))
            if not may_act(actor, case, rule) and case.state in rule.sources:
                raise PermissionDenied(
                    _("您的角色无权对本诉求执行“%(action)s”。") % {"action": rule.label}, code="action_forbidden"
                )
        elif not rule.system:
            raise PermissionDenied(_("该操作必须由工作人员执行。"), code="actor_required")
        if case.state not in rule.sources:
            raise Conflict(
                _("诉求当前状态为“%(state)s”，不能执行“%(action)s”。")
                % {"state": d.state_label(case.state), "action": rule.label},
                code="invalid_transition",
                details={"state": case.state, "action": action},
            )
        if expected_version is not None and expected_version != case.version:
            raise Conflict(_("诉求已被他人更新，请刷新后重试。"), code="stale_version", details={"version": case.version})
        if rule.needs_reason and not reason:
            raise InvalidInput(_("“%(action)s”必须填写理由。") % {"action": rule.label}, code="reason_required")
        if before is not None:
            before(case)
        from_state, lead_before = case.state, case.lead_unit_id
        to_state = rule.target or from_state
        # A passive rule (the sweep noting a deadline) changes nothing a client edits: the version
        # a client holds stays valid.
        fields: dict[str, Any] = {"state": to_state, "updated_at": now}
        if not rule.passive:
            fields["version"] = F("version") + 1
        if to_state in d.closed_states:
            if from_state not in d.closed_states:
                fields["closed_at"] = now
        elif from_state in d.closed_states:
            fields["closed_at"] = None  # reopened
        fields.update(changes or {})
        updated = Case.objects.filter(pk=case.pk, version=case.version, state=from_state).update(**fields)
        if updated != 1:
            raise Conflict(_("诉求已被他人更新，请刷新后重试。"), code="stale_version")
        for name, value in fields.items():
            if name != "version":
                setattr(case, name, value)
        if not rule.passive:
            case.version += 1
        counted = (case.lead_unit_id if "dispatched" in rule.measures else lead_before) or case.intake_unit_id
        event = _write_event(case, action, from_state, to_state, actor, reason, data or {}, now, unit_id=counted)
        _clock(case, d, rule, event)
        if from_state in d.open_states and to_state not in d.open_states:
            _supervisions_end(case, d, event, now)
        if after is not None:
            after(case, event)
        _requests_end(case, d, rule, event, now, lead_before)
        _notices(case, rule, event)
    return case


def _clock(case: Case, d: Definition, rule: Rule, event: CaseEvent, *, new: bool = False) -> None:
    """Apply the rule's clock effect to the case's milestones and keep the case's denormalised
    next due time and overdue flag in step."""
    state = clock_apply(
        case_id=case.pk, policy_id=case.policy_id, action=event.action, effect=rule.clock, now=event.at,
        received_at=case.received_at, closing=case.state in d.terminal_states,
        awaiting_reply=case.state not in d.answered_states, periods=event.data.get("periods"), new=new,
    )
    clock_store(case, state)


def clock_store(case: Case, state: ClockState) -> None:
    """Keep the case's denormalised next due time and overdue flag (queues sort on them) in step
    with its milestones."""
    if (state.next_due_at, state.overdue) != (case.next_due_at, case.overdue):
        Case.objects.filter(pk=case.pk).update(next_due_at=state.next_due_at, overdue=state.overdue)
        case.next_due_at, case.overdue = state.next_due_at, state.overdue


def _notices(case: Case, rule: Rule, event: CaseEvent) -> None:
    from banshi.cases.notices import notices_for_event

    notices_for_event(case, rule, event)


def _supervisions_end(case: Case, d: Definition, event: CaseEvent, now: datetime) -> None:
    """A case leaving the open states (replied, withdrawn, merged, invalid) ends its unanswered
    督办 notices in the same transaction: the reply is the answer now. The event says how many."""
    ended = Supervision.objects.filter(case=case, answered_at__isnull=True).update(
        answered_at=now, answer=_("诉求%(state)s，督办随之结束。") % {"state": d.state_label(event.to_state)},
    )
    if ended:
        event.data = {**event.data, "supervisions_ended": ended}
        event.save(update_fields=["data"])


# The actions that decide a pending request of each kind (`ApprovalRequest.kind`): a request can be
# decided only while the case is in one of their source states, and with the unit that asked.
REQUEST_DECISIONS: dict[str, tuple[str, ...]] = {
    "extension": ("extend_approve", "extend_reject"),
    "return": ("return", "return_reject"),
}


def _requests_end(case: Case, d: Definition, rule: Rule, event: CaseEvent, now: datetime,
                  lead_before: int | None) -> None:
    """A pending request (延期, 退单) nobody can decide any more lapses (已失效) in the action's
    transaction, as `_supervisions_end` ends 督办 notices: the case has left the states its
    decision runs from (the final reply submitted, returned, withdrawn, merged…) or has passed to
    another unit (transferred). Runs after the action's own rows, so a return first approves the
    return request it answers. The event says how many."""
    moved = case.lead_unit_id != lead_before
    if event.from_state == event.to_state and not moved:
        return
    kinds = [kind for kind, actions in REQUEST_DECISIONS.items()
             if moved or not any(case.state in d.table[a].sources for a in actions if a in d.table)]
    if not kinds:
        return
    ended = ApprovalRequest.objects.filter(case=case, status=RequestStatus.PENDING, kind__in=kinds).update(
        status=RequestStatus.LAPSED, decided_at=now,
        decision_note=_("因“%(action)s”，该申请不再审批，已失效。") % {"action": rule.label},
    )
    if ended:
        event.data = {**event.data, "requests_ended": ended}
        event.save(update_fields=["data"])


def _write_event(
    case: Case, action: str, from_state: str, to_state: str, actor: Person | None, reason: str,
    data: dict[str, Any], now: datetime, *, unit_id: int | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        unit_id=unit_id,
        case=case,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_role=actor.role if actor else "system",
        actor_unit_id=actor.unit_id if actor else None,
        at=now,
        reason=reason,
        data=data,
    )


def record_registration(
    case: Case, actor: Person | None, data: dict[str, Any], now: datetime, *, notify: bool = True
) -> CaseEvent:
    """The creation event of a new case (called inside the creating transaction). `notify=False`
    writes no receipt (a ledger entry acknowledged when it was first taken in)."""
    d = definition_for(case.kind)
    if case.state != d.initial:
        raise InvalidInput(_("新登记的诉求状态必须为%(state)s。") % {"state": d.state_label(d.initial)})
    event = _write_event(case, d.register.action, "", d.initial, actor, "", data, now, unit_id=case.intake_unit_id)
    _clock(case, d, d.register, event, new=True)
    if notify:
        _notices(case, d.register, event)
    return event


def mermaid_diagram(kind: str = "demand") -> str:
    """The state diagram of a definition, generated from its table, for the docs."""
    d = definition_for(kind)
    lines = ["stateDiagram-v2", f"    [*] --> {d.initial}: {d.register.action}"]
    for r in d.rules:
        if r.target is None:
            continue
        for src in sorted(r.sources):
            lines.append(f"    {src} --> {r.target}: {r.action}")
    for t in sorted(d.terminal_states):
        lines.append(f"    {t} --> [*]")
    return "\n".join(lines)


def rule_make(action: str, label: str, sources: Iterable[str], target: str | None, *who: tuple[str, Scope],
              needs_reason: bool = False, system: bool = False, clock: ClockEffect = NO_EFFECT,
              measures: Iterable[str] = (), notice: str = "", alert: str = "", citizen: str = "",
              passive: bool = False) -> Rule:
    """A rule, with its Chinese labels marked for translation."""
    return Rule(action, gettext_lazy(label), frozenset(sources), target, tuple(who), needs_reason=needs_reason,
                system=system, clock=clock, measures=frozenset(measures), notice=notice, alert=alert,
                citizen_label=gettext_lazy(citizen) if citizen else "", passive=passive)
