"""Reads for the dispatch desk (派单台): the cases waiting for dispatch, urgent first, with the
near-duplicates that may be merged and the reason each returned case came back.

A fixed number of queries whatever the number of cards: the ordered ids (two reads, see
`queries.cases.ordered_ids`), the cases, their duplicate links, which of the linked cases this
person sees, and the events that returned the returned ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from banshi.cases.enums import LinkKind, State
from banshi.cases.models import Case, CaseEvent, CaseLink
from banshi.cases.queries.cases import URGENT_SORT, CaseFilters, case_list_for, ordered_ids, visible_cases
from banshi.cases.queries.clock import WAITING_STATES
from banshi.orgs.models import Person

DESK_LIMIT = 50
WAITING = WAITING_STATES  # the 待派单 queue's states
# A case may be merged into a case in any other state than these (the domain refuses them too).
NOT_MERGEABLE_INTO = (State.MERGED, State.INVALID, State.WITHDRAWN)
DUPLICATES_PER_CASE = 3


@dataclass
class Desk:
    cases: list[Case]  # 特急, 紧急, then by due time (region loaded)
    more: bool  # more cases wait than are shown
    duplicates: dict[int, list[CaseLink]] = field(default_factory=dict)  # case id → links to merge into, best first
    returns: dict[int, CaseEvent] = field(default_factory=dict)  # returned case id → the event that returned it


def merge_offered(case: Case, other: Case) -> bool:
    """Which way a duplicate pair is offered for merging: the newer demand into the older one, or
    into one already dispatched (its handling goes on). A pair both waiting is offered once."""
    if other.state in NOT_MERGEABLE_INTO:
        return False
    if other.state not in WAITING:
        return True
    return (other.received_at, other.pk) < (case.received_at, case.pk)


def dispatch_desk(person: Person, *, limit: int = DESK_LIMIT, now: datetime | None = None) -> Desk:
    now = now or timezone.now()
    visible = visible_cases(person)  # the visibility look-ups run once for every read below
    waiting = case_list_for(person, CaseFilters(queue="to_dispatch", sort=URGENT_SORT), now=now, visible=visible)
    ids = ordered_ids(waiting, URGENT_SORT, cap=limit + 1)
    more, ids = len(ids) > limit, ids[:limit]
    rows = {c.pk: c for c in Case.objects.filter(pk__in=ids).select_related("region")}
    cases = [rows[i] for i in ids if i in rows]
    desk = Desk(cases=cases, more=more)
    if not cases:
        return desk
    links = list(CaseLink.objects.filter(case_id__in=ids, kind=LinkKind.DUPLICATE)
                 .exclude(other__state__in=NOT_MERGEABLE_INTO)
                 .select_related("other").only("id", "case", "other", "kind", "score", "other__number", "other__title",
                                               "other__content", "other__state", "other__received_at"))
    seen = set(visible.filter(pk__in={link.other_id for link in links}).values_list("pk", flat=True)) if links else set()
    for link in sorted(links, key=lambda lk: -(lk.score or 0.0)):
        case = rows[link.case_id]
        offered = desk.duplicates.setdefault(case.pk, [])
        if link.other_id in seen and merge_offered(case, link.other) and len(offered) < DUPLICATES_PER_CASE:
            offered.append(link)
    returned = [c.pk for c in cases if c.state == State.RETURNED]
    if returned:
        for event in (CaseEvent.objects.filter(case_id__in=returned, action="return")
                      .select_related("actor", "actor_unit").order_by("case_id", "-at", "-id")):
            desk.returns.setdefault(event.case_id, event)
    return desk
