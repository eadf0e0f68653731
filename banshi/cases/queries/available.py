"""Which actions can apply to a case now.

The workflow table says which actions run from which states and who may run them
(`workflow.allowed_actions`). Some also need something to act on, or refuse while something is
already waiting: a pending extension or return request to decide (and no second one while one
waits), an open 督办 notice to answer (and none above 挂牌督办), a documents request the citizen
has been sent before 材料已补齐, every co-unit's report before the final reply, a consultation for
an on-the-spot answer.

That knowledge lives here once. The case page and the API offer only the actions that apply
(`actions_available`); the domain functions refuse the others with the same error
(`action_refusal(...).error()`: 409, or 400 for a consultation-only action), so what is offered
and what is accepted cannot drift apart."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Max
from django.utils.translation import gettext as _

from banshi.cases.enums import SUPERVISION_MAX_LEVEL, CaseType, RequestKind, RequestStatus, SupervisionLevel
from banshi.cases.models import ApprovalRequest, Case, CaseEvent, CaseUnit, Supervision
from banshi.cases.workflow import Rule, allowed_actions
from banshi.core.errors import Conflict, DomainError, InvalidInput
from banshi.orgs.models import Person, Unit
from banshi.sla.periods import Period, PeriodUnit, parse_period

DOCUMENT_EVENTS = ("request_documents", "documents_received")
# The extension periods offered by the 申请延期 picker (the API takes any period, e.g. "4wd").
EXTENSION_PERIODS = ("3d", "5d", "7d", "10wd", "15d", "1m")
_UNIT_WORDS = {PeriodUnit.HOURS: "小时", PeriodUnit.DAYS: "日", PeriodUnit.WORKDAYS: "个工作日", PeriodUnit.MONTHS: "个月"}


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    waiting: bool = False  # something is being waited for: worth saying next to the actions
    invalid: bool = False  # refused as invalid input (400) rather than as a conflict with the case (409)

    def error(self) -> DomainError:
        return InvalidInput(self.message, code=self.code) if self.invalid else Conflict(self.message, code=self.code)


class _Facts:
    """What the rules below read from a case, each read at most once and only when asked."""

    def __init__(self, case: Case, actor: Person | None) -> None:
        self.case, self.actor = case, actor

    @cached_property
    def pending_requests(self) -> set[str]:
        return set(ApprovalRequest.objects.filter(case_id=self.case.pk, status=RequestStatus.PENDING)
                   .values_list("kind", flat=True))

    @cached_property
    def open_notice_level(self) -> int | None:
        """The highest level among the case's unanswered 督办 notices (None: none open)."""
        level = Supervision.objects.filter(case_id=self.case.pk, answered_at__isnull=True).aggregate(top=Max("level"))["top"]
        return int(level) if level is not None else None

    @cached_property
    def documents_requested(self) -> bool:
        """A documents request the citizen has not answered yet (the portal reads it the same way)."""
        last = (CaseEvent.objects.filter(case_id=self.case.pk, action__in=DOCUMENT_EVENTS)
                .order_by("-at", "-id").values_list("action", flat=True).first())
        return last == "request_documents"

    @cached_property
    def co_units(self) -> list[tuple[int, str, bool]]:
        return list(CaseUnit.objects.filter(case_id=self.case.pk).values_list("unit_id", "unit__name", "reported"))

    def co_unreported_for_actor(self) -> bool:
        """The actor's unit (or a unit under it) co-handles the case and has not reported yet."""
        if self.actor is None or self.actor.unit is None:
            return False
        waiting = [uid for uid, _name, reported in self.co_units if not reported]
        return bool(waiting) and Unit.objects.filter(pk__in=waiting, path__startswith=self.actor.unit.path).exists()


def _extension_pending(f: _Facts) -> Refusal | None:
    if RequestKind.EXTENSION in f.pending_requests:
        return Refusal("request_pending", _("已有待审批的延期申请。"), waiting=True)
    return None


def _extension_to_decide(f: _Facts) -> Refusal | None:
    if RequestKind.EXTENSION not in f.pending_requests:
        return Refusal("no_request", _("没有待审批的延期申请。"))
    return None


def _return_pending(f: _Facts) -> Refusal | None:
    if RequestKind.RETURN in f.pending_requests:
        return Refusal("request_pending", _("已有待审批的退单申请。"), waiting=True)
    return None


def _return_to_decide(f: _Facts) -> Refusal | None:
    if RequestKind.RETURN not in f.pending_requests:
        return Refusal("no_request", _("没有待审批的退单申请。"))
    return None


def _notice_to_answer(f: _Facts) -> Refusal | None:
    if f.open_notice_level is None:
        return Refusal("no_supervision", _("没有待反馈的督办。"))
    return None


def _notice_below_top(f: _Facts) -> Refusal | None:
    if f.open_notice_level is not None and f.open_notice_level >= SUPERVISION_MAX_LEVEL:
        return Refusal("max_level", _("该督办已是最高级别（%(label)s），不能再升级。")
                       % {"label": SupervisionLevel(SUPERVISION_MAX_LEVEL).label})
    return None


def _documents_requested(f: _Facts) -> Refusal | None:
    if not f.documents_requested:
        return Refusal("no_documents_request", _("没有待群众补充的材料，不需要“材料已补齐”。"))
    return None


def _co_units_reported(f: _Facts) -> Refusal | None:
    waiting = [name for _uid, name, reported in f.co_units if not reported]
    if waiting:
        return Refusal("co_units_pending", _("协办单位尚未反馈，不能办结：%(units)s") % {"units": "、".join(waiting)},
                       waiting=True)
    return None


def _co_report_open(f: _Facts) -> Refusal | None:
    if not f.co_unreported_for_actor():
        return Refusal("already_reported", _("本单位的协办反馈已提交。"))
    return None


def _consultation(f: _Facts) -> Refusal | None:
    if f.case.type != CaseType.CONSULTATION:
        return Refusal("not_consultation", _("只有咨询类诉求可以当场答复，其他诉求请派单。"), invalid=True)
    return None


def period_text(value: str | Period) -> str:
    """A period in words: 5d → 5日, 10wd → 10个工作日, 1m → 1个月 (anything else as it is)."""
    try:
        p = value if isinstance(value, Period) else parse_period(value)
    except ValueError:
        return str(value)
    return f"{p.amount}{_UNIT_WORDS[p.unit]}"


def extension_refusal(case: Case, period: Period) -> Refusal | None:
    """An extension longer than the case's deadline policy allows (compared when both are in the
    same unit: 15日 against 30日, not 10个工作日 against 30日)."""
    limit = case.policy.max_extension if case.policy_id and case.policy else ""
    if limit:
        lim = parse_period(limit)
        if lim.unit == period.unit and period.amount > lim.amount:
            return Refusal("extension_too_long", _("延期不能超过%(limit)s。") % {"limit": period_text(lim)}, invalid=True)
    return None


def extension_periods(case: Case) -> list[tuple[str, str]]:
    """The picker's choices for this case: (value, words), only those the domain accepts."""
    return [(v, period_text(v)) for v in EXTENSION_PERIODS if extension_refusal(case, parse_period(v)) is None]


# action → what must hold for it to apply now (beyond its states, role and scope).
PRECONDITIONS = {
    "extend_request": _extension_pending,
    "extend_approve": _extension_to_decide,
    "extend_reject": _extension_to_decide,
    "return_request": _return_pending,
    "return_reject": _return_to_decide,
    "supervise_answer": _notice_to_answer,
    "escalate": _notice_below_top,
    "documents_received": _documents_requested,
    "reply_submit": _co_units_reported,
    "co_report": _co_report_open,
    "answer": _consultation,
}


def action_refusal(case: Case, action: str, actor: Person | None = None) -> Refusal | None:
    """Why `action` cannot apply to the case now (None: nothing stands in its way beyond the
    workflow table). The domain functions call this under the case's row lock."""
    check = PRECONDITIONS.get(action)
    return check(_Facts(case, actor)) if check else None


def actions_refused(case: Case, actions: Iterable[str], actor: Person | None = None) -> dict[str, Refusal]:
    """The refusals of several actions, each fact read once."""
    facts = _Facts(case, actor)
    out: dict[str, Refusal] = {}
    for action in actions:
        check = PRECONDITIONS.get(action)
        refusal = check(facts) if check else None
        if refusal is not None:
            out[action] = refusal
    return out


@dataclass
class Offer:
    rules: list[Rule]  # what this person can do now
    refused: list[tuple[Rule, Refusal]] = field(default_factory=list)  # allowed in this state, not now: why


def actions_offered(case: Case, person: Person) -> Offer:
    rules = allowed_actions(case, person)
    refused = actions_refused(case, [r.action for r in rules], person)
    return Offer([r for r in rules if r.action not in refused], [(r, refused[r.action]) for r in rules if r.action in refused])


def actions_available(case: Case, person: Person) -> list[Rule]:
    """The actions this person can take on this case now: allowed by the workflow and applicable."""
    return actions_offered(case, person).rules
