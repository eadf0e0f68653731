"""Workbench page speed with a million cases in PostgreSQL: home, every queue, the dispatch desk and the case page.

Rerun (from the repository root; needs the local PostgreSQL with trust auth for user postgres):

    .venv/bin/python bench/workbench.py --cases 1000000

Budget (the issue's acceptance line): every page answers in under 150 ms at the server (p95).

What it does:

1. a dedicated database ``banshi_bench_wb`` (dropped and re-created through ``--pg-admin-url``,
   default postgresql://postgres@127.0.0.1:5432/postgres; it never touches ``test_*`` or
   ``banshi_bench``), DATABASE_URL pointed at it, Django set up in this process, ``migrate`` and
   ``demo --cases 200`` (the six demo places: regions, 126 units, ~430 people, 200 cases driven
   through the domain functions, with their events and milestones);
2. a bulk load in server-side SQL (``INSERT … SELECT FROM generate_series``) of N more cases spread
   over the last 12 months in insertion (= id) order: place weighted like the demo (海港区 30 %),
   lead unit weighted per unit kind (文化路派出所 ≈ 1/6 of 海港区 ≈ 50k cases for N = 1M),
   75 % taken in by the district committee, state by age (new cases open, old ones archived, a
   tail of stuck overdue cases), next_due_at / overdue consistent with two milestones per case,
   title/content/address copied from the demo's realistic texts; then, for the newest
   ``--detail`` cases (default: all), the event trail of their state (1–7 events) and two
   milestones each, co-handling units (2 %), supervisions (1.5 %, open ones on open cases) and
   extension requests (4 %, some pending); non-constraint indexes are dropped during the load and
   re-created, FK triggers are skipped (session_replication_role = replica: the rows are
   consistent by construction), then VACUUM ANALYZE;
3. measures the real views in-process with Django's test Client (force_login; no test
   instrumentation, so templates render as in production): as the committee dispatcher of
   海港区 (the busiest unit; sees the whole district), a handler of 文化路派出所 (~50k cases) and
   the district supervisor: home ``/``, ``/queue/`` and ``/queue/?queue=X`` for the eight queues,
   a filter + search term on page 200, page 200 of the full list, a search that matches nothing,
   ``/desk/`` and ``/supervision/`` (dispatcher, supervisor) and ``/cases/<id>/`` for three cases
   each (newest open, the demo case with the longest history, an old archived one). Each page is
   requested once to warm up, then ``--repeat`` times (fewer when a page is slow: at most
   ``--page-budget`` seconds per page, at least 3 times). Columns: p50 / p95 / max wall ms per
   request, n timed requests, cpu50 = median CPU ms of this Python process (view + template, not
   PostgreSQL: on a loaded machine wall time is well above cpu50 + SQL ms), the number of SQL
   queries and their total and slowest time in one extra captured request. Pages over 150 ms p95
   are flagged and EXPLAIN (ANALYZE, BUFFERS) of the slowest query of each is printed;
4. drops the database unless ``--keep``. ``--reuse`` skips steps 1–2 when ``banshi_bench_wb``
   already holds at least N bulk cases (with ``--keep``, to measure again without reloading).

Experiments (they never change the files of the app; see bench/README.md for what they measured):

    --try-index text_trgm   create candidate indexes for the run, dropped afterwards
    --who handler --only overdue --profile overdue      one persona, some pages, a cProfile listing

e.g. ``.venv/bin/python bench/workbench.py --reuse --keep --try-index text_trgm``. (The ``--patch``
experiments of the first runs are gone: those fixes are in the code now.)

The load average is printed at the start and end: other jobs on this 2-core machine slow every
figure down, so compare runs made under similar load.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "banshi_bench_wb"
BUDGET_MS = 150.0
RERUN = ".venv/bin/python bench/workbench.py --cases 1000000"
DEMO_CASES = 200
SEED = 0.42

# -- the shape of the bulk data --------------------------------------------------------------------

# Lead-unit weight by unit kind within a place (several units of a kind: one weight each, by id).
LEAD_WEIGHTS: dict[str, list[float]] = {
    "police_station": [0.17, 0.10, 0.08],
    "court": [0.12],
    "procuratorate": [0.05],
    "justice_office": [0.03, 0.03, 0.03],
    "notary": [0.02],
    "legal_aid": [0.03],
    "mediation": [0.03],
    "department": [0.06, 0.07, 0.08],
    "street": [0.02, 0.02, 0.02, 0.02],
    "police_branch": [0.02],
    "justice_bureau": [0.01],
}
BUCKET = 1000  # slots in a weighted-choice bucket

# State by age of the case (days): (age below, [(state, share), ...]); the last row is "older".
STATE_MIX: list[tuple[float | None, list[tuple[str, float]]]] = [
    (1, [("registered", .12), ("dispatched", .18), ("handling", .50), ("reply_review", .03), ("replied", .05),
         ("returned", .02), ("withdrawn", .03), ("invalid", .02), ("merged", .05)]),
    (3, [("registered", .03), ("dispatched", .07), ("handling", .60), ("reply_review", .05), ("replied", .10),
         ("returned", .01), ("followed_up", .05), ("withdrawn", .03), ("invalid", .02), ("merged", .04)]),
    (30, [("registered", .002), ("dispatched", .008), ("handling", .20), ("reply_review", .03), ("replied", .15),
          ("returned", .005), ("followed_up", .35), ("archived", .18), ("withdrawn", .03), ("invalid", .02),
          ("merged", .025)]),
    (None, [("handling", .008), ("reply_review", .001), ("replied", .004), ("followed_up", .08), ("archived", .84),
            ("withdrawn", .03), ("invalid", .02), ("merged", .017)]),
]
OPEN = ("registered", "dispatched", "handling", "reply_review", "returned")
NO_LEAD = ("registered", "returned")

# The event trail of each state: (action, from, to, hours after receipt, role, by the lead unit).
_R, _D, _S = ("register", "", "registered", 0.0, "operator", False), ("dispatch", "registered", "dispatched", 0.5, "dispatcher", False), ("sign", "dispatched", "handling", 3.0, "handler", True)
_RS, _RA = ("reply_submit", "handling", "reply_review", 72.0, "handler", True), ("reply_approve", "reply_review", "replied", 80.0, "leader", True)
_FU, _AR = ("follow_up", "replied", "followed_up", 120.0, "operator", False), ("archive", "followed_up", "archived", 168.0, "dispatcher", False)
FLOWS: dict[str, list[tuple[str, str, str, float, str, bool]]] = {
    "registered": [_R],
    "dispatched": [_R, _D],
    "handling": [_R, _D, _S],
    "reply_review": [_R, _D, _S, _RS],
    "replied": [_R, _D, _S, _RS, _RA],
    "followed_up": [_R, _D, _S, _RS, _RA, _FU],
    "archived": [_R, _D, _S, _RS, _RA, _FU, _AR],
    "returned": [_R, _D, ("return_request", "dispatched", "dispatched", 5.0, "handler", True),
                 ("return", "dispatched", "returned", 6.0, "dispatcher", False)],
    "withdrawn": [_R, ("withdraw", "registered", "withdrawn", 2.0, "operator", False)],
    "invalid": [_R, ("invalidate", "registered", "invalid", 1.0, "dispatcher", False)],
    "merged": [_R, ("merge", "registered", "merged", 1.0, "dispatcher", False)],
}


# -- small helpers ---------------------------------------------------------------------------------

def loadavg() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "n/a"
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min, {os.cpu_count()} CPUs)"


def say(msg: str = "") -> None:
    print(msg, flush=True)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    if len(s) == 1:
        return s[0]
    k = (len(s) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def db_url(admin_url: str, name: str) -> str:
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


def guard(name: str) -> None:
    if name.startswith("test") or name == "banshi_bench" or name in ("postgres", "template0", "template1"):
        raise SystemExit(f"refusing to touch database {name!r}")


# -- database lifecycle ----------------------------------------------------------------------------

def db_exists(admin_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def db_recreate(admin_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    guard(name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def db_drop(admin_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    guard(name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def bulk_count(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute("SELECT count(*) FROM cases_case WHERE tracking_code LIKE 'W%'").fetchone()
    except psycopg.Error:
        return 0
    return int(row[0]) if row else 0


def django_setup(url: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["BANSHI_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banshi.settings")
    import django

    django.setup()


# -- the bulk load ---------------------------------------------------------------------------------

@dataclass
class Place:
    no: int
    key: str
    county: str
    weight: float
    committee: int
    supervisor: int
    staff: int
    bucket: list[int] = field(default_factory=list)


def places_read(cur: Any) -> list[Place]:
    from banshi.demo.dataset import demo_data

    out: list[Place] = []
    for no, spec in enumerate(demo_data().places, start=1):
        code = spec.county[0]
        cur.execute("SELECT path FROM orgs_region WHERE code = %s", (code,))
        path = cur.fetchone()[0]
        cur.execute(
            "SELECT u.id, u.kind FROM orgs_unit u JOIN orgs_region r ON r.code = u.region_id "
            "WHERE r.path LIKE %s ORDER BY u.id", (path + "%",))
        units = cur.fetchall()
        committee = next(uid for uid, kind in units if kind == "committee")
        cur.execute("SELECT id FROM orgs_person WHERE unit_id = %s AND role = 'supervisor' ORDER BY id LIMIT 1", (committee,))
        supervisor = cur.fetchone()[0]
        cur.execute("SELECT id FROM orgs_person WHERE unit_id = %s AND role = 'handler' ORDER BY id LIMIT 1", (committee,))
        staff = cur.fetchone()[0]
        seen: dict[str, int] = {}
        weighted: list[tuple[int, float]] = []
        for uid, kind in units:
            i = seen.get(kind, 0)
            seen[kind] = i + 1
            ws = LEAD_WEIGHTS.get(kind, [])
            if i < len(ws):
                weighted.append((uid, ws[i]))
        total = sum(w for _, w in weighted)
        bucket: list[int] = []
        for uid, w in weighted:
            bucket += [uid] * round(BUCKET * w / total)
        bucket = (bucket + [weighted[0][0]] * BUCKET)[:BUCKET]
        out.append(Place(no, spec.key, code, spec.weight, committee, supervisor, staff, bucket))
    return out


def state_case_sql() -> str:
    """A CASE expression picking the state from the case's age (days) and a uniform random `rs`."""
    arms = []
    for below, mix in STATE_MIX:
        acc, inner = 0.0, []
        for state, share in mix:
            acc += share
            inner.append(f"WHEN rs < {acc:.4f} THEN '{state}'")
        pick = f"CASE {' '.join(inner)} ELSE '{mix[-1][0]}' END"
        arms.append(f"WHEN age < {below} THEN {pick}" if below is not None else f"ELSE {pick}")
    return "CASE " + " ".join(arms) + " END"


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


def bulk_load(url: str, n: int, detail: int) -> dict[str, Any]:
    import psycopg

    t_all = time.monotonic()
    stats: dict[str, Any] = {}
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cur:
        def step(label: str, sql: str, params: Any = None) -> None:
            t = time.monotonic()
            cur.execute(sql, params)
            say(f"    {label}: {time.monotonic() - t:.1f} s" + (f" ({cur.rowcount:,} rows)" if cur.rowcount and cur.rowcount > 0 else ""))

        cur.execute("SET session_replication_role = replica")  # no FK triggers: rows are consistent by construction
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET work_mem = '64MB'")
        cur.execute("SET maintenance_work_mem = '256MB'")
        cur.execute("SELECT setseed(%s)", (SEED,))
        places = places_read(cur)
        cur.execute("SELECT coalesce(max(id), 0) FROM cases_case")
        base = int(cur.fetchone()[0])
        cur.execute("SELECT now()")
        now: datetime = cur.fetchone()[0]
        stats["now"] = now

        # Small lookup tables: places, their regions, the demo's texts, the lead units' street regions.
        cur.execute("CREATE TEMP TABLE wb_place (place int PRIMARY KEY, county text, committee bigint, supervisor bigint, "
                    "staff bigint, nregion int, ntext int)")
        cur.execute("CREATE TEMP TABLE wb_region (place int, k int, code text, path text, PRIMARY KEY (place, k))")
        cur.execute("CREATE TEMP TABLE wb_text (place int, k int, type text, channel text, title text, content text, "
                    "category text, address text, citizen_name text, policy_id bigint, PRIMARY KEY (place, k))")
        cur.execute("CREATE TEMP TABLE wb_unit (id bigint PRIMARY KEY, code text, path text)")
        cur.execute("CREATE TEMP TABLE wb_bucket (place int, k int, unit bigint, PRIMARY KEY (place, k))")
        for p in places:
            cur.execute("SELECT path FROM orgs_region WHERE code = %s", (p.county,))
            cpath = cur.fetchone()[0]
            cur.execute(
                "INSERT INTO wb_region SELECT %s, row_number() OVER (ORDER BY code) - 1, code, path FROM orgs_region "
                "WHERE path LIKE %s AND level >= 4", (p.no, cpath + "%"))
            nregion = cur.rowcount
            cur.execute(
                "INSERT INTO wb_text SELECT %s, row_number() OVER (ORDER BY id) - 1, type, channel, title, content, category, "
                "address, citizen_name, policy_id FROM cases_case WHERE region_path LIKE %s AND id <= %s",
                (p.no, cpath + "%", base))
            ntext = cur.rowcount
            if ntext == 0:
                raise SystemExit(f"no demo case in {p.key}: cannot borrow texts")
            cur.execute("INSERT INTO wb_place VALUES (%s, %s, %s, %s, %s, %s, %s)",
                        (p.no, p.county, p.committee, p.supervisor, p.staff, nregion, ntext))
            cur.executemany("INSERT INTO wb_bucket VALUES (%s, %s, %s)", [(p.no, k, u) for k, u in enumerate(p.bucket)])
        # A unit at street level files its cases under its street; others under a random street/community.
        cur.execute("INSERT INTO wb_unit SELECT u.id, r.code, r.path FROM orgs_unit u JOIN orgs_region r ON r.code = u.region_id "
                    "WHERE r.level = 4")
        place_bucket: list[int] = []
        total_w = sum(p.weight for p in places)
        for p in places:
            place_bucket += [p.no] * round(BUCKET * p.weight / total_w)
        place_bucket = (place_bucket + [1] * BUCKET)[:BUCKET]
        cur.execute("ANALYZE wb_place; ANALYZE wb_region; ANALYZE wb_text; ANALYZE wb_unit; ANALYZE wb_bucket")

        saved = {t: indexes_drop(cur, t) for t in ("cases_case", "cases_caseevent", "sla_milestone")}
        say(f"    dropped {sum(len(v) for v in saved.values())} non-constraint indexes for the load")

        start = now - timedelta(days=365)
        step_iv = timedelta(days=365) / n
        step("generate", f"""
            CREATE TEMP TABLE wb_gen AS
            SELECT g.*, extract(epoch FROM (%(now)s::timestamptz - g.received_at)) / 86400.0 AS age
            FROM (
              SELECT i, %(base)s::bigint + i AS id,
                     %(start)s::timestamptz + (i - random()) * %(step)s::interval AS received_at,
                     (%(pb)s::int[])[1 + floor(random() * {BUCKET})::int] AS place,
                     random() AS rs, random() AS ru, random() AS rv, random() AS rw, random() AS rc,
                     random() AS rx, random() AS ry, random() AS rz,
                     floor(random() * {BUCKET})::int AS lk, random() AS rr, random() AS rt,
                     floor(random() * greatest(%(n)s / 3, 1))::bigint AS phone
              FROM generate_series(1, %(n)s) i OFFSET 0
            ) g""", {"now": now, "base": base, "start": start, "step": step_iv, "pb": place_bucket, "n": n})
        step("state", f"""
            CREATE TEMP TABLE wb_case AS
            SELECT g.*, s.state FROM wb_gen g, LATERAL (SELECT ({state_case_sql()}) AS state) s""")
        cur.execute("DROP TABLE wb_gen")
        cur.execute("ANALYZE wb_case")
        step("cases", """
            INSERT INTO cases_case (id, kind, number, tracking_code, type, channel, service_point_id, title, content, citizen_name,
              citizen_phone, citizen_id_number, anonymous, confidential, address, region_id, region_path, grid_id, category,
              agency, urgency, received_at, backdated, state, version, policy_id, intake_unit_id, lead_unit_id, handler_id,
              created_by_id, merged_into_id, satisfaction, reopen_count, next_due_at, overdue, triage, idempotency_key,
              created_at, updated_at, closed_at)
            SELECT c.id, 'demand',
              'BS' || to_char(c.received_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad(c.id::text, 8, '0'),
              'W' || upper(lpad(to_hex(c.id), 9, '0')),
              t.type, t.channel, NULL, t.title, t.content, t.citizen_name,
              '1' || (ARRAY['30','31','32','33','35','36','37','38','39','50','51','52','55','58','59','80','86','88','89'])[1 + (c.phone %% 19)::int]
                  || lpad((c.phone * 7919 %% 100000000)::text, 8, '0'),
              '', false, c.rc < 0.02, t.address,
              coalesce(u.code, r.code), coalesce(u.path, r.path), NULL, t.category, '',
              CASE WHEN c.rv < 0.02 THEN 'emergency' WHEN c.rv < 0.08 THEN 'urgent' ELSE 'normal' END,
              c.received_at, false, c.state, 1 + (c.id %% 5)::int, t.policy_id,
              CASE WHEN c.rw < 0.75 OR c.lead IS NULL THEN p.committee ELSE c.lead END,
              c.lead, NULL, NULL, NULL,
              CASE WHEN c.state IN ('followed_up', 'archived') THEN (ARRAY[5,5,5,4,4,4,3,3,2,1])[1 + floor(c.rx * 10)::int] END,
              0, c.next_due, c.next_due IS NOT NULL AND c.next_due < %(now)s, '{}'::jsonb, NULL,
              c.received_at, least(c.received_at + interval '3 days', %(now)s::timestamptz),
              CASE WHEN c.state IN ('followed_up', 'archived', 'withdrawn', 'merged', 'invalid')
                   THEN least(c.received_at + (2 + c.ry * 8) * interval '1 day', %(now)s::timestamptz) END
            FROM (
              SELECT w.*, CASE WHEN w.state IN ('registered', 'returned') THEN NULL ELSE b.unit END AS lead,
                CASE WHEN w.state IN ('registered', 'dispatched') THEN w.received_at + interval '1 day'
                     WHEN w.state IN ('handling', 'reply_review') THEN w.received_at + (7 + w.id %% 15) * interval '1 day'
                END AS next_due
              FROM wb_case w JOIN wb_bucket b ON b.place = w.place AND b.k = w.lk
            ) c
            JOIN wb_place p ON p.place = c.place
            JOIN wb_region r ON r.place = c.place AND r.k = floor(c.rr * p.nregion)::int
            JOIN wb_text t ON t.place = c.place AND t.k = floor(c.rt * p.ntext)::int
            LEFT JOIN wb_unit u ON u.id = c.lead
            ORDER BY c.id""", {"now": now})
        cur.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT max(id) FROM cases_case))")

        low = base + max(n - detail, 0)  # events and milestones for cases with id > low
        cur.execute("CREATE TEMP TABLE wb_flow (state text, step int, action text, from_state text, to_state text, "
                    "hours float, role text, by_lead bool)")
        cur.executemany("INSERT INTO wb_flow VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                        [(s, i, *ev) for s, evs in FLOWS.items() for i, ev in enumerate(evs)])
        cur.execute("ANALYZE wb_flow")
        step("events", """
            INSERT INTO cases_caseevent (case_id, action, from_state, to_state, actor_id, actor_role, actor_unit_id, at, reason, data)
            SELECT c.id, f.action, f.from_state, f.to_state, NULL, f.role,
                   CASE WHEN f.by_lead AND c.lead_unit_id IS NOT NULL THEN c.lead_unit_id ELSE c.intake_unit_id END,
                   least(c.received_at + f.hours * interval '1 hour', %(now)s::timestamptz), '', '{}'::jsonb
            FROM cases_case c JOIN wb_flow f ON f.state = c.state
            WHERE c.id > %(low)s""", {"now": now, "low": low})
        step("milestones", """
            INSERT INTO sla_milestone (case_id, kind, label, period, met_by, pausable, recurring, starts_at, due_at, warn_at,
              provisional, status, warned_at, breached_at, met_at, paused_at, extended)
            SELECT id, kind, label, period, met_by, false, false, received_at, due, due - warn, false, status,
                   CASE WHEN status IN ('pending', 'breached') AND due - warn < %(now)s THEN due - warn END,
                   CASE WHEN status = 'breached' THEN due END,
                   CASE WHEN status IN ('met', 'met_late') THEN least(received_at + interval '3 hours', %(now)s::timestamptz) END,
                   NULL, false
            FROM (
              SELECT c.id, c.received_at, m.kind, m.label, m.period, m.met_by,
                CASE m.kind WHEN 'sign' THEN c.received_at + interval '1 day'
                            ELSE c.received_at + (7 + c.id %% 15) * interval '1 day' END AS due,
                CASE m.kind WHEN 'sign' THEN interval '4 hours' ELSE interval '2 days' END AS warn,
                CASE
                  WHEN c.state IN ('returned', 'withdrawn', 'invalid', 'merged') THEN 'cancelled'
                  WHEN m.kind = 'sign' AND c.state NOT IN ('registered', 'dispatched') THEN 'met'
                  WHEN m.kind = 'result' AND c.state IN ('replied', 'followed_up', 'archived')
                    THEN CASE WHEN c.id %% 12 = 0 THEN 'met_late' ELSE 'met' END
                  WHEN (CASE m.kind WHEN 'sign' THEN c.received_at + interval '1 day'
                                    ELSE c.received_at + (7 + c.id %% 15) * interval '1 day' END) < %(now)s THEN 'breached'
                  ELSE 'pending'
                END AS status
              FROM cases_case c
              CROSS JOIN (VALUES ('sign', '签收', '1d', '["sign"]'::jsonb),
                                 ('result', '办结', '15wd', '["reply_approve", "answer"]'::jsonb)) m(kind, label, period, met_by)
              WHERE c.id > %(low)s
            ) x""", {"now": now, "low": low})
        step("co-units", """
            INSERT INTO cases_caseunit (case_id, unit_id, role, reported, report, reported_at)
            SELECT w.id, b.unit, 'co', w.state NOT IN ('dispatched', 'handling'), '', NULL
            FROM wb_case w JOIN cases_case c ON c.id = w.id
            JOIN wb_bucket b ON b.place = w.place AND b.k = mod(w.lk + 137, 1000)
            WHERE w.rz < 0.02 AND c.lead_unit_id IS NOT NULL AND b.unit <> c.lead_unit_id""")
        step("supervisions", """
            INSERT INTO cases_supervision (case_id, note, due_at, by_id, created_at, answer, answered_at, answered_by_id)
            SELECT w.id, '请加快办理进度，按期答复群众。', w.received_at + interval '5 days', p.supervisor,
                   least(w.received_at + interval '2 days', %(now)s::timestamptz),
                   CASE WHEN open THEN '' ELSE '已督促承办人加快办理。' END,
                   CASE WHEN open THEN NULL ELSE least(w.received_at + interval '3 days', %(now)s::timestamptz) END,
                   CASE WHEN open THEN NULL ELSE p.staff END
            FROM (SELECT w.*, (w.state IN ('dispatched', 'handling', 'reply_review') AND w.ry < 0.6) AS open
                  FROM wb_case w WHERE w.rz >= 0.02 AND w.rz < 0.035 AND w.state <> 'registered') w
            JOIN wb_place p ON p.place = w.place""", {"now": now})
        step("extension requests", """
            INSERT INTO cases_approvalrequest (case_id, kind, status, reason, period, requested_by_id, decided_by_id,
              decision_note, created_at, decided_at)
            SELECT w.id, 'extension', CASE WHEN pend THEN 'pending' ELSE 'approved' END, '案情复杂，需调取材料，申请延期。',
                   '10wd', p.staff, CASE WHEN pend THEN NULL ELSE p.staff END, '',
                   least(w.received_at + interval '4 days', %(now)s::timestamptz),
                   CASE WHEN pend THEN NULL ELSE least(w.received_at + interval '5 days', %(now)s::timestamptz) END
            FROM (SELECT w.*, (w.state = 'handling' AND w.ry < 0.3) AS pend
                  FROM wb_case w WHERE w.rz >= 0.035 AND w.rz < 0.075
                  AND w.state NOT IN ('registered', 'returned', 'withdrawn', 'invalid', 'merged')) w
            JOIN wb_place p ON p.place = w.place""", {"now": now})
        for table, defs in saved.items():
            t = time.monotonic()
            for d in defs:
                cur.execute(d)
            say(f"    re-create {len(defs)} indexes on {table}: {time.monotonic() - t:.1f} s")
        cur.execute("DROP TABLE wb_case")
        t = time.monotonic()
        for table in ("cases_case", "cases_caseevent", "sla_milestone", "cases_caseunit", "cases_supervision",
                      "cases_approvalrequest"):
            cur.execute(f"VACUUM (ANALYZE) {table}")
        say(f"    vacuum analyze: {time.monotonic() - t:.1f} s")
        for table in ("cases_case", "cases_caseevent", "sla_milestone", "cases_caseunit", "cases_supervision",
                      "cases_approvalrequest"):
            cur.execute(f"SELECT count(*) FROM {table}")
            stats[table] = int(cur.fetchone()[0])
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        stats["size"] = cur.fetchone()[0]
    stats["seconds"] = time.monotonic() - t_all
    return stats


# -- measuring -------------------------------------------------------------------------------------

@dataclass
class Result:
    who: str
    label: str
    url: str
    times: list[float]
    cpu: list[float]
    queries: int
    sql_ms: float
    slowest_ms: float
    slowest_sql: str
    status: int
    bytes: int

    @property
    def p50(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return pct(self.times, 0.95)


def measure(client: Any, who: str, label: str, url: str, repeat: int, page_budget: float) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = time.perf_counter()
    resp = client.get(url)  # warm-up (and the status check)
    first = time.perf_counter() - t
    if resp.status_code != 200:
        say(f"  !! {who} {url}: HTTP {resp.status_code}")
    reps = max(3, min(repeat, int(page_budget / max(first, 1e-3))))
    times: list[float] = []
    cpu: list[float] = []
    for _ in range(reps):
        c, t = time.process_time(), time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    qs = [(float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries]
    slow = max(qs, default=(0.0, ""))
    return Result(who, label, url, times, cpu, len(qs), sum(t for t, _ in qs), slow[0], slow[1], resp.status_code,
                  len(resp.content))


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(r[0] for r in cur.fetchall())


def pick_cases(person: Any) -> list[tuple[str, int]]:
    from django.db.models import Count

    from banshi.cases.queries.cases import visible_cases

    vis = visible_cases(person)
    out: list[tuple[str, int]] = []
    newest = vis.filter(state__in=["handling", "dispatched"]).order_by("-received_at", "-id").values_list("pk", flat=True).first()
    if newest:
        out.append(("case: newest open", newest))
    demo = (vis.filter(pk__lte=DEMO_CASES).annotate(n=Count("events")).order_by("-n", "-id")
            .values_list("pk", flat=True).first())
    if demo:
        out.append(("case: demo (full history)", demo))
    old = vis.filter(state="archived", tracking_code__startswith="W").order_by("id").values_list("pk", flat=True)[500:501]
    if old:
        out.append(("case: old archived", old[0]))
    return out


def pages_for(person: Any) -> list[tuple[str, str]]:
    from banshi.cases.queries.cases import QUEUES
    from banshi.orgs.enums import Role

    pages = [("home", "/"), ("queue: all", "/queue/")]
    pages += [(f"queue: {QUEUES[q]} ({q})", f"/queue/?queue={q}") for q in QUEUES]
    pages.append(("queue: filter+search p200", "/queue/?queue=&type=complaint&due=on_time&q=%E5%99%AA%E9%9F%B3&page=200"))
    pages.append(("queue: all, page 200", "/queue/?page=200"))
    pages.append(("queue: search, no match", "/queue/?q=%E5%A4%A7%E5%A2%83%E9%97%A8%E5%9F%8E%E6%A5%BC"))  # 大境门城楼
    if person.role in (Role.DISPATCHER, Role.SUPERVISOR):
        pages.append(("desk", "/desk/"))
        pages.append(("supervision", "/supervision/"))
    return pages


def run_measurements(args: argparse.Namespace) -> list[Result]:
    from django.test import Client

    from banshi.orgs.models import Person

    personas = [
        ("dispatcher", "dispatcher", "派单员 · 海港区委政法委 (busiest unit; sees the district)"),
        ("handler", "handler", "承办人 · 文化路派出所"),
        ("supervisor", "supervisor", "督办 · 海港区委政法委 (region)"),
    ]
    say("  columns: p50 / p95 / max wall ms per request; n timed requests; cpu50 median CPU ms of this Python process")
    say("  (view + template, not PostgreSQL); SQL queries per request; SQL ms their total; slowest query ms")
    results: list[Result] = []
    for who, username, desc in personas:
        if args.who and args.who != who:
            continue
        person = Person.objects.select_related("unit", "unit__region").get(username=username)
        client = Client()
        client.force_login(person)
        pages = pages_for(person) + [(label, f"/cases/{cid}/") for label, cid in pick_cases(person)]
        say(f"\n  {who}: {desc}")
        say(f"  {'page':<34} {'p50':>7} {'p95':>7} {'max':>7} {'n':>3} {'cpu50':>6} {'SQL':>4} {'SQL ms':>7} {'slowest':>7}")
        for label, url in pages:
            if args.only and args.only not in label and args.only not in url:
                continue
            r = measure(client, who, label, url, args.repeat, args.page_budget)
            flag = "  OVER" if r.p95 > BUDGET_MS else ""
            say(f"  {label:<34} {r.p50:7.1f} {r.p95:7.1f} {max(r.times):7.1f} {len(r.times):3d} "
                f"{statistics.median(r.cpu):6.1f} {r.queries:4d} {r.sql_ms:7.1f} {r.slowest_ms:7.1f}{flag}")
            results.append(r)
            if args.profile and (args.profile in label or args.profile in url):
                profile(client, url)
    return results


# -- experiments: what a recommended fix would do, measured without editing the app ---------------

# Candidate indexes for --try-index: created before measuring, dropped afterwards (bench database only).
CANDIDATE_INDEXES: dict[str, list[str]] = {
    # search: trigram indexes on the three columns searched with LIKE '%term%' (used from 3 characters on).
    "text_trgm": ["CREATE EXTENSION IF NOT EXISTS pg_trgm",
                  "CREATE INDEX IF NOT EXISTS wb_case_content_trgm ON cases_case USING gin (content gin_trgm_ops)",
                  "CREATE INDEX IF NOT EXISTS wb_case_title_trgm ON cases_case USING gin (title gin_trgm_ops)",
                  "CREATE INDEX IF NOT EXISTS wb_case_address_trgm ON cases_case USING gin (address gin_trgm_ops)"],
}


def try_indexes(names: list[str]) -> list[str]:
    from django.db import connection

    made = []
    for name in names:
        for sql in CANDIDATE_INDEXES[name]:
            t = time.monotonic()
            with connection.cursor() as cur:
                cur.execute("SET maintenance_work_mem = '256MB'")
                cur.execute(sql)
                if " INDEX " in sql:
                    made.append(sql.split("IF NOT EXISTS ", 1)[1].split()[0])
                    cur.execute(f"ANALYZE {sql.split(' ON ', 1)[1].split()[0]}")
            say(f"  EXPERIMENT --try-index {name}: {sql}  ({time.monotonic() - t:.1f} s)")
    return made


def drop_indexes(made: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for name in made:
            cur.execute(f'DROP INDEX IF EXISTS "{name}"')


def profile(client: Any, url: str) -> None:
    import cProfile
    import io
    import pstats

    pr = cProfile.Profile()
    pr.enable()
    client.get(url)
    pr.disable()
    buf = io.StringIO()
    st = pstats.Stats(pr, stream=buf)
    st.sort_stats("cumulative").print_stats(r"banshi/|template/(base|defaulttags|loader_tags)|urls/base|csrf|paginator", 30)
    st.sort_stats("tottime").print_stats(15)
    say("    " + buf.getvalue().replace("\n", "\n    "))


# -- main ------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=1_000_000, help="bulk cases to load (default 1,000,000)")
    ap.add_argument("--detail", type=int, default=None, help="newest cases that get events and milestones (default: all)")
    ap.add_argument("--keep", action="store_true", help=f"keep the database {PG_DB} at the end")
    ap.add_argument("--reuse", action="store_true", help=f"skip the load when {PG_DB} already holds >= --cases bulk cases")
    ap.add_argument("--repeat", type=int, default=20, help="timed requests per page after one warm-up (default 20)")
    ap.add_argument("--page-budget", type=float, default=6.0, help="at most this many seconds of timed requests per page")
    ap.add_argument("--only", default="", help="measure only pages whose label or URL contains this")
    ap.add_argument("--who", default="", help="measure only this persona: dispatcher, handler or supervisor")
    ap.add_argument("--no-explain", action="store_true", help="skip EXPLAIN ANALYZE of pages over budget")
    ap.add_argument("--try-index", default="", help="EXPERIMENT: comma-separated candidate indexes to create for the "
                    "run and drop afterwards: " + ", ".join(CANDIDATE_INDEXES) + " or all")
    ap.add_argument("--profile", default="", help="cProfile one request of pages whose label or URL contains this")
    ap.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    args = ap.parse_args()
    guard(PG_DB)
    url = db_url(args.pg_admin_url, PG_DB)
    detail = args.cases if args.detail is None else min(args.detail, args.cases)

    say("Workbench page speed (bench/workbench.py)")
    say(f"  date:    {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    say(f"  load:    {loadavg()}")
    say(f"  python:  {platform.python_version()}  machine: {platform.machine()}")
    say(f"  rerun:   {RERUN}")
    t0 = time.monotonic()
    var_dir = tempfile.mkdtemp(prefix="banshi-wb-")
    have = bulk_count(url) if args.reuse and db_exists(args.pg_admin_url, PG_DB) else 0
    reused = have >= args.cases
    if not reused:
        say(f"\n[1/3] database {PG_DB}: create, migrate, demo world ({DEMO_CASES} cases)")
        db_recreate(args.pg_admin_url, PG_DB)
    django_setup(url, var_dir)
    from django.core.management import call_command
    from django.db import connection, connections

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        say(f"  PostgreSQL {cur.fetchone()[0]}")
        cur.execute("SELECT current_setting('shared_buffers'), current_setting('work_mem'), current_setting('jit')")
        sb, wm, jit = cur.fetchone()
        say(f"  server settings: shared_buffers={sb} work_mem={wm} jit={jit}")
    try:
        if reused:
            say(f"\n[1-2/3] reusing {PG_DB}: {have:,} bulk cases already loaded")
        else:
            t = time.monotonic()
            call_command("migrate", verbosity=0)
            call_command("demo", cases=DEMO_CASES, seed=42, verbosity=0)
            say(f"  migrate + demo: {time.monotonic() - t:.1f} s")
            say(f"\n[2/3] bulk load: {args.cases:,} cases, events and milestones for the newest {detail:,}")
            connections.close_all()
            stats = bulk_load(url, args.cases, detail)
            say(f"  loaded in {stats['seconds']:.1f} s; rows: " + ", ".join(
                f"{k} {v:,}" for k, v in stats.items() if isinstance(v, int)) + f"; database {stats['size']}")
        with connection.cursor() as cur:
            cur.execute("SELECT count(*), count(*) FILTER (WHERE state = ANY(%s)), count(*) FILTER (WHERE overdue) FROM cases_case",
                        [list(OPEN)])
            total, open_n, overdue_n = cur.fetchone()
            cur.execute("SELECT count(*) FROM cases_case WHERE lead_unit_id = (SELECT unit_id FROM orgs_person WHERE username = 'handler')")
            station = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM cases_case WHERE region_path LIKE '130000/130300/130302/%'")
            district = cur.fetchone()[0]
        say(f"  N = {total:,} cases in the database ({open_n:,} open, {overdue_n:,} overdue); "
            f"海港区 {district:,}; 文化路派出所 lead {station:,}")

        tries = list(CANDIDATE_INDEXES) if args.try_index == "all" else [i for i in args.try_index.split(",") if i]
        made = try_indexes(tries)
        say(f"\n[3/3] pages (ms at the server, Django test Client in-process; budget p95 < {BUDGET_MS:.0f} ms)")
        say(f"  load now: {loadavg()}")
        results = run_measurements(args)
        over = [r for r in results if r.p95 > BUDGET_MS]
        say(f"\n  {len(results) - len(over)} of {len(results)} pages within budget; {len(over)} over {BUDGET_MS:.0f} ms p95.")
        if results:
            say(f"  sums over the {len(results)} pages: p50 {sum(r.p50 for r in results):.0f} ms, "
                f"cpu50 {sum(statistics.median(r.cpu) for r in results):.0f} ms, SQL {sum(r.sql_ms for r in results):.0f} ms; "
                f"worst p95 {max(r.p95 for r in results):.0f} ms ({max(results, key=lambda r: r.p95).who} "
                f"{max(results, key=lambda r: r.p95).label})")
        if over and not args.no_explain:
            seen: set[str] = set()
            for r in sorted(over, key=lambda r: -r.p95):
                key = r.slowest_sql
                say(f"\n--- OVER: {r.who} {r.label} {r.url}: p95 {r.p95:.0f} ms, {r.queries} queries, "
                    f"SQL {r.sql_ms:.0f} ms, slowest query {r.slowest_ms:.0f} ms")
                if key in seen:
                    say("    (same slowest query as above)")
                    continue
                seen.add(key)
                say("    " + (key if len(key) < 3000 else key[:3000] + " …"))
                try:
                    say("    " + explain(key).replace("\n", "\n    "))
                except Exception as exc:  # a plan we cannot get is reported, not fatal
                    say(f"    (EXPLAIN failed: {exc})")
        drop_indexes(made)
        say(f"\n  load at end: {loadavg()}; total {time.monotonic() - t0:.0f} s")
        say(f"  rerun: {RERUN}" + ("  (add --keep to keep the database, --reuse to skip the load)"))
    finally:
        connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)
        if args.keep:
            say(f"  kept database {PG_DB} ({url})")
        else:
            db_drop(args.pg_admin_url, PG_DB)
            say(f"  dropped database {PG_DB}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
