"""`banshi demo`: a believable world built reproducibly from a seed.

Five places from the seeds (秦皇岛海港区, 哈尔滨南岗区, 汉中汉台区, 德州德城区, 北京东城区/朝阳区) with
real region codes, the political-legal units of each district, grids and staff for every role
(world.py), then several thousand demands over the last four months (cases.py), then the specialised
matters — legal-aid and people's-mediation files in every state, some opened from those demands
(services.py). What they are made of is data: ``banshi/demo/data/*.yaml``, read and checked by
dataset.py and services.py before anything is written.

Reproducible: the same seed, data files and `now` give the same case contents, timelines and states.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from banshi.cases.enums import Kind, State
from banshi.cases.models import Case
from banshi.demo.cases import CaseRun, CaseStopped, cases_plan, merged_case
from banshi.demo.dataset import DemoData, demo_data
from banshi.demo.knowledge import knowledge_build
from banshi.demo.services import services_build, services_check, services_data
from banshi.demo.world import DemoResult, world_build
from banshi.orgs.models import Unit

DEFAULT_CASES = 3000
BATCH = 150


def other_matters_build(rng: random.Random, now: datetime) -> dict[str, int]:
    """The notary offices' slots and bookings, judicial aid at the deciding organs, and (when its app
    provides one) psychological services: every state of each kind."""
    import importlib

    units = list(Unit.objects.filter(is_active=True))
    out: dict[str, int] = {}
    for app, pick in (("notary", lambda u: u.kind == "notary"), ("judicial_aid", lambda u: True),
                      ("psych", lambda u: True)):
        try:
            module = importlib.import_module(f"banshi.{app}.demo")
        except ImportError:
            continue
        extra: dict[str, object] = {}
        if app == "psych":  # its counsellors get demo accounts
            from django.contrib.auth.hashers import make_password

            from banshi.demo.world import DEMO_PASSWORD

            extra["password_hash"] = make_password(DEMO_PASSWORD)
        out[app] = module.demo_generate(rng, now, [u for u in units if pick(u)], **extra)
    return out


def demo_build(*, seed: int = 42, cases: int = DEFAULT_CASES, now: datetime | None = None,
               progress: Callable[[int, int], None] | None = None, data: DemoData | None = None,
               services: int | None = 0, other_kinds: bool = True) -> DemoResult:
    """Build the demo world and `cases` cases. Same seed, data and now → same contents and states.

    `services`: how many legal-aid and how many mediation files (at least one in every state of each
    when not 0); None: as many as services.yaml gives for `cases` demands.

    Raises DemoDataError, before writing anything, when the data files have a mistake.
    """
    from banshi.cases.models import Supervision
    from banshi.cases.sweep import sla_sweep
    from banshi.notify.models import OutboxMessage, OutboxStatus
    from banshi.sla.models import Milestone, Policy

    started = time.monotonic()
    data = data or demo_data()
    data.policies_check(Policy.objects.values_list("code", flat=True))
    service_data = None
    if services != 0:
        service_data = services_data(data.source)
        services_check(service_data, data)
        services = service_data.count(cases) if services is None else services
    now = now or timezone.now()
    rng = random.Random(seed)
    result = DemoResult()
    with transaction.atomic():
        worlds = world_build(rng, result, data)
        result.knowledge = knowledge_build(data)  # before the cases: their on-the-spot answers come from it
    specs = cases_plan(rng, worlds, cases, now, data)
    ordinary = sorted((s for s in specs if s.target != State.MERGED), key=lambda s: (s.received_at, s.index))
    merged = [s for s in specs if s.target == State.MERGED]
    ids: list[int] = []
    by_place: dict[int, list[Case]] = {}
    done = 0
    for start in range(0, len(ordinary), BATCH):
        with transaction.atomic():
            for spec in ordinary[start:start + BATCH]:
                run = CaseRun(spec, worlds[spec.place], random.Random(f"{seed}:{spec.index}"), now, result, data)
                with contextlib.suppress(CaseStopped):
                    run.run()
                if run.case is not None:
                    ids.append(run.case_id)
                    by_place.setdefault(spec.place, []).append(run.case)
                done += 1
        if progress:
            progress(done, len(specs))
    with transaction.atomic():
        for spec in merged:
            merged_case(spec, worlds, seed, now, result, by_place, ids, data)
            done += 1
    if progress:
        progress(done, len(specs))
    span = (min(ids), max(ids)) if ids else (0, -1)
    matters: list[int] = []
    if services and service_data is not None:
        matters = services_build(rng, worlds, services, now, result, data, service_data, ids)
        # 公证, 司法救助 and 心理服务: each kind's own demo (its data in that app's data/demo.yaml).
        if other_kinds:
            before = Case.objects.aggregate(m=Max("id"))["m"] or 0
            result.other_matters = other_matters_build(rng, now)
            matters += list(Case.objects.filter(pk__gt=before).values_list("pk", flat=True))
    with transaction.atomic():
        # Messages of the past were delivered at the time; the worker should not send them now.
        OutboxMessage.objects.filter(case__pk__range=span, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.SENT, sent_at=F("created_at")
        )
        OutboxMessage.objects.filter(case__pk__in=matters, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.SENT, sent_at=F("created_at")
        )
    while True:
        swept = sla_sweep(now=now)
        if not swept.warned and not swept.breached:
            break
    rows = Case.objects.filter(pk__range=span, kind=Kind.DEMAND)
    result.cases = len(ids)
    result.states = Counter(rows.values_list("state", flat=True))
    result.supervised = Supervision.objects.filter(case__pk__range=span).values("case_id").distinct().count()
    result.overdue = rows.filter(overdue=True).count()
    result.extended = Milestone.objects.filter(case__pk__range=span, extended=True).values("case_id").distinct().count()
    result.reopened = rows.filter(reopen_count__gt=0).count()
    result.seconds = time.monotonic() - started
    return result
