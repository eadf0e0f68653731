"""Reads: the cases a person may see, filtered, and the counts of their queues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.cases.enums import OPEN_STATES, CaseType, Channel, Kind, RequestStatus, State, Urgency
from banshi.cases.models import ApprovalRequest, Case, CaseEvent, Supervision
from banshi.cases.queries.clock import DUE_SOON
from banshi.cases.visibility import case_visibility_q
from banshi.core.errors import InvalidInput, NotFound
from banshi.orgs.enums import Role
from banshi.orgs.models import Person, Region
from banshi.orgs.scoping import unit_subtree_ids

QUEUES: dict[str, object] = {
    "to_dispatch": gettext_lazy("待派单"),
    "to_sign": gettext_lazy("待签收"),
    "handling": gettext_lazy("办理中"),
    "due_soon": gettext_lazy("即将超时"),
    "overdue": gettext_lazy("已超时"),
    "to_review": gettext_lazy("待审核"),
    "to_follow_up": gettext_lazy("待回访"),
    "supervised": gettext_lazy("督办中"),
}
SORTS = {
    "received": "received_at", "-received": "-received_at", "due": "next_due_at", "-due": "-next_due_at",
    "number": "number", "-number": "-number",
}
# 紧急优先 (the dispatch desk and the 待派单 queue): 特急, then 紧急, then the rest; within each, the
# nearest deadline first (cases without one last), then the longest waiting.
URGENT_SORT = "urgent"
URGENT_LEVELS = (Urgency.EMERGENCY, Urgency.URGENT)
_URGENCY_RANK = CaseWhen(When(urgency=Urgency.EMERGENCY, then=Value(0)), When(urgency=Urgency.URGENT, then=Value(1)),
                         default=Value(2), output_field=IntegerField())
_DUE_ORDER = (F("next_due_at").asc(nulls_last=True), "received_at", "id")


@dataclass
class CaseFilters:
    queue: str | None = None
    state: list[str] | None = None
    type: str | None = None
    channel: str | None = None
    category: str | None = None
    region: str | None = None
    unit_id: int | None = None
    due: str | None = None  # overdue | due_soon | on_time
    received_from: date | None = None
    received_to: date | None = None
    q: str | None = None
    sort: str = "-received"
    # Drill-down from a figure (stats/): the cases with an event of these actions in the period
    # (local days, inclusive) that counted toward this unit (or a unit of this agency).
    event_actions: list[str] | None = None
    event_from: date | None = None
    event_to: date | None = None
    event_unit_ids: list[int] | None = None
    event_agency: str | None = None
    intake_unit_ids: list[int] | None = None
    kind: str | None = None  # demand | legal_aid | mediation (the kinds of matter, cases/enums.Kind)


def _event_case_ids(f: CaseFilters) -> QuerySet[CaseEvent, Any]:
    events = CaseEvent.objects.filter(action__in=f.event_actions or [])
    if f.event_from:
        events = events.filter(at__gte=_local_day_start(f.event_from))
    if f.event_to:
        events = events.filter(at__lt=_local_day_start(f.event_to) + timedelta(days=1))
    if f.event_unit_ids:
        events = events.filter(unit_id__in=f.event_unit_ids)
    if f.event_agency:
        events = events.filter(unit__agency=f.event_agency)
    return events.values("case_id")


def visible_cases(person: Person) -> QuerySet[Case]:
    return Case.objects.filter(case_visibility_q(person))


def case_get_for(person: Person, case_id: int) -> Case:
    """The case if this person may see it; otherwise 404 (never reveal that it exists)."""
    case = visible_cases(person).select_related("lead_unit", "intake_unit", "region", "policy", "handler").filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("诉求不存在或无权查看。"))
    return case


def _local_day_start(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=timezone.get_current_timezone())


def _mine_q(person: Person) -> Q:
    """A handler's or leader's own queues: the cases their unit (or a sub-unit) leads."""
    if person.unit is not None and person.role in (Role.HANDLER, Role.LEADER):
        return Q(lead_unit_id__in=unit_subtree_ids(person.unit))
    return Q()


def _pending_request_case_ids() -> list[int]:
    # Pending requests are few: a literal id list keeps the OR on indexes (see case_visibility_q).
    return list(ApprovalRequest.objects.filter(status=RequestStatus.PENDING).values_list("case_id", flat=True)[:5000])


def queue_q(person: Person, queue: str, now: datetime, *, mine: Q | None = None,
            pending: list[int] | None = None) -> Q:
    """The condition of one named queue. `mine` and `pending` may be passed in when several
    queues are built for one request, so their look-ups run once."""
    if mine is None and queue in ("to_sign", "handling", "to_review"):
        mine = _mine_q(person)
    if queue == "to_dispatch":
        return Q(state__in=[State.REGISTERED, State.RETURNED])
    if queue == "to_sign":
        return Q(state=State.DISPATCHED) & (mine or Q())
    if queue == "handling":
        return Q(state=State.HANDLING) & (mine or Q())
    if queue == "due_soon":
        return Q(state__in=OPEN_STATES, overdue=False, next_due_at__gte=now, next_due_at__lt=now + DUE_SOON)
    if queue == "overdue":
        return Q(state__in=OPEN_STATES, overdue=True)
    if queue == "to_review":
        if pending is None:
            pending = _pending_request_case_ids()
        return (Q(state=State.REPLY_REVIEW) | Q(pk__any=pending)) & (mine or Q())
    if queue == "to_follow_up":
        return Q(state=State.REPLIED)
    if queue == "supervised":
        # A notice left unanswered when its case closed is history, not work: open cases only.
        return Q(state__in=OPEN_STATES) & Q(Exists(Supervision.objects.filter(case_id=OuterRef("pk"),
                                                                               answered_at__isnull=True)))
    raise InvalidInput(_("队列不存在：%(q)s") % {"q": queue}, code="invalid_queue")


def case_list_for(person: Person, filters: CaseFilters, *, now: datetime | None = None,
                  visible: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """The cases this person may see that match the filters, in the filters' order. `visible` (this
    person's `visible_cases`) may be passed in when the caller reads other lists with it too, so
    the visibility look-ups run once."""
    now = now or timezone.now()
    qs = visible_cases(person) if visible is None else visible
    f = filters
    if f.queue:
        qs = qs.filter(queue_q(person, f.queue, now))
    if f.kind:
        if f.kind not in Kind.values:
            raise InvalidInput(_("事项类型不正确。"), code="invalid_kind")
        qs = qs.filter(kind=f.kind)
    if f.state:
        bad = [s for s in f.state if s not in _known_states()]
        if bad:
            raise InvalidInput(_("状态不正确：%(s)s") % {"s": ",".join(bad)}, code="invalid_state")
        qs = qs.filter(state__in=f.state)
    if f.type:
        if f.type not in CaseType.values:
            raise InvalidInput(_("类型不正确。"), code="invalid_type")
        qs = qs.filter(type=f.type)
    if f.channel:
        if f.channel not in Channel.values:
            raise InvalidInput(_("渠道不正确。"), code="invalid_channel")
        qs = qs.filter(channel=f.channel)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.region:
        region = Region.objects.filter(code=f.region).first()
        if region is None:
            raise InvalidInput(_("行政区划代码不存在。"), code="invalid_region")
        qs = qs.filter(region_path__startswith=region.path)
    if f.unit_id:
        qs = qs.filter(Q(lead_unit_id=f.unit_id) | Q(intake_unit_id=f.unit_id))
    if f.intake_unit_ids:
        qs = qs.filter(intake_unit_id__in=f.intake_unit_ids)
    if f.event_actions:
        qs = qs.filter(pk__in=_event_case_ids(f))
    if f.due == "overdue":
        qs = qs.filter(overdue=True)
    elif f.due == "due_soon":
        qs = qs.filter(overdue=False, next_due_at__gte=now, next_due_at__lt=now + DUE_SOON)
    elif f.due == "on_time":
        qs = qs.filter(overdue=False).filter(Q(next_due_at__gte=now + DUE_SOON) | Q(next_due_at__isnull=True))
    elif f.due:
        raise InvalidInput(_("时限状态不正确。"), code="invalid_due")
    if f.received_from:
        qs = qs.filter(received_at__gte=_local_day_start(f.received_from))
    if f.received_to:
        qs = qs.filter(received_at__lt=_local_day_start(f.received_to) + timedelta(days=1))
    if f.q:
        term = f.q.strip()[:100]
        if term.upper().startswith("BS") and term[2:].isdigit():
            qs = qs.filter(number=term.upper())
        elif term:
            qs = qs.filter(Q(content__contains=term) | Q(title__contains=term) | Q(address__contains=term))
            if len(term) >= 2 and connection.vendor == "postgresql":
                qs = qs.filter(_bigrams_contain(term))
    if f.sort == URGENT_SORT:
        return qs.order_by(_URGENCY_RANK, *_DUE_ORDER)
    order = SORTS.get(f.sort)
    if order is None:
        raise InvalidInput(_("排序方式不正确。"), code="invalid_sort")
    return qs.order_by(order, "-id")


def _known_states() -> set[str]:
    """Every state of every kind of matter (the specialised matters' states are their own)."""
    from banshi.cases.workflow import definitions

    return set(State.values).union(*(d.states.values for d in definitions()))


def case_ids_for(person: Person, filters: CaseFilters, *, cap: int, now: datetime | None = None) -> list[int]:
    """The ids of the first `cap` matches in the list's order (the workbench pages through these).

    紧急优先 is read as two short ordered reads — the emergency and urgent cases (few), then the
    others up to the cap — rather than one sort over a computed rank: each read is a plain
    filter ordered by due time, which the (state, next_due_at) index serves on the open queues.
    The order is the one `case_list_for` gives with the same filters."""
    return ordered_ids(case_list_for(person, filters, now=now), filters.sort, cap=cap)


def ordered_ids(qs: QuerySet[Case], sort: str, *, cap: int) -> list[int]:
    """The first `cap` ids of a `case_list_for` list (see `case_ids_for`)."""
    if sort != URGENT_SORT:
        return list(qs.values_list("pk", flat=True)[:cap])
    ids = list(qs.filter(urgency__in=URGENT_LEVELS).order_by(_URGENCY_RANK, *_DUE_ORDER)
               .values_list("pk", flat=True)[:cap])
    if len(ids) < cap:
        ids += list(qs.exclude(urgency__in=URGENT_LEVELS).order_by(*_DUE_ORDER)
                    .values_list("pk", flat=True)[:cap - len(ids)])
    return ids


class _BigramsContain(Func):
    """On PostgreSQL: the case text holds every character bigram of the term,
    `banshi_bigrams((title || ' ' || content || ' ' || address)) @> banshi_bigrams(term)`.
    The GIN index `case_text_bigrams` (migration cases 0004) answers it; the LIKE above rechecks
    the hits. The text expression must stay the index's; the columns are compiled by Django, so
    the table's alias is right in a subquery too."""

    output_field = BooleanField()

    def __init__(self, term: str) -> None:
        super().__init__(F("title"), F("content"), F("address"), Value(term))

    def as_sql(self, compiler: Any, connection: Any, function: str | None = None, template: str | None = None,
               arg_joiner: str | None = None, **extra_context: Any) -> Any:
        parts: list[str] = []
        params: list[Any] = []
        for expr in self.get_source_expressions():
            sql, p = compiler.compile(expr)
            parts.append(sql)
            params.extend(p)
        title, content, address, term = parts
        return (f"banshi_bigrams(({title} || ' ' || {content} || ' ' || {address})) @> banshi_bigrams({term})",
                params)


def _bigrams_contain(term: str) -> _BigramsContain:
    return _BigramsContain(term)


LIST_COUNT_CAP = 10_000  # list pages count this far ("10000+")
COUNT_CAP = 1000  # queue counts stop here ("999+"): an exact count of 300,000 rows helps nobody


def capped_count(qs: QuerySet[Case], cap: int = COUNT_CAP) -> int:
    return qs.order_by()[:cap].count()


def queue_counts_for(person: Person, names: tuple[str, ...] | None = None, *,
                     now: datetime | None = None) -> dict[str, int]:
    """Capped counts of the named queues (all of them by default). The visibility, the unit
    subtree and the pending requests are looked up once for all the counts."""
    now = now or timezone.now()
    names = names or tuple(QUEUES)
    base = visible_cases(person)
    mine = _mine_q(person)
    pending = _pending_request_case_ids() if "to_review" in names else []
    return {name: capped_count(base.filter(queue_q(person, name, now, mine=mine, pending=pending))) for name in names}


def kind_state_counts(person: Person, kind: str, states: list[str] | None = None) -> dict[str, int]:
    """How many matters of this kind this person sees, by state (only `states` when given): the
    home page's 专项服务 counts."""
    qs = visible_cases(person).filter(kind=kind)
    if states is not None:
        qs = qs.filter(state__in=states)
    return {row["state"]: row["n"] for row in qs.order_by().values("state").annotate(n=Count("id"))}


def caller_history(person: Person, case: Case, limit: int = 20) -> QuerySet[Case]:
    """The caller's earlier demands (by phone), among those this person may see."""
    if not case.citizen_phone:
        return Case.objects.none()
    return visible_cases(person).filter(citizen_phone=case.citizen_phone).exclude(pk=case.pk).order_by("-received_at")[:limit]
