"""Intake throughput: demands registered over HTTP against the real server, on SQLite and PostgreSQL.

Rerun (from the repository root; stdlib only, loopback traffic only, stops by itself):

    .venv/bin/python bench/intake.py --backend both

What it does, for each backend:

1. an isolated database: SQLite in a fresh temporary BANSHI_VAR_DIR; PostgreSQL in a dedicated
   database ``banshi_bench`` (dropped and re-created through ``--pg-admin-url``, default
   postgresql://postgres@127.0.0.1:5432/postgres), so ``test_*`` databases are never touched;
   ``banshi migrate``; one district, one unit and one operator (``banshi shell -c``);
2. the real server: ``banshi serve --no-worker --bind 127.0.0.1:<free port> --workers W --threads T``
   (gunicorn gthread), waiting for /healthz; the operator's API token comes from
   POST /api/v1/auth/token;
3. C client threads, each on its own keep-alive ``http.client`` connection, POST a realistic
   Chinese demand to /api/v1/cases with a unique Idempotency-Key until ``--requests`` are sent or
   ``--duration`` seconds have passed (whichever comes first), after a short untimed warm-up;
4. prints throughput, p50/p90/p99 latency, every non-201 status, CPU seconds per demand of the
   server processes, of the PostgreSQL backends and of this load generator (all share this
   machine's CPUs), and checks that the Case rows in the database are exactly the 201 responses;
5. stops the server, drops ``banshi_bench``, removes the temporary directory.

``--workers``, ``--threads`` and ``--clients`` take comma-separated lists to sweep a grid, e.g.

    .venv/bin/python bench/intake.py --backend postgres --workers 2,3,4 --threads 2,4 --clients 8,16

The load average is printed before and after each run: figures taken while other jobs run are
lower than on an idle machine, so compare runs made under similar load.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "banshi_bench"
USERNAME, PASSWORD = "bench_operator", "bench-pass-123"
DISTRICT = "130302"
# Tuned on the 2-core machine (see bench/README.md); any flag overrides them.
# SQLite: one process (every extra process re-reads the pages another one wrote and competes for the
# single write lock); PostgreSQL: a process per core. Threads overlap the database round trips.
DEFAULTS = {
    "sqlite": {"workers": "1", "threads": "4", "clients": "4"},
    "postgres": {"workers": "2", "threads": "4", "clients": "8"},
}
CLK_TCK = os.sysconf("SC_CLK_TCK")

# -- realistic demands ---------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
ROADS = ("文化路", "建设大街", "河北大街", "海阳路", "迎宾路", "秦皇东大街", "和平大街", "友谊路")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "秀英", "桂兰", "志强", "海燕", "丽娟", "国庆", "春梅", "文杰", "晓东", "淑珍", "立新")
# 1 in 8 comes in on the procuratorate line 12309, whose policy starts two milestones at registration.
CHANNELS = ("hotline_12345", "hotline_12345", "portal", "wechat_qr", "window", "field_visit", "grid", "hotline_12309")
DEMANDS: tuple[tuple[str, str, str], ...] = (
    ("complaint", "噪音扰民", "{road}{no}号楼下烧烤店每天营业到凌晨两点，油烟和噪音严重影响休息，多次沟通无果，请求相关部门处理。"),
    ("help", "讨要工资", "本人在{road}一处工地干活三个月，包工头拖欠工资一万二千元至今未付，家里老人看病急需用钱，请求帮助讨薪。"),
    ("consultation", "法律咨询", "我和前夫离婚时约定孩子抚养费每月一千五百元，现在他已经半年没给了，想咨询一下怎么申请强制执行。"),
    ("report", "电信诈骗线索", "今天接到自称公安局的电话，说我的银行卡涉嫌洗钱，要求转账到安全账户，我没有转，提供对方号码供核查。"),
    ("complaint", "物业纠纷", "{road}{no}号小区物业不履行职责，电梯坏了两个星期没人修，楼里有八十多岁的老人上下楼非常困难。"),
    ("help", "邻里纠纷", "楼上邻居装修时把卫生间防水层破坏，导致我家天花板渗水发霉，协商多次无果，希望社区和司法所帮忙调解。"),
    ("suggestion", "交通安全", "{road}与学校路口早晚高峰车辆乱停乱放，学生过马路很危险，建议增设护学岗和交通信号灯。"),
    ("consultation", "立案咨询", "想起诉一个欠我货款的公司，金额八万元左右，请问需要准备哪些材料，可以网上立案吗？"),
    ("complaint", "执行进度", "我的民事案件判决生效已经一年，对方一直不履行，申请强制执行后没有任何进展，请法院告知执行情况。"),
    ("help", "法律援助", "我母亲在{road}附近被电动车撞伤住院，对方不肯赔偿医药费，家庭经济困难，想申请法律援助。"),
    ("report", "治安隐患", "{road}{no}号附近有一处出租屋经常有人聚集赌博，深夜吵闹，怀疑有违法活动，请派出所核查。"),
    ("consultation", "户籍办理", "孩子在外地出生，现在想把户口落到{road}派出所辖区，需要带哪些证件，能不能预约办理？"),
)


def id_number(n: int) -> str:
    body = f"{DISTRICT}{1950 + n % 50}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return body + _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def demand(n: int) -> bytes:
    kind, title, text = DEMANDS[n % len(DEMANDS)]
    road = ROADS[n % len(ROADS)]
    anonymous = n % 10 == 7
    body: dict[str, Any] = {
        "type": kind,
        "channel": CHANNELS[n % len(CHANNELS)],
        "title": title,
        "content": text.format(road=road, no=1 + n % 120),
        "citizen_name": "" if anonymous else SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)],
        "citizen_phone": f"13{n % 10}{n * 7919 % 100_000_000:08d}",
        "citizen_id_number": "" if anonymous else id_number(n),
        "anonymous": anonymous,
        "address": f"河北省秦皇岛市海港区{road}{1 + n % 120}号",
        "region_code": DISTRICT,
    }
    return json.dumps(body, ensure_ascii=False).encode()


# -- processes -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def banshi(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    cmd = [sys.executable, "-m", "banshi.cli", *args]
    r = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"`banshi {' '.join(args)[:60]}` failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return r.stdout


SETUP = f"""
from banshi.orgs.models import Person, Region, Unit
city = Region.objects.get_or_create(code="130300", defaults={{"name": "秦皇岛市", "level": 2}})[0]
district = Region.objects.get_or_create(code="{DISTRICT}", defaults={{"name": "海港区", "level": 3, "parent": city}})[0]
unit = Unit.objects.create(name="海港区委政法委", kind="committee", region=district)
p = Person(username="{USERNAME}", role="operator", unit=unit, display_name="压测话务员")
p.set_password("{PASSWORD}")
p.save()
print("ok", unit.pk, p.pk)
"""
COUNT = "from banshi.cases.models import Case; print(Case.objects.count())"


def django_exec(env: dict[str, str], code: str) -> str:
    """Run code in `banshi shell` with the bench environment; returns its last line of output."""
    lines = banshi(env, "shell", "--no-imports", "-c", code).strip().splitlines()
    return lines[-1] if lines else ""


def cpu_seconds(pids: list[int], *, tree: bool) -> dict[int, float]:
    """utime+stime of each pid (and, with tree, of its descendants) from /proc."""
    out: dict[int, float] = {}
    stack = list(pids)
    while stack:
        pid = stack.pop()
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK
            if tree:
                for task in Path(f"/proc/{pid}/task").iterdir():
                    stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError, IndexError):
            continue
    return out


class Server:
    def __init__(self, env: dict[str, str], workdir: Path, workers: int, threads: int) -> None:
        self.port = free_port()
        self.workers, self.threads = workers, threads
        self.log_path = workdir / f"server-{self.port}.log"
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "banshi.cli", "serve", "--no-worker", "--bind", f"{HOST}:{self.port}",
             "--workers", str(workers), "--threads", str(threads)],
            env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                status, _ = request(HOST, self.port, "GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server did not answer /healthz; log:\n{self.tail()}")

    def tail(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # our own session only
                self.proc.wait(timeout=10)
        self.log.close()


def request(host: str, port: int, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


# -- databases -----------------------------------------------------------------------------------


@dataclass
class Backend:
    name: str
    env: dict[str, str]
    workdir: Path
    pg_admin_url: str = ""
    notes: list[str] = field(default_factory=list)

    def backend_pids(self) -> list[int]:
        if not self.pg_admin_url:
            return []
        import psycopg

        with psycopg.connect(self.pg_admin_url, autocommit=True, connect_timeout=5) as c:
            rows = c.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (PG_DB,)).fetchall()
        return [int(r[0]) for r in rows]


def pg_reachable(url: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as c:
            return str(c.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    except Exception as exc:
        why = " ".join(str(exc).split())[:120]
        print(f"  PostgreSQL at {url} does not answer ({type(exc).__name__}: {why})")
        return None


def pg_recreate(admin_url: str, *, create: bool) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as c:
        c.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        if create:
            c.execute(f"CREATE DATABASE {PG_DB}")


def backend_open(name: str, args: argparse.Namespace) -> Backend:
    workdir = Path(tempfile.mkdtemp(prefix=f"banshi-bench-{name}-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "banshi.settings", "BANSHI_VAR_DIR": str(workdir / "var"),
        "BANSHI_DEBUG": "0", "BANSHI_LOG_LEVEL": "WARNING", "PYTHONDONTWRITEBYTECODE": "1",
    })
    b = Backend(name, env, workdir)
    try:
        if name == "postgres":
            b.pg_admin_url = args.pg_admin_url
            pg_recreate(args.pg_admin_url, create=True)
            base = args.pg_admin_url.rsplit("/", 1)[0]
            env["DATABASE_URL"] = f"{base}/{PG_DB}" + (f"?{args.pg_options}" if args.pg_options else "")
        banshi(env, "migrate", "--noinput", "-v0")
        out = django_exec(env, SETUP)
        if not out.startswith("ok"):
            raise RuntimeError(f"setup printed {out!r}")
    except BaseException:
        backend_close(b)
        raise
    return b


def backend_close(b: Backend) -> None:
    if b.pg_admin_url:
        try:
            pg_recreate(b.pg_admin_url, create=False)
        except Exception as exc:
            print(f"  could not drop {PG_DB}: {exc}")
    shutil.rmtree(b.workdir, ignore_errors=True)


# -- load ----------------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    first_error: str = ""


def drive(port: int, token: str, *, clients: int, total: int, duration: float, run_id: str,
          start_at: int) -> tuple[Tally, float]:
    """C threads on keep-alive connections; returns the merged tally and the wall time."""
    counter = itertools.count(start_at)
    stop_n = start_at + total
    tallies = [Tally() for _ in range(clients)]
    barrier = threading.Barrier(clients + 1, timeout=60)
    deadline = [0.0]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=utf-8",
               "Accept": "application/json"}

    def client(t: Tally) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        with contextlib.suppress(OSError):  # the first request reconnects and reports the error
            conn.connect()
        barrier.wait()
        while True:
            n = next(counter)  # atomic under the GIL
            if n >= stop_n or time.perf_counter() > deadline[0]:
                break
            body = demand(n)
            h = {**headers, "Idempotency-Key": f"bench-{run_id}-{n}"}
            t0 = time.perf_counter()
            status = ""
            for attempt in (1, 2):
                try:
                    conn.request("POST", "/api/v1/cases", body=body, headers=h)
                    resp = conn.getresponse()
                    data = resp.read()
                    status = str(resp.status)
                    if resp.status != 201 and not t.first_error:
                        t.first_error = f"{resp.status} {readable(data)}"
                    if resp.will_close:
                        conn.close()
                    break
                except (OSError, http.client.HTTPException) as exc:
                    # A keep-alive connection the server closed: the same Idempotency-Key makes a retry safe.
                    conn.close()
                    status = f"{type(exc).__name__}"
                    if attempt == 1:
                        t.retries += 1
            t.latencies.append(time.perf_counter() - t0)
            t.statuses[status] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(t,), daemon=True) for t in tallies]
    for th in threads:
        th.start()
    deadline[0] = time.perf_counter() + duration
    barrier.wait()
    t0 = time.perf_counter()
    for th in threads:
        th.join(timeout=duration + 120)
    wall = time.perf_counter() - t0
    merged = Tally()
    for t in tallies:
        merged.latencies.extend(t.latencies)
        merged.statuses.update(t.statuses)
        merged.retries += t.retries
        merged.first_error = merged.first_error or t.first_error
    return merged, wall


def readable(body: bytes) -> str:
    """An error body for the report: JSON with its Chinese unescaped, cut short."""
    try:
        return json.dumps(json.loads(body), ensure_ascii=False)[:300]
    except ValueError:
        return body[:300].decode(errors="replace")


def pct(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, math.ceil(p / 100 * len(sorted_values)) - 1))  # nearest rank
    return sorted_values[k]


def loadavg() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def run_one(b: Backend, server: Server, token: str, clients: int, args: argparse.Namespace,
            seq: list[int]) -> dict[str, Any]:
    run_id = uuid.uuid4().hex[:8]
    before = int(django_exec(b.env, COUNT))
    load_before = loadavg()
    # Untimed warm-up: opens each worker thread's DB connection and warms imports and caches.
    warm, _ = drive(server.port, token, clients=clients, total=max(args.warmup, clients), duration=30,
                    run_id=run_id, start_at=seq[0])
    seq[0] += max(args.warmup, clients)
    pg_pids = b.backend_pids()
    srv0, pg0 = cpu_seconds([server.proc.pid], tree=True), cpu_seconds(pg_pids, tree=False)
    me0 = time.process_time()
    tally, wall = drive(server.port, token, clients=clients, total=args.requests, duration=args.duration,
                        run_id=run_id, start_at=seq[0])
    me1 = time.process_time()
    srv1, pg1 = cpu_seconds([server.proc.pid], tree=True), cpu_seconds(b.backend_pids(), tree=False)
    seq[0] += args.requests
    after = int(django_exec(b.env, COUNT))
    lat = sorted(tally.latencies)
    n = len(lat)
    created = tally.statuses.get("201", 0) + warm.statuses.get("201", 0)
    errors = n - tally.statuses.get("201", 0)
    srv_cpu = sum(srv1.values()) - sum(srv0.get(p, 0.0) for p in srv1)
    pg_cpu = sum(pg1.values()) - sum(pg0.get(p, 0.0) for p in pg1)
    return {
        "backend": b.name, "workers": server.workers, "threads": server.threads, "clients": clients,
        "requests": n, "errors": errors, "statuses": dict(tally.statuses), "retries": tally.retries,
        "first_error": tally.first_error or warm.first_error, "warmup_errors": sum(warm.statuses.values()) - warm.statuses.get("201", 0),
        "seconds": wall, "rps": tally.statuses.get("201", 0) / wall if wall else 0.0,  # created demands only
        "p50": pct(lat, 50) * 1000, "p90": pct(lat, 90) * 1000, "p99": pct(lat, 99) * 1000,
        "max": (lat[-1] * 1000) if lat else float("nan"),
        "rows": after - before, "expected_rows": created,
        "cpu_server_ms": srv_cpu / n * 1000 if n else 0.0, "cpu_pg_ms": pg_cpu / n * 1000 if n else 0.0,
        "cpu_client_ms": (me1 - me0) / n * 1000 if n else 0.0,
        "load_before": load_before, "load_after": loadavg(),
    }


def report(r: dict[str, Any]) -> None:
    ok = r["rows"] == r["expected_rows"]
    print(f"  {r['backend']:8} workers={r['workers']} threads={r['threads']} clients={r['clients']:<3} "
          f"requests={r['requests']} errors={r['errors']} in {r['seconds']:.1f}s -> {r['rps']:.0f} demands/s, "
          f"p50={r['p50']:.1f} p90={r['p90']:.1f} p99={r['p99']:.1f} max={r['max']:.0f} ms")
    pg = f" + postgres {r['cpu_pg_ms']:.2f}" if r["backend"] == "postgres" else ""
    total = r["cpu_server_ms"] + r["cpu_pg_ms"] + r["cpu_client_ms"]
    ceiling = (os.cpu_count() or 1) * 1000 / total if total else float("nan")
    print(f"           cpu per demand: server {r['cpu_server_ms']:.2f}{pg} + load generator "
          f"{r['cpu_client_ms']:.2f} = {total:.2f} ms (all {os.cpu_count()} CPUs idle and busy only with this: "
          f"at most ~{ceiling:.0f}/s)")
    print(f"           load avg {r['load_before']} -> {r['load_after']}; "
          f"Case rows +{r['rows']} vs 201s {r['expected_rows']}: {'OK' if ok else 'MISMATCH'}")
    if r["errors"] or r["warmup_errors"] or r["retries"]:
        print(f"           statuses {r['statuses']}, warm-up errors {r['warmup_errors']}, "
              f"keep-alive retries {r['retries']}; first error: {r['first_error'][:300]}")


def git_state() -> str:
    """The commit, and whether the app code differs from it (figures depend on the working tree)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "banshi"], cwd=ROOT, capture_output=True,
                               text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (git not available)"
    return f"{head or '?'}" + (f" + uncommitted changes in {len(dirty.splitlines())} banshi/ files" if dirty else "")


def ints(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def bench_backend(name: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    d = DEFAULTS[name]
    workers = ints(args.workers or d["workers"])
    threads = ints(args.threads or d["threads"])
    clients = ints(args.clients or d["clients"])
    print(f"\n== {name} ==")
    if name == "postgres":
        version = pg_reachable(args.pg_admin_url)
        if version is None:
            print("  PostgreSQL run SKIPPED (start PostgreSQL or pass --pg-admin-url).")
            return []
        print(f"  PostgreSQL {version}, database {PG_DB} (dropped and re-created)")
    t0 = time.monotonic()
    b = backend_open(name, args)
    print(f"  migrated and seeded in {time.monotonic() - t0:.1f}s ({b.workdir})")
    results: list[dict[str, Any]] = []
    seq = [0]
    try:
        for w, t in itertools.product(workers, threads):
            server = Server(b.env, b.workdir, w, t)
            try:
                server.wait_ready()
                status, raw = request(HOST, server.port, "POST", "/api/v1/auth/token",
                                      json.dumps({"username": USERNAME, "password": PASSWORD}).encode(),
                                      {"Content-Type": "application/json"})
                if status != 200:
                    raise RuntimeError(f"token request answered {status}: {raw[:300]!r}")
                token = json.loads(raw)["token"]
                for c in clients:
                    r = run_one(b, server, token, c, args, seq)
                    report(r)
                    results.append(r)
            except Exception:
                print(f"  server log tail:\n{server.tail()}")
                raise
            finally:
                server.stop()
    finally:
        backend_close(b)
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--requests", type=int, default=5000, help="timed requests per run (default 5000)")
    p.add_argument("--duration", type=float, default=15.0, help="at most this many seconds per run (default 15)")
    p.add_argument("--warmup", type=int, default=200, help="untimed requests before each run (default 200)")
    p.add_argument("--clients", help="concurrent client connections, comma-separated to sweep "
                   f"(default sqlite {DEFAULTS['sqlite']['clients']}, postgres {DEFAULTS['postgres']['clients']})")
    p.add_argument("--workers", help="gunicorn workers, comma-separated to sweep "
                   f"(default sqlite {DEFAULTS['sqlite']['workers']}, postgres {DEFAULTS['postgres']['workers']})")
    p.add_argument("--threads", help="gunicorn threads per worker, comma-separated to sweep "
                   f"(default sqlite {DEFAULTS['sqlite']['threads']}, postgres {DEFAULTS['postgres']['threads']})")
    p.add_argument("--pg-admin-url", default=os.environ.get("BENCH_PG_ADMIN_URL", PG_ADMIN_URL),
                   help="a PostgreSQL URL allowed to CREATE/DROP DATABASE banshi_bench")
    p.add_argument("--pg-options", default="", help="query string added to the bench DATABASE_URL, becoming "
                   "OPTIONS (dj-database-url), e.g. server_side_binding=true")
    args = p.parse_args(argv)
    if not 1 <= args.requests <= 200_000 or not 1 <= args.duration <= 300:
        p.error("--requests must be 1..200000 and --duration 1..300 s")
    for flag in ("clients", "workers", "threads"):
        if getattr(args, flag):
            ints(getattr(args, flag))

    print(f"banshi intake bench, {time.strftime('%Y-%m-%d %H:%M:%S %z')}, {platform.node()}")
    print(f"  {os.cpu_count()} CPUs, load average {loadavg()} (1/5/15 min), Python {platform.python_version()}")
    print(f"  code: {git_state()}")
    print(f"  per run: up to {args.requests} requests or {args.duration:g}s, after {args.warmup} warm-up requests")
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results: list[dict[str, Any]] = []
    failed = False
    for name in backends:
        try:
            results += bench_backend(name, args)
        except Exception as exc:
            failed = True
            print(f"  {name} FAILED: {exc}")
    if results:
        print("\nsummary (best throughput per backend):")
        for name in backends:
            mine = [r for r in results if r["backend"] == name]
            if mine:
                report(max(mine, key=lambda r: r["rps"]))
    bad = [r for r in results if r["errors"] or r["rows"] != r["expected_rows"]]
    print(f"\nrerun: .venv/bin/python bench/intake.py {' '.join(sys.argv[1:] if argv is None else argv) or '--backend both'}")
    return 1 if failed or bad else 0


if __name__ == "__main__":
    sys.exit(main())
