"""The demo's notary matters: each office publishes its slots (weekdays on the legal calendar, a
Saturday 周末不打烊 slot, a will-notarization week of its own), and citizens book them; each booking
is then driven through the real domain functions (notary/domain.py) with `now=` at its historical
moment, in time order, into every state of the workflow. What the files say comes from
``data/demo.yaml``, read and checked before anything is written. Reproducible up to the random
booking and tracking codes: the same rng, data and `now` give the same slots and matters."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone

from banshi.core.datafiles import DataFileError, read_mapping
from banshi.core.errors import DomainError
from banshi.notary import catalog
from banshi.notary import domain as nt
from banshi.notary.enums import NtState, SlotKind
from banshi.notary.inputs import BookingIn, SlotIn
from banshi.notary.models import NotarySlot
from banshi.orgs.enums import Role
from banshi.orgs.models import Person, Unit
from banshi.sla.periods import compute_due, parse_period
from banshi.sla.services import get_calendar

FILE = Path(__file__).parent / "data" / "demo.yaml"
DECIDED = (NtState.ISSUED, NtState.REFUSED, NtState.ENDED)
PAST = (NtState.ISSUED, NtState.REVIEW, NtState.DOCS, NtState.REFUSED, NtState.ENDED, NtState.MISSED)


class NotaryDemoError(DataFileError):
    what = "公证演示数据文件"


@cache
def demo_data() -> dict[str, Any]:
    """demo.yaml, checked: every state and matter it names exists, every text list is non-empty."""
    raw = read_mapping(FILE, ("window", "weekday", "weekend", "special", "bookings", "states", "matters", "texts"),
                       NotaryDemoError)
    problems: list[str] = []
    states = raw.get("states") or {}
    for s in states:
        if s not in NtState.values:
            problems.append(f"states：{s} 不是公证事项的状态")
    missing = set(NtState.values) - set(states)
    if missing:
        problems.append(f"states：缺少 {'、'.join(sorted(missing))}")
    known = catalog.matters()
    for m in raw.get("matters") or {}:
        if m not in known:
            problems.append(f"matters：{m} 不是 matters.yaml 中的事项")
    for m in raw.get("special", {}).get("matters") or []:
        if m not in known:
            problems.append(f"special.matters：{m} 不是 matters.yaml 中的事项")
    texts = raw.get("texts") or {}
    for key in ("surnames", "given", "accept_notes", "received_notes", "cancel_reasons", "refusals", "terminations"):
        if not texts.get(key):
            problems.append(f"texts.{key}：不能为空")
    cat = catalog.catalogue()
    for r in texts.get("refusals") or []:
        if r.get("code") not in cat["refusal_reasons"]:
            problems.append(f"texts.refusals：{r.get('code')} 不是不予办理的情形")
    for r in texts.get("terminations") or []:
        if r.get("code") not in cat["termination_reasons"]:
            problems.append(f"texts.terminations：{r.get('code')} 不是终止的情形")
    for key in ("weekday", "weekend"):
        for t in raw.get(key) or []:
            try:
                time.fromisoformat(str(t["start"])), time.fromisoformat(str(t["end"]))
                int(t["capacity"])
            except (KeyError, TypeError, ValueError):
                problems.append(f"{key}：时段应有 start、end（如 09:00）和 capacity")
    if problems:
        raise NotaryDemoError(FILE, problems)
    return raw


@dataclass
class Office:
    unit: Unit
    handler: Person
    leader: Person
    abbr: str
    issued: int = 0


def _at(day: date, hhmm: str) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.fromisoformat(hhmm)))


def _slot_specs(d: dict[str, Any], start: date, end: date, now: datetime) -> list[SlotIn]:
    """The slots of the window: working days (the legal calendar's), the weekend days listed, and the special week."""
    cal = get_calendar()
    out: list[SlotIn] = []
    special = d["special"]
    monday = timezone.localtime(now).date() + timedelta(days=int(special["start_days"]))
    monday -= timedelta(days=monday.weekday())
    special_days = {monday + timedelta(days=i) for i in range(int(special["days"]))}
    day = start
    while day <= end:
        if day in special_days:
            for t in special["times"]:
                out.append(SlotIn(starts_at=_at(day, t["start"]), ends_at=_at(day, t["end"]), capacity=int(t["capacity"]),
                                  kind=SlotKind.SPECIAL, label=str(special["label"]), video=bool(t.get("video")),
                                  matters=list(special["matters"])))
        times = (d["weekday"] if cal.is_workday(day) else
                 d["weekend"] if day.weekday() in d.get("weekend_weekdays", []) else [])
        for t in times:
            out.append(SlotIn(starts_at=_at(day, t["start"]), ends_at=_at(day, t["end"]), capacity=int(t["capacity"]),
                              kind=SlotKind.REGULAR if cal.is_workday(day) else SlotKind.WEEKEND,
                              video=bool(t.get("video"))))
        day += timedelta(days=1)
    return out


def _offices(units: Iterable[Unit]) -> list[Office]:
    out = []
    for u in units:
        staff = Person.objects.filter(unit=u, is_active=True).order_by("id")
        handler = staff.filter(role=Role.HANDLER).first()
        leader = staff.filter(role=Role.LEADER).first()
        if handler is None or leader is None:
            continue
        abbr = u.name.removesuffix("公证处").removesuffix("区").removesuffix("县").removesuffix("市")[-4:] or "公"
        out.append(Office(u, handler, leader, abbr))
    return out


def _plan(rng: random.Random, d: dict[str, Any], n: int) -> list[str]:
    """The target states of `n` bookings: every state once, the rest by weight."""
    states = list(d["states"])
    plan = list(states) + rng.choices(states, weights=[float(d["states"][s]) for s in states], k=max(0, n - len(states)))
    rng.shuffle(plan)
    return plan


class _Stop(Exception):
    """The next step would happen after `now`: the matter stays where it is."""


def _matter_run(rng: random.Random, d: dict[str, Any], office: Office, target: str, slots: list[NotarySlot],
                now: datetime, published: datetime) -> int | None:
    """Book one slot for `target` and drive the matter there; the case id, or None when no slot fits."""
    texts = d["texts"]
    weights = d["matters"]
    future = target in (NtState.BOOKED,) or (target == NtState.CANCELLED and rng.random() < 0.5)
    candidates = [s for s in slots if s.free > 0 and ((s.starts_at > now) if future else
                                                      (s.ends_at + timedelta(days=1) < now))]
    if target in (NtState.REVIEW, NtState.DOCS):  # still being handled: a recent visit
        candidates = [s for s in candidates if s.starts_at > now - timedelta(days=12)] or candidates
    if not candidates:
        return None
    s = rng.choice(candidates)
    matters = [m for m in weights if not s.matters or m in s.matters]
    matter = rng.choices(matters, weights=[float(weights[m]) for m in matters])[0]
    m = catalog.matters()[matter]
    video = s.video and m["video"] and rng.random() < float(d["video_share"])
    latest = min(now - timedelta(minutes=10), s.starts_at - timedelta(hours=2))
    earliest = min(max(published + timedelta(hours=1), s.starts_at - timedelta(days=6)), latest)
    booked_at = earliest + (latest - earliest) * rng.random()
    name = rng.choice(texts["surnames"]) + rng.choice(texts["given"])
    phone = rng.choice(["139", "138", "137", "136", "158", "186"]) + f"{rng.randrange(10**8):08d}"
    note = rng.choice(texts.get("notes", {}).get(matter) or [""]) if rng.random() < 0.5 else ""
    try:
        b = nt.book(BookingIn(slot_id=s.pk, matter=matter, mode="video" if video else "in_person", citizen_name=name,
                              citizen_phone=phone, note=note), actor=None, now=booked_at)
    except DomainError:
        return None
    s.booked += 1
    case_id = b.case_id
    assert case_id is not None
    with contextlib.suppress(_Stop, DomainError):
        _drive(rng, d, office, target, case_id, s, m, video, booked_at, now)
    return case_id


def _drive(rng: random.Random, d: dict[str, Any], office: Office, target: str, case_id: int, s: NotarySlot,
           m: dict[str, Any], video: bool, booked_at: datetime, now: datetime) -> None:
    texts = d["texts"]

    def when(t: datetime) -> datetime:
        if t > now:
            raise _Stop
        return t

    if target == NtState.BOOKED:
        return
    if target == NtState.CANCELLED:
        cancel_at = booked_at + (min(now, s.starts_at) - booked_at) * rng.random()
        nt.nt_cancel(case_id, actor=None, reason=rng.choice(texts["cancel_reasons"]), now=when(cancel_at))
        return
    if target == NtState.MISSED:
        nt.nt_no_show(case_id, actor=None, now=when(s.ends_at + timedelta(days=1, hours=1)))
        return
    accepted = when(s.starts_at + timedelta(minutes=rng.randint(5, 80)))
    nt.nt_accept(case_id, actor=office.handler, note=rng.choice(texts["accept_notes"]), now=accepted)
    t = accepted
    wants_docs = target == NtState.DOCS or (target in DECIDED and rng.random() < 0.3)
    if wants_docs:
        t = when(t + timedelta(hours=rng.randint(2, 30)))
        nt.nt_docs_request(case_id, actor=office.handler, documents=list(texts["documents"].get(m["code"]) or
                                                                          ["其他证明材料"]), now=t)
        if target == NtState.DOCS:
            return
        t = when(t + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8)))
        in_person = not video and rng.random() < 0.4
        nt.nt_docs_received(case_id, actor=None if not in_person else office.handler, in_person=in_person,
                            note=rng.choice(texts["received_notes"]), now=t)
    if target == NtState.REVIEW:
        return
    if target == NtState.REFUSED:
        r = rng.choice(texts["refusals"])
        nt.nt_refuse(case_id, actor=office.leader, reason_code=r["code"], reason=r["reason"],
                     now=when(t + timedelta(days=rng.randint(1, 4))))
        return
    if target == NtState.ENDED:
        r = rng.choice(texts["terminations"])
        nt.nt_terminate(case_id, actor=office.leader, reason_code=r["code"], reason=r["reason"],
                        now=when(t + timedelta(days=rng.randint(1, 4))))
        return
    period = parse_period(m["period"])
    due = compute_due(accepted, period, get_calendar()).at
    late = rng.random() < float(d["late_share"])
    span = (due - accepted) * (rng.uniform(0.1, 0.9) if not late else 1.0)
    issue_at = when(max(t + timedelta(hours=1), accepted + span + (timedelta(days=rng.randint(2, 6)) if late else
                                                                   timedelta())))
    office.issued += 1
    delivery = rng.choice(["mail", "electronic"] if video else ["on_spot", "on_spot", "mail", "pickup"])
    number = str(texts["certificate"]).format(year=timezone.localtime(issue_at).year, abbr=office.abbr, n=office.issued)
    nt.nt_issue(case_id, actor=rng.choice([office.handler, office.leader]), certificate_number=number,
                delivery=delivery, now=issue_at)


def demo_generate(rng: random.Random, now: datetime, offices: Iterable[Unit]) -> int:
    """Slots (weekdays, Saturday 周末不打烊, the will week) and bookings/matters in every state for
    each notary office that has a handler and a leader; returns how many matters it opened."""
    d = demo_data()
    today = timezone.localtime(now).date()
    start = today - timedelta(days=int(d["window"]["days_back"]))
    end = today + timedelta(days=int(d["window"]["days_ahead"]))
    published = timezone.make_aware(datetime.combine(start - timedelta(days=7), time(9)))
    opened = 0
    for office in _offices(offices):
        specs = _slot_specs(d, start, end, now)
        slots: list[NotarySlot] = []
        for i in range(0, len(specs), nt.MAX_SLOTS_PER_CALL):
            slots += nt.slots_publish(office.unit.pk, specs[i:i + nt.MAX_SLOTS_PER_CALL], actor=office.leader,
                                      now=published)
        plan = _plan(rng, d, int(d["bookings"]))
        done = []
        for target in plan:
            case_id = _matter_run(rng, d, office, target, slots, now, published)
            if case_id is not None:
                done.append(case_id)
        opened += len(done)
    return opened
