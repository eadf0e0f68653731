"""Duplicates and hot spots over stored cases: the database narrows the candidates with its
indexes (same caller; same place recently), the pure functions in duplicates.py / hotspots.py
score them. "From one matter to one class of matters" (从解决一件事到解决一类事)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from banshi.cases.enums import LinkKind, State
from banshi.cases.models import Case
from banshi.orgs.models import Person
from banshi.triage.duplicates import Candidate, DuplicateLink, find_duplicates
from banshi.triage.hotspots import Demand, find_hotspots

DUPLICATE_WINDOW = timedelta(days=30)
CANDIDATES_PER_SOURCE = 100
FIELDS = ("id", "title", "content", "citizen_phone", "address", "received_at")
EXCLUDED = (State.MERGED, State.INVALID)


def duplicate_candidates(case: Case) -> list[Candidate]:
    """Recent cases of the same caller and of the same place (two indexed range scans)."""
    since = case.received_at - DUPLICATE_WINDOW
    pools: list[QuerySet[Case]] = []
    if case.citizen_phone:
        pools.append(Case.objects.filter(citizen_phone=case.citizen_phone, received_at__gte=since))
    if case.region_path:
        pools.append(Case.objects.filter(region_path=case.region_path, received_at__gte=since))
    seen: dict[int, Candidate] = {}
    for qs in pools:
        rows = (qs.exclude(pk=case.pk).exclude(state__in=EXCLUDED).order_by("-received_at")
                .values_list(*FIELDS)[:CANDIDATES_PER_SOURCE])
        for pk, title, content, phone, address, at in rows:
            seen.setdefault(pk, Candidate(id=pk, text=f"{title}\n{content}\n{address}", phone=phone, time=at))
    return list(seen.values())


def case_duplicates(case: Case) -> list[DuplicateLink]:
    return find_duplicates(
        f"{case.title}\n{case.content}\n{case.address}", duplicate_candidates(case),
        phone=case.citizen_phone or None, time=case.received_at,
    )


def case_duplicates_link(case_id: int, *, now: datetime | None = None) -> list[DuplicateLink]:
    """Link a new case to its near-duplicates (through the workflow, so each link is audited)."""
    from banshi.cases.domain.lifecycle import case_link

    case = Case.objects.get(pk=case_id)
    links = case_duplicates(case)
    already = set(case.links.filter(kind=LinkKind.DUPLICATE).values_list("other_id", flat=True))
    for link in links:
        if int(str(link.id)) in already:  # a re-run after a crash links nothing twice
            continue
        case_link(case.pk, actor=None, other_id=int(str(link.id)), kind=LinkKind.DUPLICATE, score=link.score, now=now)
    return links


def hotspots_for(person: Person, *, days: int = 30, max_cases: int = 3000, top: int = 20,
                 now: datetime | None = None) -> list[dict[str, Any]]:
    """Hot spots among the recent cases this person may see (newest `max_cases` at most)."""
    from banshi.cases.queries.cases import visible_cases

    now = now or timezone.now()
    rows = (visible_cases(person).filter(received_at__gte=now - timedelta(days=days)).exclude(state__in=EXCLUDED)
            .order_by("-received_at").values_list("id", "title", "content", "received_at", "citizen_phone", "reopen_count")
            [:max_cases])
    demands = [Demand(id=pk, text=f"{title}\n{content}", time=at, support=reopen, caller=phone or None)
               for pk, title, content, at, phone, reopen in rows]
    spots = find_hotspots(demands, now=now, top=top)
    return [s.to_dict() for s in spots]
