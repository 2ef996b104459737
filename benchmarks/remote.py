"""Remote mode on a slow link: the server on 127.0.0.1 with 100,000 orders, each figure
next to its target.

    python benchmarks/remote.py                     # 100,000 orders, 30 s of concurrent acks
    python benchmarks/remote.py --duration 10       # a shorter write run
    python benchmarks/remote.py --orders 20000      # a smaller store

The store is built once with the demo fast path into ``--cache`` (default
``$TMPDIR/dropship-tui-bench/<N>.db``, shared with benchmarks/tui.py) and copied for each
run (the write run changes it). The server is the real ``dropship-tui serve`` in its own
process; the clients are ``RemoteStore`` (httpx) in this one. Bytes on the wire are
counted by a TCP relay between the two: HTTP request and response, headers included.

Figures:

* the dashboard's first page (50 orders) from a fresh client: median and worst of 20
  (target < 50 ms); also the tiles + count + first page together;
* bytes on the wire for the first page of 50 orders (target < 8 KB) and for an
  unchanged refresh answered 304 (target < 300 bytes), each way;
* 50 concurrent clients acknowledging New orders for ``--duration`` seconds: throughput,
  errors (target 0) and lost writes (target 0: every acknowledgement answered OK is in
  the store exactly once, and nothing else changed).

Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import _stores  # benchmarks/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parents[1]

from dropship_tui.domain.errors import DomainError  # noqa: E402
from dropship_tui.domain.models import Stage  # noqa: E402
from dropship_tui.server import auth  # noqa: E402
from dropship_tui.store.base import OrderQuery  # noqa: E402
from dropship_tui.store.remote import RemoteStore  # noqa: E402
from dropship_tui.store.sqlite import SqliteStore  # noqa: E402

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc)
PAGE_TARGET = 0.050
FIRST_PAGE_BYTES = 8 * 1024
REFRESH_BYTES = 300
CLIENTS = 50


def ensure_store(orders: int, cache: Path) -> Path:
    return _stores.ensure_store(orders, cache, NOW)


def working_copy(source: Path, folder: Path) -> Path:
    target = folder / "server.db"
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target


TOP_UP_RATE = 1000  # acknowledgements per second the write run may reach


def top_up(store: SqliteStore, wanted: int) -> int:
    """Import plain New orders (one line, a mapped product of the vendor) until there are
    ``wanted`` New orders, so the write run acknowledges for its whole duration."""
    from datetime import timedelta

    from dropship_tui.domain.models import Address, Line, Order, ShipTo

    missing = wanted - store.counts().new
    if missing <= 0:
        return 0
    with store.lock:
        top = store.connection.execute("SELECT max(po_number) FROM orders").fetchone()[0] or 0
    locations = [loc for loc in store.locations()]
    mappings = {loc.vendor_code: store.sku_mappings(loc.vendor_code)[0] for loc in locations}
    batch = []
    for i in range(missing):
        loc = locations[i % len(locations)]
        m = mappings[loc.vendor_code]
        po = top + 1 + i
        batch.append(Order(
            po_number=po, order_number=f"B{po}", vendor_code=loc.vendor_code,
            location_code=loc.code, order_date=NOW - timedelta(hours=1),
            ship_to=ShipTo(first_name="Bench", last_name=f"Client{i % 97}",
                           address=Address(line1="1 Main St", city="Austin", country_code="US")),
            lines=[Line(line_id=1, product_code=m.product_code, sku=m.product_code,
                        quantity_ordered=1 + i % 4, retail_price=m.contracted_price * 2)],
        ))
        if len(batch) == 5000:
            store.import_orders(batch)
            batch = []
    if batch:
        store.import_orders(batch)
    return missing


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Relay:
    """A TCP relay on 127.0.0.1 that counts the bytes each way (HTTP as sent: headers,
    gzip bodies, chunk framing)."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.up = 0
        self.down = 0
        self._lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            self.up = self.down = 0

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            threading.Thread(target=self._pump, args=(client, server, "up"), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, "down"), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, way: str) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with self._lock:
                    setattr(self, way, getattr(self, way) + len(data))
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def settle(self) -> tuple[int, int]:
        time.sleep(0.05)  # let the pumps forward the last bytes
        with self._lock:
            return self.up, self.down


def start_server(db: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "dropship_tui", "serve", "--db", str(db), "--port", str(port),
         "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start")


def line(name: str, value: str, target: str, ok: bool) -> bool:
    print(f"{name:<46} {value:>22}   target {target:<12} {'ok' if ok else 'MISSED'}")
    return ok


def bench_reads(url: str, token: str, relay: Relay) -> bool:
    ok = True
    query = OrderQuery()
    samples, dashboard = [], []
    for _ in range(20):
        store = RemoteStore(url, token)
        t0 = time.perf_counter()
        store.list_orders(query, limit=50)
        samples.append(time.perf_counter() - t0)
        store.close()
        store = RemoteStore(url, token)
        t0 = time.perf_counter()
        store.counts()
        store.count_orders(query)
        store.list_orders(query, limit=50)
        dashboard.append(time.perf_counter() - t0)
        store.close()
    ok &= line("dashboard first page (50 rows), median", f"{statistics.median(samples) * 1000:.1f} ms", f"< {PAGE_TARGET * 1000:.0f} ms", statistics.median(samples) < PAGE_TARGET)
    ok &= line("dashboard first page (50 rows), worst of 20", f"{max(samples) * 1000:.1f} ms", f"< {PAGE_TARGET * 1000:.0f} ms", max(samples) < PAGE_TARGET)
    print(f"{'  tiles + count + first page, median / worst':<46} {statistics.median(dashboard) * 1000:>8.1f} / {max(dashboard) * 1000:.1f} ms")

    relayed = f"http://127.0.0.1:{relay.port}"
    store = RemoteStore(relayed, token)
    store.list_orders(query, limit=1)  # the connection is open: count requests only
    relay.reset()
    rows = store.list_orders(query, limit=50)
    up, down = relay.settle()
    assert len(rows) == 50
    ok &= line("first page of 50 orders, bytes down", f"{down:,} B", f"< {FIRST_PAGE_BYTES:,} B", down < FIRST_PAGE_BYTES)
    print(f"{'  (request up)':<46} {up:>20,} B")
    relay.reset()
    again = store.list_orders(query, limit=50)
    up, down = relay.settle()
    assert again == rows
    ok &= line("unchanged refresh (304), bytes down", f"{down:,} B", f"< {REFRESH_BYTES} B", down < REFRESH_BYTES)
    print(f"{'  (request up, with the token and If-None-Match)':<46} {up:>20,} B")
    store.close()
    return ok


def bench_writes(url: str, tokens: dict[str, str], db: Path, duration: float) -> bool:
    # Each vendor's New orders, split among that vendor's clients: no two clients share a PO.
    queues: dict[str, list[int]] = {}
    before: dict[int, int] = {}
    with SqliteStore(db, clock=lambda: NOW) as local:
        for vendor in tokens:
            rows = local.list_orders(OrderQuery(stage=Stage.NEW, vendor_code=vendor), limit=200_000)
            queues[vendor] = [r.po_number for r in rows]
            before.update({r.po_number: r.version for r in rows})
        counts_before = local.counts()
    vendors = [v for v in tokens if queues[v]]
    per_vendor = {v: [i for i in range(CLIENTS) if vendors[i % len(vendors)] == v] for v in vendors}
    assignments: list[tuple[str, list[int]]] = []
    for i in range(CLIENTS):
        vendor = vendors[i % len(vendors)]
        mates = per_vendor[vendor]
        assignments.append((vendor, queues[vendor][mates.index(i)::len(mates)]))

    acked: list[int] = []
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS + 1)
    stop_at = [0.0]

    def client(vendor: str, pos: list[int]) -> None:
        store = RemoteStore(url, tokens[vendor])
        start.wait()
        done = []
        try:
            for po in pos:
                if time.perf_counter() >= stop_at[0]:
                    break
                try:
                    order = store.acknowledge(po, before[po], {}, {})
                    assert order.stage is Stage.IN_PROGRESS and order.version == before[po] + 1
                    done.append(po)
                except (DomainError, AssertionError) as exc:
                    with lock:
                        errors[f"{type(exc).__name__}: {exc}"[:120]] += 1
        finally:
            store.close()
            with lock:
                acked.extend(done)

    threads = [threading.Thread(target=client, args=a) for a in assignments]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + duration
    t0 = time.perf_counter()
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    ran_out = sum(len(a[1]) for a in assignments) == len(acked) + sum(errors.values())

    # Lost writes: every acknowledged PO is In progress at version + 1 with exactly one
    # acknowledgement in its activity; the tiles moved by exactly that many.
    with SqliteStore(db, clock=lambda: NOW) as local:
        lost = 0
        for po in acked:
            order = local.get_order(po)
            entries = [e for e in local.activity(po) if e.action == "Order acknowledged"]
            if order.stage is not Stage.IN_PROGRESS or order.version != before[po] + 1 or len(entries) != 1:
                lost += 1
        counts_after = local.counts()
    moved = counts_before.new - counts_after.new
    lost += abs(moved - len(acked))
    ok = True
    print(f"{'50 clients acknowledging for':<46} {elapsed:>20.1f} s" + ("   (ran out of New orders)" if ran_out else ""))
    print(f"{'  acknowledgements':<46} {len(acked):>22,}")
    print(f"{'  throughput':<46} {len(acked) / elapsed:>18.0f} ack/s")
    ok &= line("  errors", f"{sum(errors.values())}", "0", not errors)
    for message, n in errors.most_common(5):
        print(f"      {n} x {message}")
    ok &= line("  lost or doubled writes", f"{lost}", "0", lost == 0)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of concurrent acknowledging (default 30)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "dropship-tui-bench")
    args = parser.parse_args(argv)

    source = ensure_store(args.orders, args.cache)
    with tempfile.TemporaryDirectory(prefix="dropship-remote-bench-") as folder:
        db = working_copy(source, Path(folder))
        with SqliteStore(db, clock=lambda: NOW) as local:
            topped = top_up(local, int(args.duration * TOP_UP_RATE))
            vendor_codes = [v.code for v in local.vendors()]
            tokens = {}
            for code in vendor_codes:
                with local.lock:
                    tokens[code] = auth.add_user(local.connection, f"bench-{code.lower()}", role=auth.Role.ADMIN, vendor_code=code)
            total = local.counts().total
            biggest = max(vendor_codes, key=lambda c: local.counts(c).total)
        port = free_port()
        server = start_server(db, port)
        relay = Relay(port)
        url = f"http://127.0.0.1:{port}"
        try:
            extra = f" (+{topped:,} New orders so the writers never run out)" if topped else ""
            print(f"store: {total:,} orders{extra}; server: dropship-tui serve on {url}; reads as vendor {biggest}")
            ok = bench_reads(url, tokens[biggest], relay)
            ok &= bench_writes(url, tokens, db, args.duration)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
