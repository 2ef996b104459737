"""PostgreSQL benchmark (issue 11): the dashboard's queries on a big PostgreSQL store,
and many API clients against N server workers on PostgreSQL next to 1 on SQLite.

    python benchmarks/postgres.py                        # 1,000,000 orders; 200 clients, 30 s
    python benchmarks/postgres.py --orders 20000         # a smaller store for the queries
    python benchmarks/postgres.py --skip-http            # the queries only
    python benchmarks/postgres.py --skip-queries --http-orders 20000 --clients 200 --seconds 30

PostgreSQL 16 comes from the ``pgserver`` wheel (the test extra), its data kept in
``--pgdata`` (default ``$TMPDIR/dropship-tui-bench/pg``) so a loaded store is reused. A
store is the demo store of benchmarks/_stores (built once into ``--cache``) moved into
PostgreSQL with ``store.transfer`` (what ``dropship-tui migrate`` does): its load rate is
printed.

Figures, each next to its target:

* stage counts, and the first page of 50 for every sort (both ways) under every filter
  (none, a stage, an SLA status, a vendor): the worst of each, median of 3 (< 20 ms);
* search (a customer's name, a PO number, a tracking number), worst (< 50 ms);
* ``--clients`` concurrent API clients for ``--seconds`` against ``serve --workers 4`` on
  PostgreSQL, then against ``serve`` (1 worker) on SQLite, on copies of one store: a mix
  of list (60 %), show (25 %) and acknowledge (15 %, each with an Idempotency-Key and
  half of them sent twice, as a client retrying a lost answer does): throughput, p50/p99,
  the ratio, errors (target 0), and lost or doubled writes (target 0), checked in each
  database afterwards: every acknowledgement answered OK is in the activity exactly once,
  and no other order of the clients' was acknowledged.

Exit status 1 if a target is missed. Note ``uptime`` beside the figures: the box is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import _stores  # benchmarks/ is on sys.path when a script runs

import httpx

from dropship_tui.domain.models import SlaStatus, Stage
from dropship_tui.server import auth
from dropship_tui.store import transfer
from dropship_tui.store.base import OrderQuery, SortKey
from dropship_tui.store.opening import open_store_address
from dropship_tui.store.postgres.schema import sync_sequences

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc)
PAGE_TARGET_MS = 20.0
SEARCH_TARGET_MS = 50.0


def line(name: str, value: str, target: str, ok: bool | None) -> bool:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    print(f"{name:<52} {value:>20}   {target:<14} {verdict}", flush=True)
    return ok is not False


def median_ms(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# --- PostgreSQL -------------------------------------------------------------------------


class Postgres:
    """A PostgreSQL server from the pgserver wheel, its data in ``folder`` (kept for the
    next run; the server stops when the benchmark ends)."""

    def __init__(self, folder: Path) -> None:
        import pgserver

        folder.mkdir(parents=True, exist_ok=True)
        self.server = pgserver.get_server(folder, cleanup_mode="stop")
        info = self.server.get_postmaster_info()
        self.host = str(info.socket_dir) if info.socket_dir else "127.0.0.1"
        self.port = int(info.port or 5432)
        # 4 workers x their pools of 16, and room to spare (from the next start of the server)
        self.admin_sql("ALTER SYSTEM SET max_connections = 200")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{quote(database)}?host={quote(self.host)}&port={self.port}"

    def admin_sql(self, sql: str) -> list:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            cur = conn.execute(sql)
            return cur.fetchall() if cur.description else []

    def exists(self, database: str) -> bool:
        return bool(self.admin_sql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'"))

    def create(self, database: str, template: str | None = None) -> None:
        self.admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.admin_sql(f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else ""))


def loaded(pg: Postgres, sqlite_path: Path, orders: int) -> str:
    """The database holding the demo store of ``orders`` orders (loaded once)."""
    name = f"bench_{orders}"
    if pg.exists(name):
        with open_store_address(pg.url(name)) as store, store.raw_connection() as conn:
            if conn.execute("SELECT count(*) FROM orders").fetchone()[0] == orders:
                return name
    pg.create(name)
    print(f"loading {sqlite_path} into PostgreSQL ({name}) …", flush=True)
    with open_store_address(sqlite_path, user="bench") as source, open_store_address(pg.url(name)) as target:
        with transfer.connection_of(source) as src, transfer.connection_of(target) as dst:
            lagging = set(transfer.columns_of(src)) - set(transfer.columns_of(dst)) - set(transfer.SKIPPED)
            if lagging:  # the PostgreSQL schema has yet to catch up with these SQLite tables
                print(f"  (not in the PostgreSQL schema yet, left out: {', '.join(sorted(lagging))})")
            report = transfer.copy_store(src, dst, after_copy=sync_sequences, skip=lagging)
        with target.raw_connection() as conn:
            conn.raw.execute("VACUUM ANALYZE")
    line("load (migrate) rate", f"{report.rate:,.0f} rows/s", f"{report.rows:,} rows", None)
    line("  orders per second", f"{orders / report.seconds:,.0f}", f"in {report.seconds:.0f} s", None)
    return name


def bench_queries(url: str) -> bool:
    ok = True
    with open_store_address(url, user="bench") as store:
        vendor = store.vendors()[0].code
        ok &= line("stage counts (all vendors)", f"{median_ms(store.counts):.1f} ms", f"< {PAGE_TARGET_MS:.0f} ms",
                   median_ms(store.counts) < PAGE_TARGET_MS)
        ok &= line("stage counts (one vendor)", f"{median_ms(lambda: store.counts(vendor)):.1f} ms",
                   f"< {PAGE_TARGET_MS:.0f} ms", median_ms(lambda: store.counts(vendor)) < PAGE_TARGET_MS)
        filters = {"none": {}, "stage New": {"stage": Stage.NEW}, "SLA overdue": {"sla": SlaStatus.OVERDUE},
                   "vendor": {"vendor_code": vendor}, "stage In progress": {"stage": Stage.IN_PROGRESS}}
        pages = []
        for fname, fields in filters.items():
            for sort in SortKey:
                for descending in (False, True):
                    q = OrderQuery(sort=sort, descending=descending, **fields)
                    ms = median_ms(lambda: store.list_orders(q, limit=50))
                    pages.append((ms, f"{fname}, {sort.value}{' desc' if descending else ''}"))
        pages.sort(reverse=True)
        ok &= line(f"first page of 50, worst of {len(pages)} sorts x filters", f"{pages[0][0]:.1f} ms",
                   f"< {PAGE_TARGET_MS:.0f} ms", pages[0][0] < PAGE_TARGET_MS)
        slow = [f"{label} {ms:.0f} ms" for ms, label in pages if ms >= PAGE_TARGET_MS]
        print(f"  median {statistics.median(ms for ms, _ in pages):.1f} ms; {len(slow)} over target"
              + (": " + "; ".join(slow) if slow else ""))
        with store.raw_connection() as conn:
            po, customer = conn.execute("SELECT po_number, customer FROM orders ORDER BY po_number DESC LIMIT 1").fetchone()
            tracking = conn.execute("SELECT number FROM tracking LIMIT 1").fetchone()
        terms = [customer.split()[-1], customer.split()[0][:3], str(po), *(tracking or ())]
        searches = []
        for term in terms:
            q = OrderQuery(search=term)
            page = median_ms(lambda: store.list_orders(q, limit=50))
            count = median_ms(lambda: store.count_orders(q))
            searches.append((page, count, term))
        worst = max(searches)
        ok &= line("search: page of 50, worst", f"{worst[0]:.1f} ms", f"< {SEARCH_TARGET_MS:.0f} ms",
                   worst[0] < SEARCH_TARGET_MS)
        line("search: its count, worst", f"{max(c for _, c, _ in searches):.1f} ms", "", None)
        for page, count, term in searches:
            print(f"  {term!r}: page {page:.1f} ms, count {count:.1f} ms")
    return ok


# --- many clients over HTTP -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(address: str, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    argv = [sys.executable, "-m", "dropship_tui", "serve", "--db", address, "--port", str(port),
            "--workers", str(workers), "--log-level", "warning"]
    proc = subprocess.Popen(argv, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(url + "/openapi.json", timeout=2).raise_for_status()
            return proc, url
        except httpx.HTTPError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)


def prepare(address: str, clients: int) -> tuple[str, list[list[int]]]:
    """A vendor user's token, and each client's own New orders of its vendor to
    acknowledge (disjoint: a write lost or doubled is then visible per PO)."""
    from dropship_tui.server.backend import open_server_store

    with open_server_store(address, user="bench") as store:
        counts = {v.code: store.counts(v.code).new for v in store.vendors()}
        vendor = max(counts, key=counts.get)
        with store.admin_connection() as conn:
            conn.execute("DELETE FROM api_users WHERE name = 'bench'")
            token = auth.add_user(conn, "bench", role=auth.Role.ADMIN, vendor_code=vendor)
        pos = [o.po_number for o in store.list_orders(OrderQuery(stage=Stage.NEW, vendor_code=vendor), limit=100000)]
    return token, [pos[i::clients] for i in range(clients)]


async def client(url: str, token: str, mine: list[int], seconds: float, seed: int, stats: dict) -> None:
    rng = random.Random(seed)
    sorts = [s.value for s in SortKey]
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            roll = rng.random()
            if roll < 0.15 and mine:
                po = mine.pop()
                key = str(uuid.UUID(int=rng.getrandbits(128)))
                sends = 2 if rng.random() < 0.5 else 1
                for _ in range(sends):
                    answer = await timed(http, stats, "ack", "POST", "/orders/acknowledge-all",
                                         json={"po_numbers": [po]}, headers={"Idempotency-Key": key})
                    if answer is not None and answer.json().get("succeeded") == [po]:
                        stats["acked"].add(po)
            elif roll < 0.40:
                po = rng.choice(stats["shown"])
                await timed(http, stats, "show", "GET", f"/orders/{po}")
            else:
                params = {"sort": rng.choice(sorts), "limit": 50}
                if rng.random() < 0.5:
                    params["stage"] = rng.choice(["new", "in_progress"])
                await timed(http, stats, "list", "GET", "/orders", params=params)


async def timed(http: httpx.AsyncClient, stats: dict, op: str, method: str, path: str, **kw) -> httpx.Response | None:
    started = time.perf_counter()
    for attempt in range(4):  # a 503 (SQLite busy) is retried, as RemoteStore does
        try:
            answer = await http.request(method, path, **kw)
        except httpx.HTTPError as exc:
            stats["errors"].append(f"{op}: {type(exc).__name__}")
            return None
        if answer.status_code != 503:
            break
        stats["busy"] += 1
        await asyncio.sleep(0.05 * 2**attempt)
    stats["times"].setdefault(op, []).append(time.perf_counter() - started)
    if answer.status_code >= 400:
        stats["errors"].append(f"{op}: {answer.status_code} {answer.text[:100]}")
        return None
    return answer


def run_clients(url: str, token: str, slices: list[list[int]], seconds: float) -> dict:
    stats = {"times": {}, "errors": [], "busy": 0, "acked": set(),
             "shown": [po for s in slices for po in s[:3]] or [1]}
    slices = [list(s) for s in slices]

    async def main() -> None:
        await asyncio.gather(*(client(url, token, s, seconds, i, stats) for i, s in enumerate(slices)))

    started = time.perf_counter()
    asyncio.run(main())
    stats["elapsed"] = time.perf_counter() - started
    return stats


def checked_writes(address: str, slices: list[list[int]], acked: set[int]) -> tuple[int, int]:
    """(lost, doubled): acknowledgements answered OK but not in the activity exactly
    once, and the clients' orders acknowledged more than once or with no answer saying so."""
    everyone = ",".join(str(po) for s in slices for po in s) or "0"
    with open_store_address(address, user="bench") as store, transfer.connection_of(store) as conn:
        rows = dict(conn.execute(
            "SELECT po_number, count(*) FROM activity WHERE action = 'Order acknowledged' "
            f"AND po_number IN ({everyone}) GROUP BY po_number"
        ).fetchall())
    lost = sum(1 for po in acked if rows.get(po, 0) != 1)
    doubled = sum(1 for po, n in rows.items() if n > 1 or po not in acked)
    return lost, doubled


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def http_run(label: str, address: str, workers: int, clients: int, seconds: float, folder: Path) -> tuple[bool, float]:
    token, slices = prepare(address, clients)
    proc, url = serve(address, workers, folder / f"{label.split()[0]}.log")
    try:
        stats = run_clients(url, token, slices, seconds)
    finally:
        stop(proc)
    times = [t for ts in stats["times"].values() for t in ts]
    rate = len(times) / stats["elapsed"]
    lost, doubled = checked_writes(address, slices, stats["acked"])
    # Clients start no request after ``seconds``, but finish the ones in flight: the
    # run lasts longer, and the throughput counts every request over all of it.
    draining = max(0.0, stats["elapsed"] - seconds)
    print(f"{label}: {clients} clients, {seconds:.0f} s + {draining:.0f} s draining the requests in flight, "
          f"{len(stats['acked'])} orders acknowledged")
    line("  throughput", f"{rate:,.0f} req/s over {stats['elapsed']:.0f} s", "", None)
    line("  latency p50 / p99", f"{percentile(times, .5):.0f} / {percentile(times, .99):.0f} ms", "", None)
    for op, ts in sorted(stats["times"].items()):
        print(f"    {op:<6} {len(ts):>7} requests  p50 {percentile(ts, .5):6.0f} ms  p99 {percentile(ts, .99):6.0f} ms")
    if stats["busy"]:
        print(f"    ({stats['busy']} answers 503 busy, retried)")
    ok = line("  errors", str(len(stats["errors"])), "0", not stats["errors"])
    for error in sorted(set(stats["errors"]))[:5]:
        print(f"    {error}")
    ok &= line("  lost / doubled writes (checked in the database)", f"{lost} / {doubled}", "0 / 0", lost == doubled == 0)
    return ok, rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    bench = Path(tempfile.gettempdir()) / "dropship-tui-bench"
    parser.add_argument("--orders", type=int, default=1_000_000, help="orders of the query store")
    parser.add_argument("--http-orders", type=int, default=20_000, help="orders of the stores the clients work on")
    parser.add_argument("--cache", type=Path, default=bench, help="where the SQLite demo stores are built")
    parser.add_argument("--pgdata", type=Path, default=bench / "pg", help="the PostgreSQL data folder (kept)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=4, help="PostgreSQL server workers")
    parser.add_argument("--skip-queries", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}; {os.cpu_count()} CPUs")
    pg = Postgres(args.pgdata)
    ok = True
    try:
        if not args.skip_queries:
            source = _stores.ensure_store(args.orders, args.cache, NOW)
            print(f"\n{args.orders:,} orders in PostgreSQL")
            ok &= bench_queries(pg.url(loaded(pg, source, args.orders)))
        if not args.skip_http:
            source = _stores.ensure_store(args.http_orders, args.cache, NOW)
            template = loaded(pg, source, args.http_orders)
            folder = Path(tempfile.mkdtemp(prefix="pgbench"))
            pg.create("bench_http", template=template)
            sqlite_copy = folder / "server.db"
            shutil.copyfile(source, sqlite_copy)
            print(f"\n{args.http_orders:,} orders, a mix of list / show / acknowledge")
            pg_ok, pg_rate = http_run(f"PostgreSQL, {args.workers} workers", pg.url("bench_http"), args.workers,
                                      args.clients, args.seconds, folder)
            lite_ok, lite_rate = http_run("SQLite, 1 worker", str(sqlite_copy), 1, args.clients, args.seconds, folder)
            ok &= pg_ok and lite_ok
            line("throughput ratio PostgreSQL / SQLite", f"{pg_rate / lite_rate:.2f}x" if lite_rate else "-", "", None)
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
        pg.server.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
