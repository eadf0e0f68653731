"""The case lifecycle: the transition table and the one function that changes a case's state.

Every action on a case — state-changing or not — runs through `transition()`, which checks the
table, the actor's role and scope, compares-and-sets the state and version, writes the audit
event, updates the SLA milestones and writes outbox rows, all in one transaction. UI, API,
workers, imports and bulk actions call domain functions that call this; nothing else assigns
`Case.state`. Concurrent actions on one case: the row lock (PostgreSQL) or the immediate write
transaction (SQLite) plus the version compare-and-set make exactly one win; the other gets 409.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.cases.enums import OPEN_STATES, TERMINAL_STATES, State
from banshi.cases.models import Case, CaseEvent, CaseUnit, Supervision
from banshi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from banshi.orgs.enums import Role
from banshi.orgs.models import Person, Unit
from banshi.orgs.scoping import can_see_case, case_in_region, sees_region, unit_within


class Scope(StrEnum):
    INTAKE = "intake"  # the unit that took the demand in (or the committee's region)
    LEAD = "lead"  # the lead handling unit
    CO = "co"  # a co-handling unit
    REGION = "region"  # the supervisor's region
    VISIBLE = "visible"  # anyone who may see the case


@dataclass(frozen=True)
class Rule:
    action: str
    label: Any  # lazy Chinese label
    sources: frozenset[str]
    target: str | None  # None: the state does not change
    who: tuple[tuple[str, Scope], ...]
    needs_reason: bool = False
    system: bool = False  # the system (worker, citizen portal) may run it without a staff actor


S = State
OPEN_FOR_NOTES = frozenset(
    {S.REGISTERED, S.RETURNED, S.DISPATCHED, S.HANDLING, S.REPLY_REVIEW, S.REPLIED, S.FOLLOWED_UP}
)
DISPATCHER_INTAKE = (Role.DISPATCHER, Scope.INTAKE)
OPERATOR_INTAKE = (Role.OPERATOR, Scope.INTAKE)
SUPERVISOR_REGION = (Role.SUPERVISOR, Scope.REGION)
HANDLER_LEAD = (Role.HANDLER, Scope.LEAD)
LEADER_LEAD = (Role.LEADER, Scope.LEAD)


def _rule(action: str, label: str, sources: Iterable[str], target: str | None, *who: tuple[str, Scope], **kw: bool) -> Rule:
    return Rule(action, gettext_lazy(label), frozenset(sources), target, tuple(who), **kw)


RULES: tuple[Rule, ...] = (
    _rule("dispatch", "派单", {S.REGISTERED, S.RETURNED}, S.DISPATCHED, DISPATCHER_INTAKE, SUPERVISOR_REGION, system=True),
    _rule("answer", "当场答复", {S.REGISTERED}, S.REPLIED, OPERATOR_INTAKE, DISPATCHER_INTAKE),
    _rule("sign", "签收", {S.DISPATCHED}, S.HANDLING, HANDLER_LEAD, LEADER_LEAD),
    _rule("return_request", "申请退单", {S.DISPATCHED, S.HANDLING}, None, HANDLER_LEAD, needs_reason=True),
    _rule("return", "退单", {S.DISPATCHED, S.HANDLING}, S.RETURNED, LEADER_LEAD, needs_reason=True),
    _rule("return_reject", "驳回退单申请", {S.DISPATCHED, S.HANDLING}, None, LEADER_LEAD, needs_reason=True),
    _rule(
        "transfer", "转办", {S.DISPATCHED, S.HANDLING}, S.DISPATCHED,
        LEADER_LEAD, DISPATCHER_INTAKE, SUPERVISOR_REGION, needs_reason=True,
    ),
    _rule("assign", "指派承办人", {S.DISPATCHED, S.HANDLING}, None, LEADER_LEAD),
    _rule("co_add", "增加协办单位", {S.HANDLING}, None, LEADER_LEAD, HANDLER_LEAD, DISPATCHER_INTAKE, SUPERVISOR_REGION),
    _rule("co_report", "协办反馈", {S.HANDLING, S.REPLY_REVIEW}, None, (Role.HANDLER, Scope.CO), (Role.LEADER, Scope.CO)),
    _rule("extend_request", "申请延期", {S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD, needs_reason=True),
    _rule("extend_approve", "批准延期", {S.HANDLING}, None, LEADER_LEAD, SUPERVISOR_REGION),
    _rule("extend_reject", "驳回延期", {S.HANDLING}, None, LEADER_LEAD, SUPERVISOR_REGION, needs_reason=True),
    _rule("request_documents", "要求补充材料（暂停计时）", {S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD, needs_reason=True),
    _rule("documents_received", "材料已补齐（恢复计时）", {S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD, system=True),
    _rule("procedural_reply", "程序性答复", {S.DISPATCHED, S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD),
    _rule("progress_reply", "阶段性答复", {S.HANDLING}, None, HANDLER_LEAD, LEADER_LEAD),
    _rule(
        "supervise", "督办", {S.REGISTERED, S.RETURNED, S.DISPATCHED, S.HANDLING, S.REPLY_REVIEW}, None,
        SUPERVISOR_REGION, needs_reason=True,
    ),
    # 升级督办: raises the open notice a level (or opens one at 重点督办); the sweep runs it
    # without a staff actor when a notice's own deadline passes unanswered.
    _rule(
        "escalate", "升级督办", {S.REGISTERED, S.RETURNED, S.DISPATCHED, S.HANDLING, S.REPLY_REVIEW}, None,
        SUPERVISOR_REGION, needs_reason=True, system=True,
    ),
    _rule(
        "supervise_answer", "督办反馈", {S.REGISTERED, S.RETURNED, S.DISPATCHED, S.HANDLING, S.REPLY_REVIEW}, None,
        LEADER_LEAD, HANDLER_LEAD, DISPATCHER_INTAKE,
    ),
    _rule("reply_submit", "提交办结答复", {S.HANDLING}, S.REPLY_REVIEW, HANDLER_LEAD, LEADER_LEAD),
    _rule("reply_approve", "审核通过答复", {S.REPLY_REVIEW}, S.REPLIED, LEADER_LEAD),
    _rule("reply_reject", "退回答复", {S.REPLY_REVIEW}, S.HANDLING, LEADER_LEAD, needs_reason=True),
    _rule("follow_up", "回访", {S.REPLIED}, S.FOLLOWED_UP, OPERATOR_INTAKE, DISPATCHER_INTAKE, SUPERVISOR_REGION, system=True),
    _rule("reopen", "重办", {S.FOLLOWED_UP}, S.HANDLING, DISPATCHER_INTAKE, SUPERVISOR_REGION, needs_reason=True, system=True),
    _rule(
        "reopen_dispatch", "重新派单", {S.FOLLOWED_UP}, S.REGISTERED,
        DISPATCHER_INTAKE, SUPERVISOR_REGION, needs_reason=True, system=True,
    ),
    _rule("archive", "归档", {S.FOLLOWED_UP}, S.ARCHIVED, DISPATCHER_INTAKE, SUPERVISOR_REGION, system=True),
    _rule(
        "withdraw", "撤回", {S.REGISTERED, S.RETURNED, S.DISPATCHED, S.HANDLING, S.REPLY_REVIEW}, S.WITHDRAWN,
        OPERATOR_INTAKE, DISPATCHER_INTAKE, needs_reason=True, system=True,
    ),
    _rule("merge", "合并至重复诉求", {S.REGISTERED, S.RETURNED, S.DISPATCHED}, S.MERGED, DISPATCHER_INTAKE, SUPERVISOR_REGION),
    _rule("invalidate", "标记无效", {S.REGISTERED, S.RETURNED}, S.INVALID, DISPATCHER_INTAKE, OPERATOR_INTAKE, SUPERVISOR_REGION, needs_reason=True),
    _rule(
        "mark_urgent", "标记紧急", {S.REGISTERED, S.RETURNED, S.DISPATCHED, S.HANDLING}, None,
        DISPATCHER_INTAKE, OPERATOR_INTAKE, SUPERVISOR_REGION, LEADER_LEAD, system=True,
    ),
    _rule("link", "关联诉求", OPEN_FOR_NOTES, None, DISPATCHER_INTAKE, OPERATOR_INTAKE, SUPERVISOR_REGION, HANDLER_LEAD, LEADER_LEAD, system=True),
    _rule(
        "attach", "添加附件", OPEN_FOR_NOTES, None,
        OPERATOR_INTAKE, DISPATCHER_INTAKE, HANDLER_LEAD, LEADER_LEAD, system=True,
    ),
    _rule("comment", "备注", OPEN_FOR_NOTES, None, *((r, Scope.VISIBLE) for r in (Role.OPERATOR, Role.DISPATCHER, Role.HANDLER, Role.LEADER, Role.SUPERVISOR))),
)
TABLE: dict[str, Rule] = {r.action: r for r in RULES}
REGISTER = "register"


def allowed_pairs() -> set[tuple[str, str]]:
    """Every (from, to) state pair the table allows (self-loops included)."""
    return {(src, r.target or src) for r in RULES for src in r.sources}


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
    return [r for r in RULES if case.state in r.sources and r.who and may_act(person, case, r)]


def state_label(state: str) -> str:
    return str(State(state).label) if state in State.values else state


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
    event)` writes the action's own rows. Raises NotFound, PermissionDenied, Conflict, InvalidInput."""
    from banshi.notify.outbox import outbox_for_event
    from banshi.sla.services import milestones_on_event

    rule = TABLE.get(action)
    if rule is None:
        raise InvalidInput(_("未知的操作：%(action)s") % {"action": action}, code="unknown_action")
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        try:
            case = Case.objects.select_for_update().get(pk=case_id)
        except Case.DoesNotExist:
            raise NotFound(_("诉求不存在或无权查看。")) from None
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
                % {"state": state_label(case.state), "action": rule.label},
                code="invalid_transition",
                details={"state": case.state, "action": action},
            )
        if expected_version is not None and expected_version != case.version:
            raise Conflict(_("诉求已被他人更新，请刷新后重试。"), code="stale_version", details={"version": case.version})
        if rule.needs_reason and not reason:
            raise InvalidInput(_("“%(action)s”必须填写理由。") % {"action": rule.label}, code="reason_required")
        if before is not None:
            before(case)
        from_state = case.state
        to_state = rule.target or from_state
        fields: dict[str, Any] = {"state": to_state, "version": F("version") + 1, "updated_at": now}
        if to_state in TERMINAL_STATES or to_state == State.FOLLOWED_UP:
            fields["closed_at"] = now
        elif from_state in TERMINAL_STATES or from_state == State.FOLLOWED_UP:
            fields["closed_at"] = None  # reopened
        fields.update(changes or {})
        updated = Case.objects.filter(pk=case.pk, version=case.version, state=from_state).update(**fields)
        if updated != 1:
            raise Conflict(_("诉求已被他人更新，请刷新后重试。"), code="stale_version")
        for name, value in fields.items():
            if name != "version":
                setattr(case, name, value)
        case.version += 1
        event = _write_event(case, action, from_state, to_state, actor, reason, data or {}, now)
        milestones_on_event(case, event)
        if from_state in OPEN_STATES and to_state not in OPEN_STATES:
            _supervisions_end(case, event, now)
        if after is not None:
            after(case, event)
        outbox_for_event(case, event)
    return case


def _supervisions_end(case: Case, event: CaseEvent, now: datetime) -> None:
    """A case leaving the open states (replied, withdrawn, merged, invalid) ends its unanswered
    督办 notices in the same transaction: the reply is the answer now. The event says how many."""
    ended = Supervision.objects.filter(case=case, answered_at__isnull=True).update(
        answered_at=now, answer=_("诉求%(state)s，督办随之结束。") % {"state": state_label(event.to_state)},
    )
    if ended:
        event.data = {**event.data, "supervisions_ended": ended}
        event.save(update_fields=["data"])


def _write_event(
    case: Case, action: str, from_state: str, to_state: str, actor: Person | None, reason: str,
    data: dict[str, Any], now: datetime,
) -> CaseEvent:
    return CaseEvent.objects.create(
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
    from banshi.notify.outbox import outbox_for_event
    from banshi.sla.services import milestones_on_event

    if case.state != State.REGISTERED:
        raise InvalidInput(_("新登记的诉求状态必须为待派单。"))
    event = _write_event(case, REGISTER, "", State.REGISTERED, actor, "", data, now)
    milestones_on_event(case, event)
    if notify:
        outbox_for_event(case, event)
    return event


def mermaid_diagram() -> str:
    """The state diagram, generated from the table, for the docs."""
    lines = ["stateDiagram-v2", f"    [*] --> {State.REGISTERED}: register"]
    for r in RULES:
        if r.target is None:
            continue
        for src in sorted(r.sources):
            lines.append(f"    {src} --> {r.target}: {r.action}")
    lines.append(f"    {State.ARCHIVED} --> [*]")
    return "\n".join(lines)
