"""The administration's people page (/manage/people/) with 5,000 people: wall time, size, SQL queries.

Rerun (from the repository root; no network, no server, removes what it made):

    .venv/bin/python bench/admin_people.py

Budget (issue 15): under 300 ms at the server (p95) with 5,000 people.

What it does:

1. a throwaway SQLite database in a fresh temporary BANSHI_VAR_DIR (DATABASE_URL is ignored, so a
   real database is never touched), ``migrate``;
2. ``--places`` districts (default 6) of one city, each with the units a district has (committee,
   court, procuratorate, police branch with ``--stations`` stations, justice bureau with its
   offices, departments, streets: 25 units each by default, 150 in all), one administrator and
   ``--people`` people (default 5,000) spread over the units and roles, in one bulk insert;
3. measures the real view in-process with Django's test Client (force_login as the administrator;
   templates render as in production): the first page, the last page, a search by name, a search by
   unit name, a role filter and an edit form (``?edit=``). Each page is requested once to warm up,
   then ``--repeat`` times. Columns: p50 / p95 / max wall ms, the HTML size in kB, the number of SQL
   queries in one extra captured request;
4. removes the temporary directory (``--keep`` keeps it and prints where).

The load average is printed at the start and the end: other jobs on the machine slow every figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_MS = 300.0
RERUN = ".venv/bin/python bench/admin_people.py"
ROLES = ("handler", "handler", "handler", "leader", "operator", "dispatcher", "supervisor")
UNIT_KINDS = (
    ("committee", "区委政法委"), ("court", "区人民法院"), ("procuratorate", "区人民检察院"),
    ("justice_bureau", "区司法局"), ("notary", "公证处"), ("legal_aid", "法律援助中心"),
    ("department", "人力资源和社会保障局"), ("department", "城市管理综合执法局"), ("department", "民政局"),
)


def say(text: str = "") -> None:
    print(text, flush=True)


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def django_setup(var_dir: str) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ["BANSHI_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "banshi.settings"
    import django

    django.setup()


def build(places: int, stations: int, people: int) -> tuple[Any, int]:
    """The regions, units and people; returns the administrator and the number of units."""
    from django.contrib.auth.hashers import make_password

    from banshi.orgs.models import Person, Region, Unit

    city = Region.objects.create(code="139900", name="基准市", level=2)
    units: list[Unit] = []
    for p in range(places):
        county = Region.objects.create(code=f"1399{p + 1:02d}", name=f"第{p + 1}区", level=3, parent=city)
        here: dict[str, Unit] = {}
        for kind, name in UNIT_KINDS:
            unit = Unit.objects.create(name=f"第{p + 1}{name}", kind=kind, region=county)
            here.setdefault(kind, unit)
            units.append(unit)
        branch = Unit.objects.create(name=f"第{p + 1}区公安分局", kind="police_branch", region=county)
        units.append(branch)
        for s in range(stations):
            units.append(Unit.objects.create(name=f"第{p + 1}区第{s + 1}派出所", kind="police_station", region=county,
                                             parent=branch))
        for s in range(3):
            units.append(Unit.objects.create(name=f"第{p + 1}区第{s + 1}司法所", kind="justice_office", region=county,
                                             parent=here["justice_bureau"]))
            units.append(Unit.objects.create(name=f"第{p + 1}区第{s + 1}街道办事处", kind="street", region=county))
    password = make_password("bench-pass-123")  # one hash for everyone: hashing 5,000 would take minutes
    admin = Person.objects.create(username="bench_admin", display_name="管理员", role="admin", unit=units[0],
                                  password=password)
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
    Person.objects.bulk_create([
        Person(username=f"u{i:05d}", display_name=surnames[i % len(surnames)] + given[(i // 20) % len(given)] + given[(i // 7) % len(given)],
               role=ROLES[i % len(ROLES)], unit=units[i % len(units)], password=password, is_active=i % 53 != 0)
        for i in range(people)
    ], batch_size=1000)
    return admin, len(units)


def measure(client: Any, url: str, repeat: int) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return times, len(response.content), len(ctx)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=5000)
    ap.add_argument("--places", type=int, default=6)
    ap.add_argument("--stations", type=int, default=6, help="police stations per district")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args(argv)

    var_dir = tempfile.mkdtemp(prefix="banshi-bench-admin-")
    say(f"admin people page · {args.people} people · load {load()} · python {sys.version.split()[0]}")
    try:
        django_setup(var_dir)
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        t0 = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        admin, n_units = build(args.places, args.stations, args.people)
        say(f"  {connection.vendor} in {var_dir}: migrated and loaded {n_units} units, {args.people + 1} people "
            f"in {time.monotonic() - t0:.1f}s")
        from banshi.orgs.models import Person

        client = Client()
        client.force_login(admin)
        last = (Person.objects.count() + 49) // 50
        some = Person.objects.order_by("id")[args.people // 2]
        pages = [
            ("first page", "/manage/people/"),
            (f"last page ({last})", f"/manage/people/?page={last}"),
            ("search: a name", "/manage/people/?q=" + some.display_name),
            ("search: a unit", "/manage/people/?q=" + "第3区第2派出所"),
            ("filter: role leader, p2", "/manage/people/?role=leader&page=2"),
            ("edit form", f"/manage/people/?edit={some.pk}"),
        ]
        say(f"  {'page':<26} {'p50':>7} {'p95':>7} {'max':>7} {'n':>3} {'kB':>6} {'SQL':>4}")
        worst = 0.0
        for label, url in pages:
            times, size, queries = measure(client, url, args.repeat)
            worst = max(worst, p95(times))
            flag = "  OVER" if p95(times) > BUDGET_MS else ""
            say(f"  {label:<26} {statistics.median(times):7.1f} {p95(times):7.1f} {max(times):7.1f} {len(times):3d} "
                f"{size / 1024:6.1f} {queries:4d}{flag}")
        say(f"  worst p95 {worst:.1f} ms (budget {BUDGET_MS:.0f} ms) · load {load()}")
        say(f"  rerun: {RERUN}")
    finally:
        if args.keep:
            say(f"  kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
