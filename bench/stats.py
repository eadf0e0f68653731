"""Statistics at scale: fill the count tables from 10 million cases, then time the dashboard, the
monthly rankings and the drill-down lists (issue 10).

Rerun (from the repository root; needs the local PostgreSQL with trust auth for user postgres):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_stats .venv/bin/python bench/stats.py --cases 10000000

A quick run: ``--cases 200000`` (a few minutes). ``--reuse`` skips the load and the fills when the
database already holds the --cases of an earlier run (it prints that run's load and fill figures,
kept in the table ``bench_meta``) and measures the read side again.

Target (issue 10): the dashboard and the monthly ranking answer in <= 200 ms at the server with
10 M cases.

What it does:

1. the database named by DATABASE_URL (default ``bench_stats``; names starting with ``test`` and
   ``postgres`` are refused) is dropped and created again (through the ``postgres`` database of
   the same server), migrated, and given a world: the demo's six places plus eight more districts
   (real county codes, invented 街道 names), built by the demo's own ``world_build`` — regions
   down to 社区, a few hundred units, their staff and grids. N cases are then written with COPY
   (psycopg ``cursor.copy``), spread over the 365 days before yesterday (weekdays busier,
   office hours busier, a slight rise over the year); their place, text, channel, citizen and
   target unit come from 20,000 profiles made by the demo's ``cases_plan``. Each case lives a
   simulated life: register, dispatch (4 % to the wrong unit, then transfer or return_request +
   return + dispatch again), sign, supervise (2 %), reply_submit (4 % rejected once),
   reply_approve, follow_up with a ``FollowUp`` row (ratings 5/4/3 mostly, 6 % unsatisfied),
   reopen after most unsatisfied ratings and a second round, archive; also on-the-spot answers,
   withdrawals, merges and invalid cases, 1 % stuck in handling. Every case has two milestones
   of its policy (12345, 12309, 信访, 法律援助, 人民调解, 公证, 紧急); a deadline missed writes an
   ``sla_breach`` event at the due time and the milestone ends ``met_late`` with ``met_at`` equal
   to the reply event's ``at`` (how the fill finds late replies). Every event carries ``unit_id``
   as the workflow engine stamps it (the new lead for dispatch/transfer, else the lead at that
   moment, else the intake unit). The life is cut at the start of yesterday: events and
   follow-ups are written in time order (ids follow time, as in production). Non-constraint
   indexes are dropped for the load and built again afterwards (the bigram text index
   ``case_text_bigrams`` only with ``--text-index``: no statistics query uses it), FK triggers are
   skipped (``session_replication_role = replica``; the rows are consistent by construction),
   then VACUUM (ANALYZE).
2. times a full ``banshi.stats.fill.fill()`` (every day up to today), then appends yesterday's
   activity — the next day of the same simulated lives (new cases with fresh ids, their events,
   the events of older cases, follow-ups, milestones met or breached, case states) — and times
   ``fill()`` again (the incremental run a nightly job makes).
3. times the read side in-process, warm (one warm-up call, then ``--repeat`` calls; median and
   p95 of wall time, which includes Python): ``dashboard_data`` for the last full month for
   everything, for a district's region scope (海港区 supervisor) and for a unit scope (文化路派出所
   handler); ``ranking(start, end, "unit")`` and ``"region"``; and the first page of two
   drill-down lists as the 海港区 supervisor (``case_ids_for(person, CaseFilters(**drill_filters(…)),
   cap=1000)`` then the 25 rows by primary key, as the queue view does): 办结量 of 文化路派出所 and
   受理量 of 文化路街道 and of 海港区. For each it prints the SQL count and time of one captured call;
   for anything over 200 ms p95, EXPLAIN (ANALYZE, BUFFERS) of its slowest query.
4. prints row counts (cases, events, follow-ups, milestones, DailyCount, RollupCount) and the
   sizes of the count tables and of the database. The database is left in place.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_stats"
RERUN = ("DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_stats "
         ".venv/bin/python bench/stats.py --cases 10000000")
TARGET_MS = 200.0
SEED = 1010
POOL = 20_000  # case profiles the bulk cases draw their place, text, channel and citizen from
H, DAY = 3600, 86400
LOCAL = 8 * H  # Asia/Shanghai: UTC+8 all year
N_ = "\\N"
KEEP = -1  # an event that leaves the lead unit as it is
CHUNK = 1 << 20  # bytes per COPY write

# Eight more districts (real county codes; the 街道 names and codes are made up) so the world has a
# few hundred units across 14 districts.
_ROADS = ("人民路", "解放路", "建设路", "胜利街", "和平路", "新华街", "中心大街", "滨河路")
EXTRA_PLACES: tuple[tuple[str, tuple[str, str], tuple[str, str] | None, tuple[str, str], tuple[str, ...], str, float], ...] = (
    ("shanhaiguan", ("130000", "河北省"), ("130300", "秦皇岛市"), ("130303", "山海关区"),
     ("南关街道", "古城街道", "西关街道", "路南街道", "船厂路街道"), "冀C", 0.08),
    ("beidaihe", ("130000", "河北省"), ("130300", "秦皇岛市"), ("130304", "北戴河区"),
     ("西山街道", "东山街道", "海滨街道", "戴河街道"), "冀C", 0.05),
    ("daoli", ("230000", "黑龙江省"), ("230100", "哈尔滨市"), ("230102", "道里区"),
     ("兆麟街道", "尚志街道", "斯大林街道", "新阳路街道", "工农街道", "抚顺街道"), "黑A", 0.10),
    ("xiangfang", ("230000", "黑龙江省"), ("230100", "哈尔滨市"), ("230110", "香坊区"),
     ("香坊大街街道", "通天街道", "和平路街道", "黎明街道", "建筑街道"), "黑A", 0.08),
    ("nanzheng", ("610000", "陕西省"), ("610700", "汉中市"), ("610703", "南郑区"),
     ("汉山街道", "大河坎街道", "梁山街道", "协税街道"), "陕F", 0.05),
    ("lingcheng", ("370000", "山东省"), ("371400", "德州市"), ("371403", "陵城区"),
     ("安德街道", "临齐街道", "郑家寨街道", "糜镇街道"), "鲁N", 0.05),
    ("xicheng", ("110000", "北京市"), None, ("110102", "西城区"),
     ("西长安街街道", "新街口街道", "月坛街道", "展览路街道", "德胜街道", "金融街街道"), "京", 0.12),
    ("haidian", ("110000", "北京市"), None, ("110108", "海淀区"),
     ("万寿路街道", "羊坊店街道", "甘家口街道", "八里庄街道", "紫竹院街道", "北下关街道"), "京", 0.14),
)

# Each policy's two milestones (kind, label, period text, met_by, starts at, length in seconds) and
# how long handling takes (days, from banshi/demo/data/mix.yaml); see banshi/sla/data/policies.yaml.
_SIGN = ["sign", "return", "transfer"]
_RESULT = ["reply_approve", "answer"]
POLICY_CLOCKS: dict[str, tuple[tuple[str, str, str, list[str], str, int], tuple[str, str, str, list[str], str, int]]] = {
    "12345": (("sign", "签收", "2h", _SIGN, "dispatch", 2 * H), ("result", "办结答复", "7d", _RESULT, "dispatch", 7 * DAY)),
    "emergency": (("first_contact", "紧急首次响应", "2h", ["sign", "answer", "procedural_reply", "progress_reply"],
                   "register", 2 * H), ("result", "办结答复", "7d", _RESULT, "dispatch", 7 * DAY)),
    "12309": (("procedural", "程序性回复", "7d", ["procedural_reply", "progress_reply", "return", "transfer",
                                              "reply_approve", "answer"], "register", 7 * DAY),
              ("progress", "办理过程或结果答复", "3m", ["progress_reply", "reply_approve", "answer"], "register", 91 * DAY)),
    "xinfang": (("accept", "受理告知", "15d", ["sign", "return", "transfer", "procedural_reply"], "register", 15 * DAY),
                ("result", "出具处理意见", "60d", _RESULT, "register", 60 * DAY)),
    "legal_aid": (("decision", "审查决定", "7d", ["sign", "return"], "register", 7 * DAY),
                  ("result", "援助办结", "3m", _RESULT, "sign", 91 * DAY)),
    "mediation": (("sign", "受理", "2h", _SIGN, "dispatch", 2 * H), ("result", "调解结案", "1m", _RESULT, "sign", 30 * DAY)),
    "notary": (("sign", "受理", "2h", _SIGN, "dispatch", 2 * H), ("result", "出具公证书", "15wd", _RESULT, "sign", 21 * DAY)),
}
CLOSED = frozenset({"followed_up", "archived", "withdrawn", "merged", "invalid"})
OPEN = frozenset({"registered", "dispatched", "handling", "reply_review", "returned"})
PASSIVE = frozenset({"sla_breach"})

CASE_DYN = ("id", "number", "tracking_code", "received_at", "created_at", "state", "version", "lead_unit_id",
            "satisfaction", "reopen_count", "next_due_at", "overdue", "updated_at", "closed_at")
CASE_STATIC = ("kind", "type", "channel", "service_point_id", "title", "content", "citizen_name", "citizen_phone",
               "citizen_id_number", "anonymous", "confidential", "address", "region_id", "region_path", "grid_id",
               "category", "agency", "urgency", "policy_id", "intake_unit_id", "backdated", "triage")
CASE_COLS = CASE_DYN + CASE_STATIC
EVENT_COLS = ("id", "case_id", "action", "from_state", "to_state", "actor_role", "actor_unit_id", "at", "reason",
              "data", "unit_id")
FOLLOWUP_COLS = ("id", "case_id", "rating", "contacted", "resolved", "comment", "by_citizen", "at")
MILESTONE_COLS = ("id", "case_id", "kind", "label", "period", "met_by", "pausable", "recurring", "starts_at", "due_at",
                  "warn_at", "provisional", "status", "warned_at", "breached_at", "met_at", "paused_at", "extended")
CASE_UPD_COLS = ("id", "state", "version", "lead_unit_id", "satisfaction", "reopen_count", "next_due_at", "overdue",
                 "updated_at", "closed_at")
MS_UPD_COLS = ("id", "status", "warned_at", "breached_at", "met_at")
LOAD_TABLES = ("cases_case", "cases_caseevent", "cases_followup", "sla_milestone")


# -- small helpers ---------------------------------------------------------------------------------

def say(msg: str = "") -> None:
    print(msg, flush=True)


def loadavg() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "n/a"
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min, {os.cpu_count()} CPUs)"


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    if len(s) == 1:
        return s[0]
    k = (len(s) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def esc(text: str) -> str:
    """A value in COPY's text format."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def db_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def guard(name: str) -> None:
    if not name or name.lower().startswith("test") or name in ("postgres", "template0", "template1"):
        raise SystemExit(f"refusing to use database {name!r}: give bench/stats.py a database of its own")


def db_recreate(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = db_name(url)
    guard(name)
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def meta_read(url: str) -> dict[str, Any]:
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            rows = conn.execute("SELECT key, value FROM bench_meta").fetchall()
    except psycopg.Error:
        return {}
    return {k: v for k, v in rows}


def meta_write(url: str, **values: Any) -> None:
    import psycopg
    from psycopg.types.json import Jsonb

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)")
        for k, v in values.items():
            conn.execute("INSERT INTO bench_meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                         (k, Jsonb(v)))


def django_setup(url: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["BANSHI_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banshi.settings")
    import django

    django.setup()


# -- the world -------------------------------------------------------------------------------------

def world_data() -> Any:
    from banshi.demo.dataset import PlaceSpec, demo_data

    demo = demo_data()
    extra = tuple(
        PlaceSpec(key=key, province=prov, city=city, county=county,
                  streets=tuple((f"{county[0]}{i + 1:03d}", name) for i, name in enumerate(streets)),
                  roads=_ROADS, plate=plate, weight=weight)
        for key, prov, city, county, streets, plate, weight in EXTRA_PLACES)
    return dataclasses.replace(demo, places=demo.places + extra)


def world_make() -> tuple[list[Any], Any]:
    from django.db import transaction

    from banshi.demo.world import DemoResult, world_build

    data = world_data()
    with transaction.atomic():
        worlds = world_build(random.Random(SEED), DemoResult(), data)
    return worlds, data


@dataclass(slots=True)
class Profile:
    static: str  # the case row's fixed columns, in COPY text format
    intake: int
    lead: int
    committee: int
    misroute: tuple[int, ...]
    policy: str
    handling: tuple[float, float]
    answerable: bool
    invalid: bool
    lead_name: str


def profiles_make(worlds: list[Any], data: Any, now: datetime) -> list[Profile]:
    """POOL case profiles from the demo's own planner: place, template, text, channel, citizen."""
    from banshi.demo.cases import cases_plan
    from banshi.orgs.models import Region
    from banshi.sla.models import Policy

    paths = dict(Region.objects.values_list("code", "path"))
    policy_ids = dict(Policy.objects.values_list("code", "id"))
    mix = data.mix
    specs = cases_plan(random.Random(SEED + 1), worlds, POOL, now, data)
    out: list[Profile] = []
    for s in specs:
        w = worlds[s.place]
        d = s.data
        intake = w.units[s.intake][0]
        lead = w.unit(s.template.target, s.street)
        wrong = {w.unit(k, s.street).pk for k in mix.misroute_units if k in w.units} - {lead.pk}
        policy = d.policy_code or ("12309" if d.channel == "hotline_12309" else
                                   "emergency" if d.urgency == "emergency" else "12345")
        handling = mix.handling_days_by_policy.get(policy, mix.handling_days)
        agency = lead.agency
        static = "\t".join((
            "demand", d.type, d.channel, str(d.service_point_id) if d.service_point_id else N_, esc(d.title),
            esc(d.content), esc(d.citizen_name), esc(d.citizen_phone), esc(d.citizen_id_number),
            "t" if d.anonymous else "f", "t" if d.confidential else "f", esc(d.address), d.region_code,
            paths[d.region_code], str(d.grid_id) if d.grid_id else N_, esc(d.category), agency, d.urgency,
            str(policy_ids[policy]), str(intake.pk), "f", "{}"))
        out.append(Profile(static, intake.pk, lead.pk, w.committee.pk, tuple(sorted(wrong)), policy,
                           tuple(handling), d.type == "consultation" and s.intake == "committee", s.invalid_text,
                           lead.name))
    return out


# -- one case's life -------------------------------------------------------------------------------

class Life:
    """Simulates a case from its profile and receipt time (epoch seconds); `cut(t)` is the case as
    it stood at t. Events: (at, action, to_state or None, role, actor_unit, unit or None, reason, lead)."""

    __slots__ = ("events", "followups", "milestones", "p", "r")

    def __init__(self, rng: random.Random, p: Profile, r: int) -> None:
        self.p, self.r = p, r
        R = rng.random
        ev: list[tuple[int, str, str | None, str, int, int | None, str, int]] = []
        ms: list[list[Any]] = []  # [spec, start, due, met_at, cancel_at]
        fus: list[tuple[int, int, bool, bool]] = []
        self.events, self.milestones, self.followups = ev, ms, fus
        intake = p.intake
        ev.append((r, "register", "registered", "operator", intake, intake, "", KEEP))
        if p.invalid:
            ev.append((r + int((0.3 + 3.7 * R()) * H), "invalidate", "invalid", "dispatcher", intake, intake,
                       "无实质诉求内容，标记无效。", KEEP))
            return
        u = R()
        if u < 0.02:
            ev.append((r + int((0.5 + 7.5 * R()) * H), "merge", "merged", "dispatcher", intake, intake, "", KEEP))
            return
        if u < 0.035:
            ev.append((r + int((0.3 + 12 * R()) * H), "withdraw", "withdrawn", "operator", intake, intake,
                       "群众要求撤回。", KEEP))
            return
        if p.answerable and R() < 0.35:
            t = r + 60 + int(1800 * R())
            ev.append((t, "answer", "replied", "operator", intake, intake, "", KEEP))
            self._follow_up(rng, t, intake, intake, second=True)
            return
        first, result = POLICY_CLOCKS[p.policy]

        def clock(spec: tuple[Any, ...], start: int) -> list[Any]:
            m = [spec, start, start + spec[5], None, None]
            ms.append(m)
            return m

        def met(m: list[Any] | None, t: int) -> None:
            if m is not None and m[3] is None and m[4] is None:
                m[3] = t

        m_first = clock(first, r) if first[4] == "register" else None
        m_result = clock(result, r) if result[4] == "register" else None
        t = r + int(min(rng.expovariate(1 / (0.3 if p.policy == "emergency" else 1.5)), 48.0) * H)
        lead = p.lead
        misroute = bool(p.misroute) and R() < 0.04
        target = rng.choice(p.misroute) if misroute else lead
        ev.append((t, "dispatch", "dispatched", "dispatcher", intake, target, "", target))
        if first[4] == "dispatch":
            m_first = clock(first, t)
        if result[4] == "dispatch":
            m_result = clock(result, t)
        if misroute:
            t2 = t + int((0.5 + rng.expovariate(1 / 4)) * H)
            if R() < 0.6:
                ev.append((t2, "transfer", "dispatched", "leader", target, lead, f"非本单位职责，转{p.lead_name}办理。", lead))
                met(m_first, t2)
                if first[4] == "dispatch":
                    m_first = clock(first, t2)
                if m_result is not None and result[4] == "dispatch":
                    m_result[1], m_result[2] = t2, t2 + result[5]  # the clock restarts at the transfer
                t = t2
            else:
                ev.append((t2, "return_request", None, "handler", target, target, "非本单位职责，申请退单。", KEEP))
                t3 = t2 + int((0.5 + 6 * R()) * H)
                ev.append((t3, "return", "returned", "leader", target, target, "非本单位职责，退回派单。", 0))
                met(m_first, t3)
                if m_result is not None and result[4] == "dispatch":
                    m_result[4] = t3
                t = t3 + int(min(rng.expovariate(1 / 2), 24.0) * H)
                ev.append((t, "dispatch", "dispatched", "dispatcher", intake, lead, "", lead))
                if first[4] == "dispatch":
                    m_first = clock(first, t)
                if result[4] == "dispatch":
                    m_result = clock(result, t)
        ts = t + int(min(rng.expovariate(1 / 0.6), 30.0) * H)
        ev.append((ts, "sign", "handling", "handler", lead, lead, "", KEEP))
        met(m_first, ts)
        if result[4] == "sign":
            m_result = clock(result, ts)
        lo, hi = p.handling
        days = lo + (hi - lo) * R() ** 1.5
        if R() < 0.10:  # the slow tail: most of these miss the deadline
            days *= 1.5 + 2.0 * R()
        hs = int(days * DAY) + H
        if u < 0.05:  # withdrawn while handling
            tw = ts + int(hs * (0.2 + 0.6 * R()))
            ev.append((tw, "withdraw", "withdrawn", "operator", intake, lead, "问题已解决，群众要求撤回。", KEEP))
            for m in ms:
                if m[3] is None:
                    m[4] = tw
            self._breaches()
            return
        stuck = R() < 0.01
        if stuck or R() < 0.02:
            ev.append((ts + int(hs * (0.2 + 0.6 * R())), "supervise", None, "supervisor", p.committee, lead,
                       "请加快办理进度，按期答复群众。", KEEP))
        if stuck:
            self._breaches()
            return
        tap = self._reply(rng, ts + hs, lead)
        met(m_result, tap)
        tfu, rating = self._follow_up(rng, tap, intake, lead, second=False)
        if rating <= 2 and R() < 0.8:
            trp = tfu + int((0.1 + 1.4 * R()) * DAY)
            ev.append((trp, "reopen", "handling", "dispatcher", intake, lead, "群众不满意，重新办理。", KEEP))
            m2 = clock(result, trp)
            tap = self._reply(rng, trp + int(hs * (0.3 + 0.5 * R())) + H, lead)
            met(m2, tap)
            self._follow_up(rng, tap, intake, lead, second=True)
        else:
            ev.append((tfu + int((1 + 9 * R()) * DAY), "archive", "archived", "dispatcher", intake, lead, "", KEEP))
        self._breaches()

    def _reply(self, rng: random.Random, tsub: int, lead: int) -> int:
        R, ev = rng.random, self.events
        if R() < 0.04:
            ev.append((tsub, "reply_submit", "reply_review", "handler", lead, lead, "", KEEP))
            trej = tsub + int((1 + 20 * R()) * H)
            ev.append((trej, "reply_reject", "handling", "leader", lead, lead, "答复内容不完整，请补充后重新提交。", KEEP))
            tsub = trej + int((2 + 46 * R()) * H)
        ev.append((tsub, "reply_submit", "reply_review", "handler", lead, lead, "", KEEP))
        tap = tsub + int((0.3 + 20 * R()) * H)
        ev.append((tap, "reply_approve", "replied", "leader", lead, lead, "", KEEP))
        return tap

    def _follow_up(self, rng: random.Random, replied: int, intake: int, unit: int, *, second: bool) -> tuple[int, int]:
        R = rng.random
        tfu = replied + int((0.3 + 3.7 * R()) * DAY)
        x = R()
        if second:
            rating = 5 if x < 0.35 else 4 if x < 0.70 else 3 if x < 0.93 else 2 if x < 0.97 else 1
        else:
            rating = 5 if x < 0.47 else 4 if x < 0.77 else 3 if x < 0.94 else 2 if x < 0.98 else 1
        contacted = R() < (0.97 if rating >= 3 else 0.85)
        resolved = R() < (0.97, 0.93, 0.75, 0.25, 0.10)[5 - rating]
        self.followups.append((tfu, rating, contacted, resolved))
        self.events.append((tfu, "follow_up", "followed_up", "operator", intake, unit, "", KEEP))
        if second:
            self.events.append((tfu + int((1 + 9 * R()) * DAY), "archive", "archived", "dispatcher", intake, unit, "",
                                KEEP))
        return tfu, rating

    def _breaches(self) -> None:
        """The sweep's sla_breach event at the due time of every deadline missed (its unit is
        worked out with the case's lead at that moment, in `settle`)."""
        for spec, _start, due, met_at, cancel_at in self.milestones:
            if cancel_at is not None and cancel_at <= due:
                continue
            if met_at is None or met_at > due:
                self.events.append((due, "sla_breach", None, "system", 0, None, f"{spec[1]}已超时", KEEP))

    def settle(self) -> list[tuple[int, str, str, str, int, int, str, int, int | None]]:
        """The events in time order with from/to states, the counted unit, the lead and closed_at after each."""
        self.events.sort(key=lambda e: e[0])
        out = []
        state, lead, closed = "", 0, None
        intake = self.p.intake
        for at, action, to, role, actor, unit, reason, new_lead in self.events:
            before = state
            if to is not None:
                state = to
            if new_lead != KEEP:
                lead = new_lead
            if unit is None:
                unit = lead or intake
            if state in CLOSED and before not in CLOSED:
                closed = at
            elif state not in CLOSED:
                closed = None
            out.append((at, action, before, state, role, actor, unit, reason, lead, closed))
        return out


# -- writing the rows ------------------------------------------------------------------------------

class Clock:
    """Fast timestamp text for epoch seconds (UTC)."""

    def __init__(self, first_day: int, last_day: int) -> None:
        self.base = first_day - 2
        n = last_day - first_day + 200
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        self.days = [(epoch + timedelta(days=self.base + i)).strftime("%Y-%m-%d") for i in range(n)]
        self.local_ymd = [(epoch + timedelta(days=self.base + i)).strftime("%Y%m%d") for i in range(n)]
        self.hms = [f"{h:02d}:{m:02d}:{s:02d}+00" for h in range(24) for m in range(60) for s in range(60)]

    def ts(self, t: int) -> str:
        d, s = divmod(t, DAY)
        return f"{self.days[d - self.base]} {self.hms[s]}"

    def ymd_local(self, t: int) -> str:
        return self.local_ymd[(t + LOCAL) // DAY - self.base]


class Snapshot:
    __slots__ = ("closed", "lead", "next_due", "overdue", "reopens", "satisfaction", "state", "updated", "version")


def snapshot(settled: list[tuple[Any, ...]], life: Life, cut: int) -> Snapshot:
    s = Snapshot()
    s.state, s.version, s.lead, s.reopens, s.updated, s.closed = "registered", 1, 0, 0, life.r, None
    for at, action, _f, to, _role, _actor, _unit, _reason, lead, closed in settled:
        if at >= cut:
            break
        s.state, s.lead, s.updated, s.closed = to, lead, at, closed
        if action not in PASSIVE:
            s.version += 1
        if action == "reopen":
            s.reopens += 1
    s.satisfaction = None
    for at, rating, _c, _r in life.followups:
        if at < cut:
            s.satisfaction = rating
    s.next_due, s.overdue = None, False
    if s.state in OPEN:
        for m in life.milestones:
            status = ms_status(m, cut)
            if status is not None and status[0] in ("pending", "breached"):
                if s.next_due is None or m[2] < s.next_due:
                    s.next_due = m[2]
                s.overdue = s.overdue or status[0] == "breached"
    return s


def ms_status(m: list[Any], cut: int) -> tuple[str, int | None, int | None, int | None] | None:
    """(status, warned_at, breached_at, met_at) of a milestone at `cut`; None before it started."""
    _spec, start, due, met_at, cancel_at = m
    if start >= cut:
        return None
    warn = due - (due - start) // 5
    if met_at is not None and met_at < cut:
        late = met_at > due
        return ("met_late" if late else "met", warn if warn < met_at else None, due if late else None, met_at)
    if cancel_at is not None and cancel_at < cut:
        return ("cancelled", warn if warn < cancel_at else None, due if due < cancel_at else None, None)
    if due < cut:
        return ("breached", warn, due, None)
    return ("pending", warn if warn < cut else None, None, None)


class Writer:
    """Buffers COPY text for one table and writes it in chunks."""

    def __init__(self, copy: Any) -> None:
        self.copy, self.buf, self.size, self.rows = copy, [], 0, 0

    def add(self, line: str) -> None:
        self.buf.append(line)
        self.size += len(line)
        self.rows += 1
        if self.size > CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            self.copy.write("".join(self.buf))
            self.buf, self.size = [], 0


@dataclass
class Loader:
    clock: Clock
    t0: int  # the cut of the bulk load: the start of yesterday (local)
    t1: int  # the end of the incremental day: the start of today (local)
    case_w: Any = None
    event_w: Any = None
    fu_w: Any = None
    ms_w: Any = None
    next_event: int = 1
    next_fu: int = 1
    next_ms: int = 1
    events_by_day: dict[int, list[tuple[int, str]]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    fus_by_day: dict[int, list[tuple[int, str]]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    # yesterday's activity, written to staging tables for the incremental step
    inc_cases: list[str] = dataclasses.field(default_factory=list)
    inc_events: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    inc_fus: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    inc_ms: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # (case_id, line without id)
    inc_case_upd: list[str] = dataclasses.field(default_factory=list)
    inc_ms_upd: list[str] = dataclasses.field(default_factory=list)

    def case_line(self, cid: int, life: Life, snap: Snapshot) -> str:
        ts = self.clock.ts
        r = life.r
        return (f"{cid}\tBS{self.clock.ymd_local(r)}{cid:08d}\tS{cid:010X}\t{ts(r)}\t{ts(r)}\t{snap.state}\t"
                f"{snap.version}\t{snap.lead or N_}\t{snap.satisfaction or N_}\t{snap.reopens}\t"
                f"{ts(snap.next_due) if snap.next_due else N_}\t{'t' if snap.overdue else 'f'}\t{ts(snap.updated)}\t"
                f"{ts(snap.closed) if snap.closed else N_}\t{life.p.static}\n")

    def ms_line(self, cid: int, m: list[Any], st: tuple[str, int | None, int | None, int | None]) -> str:
        ts = self.clock.ts
        spec, start, due = m[0], m[1], m[2]
        warn = due - (due - start) // 5
        status, warned, breached, met_at = st
        return (f"{cid}\t{spec[0]}\t{spec[1]}\t{spec[2]}\t{json.dumps(spec[3])}\tf\tf\t{ts(start)}\t{ts(due)}\t"
                f"{ts(warn)}\tf\t{status}\t{ts(warned) if warned else N_}\t{ts(breached) if breached else N_}\t"
                f"{ts(met_at) if met_at else N_}\t{N_}\tf\n")

    def case_add(self, cid: int, life: Life) -> None:
        """One case of the bulk load: rows as they stood at t0; what changed by t1 kept for later."""
        ts, t0, t1 = self.clock.ts, self.t0, self.t1
        settled = life.settle()
        snap = snapshot(settled, life, t0)
        self.case_w.add(self.case_line(cid, life, snap))
        changed = False
        for at, action, before, state, role, actor, unit, reason, _lead, _closed in settled:
            if at >= t1:
                break
            line = f"{cid}\t{action}\t{before}\t{state}\t{role}\t{actor or N_}\t{ts(at)}\t{reason}\t{{}}\t{unit}\n"
            if at < t0:
                self.events_by_day[(at + LOCAL) // DAY].append((at, line))
            else:
                self.inc_events.append((at, line))
                changed = True
        for at, rating, contacted, resolved in life.followups:
            if at >= t1:
                break
            line = f"{cid}\t{rating}\t{'t' if contacted else 'f'}\t{'t' if resolved else 'f'}\t\tf\t{ts(at)}\n"
            if at < t0:
                self.fus_by_day[(at + LOCAL) // DAY].append((at, line))
            else:
                self.inc_fus.append((at, line))
        for m in life.milestones:
            st0 = ms_status(m, t0)
            st1 = ms_status(m, t1)
            if st0 is not None:
                mid = self.next_ms
                self.next_ms += 1
                self.ms_w.add(f"{mid}\t" + self.ms_line(cid, m, st0))
                if st1 != st0:
                    status, warned, breached, met_at = st1  # type: ignore[misc]
                    self.inc_ms_upd.append(f"{mid}\t{status}\t{ts(warned) if warned else N_}\t"
                                           f"{ts(breached) if breached else N_}\t{ts(met_at) if met_at else N_}\n")
            elif st1 is not None:
                self.inc_ms.append((cid, self.ms_line(cid, m, st1)))
        if changed:
            s = snapshot(settled, life, t1)
            self.inc_case_upd.append(
                f"{cid}\t{s.state}\t{s.version}\t{s.lead or N_}\t{s.satisfaction or N_}\t{s.reopens}\t"
                f"{ts(s.next_due) if s.next_due else N_}\t{'t' if s.overdue else 'f'}\t{ts(s.updated)}\t"
                f"{ts(s.closed) if s.closed else N_}\n")

    def new_case_add(self, cid: int, life: Life) -> None:
        """A case received on the incremental day: everything of it up to t1 goes to staging."""
        ts, t1 = self.clock.ts, self.t1
        settled = life.settle()
        self.inc_cases.append(self.case_line(cid, life, snapshot(settled, life, t1)))
        for at, action, before, state, role, actor, unit, reason, _lead, _closed in settled:
            if at >= t1:
                break
            self.inc_events.append(
                (at, f"{cid}\t{action}\t{before}\t{state}\t{role}\t{actor or N_}\t{ts(at)}\t{reason}\t{{}}\t{unit}\n"))
        for at, rating, contacted, resolved in life.followups:
            if at < t1:
                self.inc_fus.append(
                    (at, f"{cid}\t{rating}\t{'t' if contacted else 'f'}\t{'t' if resolved else 'f'}\t\tf\t{ts(at)}\n"))
        for m in life.milestones:
            st1 = ms_status(m, t1)
            if st1 is not None:
                self.inc_ms.append((cid, self.ms_line(cid, m, st1)))

    def flush_days(self, before_day: int) -> None:
        """Write the events and follow-ups of every local day before `before_day`, in time order
        (no later case can add to them: every event is at or after its case's receipt)."""
        for day in sorted(d for d in self.events_by_day if d < before_day):
            for _at, line in sorted(self.events_by_day.pop(day), key=lambda x: x[0]):
                self.event_w.add(f"{self.next_event}\t{line}")
                self.next_event += 1
        for day in sorted(d for d in self.fus_by_day if d < before_day):
            for _at, line in sorted(self.fus_by_day.pop(day), key=lambda x: x[0]):
                self.fu_w.add(f"{self.next_fu}\t{line}")
                self.next_fu += 1


def receipt_days(n: int, first_day: int, days: int, rng: random.Random) -> list[int]:
    """How many cases each local day receives: weekdays busier, a slight rise over the year."""
    weights = []
    for i in range(days):
        wd = (first_day + i + 3) % 7  # 1970-01-01 was a Thursday: 0 = Monday
        weights.append((1.0 if wd < 5 else 0.62 if wd == 5 else 0.55) * (0.88 + 0.24 * i / max(days - 1, 1)))
    total = sum(weights)
    exact = [n * w / total for w in weights]
    counts = [int(x) for x in exact]
    for i in sorted(range(days), key=lambda i: exact[i] - counts[i], reverse=True)[: n - sum(counts)]:
        counts[i] += 1
    return counts


HOUR_WEIGHTS = [1 if h < 7 or h > 21 else (6 if 8 <= h <= 11 or 14 <= h <= 17 else 3) for h in range(24)]
HOUR_CUM = list(accumulate(HOUR_WEIGHTS))


def day_receipts(rng: random.Random, local_day: int, k: int) -> list[int]:
    hours = rng.choices(range(24), cum_weights=HOUR_CUM, k=k)
    start = local_day * DAY - LOCAL
    return sorted(start + h * H + rng.randrange(H) for h in hours)


# -- the load --------------------------------------------------------------------------------------

def indexes_drop(cur: Any, table: str) -> list[str]:
    """Drop the table's indexes that back no constraint; return their definitions."""
    cur.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
        (table,))
    rows = cur.fetchall()
    for name, _ in rows:
        cur.execute(f'DROP INDEX "{name}"')
    return [d for _, d in rows]


def copy_sql(table: str, cols: tuple[str, ...]) -> str:
    return f"COPY {table} ({', '.join(cols)}) FROM STDIN"


def bulk_load(url: str, n: int, profiles: list[Profile], t0: int, t1: int, text_index: bool) -> dict[str, Any]:
    import psycopg

    t_all = time.monotonic()
    out: dict[str, Any] = {}
    rng = random.Random(SEED + 2)
    last_day = (t0 + LOCAL) // DAY  # local day index of yesterday (the incremental day)
    first_day = last_day - 365
    clock = Clock(first_day, last_day + 2)
    loader = Loader(clock, t0, t1)
    conns = [psycopg.connect(url) for _ in range(4)]
    for c in conns:
        c.execute("SET session_replication_role = replica")
        c.execute("SET synchronous_commit = off")
    with conns[0].cursor() as cur:
        saved = {t: indexes_drop(cur, t) for t in LOAD_TABLES}
        cur.execute("SELECT coalesce(max(id), 0) FROM cases_case")
        base = int(cur.fetchone()[0])
        cur.execute("SELECT coalesce(max(id), 0) FROM cases_caseevent")
        loader.next_event = int(cur.fetchone()[0]) + 1
        cur.execute("SELECT coalesce(max(id), 0) FROM cases_followup")
        loader.next_fu = int(cur.fetchone()[0]) + 1
        cur.execute("SELECT coalesce(max(id), 0) FROM sla_milestone")
        loader.next_ms = int(cur.fetchone()[0]) + 1
    conns[0].commit()
    if not text_index:
        saved["cases_case"] = [d for d in saved["cases_case"] if "banshi_bigrams" not in d]
    say(f"    dropped the non-constraint indexes for the load ({sum(len(v) for v in saved.values())} to re-create"
        f"{'' if text_index else ', without case_text_bigrams'})")
    counts = receipt_days(n, first_day, 365, rng)
    t = time.monotonic()
    cid = base
    with conns[0].cursor().copy(copy_sql("cases_case", CASE_COLS)) as c_case, \
            conns[1].cursor().copy(copy_sql("cases_caseevent", EVENT_COLS)) as c_event, \
            conns[2].cursor().copy(copy_sql("cases_followup", FOLLOWUP_COLS)) as c_fu, \
            conns[3].cursor().copy(copy_sql("sla_milestone", MILESTONE_COLS)) as c_ms:
        loader.case_w, loader.event_w, loader.fu_w, loader.ms_w = (Writer(c_case), Writer(c_event), Writer(c_fu),
                                                                   Writer(c_ms))
        done = 0
        for i, k in enumerate(counts):
            day = first_day + i
            for r in day_receipts(rng, day, k):
                cid += 1
                loader.case_add(cid, Life(rng, profiles[rng.randrange(len(profiles))], r))
            done += k
            loader.flush_days(day + 1)
            if (i + 1) % 30 == 0 or i == len(counts) - 1:
                el = time.monotonic() - t
                say(f"    {done:>11,} cases, {loader.event_w.rows:>12,} events written ({el:.0f} s, "
                    f"{done / max(el, 1e-9):,.0f} cases/s)")
        # yesterday's buckets hold the incremental day's events: keep them for later
        loader.flush_days(last_day)
        for w in (loader.case_w, loader.event_w, loader.fu_w, loader.ms_w):
            w.flush()
    for c in conns:
        c.commit()
    out["copy_seconds"] = round(time.monotonic() - t, 1)
    say(f"    COPY: {out['copy_seconds']} s")
    last_bulk = cid

    # Yesterday: new cases (fresh ids) and the next day of the older ones, into staging tables.
    k_new = round(counts[-1] * 1.0)
    for r in day_receipts(rng, last_day, k_new):
        cid += 1
        loader.new_case_add(cid, Life(rng, profiles[rng.randrange(len(profiles))], r))
    conn = conns[0]
    with conn.cursor() as cur:
        for table, like in (("bench_inc_case", "cases_case"), ("bench_inc_event", "cases_caseevent"),
                            ("bench_inc_followup", "cases_followup"), ("bench_inc_milestone", "sla_milestone")):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute(f"CREATE TABLE {table} (LIKE {like} INCLUDING DEFAULTS)")
        cur.execute("DROP TABLE IF EXISTS bench_inc_case_upd, bench_inc_ms_upd")
        cur.execute("CREATE TABLE bench_inc_case_upd AS SELECT id, state, version, lead_unit_id, satisfaction, "
                    "reopen_count, next_due_at, overdue, updated_at, closed_at FROM cases_case WITH NO DATA")
        cur.execute("CREATE TABLE bench_inc_ms_upd AS SELECT id, status, warned_at, breached_at, met_at "
                    "FROM sla_milestone WITH NO DATA")

        def stage(table: str, cols: tuple[str, ...], lines: list[str]) -> None:
            with cur.copy(copy_sql(table, cols)) as cp:
                for i in range(0, len(lines), 5000):
                    cp.write("".join(lines[i:i + 5000]))

        stage("bench_inc_case", CASE_COLS, loader.inc_cases)
        ev_id = loader.next_event
        stage("bench_inc_event", EVENT_COLS,
              [f"{ev_id + i}\t{line}" for i, (_at, line) in enumerate(sorted(loader.inc_events, key=lambda x: x[0]))])
        fu_id = loader.next_fu
        stage("bench_inc_followup", FOLLOWUP_COLS,
              [f"{fu_id + i}\t{line}" for i, (_at, line) in enumerate(sorted(loader.inc_fus, key=lambda x: x[0]))])
        ms_id = loader.next_ms
        stage("bench_inc_milestone", MILESTONE_COLS, [f"{ms_id + i}\t{line}" for i, (_c, line) in enumerate(loader.inc_ms)])
        stage("bench_inc_case_upd", CASE_UPD_COLS, loader.inc_case_upd)
        stage("bench_inc_ms_upd", MS_UPD_COLS, loader.inc_ms_upd)
    conn.commit()
    out["incremental_staged"] = {"new_cases": len(loader.inc_cases), "events": len(loader.inc_events),
                                 "followups": len(loader.inc_fus), "new_milestones": len(loader.inc_ms),
                                 "case_updates": len(loader.inc_case_upd), "milestone_updates": len(loader.inc_ms_upd)}
    say(f"    yesterday staged for the incremental step: {out['incremental_staged']}")
    out["bulk_cases"] = last_bulk - base

    for c in conns[1:]:
        c.close()
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        for table, defs in saved.items():
            t = time.monotonic()
            for d in defs:
                ti = time.monotonic()
                cur.execute(d)
                if time.monotonic() - ti > 30:
                    say(f"      {d.split(' ON ')[0].split()[-1]}: {time.monotonic() - ti:.0f} s")
            say(f"    re-create {len(defs)} indexes on {table}: {time.monotonic() - t:.1f} s")
        for table in LOAD_TABLES:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        t = time.monotonic()
        for table in LOAD_TABLES:
            cur.execute(f"VACUUM (ANALYZE) {table}")
        say(f"    vacuum analyze: {time.monotonic() - t:.1f} s")
    conn.close()
    out["seconds"] = round(time.monotonic() - t_all, 1)
    return out


def incremental_apply(url: str) -> dict[str, Any]:
    """Append yesterday's activity from the staging tables (one transaction, as the app would
    have written it over the day), with the indexes in place."""
    import psycopg

    t = time.monotonic()
    out: dict[str, Any] = {}
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        for target, staging in (("cases_case", "bench_inc_case"), ("cases_caseevent", "bench_inc_event"),
                                ("cases_followup", "bench_inc_followup"), ("sla_milestone", "bench_inc_milestone")):
            cur.execute(f"INSERT INTO {target} SELECT * FROM {staging}")
            out[target] = cur.rowcount
        cur.execute("UPDATE cases_case c SET state = u.state, version = u.version, lead_unit_id = u.lead_unit_id, "
                    "satisfaction = u.satisfaction, reopen_count = u.reopen_count, next_due_at = u.next_due_at, "
                    "overdue = u.overdue, updated_at = u.updated_at, closed_at = u.closed_at "
                    "FROM bench_inc_case_upd u WHERE c.id = u.id")
        out["cases updated"] = cur.rowcount
        cur.execute("UPDATE sla_milestone m SET status = u.status, warned_at = u.warned_at, "
                    "breached_at = u.breached_at, met_at = u.met_at FROM bench_inc_ms_upd u WHERE m.id = u.id")
        out["milestones updated"] = cur.rowcount
        for table in LOAD_TABLES:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        for table in LOAD_TABLES:
            conn.execute(f"ANALYZE {table}")
    out["seconds"] = round(time.monotonic() - t, 1)
    return out


# -- the fills -------------------------------------------------------------------------------------

def fill_timed(now: datetime, label: str, url: str | None = None, before: dict[str, Any] | None = None
               ) -> dict[str, Any]:
    """Time `fill()`. With `url`, the progress is kept in bench_meta after every day, so a fill
    that was interrupted resumes (behind the fill's own watermark) and `before` (that progress)
    is added to the figures."""
    from banshi.stats.fill import fill

    before = before or {"days": 0, "seconds": 0.0, "first": "", "parts": 0}
    t = time.monotonic()
    last = [t]
    count = [0]
    first = [before.get("first", "")]

    def progress(day: date) -> None:
        count[0] += 1
        first[0] = first[0] or day.isoformat()
        if url is not None:
            meta_write(url, fill_full_progress={"days": before["days"] + count[0],
                                                "seconds": round(before["seconds"] + time.monotonic() - t, 2),
                                                "first": first[0], "last": day.isoformat(),
                                                "parts": before.get("parts", 0) + 1})
        if time.monotonic() - last[0] > 60:
            last[0] = time.monotonic()
            say(f"    … {label}: {before['days'] + count[0]} days done, at {day} "
                f"({before['seconds'] + time.monotonic() - t:.0f} s)")

    r = fill(now=now, on_day=progress)
    wall = time.monotonic() - t
    days = [d.isoformat() for d in r.days]
    n_days = before["days"] + len(days)
    seconds = before["seconds"] + r.seconds
    rows = r.rows
    if before["days"]:
        from banshi.stats.models import DailyCount, RollupCount

        rows = DailyCount.objects.count() + RollupCount.objects.count()
    return {"days": n_days, "first": first[0] or (days[0] if days else ""), "last": days[-1] if days else "",
            "rows": rows, "seconds": round(seconds, 2), "wall": round(before["seconds"] + wall, 2),
            "per_day": round(seconds / max(n_days, 1), 3), "parts": before.get("parts", 0) + 1}


def fill_day_profile(day: date) -> dict[str, Any]:
    """One day's fill query by query (in a transaction rolled back afterwards): where its time goes."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from banshi.stats.fill import fill_day

    class Rollback(Exception):
        pass

    t = time.perf_counter()
    rows = 0
    with CaptureQueriesContext(connection) as ctx:
        try:
            with transaction.atomic():
                rows = fill_day(day)
                raise Rollback
        except Rollback:
            pass
    wall = (time.perf_counter() - t) * 1000
    groups: dict[str, list[float]] = defaultdict(list)
    for q in ctx.captured_queries:
        sql = q["sql"]
        key = ("INSERT stats_dailycount" if "INSERT INTO \"stats_dailycount\"" in sql else
               "INSERT stats_rollupcount" if "INSERT INTO \"stats_rollupcount\"" in sql else
               "DELETE stats_dailycount" if "DELETE FROM \"stats_dailycount\"" in sql else
               "DELETE stats_rollupcount" if "DELETE FROM \"stats_rollupcount\"" in sql else
               "read: late replies (EXISTS milestone)" if "sla_milestone" in sql else
               "read: follow-ups" if "FROM \"cases_followup\"" in sql else
               "read: rated events" if "\"cases_caseevent\".\"case_id\", \"cases_caseevent\".\"at\"" in sql else
               "read: received (cases)" if sql.startswith("SELECT \"cases_case\".\"intake_unit_id\"") else
               "read: events by action" if "cases_caseevent" in sql else "other: " + sql[:60])
        groups[key].append(float(q["time"]) * 1000)
    return {"day": day.isoformat(), "rows": rows, "wall_ms": round(wall),
            "sql_ms": round(sum(sum(v) for v in groups.values())),
            "queries": {k: [len(v), round(sum(v))] for k, v in sorted(groups.items(), key=lambda kv: -sum(kv[1]))}}


# -- measuring -------------------------------------------------------------------------------------

@dataclass
class Timing:
    label: str
    times: list[float]
    queries: int
    sql_ms: float
    slowest_ms: float
    slowest_sql: str
    note: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return pct(self.times, 0.95)


def timed(label: str, fn: Callable[[], Any], repeat: int, note: str = "") -> Timing:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    qs = [(float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries]
    reset_queries()
    slow = max(qs, default=(0.0, ""))
    return Timing(label, times, len(qs), sum(x for x, _ in qs), slow[0], slow[1], note)


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(r[0] for r in cur.fetchall())


def measure(args: argparse.Namespace, t1: int) -> list[Timing]:
    from banshi.cases.models import Case
    from banshi.cases.queries.cases import CaseFilters, case_ids_for
    from banshi.orgs.models import Person, Region
    from banshi.stats.drill import drill_filters
    from banshi.stats.queries import EVERYTHING, breakdown, daily, ranking, scope_for, totals

    try:
        from banshi.stats.dashboard import dashboard_data
        dash_note = "banshi.stats.dashboard.dashboard_data"
    except ImportError:  # not written yet: the reads it would make
        dash_note = ("dashboard_data missing: totals of all measures, daily received/replied, breakdowns by "
                     "channel, type, category, region")

        def dashboard_data(scope: Any, start: date, end: date) -> Any:  # type: ignore[misc]
            return (totals(scope, start, end), daily(scope, start, end, ("received", "replied")),
                    *(breakdown(scope, start, end, dim, ("received", "replied")) for dim in
                      ("channel", "type", "category", "region")))

    today = datetime.fromtimestamp(t1 + LOCAL, UTC).date()
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    supervisor = Person.objects.select_related("unit", "unit__region").get(username="supervisor")
    handler = Person.objects.select_related("unit", "unit__region").get(username="handler")
    region_scope = scope_for(supervisor)
    unit_scope = scope_for(handler)
    street = Region.objects.get(code="130302001")
    district = supervisor.unit.region
    say(f"  period: {start} … {end} (the last full month); dashboard: {dash_note}")
    say(f"  region scope: {region_scope.label} ({region_scope.region_path}), supervisor {supervisor.username}; "
        f"unit scope: {unit_scope.label} {list(unit_scope.unit_ids)}, handler {handler.username}")

    def drill(measure: str, **extra: Any) -> Callable[[], Any]:
        get = {"m": measure, "m_from": start.isoformat(), "m_to": end.isoformat()}
        region = extra.pop("region", None)
        if "unit" in extra:
            get["m_unit"] = str(extra.pop("unit"))
        filters = CaseFilters(region=region, **drill_filters(get))

        def run() -> Any:
            ids = case_ids_for(supervisor, filters, cap=1000)
            page = ids[:25]
            rows = {c.pk: c for c in Case.objects.filter(pk__in=page).select_related("lead_unit")}
            return len(ids), [rows[i] for i in page if i in rows]

        return run

    items: list[tuple[str, Callable[[], Any], str]] = [
        ("dashboard: everything", lambda: dashboard_data(EVERYTHING, start, end), "dash"),
        (f"dashboard: region {region_scope.label}", lambda: dashboard_data(region_scope, start, end), "dash"),
        (f"dashboard: unit {unit_scope.label}", lambda: dashboard_data(unit_scope, start, end), "dash"),
        ("ranking: unit (month)", lambda: ranking(start, end, "unit"), "rank"),
        ("ranking: region (month)", lambda: ranking(start, end, "region"), "rank"),
        (f"drill: 办结量 of {handler.unit.name}", drill("replied", unit=handler.unit_id), "drill"),
        (f"drill: 受理量 of {street.name}", drill("received", region=street.code), "drill"),
        (f"drill: 受理量 of {district.name}", drill("received", region=district.code), "drill"),
    ]
    results: list[Timing] = []
    say(f"\n  {'what':<40} {'p50 ms':>8} {'p95 ms':>8} {'max':>8} {'n':>3} {'SQL':>4} {'SQL ms':>7} {'slowest':>7}")
    for label, fn, kind in items:
        if args.only and args.only not in label:
            continue
        r = timed(label, fn, args.repeat, kind)
        flag = "  OVER" if r.p95 > TARGET_MS and kind != "drill" else ("  (>200)" if r.p95 > TARGET_MS else "")
        extra = ""
        if kind == "drill":
            n, _rows = fn()
            extra = f"  [{n} ids]"
        say(f"  {label:<40} {r.p50:8.1f} {r.p95:8.1f} {max(r.times):8.1f} {len(r.times):3d} {r.queries:4d} "
            f"{r.sql_ms:7.1f} {r.slowest_ms:7.1f}{flag}{extra}")
        results.append(r)
    over = [r for r in results if r.p95 > TARGET_MS]
    if over and not args.no_explain:
        seen: set[str] = set()
        for r in sorted(over, key=lambda r: -r.p95):
            say(f"\n--- over {TARGET_MS:.0f} ms: {r.label}: p95 {r.p95:.0f} ms, {r.queries} queries, SQL {r.sql_ms:.0f} ms, "
                f"slowest {r.slowest_ms:.0f} ms")
            if r.slowest_sql in seen:
                say("    (same slowest query as above)")
                continue
            seen.add(r.slowest_sql)
            say("    " + (r.slowest_sql if len(r.slowest_sql) < 3000 else r.slowest_sql[:3000] + " …"))
            try:
                say("    " + explain(r.slowest_sql).replace("\n", "\n    "))
            except Exception as exc:  # a plan we cannot get is reported, not fatal
                say(f"    (EXPLAIN failed: {exc})")
    return results


def sizes() -> dict[str, Any]:
    from django.db import connection

    out: dict[str, Any] = {}
    with connection.cursor() as cur:
        for label, table in (("cases", "cases_case"), ("events", "cases_caseevent"), ("follow-ups", "cases_followup"),
                             ("milestones", "sla_milestone"), ("DailyCount", "stats_dailycount"),
                             ("RollupCount", "stats_rollupcount")):
            cur.execute(f"SELECT count(*) FROM {table}")
            rows = int(cur.fetchone()[0])
            cur.execute("SELECT pg_relation_size(%s), pg_indexes_size(%s), pg_total_relation_size(%s)",
                        [table, table, table])
            heap, idx, total = cur.fetchone()
            out[label] = {"rows": rows, "heap_mb": round(heap / 2**20), "index_mb": round(idx / 2**20),
                          "total_mb": round(total / 2**20)}
        cur.execute("SELECT pg_database_size(current_database())")
        out["database_gb"] = round(cur.fetchone()[0] / 2**30, 2)
    return out


# -- main ------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=10_000_000, help="cases to load (default 10,000,000)")
    ap.add_argument("--reuse", action="store_true",
                    help="skip the load and the fills when the database already holds --cases cases of this script")
    ap.add_argument("--repeat", type=int, default=20, help="timed calls per item after one warm-up (default 20)")
    ap.add_argument("--only", default="", help="measure only the items whose label contains this")
    ap.add_argument("--no-explain", action="store_true", help="no EXPLAIN ANALYZE of items over 200 ms")
    ap.add_argument("--text-index", action="store_true", help="also re-create the bigram text index after the load")
    args = ap.parse_args()
    import signal

    def noted(signum: int, _frame: Any) -> None:  # say who stopped us, then stop
        say(f"\n!! signal {signal.Signals(signum).name} received at {datetime.now().astimezone():%H:%M:%S %Z}; "
            f"load {loadavg()}")
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, noted)
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    guard(db_name(url))

    say("Statistics at scale (bench/stats.py)")
    say(f"  date:    {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    say(f"  load:    {loadavg()}")
    say(f"  python:  {platform.python_version()}  machine: {platform.machine()}, {os.cpu_count()} CPUs")
    say(f"  rerun:   {RERUN}")
    t_start = time.monotonic()
    meta = meta_read(url) if args.reuse else {}
    reuse = bool(meta.get("loaded")) and meta.get("cases") == args.cases
    if args.reuse and not reuse:
        say(f"  --reuse: {db_name(url)} holds no load of {args.cases:,} cases; loading")
    var_dir = tempfile.mkdtemp(prefix="banshi-stats-")
    if not reuse:
        db_recreate(url)
    django_setup(url, var_dir)
    from django.core.management import call_command
    from django.db import connection, connections

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        version = cur.fetchone()[0]
        cur.execute("SELECT current_setting('shared_buffers'), current_setting('work_mem'), current_setting('jit')")
        sb, wm, jit = cur.fetchone()
    say(f"  PostgreSQL {version}; shared_buffers={sb} work_mem={wm} jit={jit} (the app's connections: jit=off)")

    if reuse:
        t0, t1 = int(meta["t0"]), int(meta["t1"])
        say(f"\n[1/4] reusing {db_name(url)}: {meta['cases']:,} cases loaded {meta.get('loaded_at', '')}")
        if "load" in meta:
            say(f"  load figures of that run: {meta['load']}")
        t = time.monotonic()
        call_command("migrate", verbosity=0)  # the code may have moved on since the load
        say(f"  migrate: {time.monotonic() - t:.1f} s")
    else:
        # Yesterday and today, local: the bulk load ends at the start of yesterday (t0); yesterday
        # is appended after the first fill; the fills run "at" 01:00 today.
        today = (int(time.time()) + LOCAL) // DAY
        t1 = today * DAY - LOCAL
        t0 = t1 - DAY
        say(f"\n[1/4] {db_name(url)}: migrate, world, {args.cases:,} cases with COPY")
        t = time.monotonic()
        call_command("migrate", verbosity=0)
        worlds, data = world_make()
        from banshi.orgs.models import Person, Unit

        say(f"  migrate + world: {time.monotonic() - t:.1f} s: {len(worlds)} districts, {Unit.objects.count()} units, "
            f"{Person.objects.count()} people")
        t = time.monotonic()
        profiles = profiles_make(worlds, data, datetime.fromtimestamp(t0, UTC))
        say(f"  {len(profiles):,} case profiles from the demo planner: {time.monotonic() - t:.1f} s")
        connections.close_all()
        load = bulk_load(url, args.cases, profiles, t0, t1, args.text_index)
        say(f"  loaded in {load['seconds']} s")
        meta_write(url, cases=args.cases, t0=t0, t1=t1, loaded=True, load=load,
                   loaded_at=f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
        meta = meta_read(url)

    fill_now = datetime.fromtimestamp(t1 + H, UTC)
    say(f"\n[2/4] fills (run as at {fill_now.astimezone():%Y-%m-%d %H:%M %Z}, Asia/Shanghai days)")
    if "fill_full" not in meta:
        before = meta.get("fill_full_progress")
        if before:
            # fill() moves FillState.event_id/case_id only at its end, so after an interruption it
            # would start again from the first event; no event arrives meanwhile here, so the
            # watermark's ids are moved to the current maxima and it resumes after done_through.
            with connection.cursor() as cur:
                cur.execute("UPDATE stats_fillstate SET event_id = (SELECT max(id) FROM cases_caseevent), "
                            "case_id = (SELECT max(id) FROM cases_case)")
            say(f"  full fill: resuming an interrupted one behind its watermark ({before['days']} days done in "
                f"{before['seconds']:.0f} s, through {before['last']})")
        else:  # from empty count tables
            with connection.cursor() as cur:
                cur.execute("TRUNCATE stats_dailycount, stats_rollupcount")
                cur.execute("DELETE FROM stats_fillstate")
        say(f"  full fill … (load {loadavg()})")
        full = fill_timed(fill_now, "full fill", url, before)
        meta_write(url, fill_full=full)
        meta["fill_full"] = full
    full = meta["fill_full"]
    say(f"  full fill: {full['days']} days ({full['first']} … {full['last']}), {full['rows']:,} rows, "
        f"{full['seconds']:.1f} s ({full['per_day']:.2f} s per day)"
        + (f"; run in {full['parts']} parts (interrupted from outside, resumed behind the watermark)"
           if full.get("parts", 1) > 1 else ""))
    if "fill_incremental" not in meta:
        if "incremental_applied" not in meta:
            meta["incremental_applied"] = incremental_apply(url)
            meta_write(url, incremental_applied=meta["incremental_applied"])
        applied = meta["incremental_applied"]
        say(f"  yesterday appended: {applied}")
        connections.close_all()
        inc = fill_timed(fill_now, "incremental fill")
        inc["appended"] = applied
        meta_write(url, fill_incremental=inc)
        meta["fill_incremental"] = inc
    inc = meta["fill_incremental"]
    say(f"  incremental fill after one more day: {inc['days']} days ({inc['first']} … {inc['last']}), "
        f"{inc['rows']:,} rows, {inc['seconds']:.2f} s (appended: {inc['appended']})")
    # The busiest day of the last full month, filled once more query by query (rolled back).
    from banshi.stats.models import RollupCount

    today = datetime.fromtimestamp(t1 + LOCAL, UTC).date()
    month_end = today.replace(day=1) - timedelta(days=1)
    busiest = (RollupCount.objects.filter(dim="all", measure="received", day__gte=month_end.replace(day=1),
                                          day__lte=month_end).order_by("-value").values_list("day", flat=True).first())
    if busiest is not None:
        prof = fill_day_profile(busiest)
        say(f"  one day's fill, query by query ({prof['day']}, the month's busiest; rolled back): {prof['rows']:,} rows, "
            f"wall {prof['wall_ms']:,} ms, SQL {prof['sql_ms']:,} ms (server-side cursor fetches are not in SQL)")
        for k, (n, ms) in prof["queries"].items():
            say(f"    {k:<42} {n:>5} queries {ms:>8,} ms")
        meta_write(url, fill_day_profile=prof)

    say(f"\n[3/4] read side (ms in-process, warm; target p95 <= {TARGET_MS:.0f} ms for dashboard and ranking)")
    say(f"  load now: {loadavg()}")
    results = measure(args, t1)

    say("\n[4/4] rows and sizes")
    sz = sizes()
    for label, v in sz.items():
        if isinstance(v, dict):
            say(f"  {label:<12} {v['rows']:>13,} rows  heap {v['heap_mb']:>7,} MB  indexes {v['index_mb']:>7,} MB  "
                f"total {v['total_mb']:>7,} MB")
    say(f"  database {db_name(url)}: {sz['database_gb']} GB")
    meta_write(url, last_measure={r.label: {"p50": round(r.p50, 1), "p95": round(r.p95, 1), "queries": r.queries,
                                            "sql_ms": round(r.sql_ms, 1)} for r in results},
               sizes=sz, measured_at=f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    over = [r for r in results if r.p95 > TARGET_MS and r.note != "drill"]
    say(f"\n  dashboard and ranking: {len([r for r in results if r.note != 'drill']) - len(over)} within "
        f"{TARGET_MS:.0f} ms p95, {len(over)} over" + (": " + ", ".join(r.label for r in over) if over else ""))
    say(f"  load at end: {loadavg()}; total {time.monotonic() - t_start:.0f} s")
    say(f"  rerun: {RERUN}  (--reuse to measure again without loading)")
    connections.close_all()
    shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
