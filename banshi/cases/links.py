"""Duplicates and hot spots over stored cases: the database narrows the candidates with its
indexes (same caller; same place recently), the pure functions in duplicates.py / hotspots.py
score them. "From one matter to one class of matters" (从解决一件事到解决一类事)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from banshi.cases.enums import CLOSED_STATES, LinkKind, State
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


# Hot spots count every demand still standing: merged and invalid ones are others' duplicates or
# not demands, and a withdrawn one was taken back by the citizen (never the one "查看" opens).
HOTSPOT_EXCLUDED = (State.MERGED, State.INVALID, State.WITHDRAWN)


HOTSPOT_CACHE_SECONDS = 120


def hotspots_for(person: Person, *, days: int = 30, max_cases: int = 3000, top: int = 20,
                 now: datetime | None = None) -> list[dict[str, Any]]:
    """Hot spots among the recent cases this person may see (newest `max_cases` at most): each
    with its place (the cases' region and the named spot of their addresses), key words, the
    newest open case as its representative, its case ids and its count per day (Beijing time)."""
    if now is None:
        # Grouping and segmenting up to 3,000 demands costs a second of CPU: the list and each hot
        # spot's page share one result per person and window for two minutes.
        key = f"hotspots:{person.pk}:{person.unit_id}:{person.role}:{days}:{max_cases}:{top}"
        hit = cache.get(key)
        if hit is None:
            hit = hotspots_for(person, days=days, max_cases=max_cases, top=top, now=timezone.now())
            cache.set(key, hit, HOTSPOT_CACHE_SECONDS)
        return list(hit)
    from banshi.cases.queries.cases import visible_cases

    since = now - timedelta(days=days)
    rows = (visible_cases(person).filter(received_at__gte=since).exclude(state__in=HOTSPOT_EXCLUDED)
            .order_by("-received_at")
            .values_list("id", "title", "content", "received_at", "citizen_phone", "reopen_count", "address",
                         "state", "region__name", "region__parent__name", "region__parent__parent__name")
            [:max_cases])
    demands = [Demand(id=pk, text=f"{title}\n{content}", time=at, support=reopen, caller=phone or None,
                      address=address or "", region=region[0] or "", areas=tuple(a for a in region if a),
                      open=state not in CLOSED_STATES)
               for pk, title, content, at, phone, reopen, address, state, *region in rows]
    spots = find_hotspots(demands, now=now, top=top)
    first_day = timezone.localdate(since)
    out = []
    for s in spots:
        d = s.to_dict()
        d["first_at"], d["last_at"] = s.first, s.last
        per_day = Counter(timezone.localdate(m.time) for m in s.members)
        d["daily"] = [(first_day + timedelta(days=k), per_day.get(first_day + timedelta(days=k), 0))
                      for k in range((timezone.localdate(now) - first_day).days + 1)]
        out.append(d)
    return out


def hotspot_for(person: Person, case_id: int, **kw: Any) -> dict[str, Any] | None:
    """The hot spot (as `hotspots_for` gives it) that holds this case, or None."""
    return next((s for s in hotspots_for(person, **kw) if case_id in s["ids"]), None)
