"""Batch acknowledgement in the TUI and in the store, and how many keys the common jobs take.

    python benchmarks/batch.py                  # 500 marked orders on a demo store, then the rates
    python benchmarks/batch.py --marked 200
    python benchmarks/batch.py --rate --runs 5  # the store's rates only (issue 16 item 5)

Figures (the app runs headless at 120×36 through ``App.run_test``/Pilot, real SQLite):

* confirm to result screen: a demo store (``store.demo.build_demo``, fixed seed) with at
  least ``--marked`` New orders; the dashboard shows the New orders (``2``), ``*`` marks
  them (the mark-all limit set to ``--marked`` so exactly that many are marked), ``A``
  opens the review; when stock on hand makes lines short, the reason modal gets "Out of
  stock" for all. Timed from the final confirm key to the result screen on display, every
  order written in its own transaction (target < 2 s);
* (for information) ``A`` to the review on screen: every order and its stock read;
* keys (typed data — quantities, tracking numbers — not counted) to (a) acknowledge 100
  New orders in full (aim ≤ 6) and (b) take the seed walkthrough order PO 82 from New to
  Completed: 4 of 5 units with a reason, 2 slips of 2, two tracking numbers, the invoice,
  done (aim ≤ 15). Each script checks the store at the end.

Rates (target ≥ 2,000 orders/s, each order its own transaction; ``--runs`` runs each, the
load average beside each run, as the box is shared):

* ``ack --all-new`` on a 20,000-order demo store, start-up excluded: the whole process
  on a fresh copy, less the same command run again on it (nothing New left: start-up,
  the listing and exit);
* ``SqliteStore.acknowledge_all`` of ``--rate-orders`` New orders on a copy of the
  20,000-order store (fresh each run) and on a copy of the 1,000,000-order store
  (``--big``, copied once into ``--work``: each run takes the next New orders); the
  process CPU time per order is printed too, as it is steadier than the wall time;
* after the runs, ``dropship-tui verify`` on each copy (the activity hash chain and the
  invariants hold);
* where the time goes: the CPU time per order of ``acknowledge_all`` and of the SQL it ran
  (recorded, then replayed alone on a fresh copy), whole and without the scorecard sums'
  triggers, without the order facts' upkeep, without the page indexes: the SQLite floor
  of an acknowledgement, and what each piece of upkeep adds to it.

Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from dropship_tui.tui.app import DropshipApp  # noqa: E402
from dropship_tui.tui.modals.confirm import ConfirmModal  # noqa: E402
from dropship_tui.config import Config  # noqa: E402
from dropship_tui.domain.models import Stage  # noqa: E402
from dropship_tui.store.base import OrderQuery  # noqa: E402
from dropship_tui.store.sqlite.store import SqliteStore  # noqa: E402

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc)
CONFIRM_TARGET = 2.0
KEYS_100_AIM = 6
KEYS_PO82_AIM = 15
RATE_TARGET = 2000


async def settle(pilot, timeout: float = 60.0) -> None:
    app = pilot.app
    deadline = time.perf_counter() + timeout
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not settle")


class Keys:
    """Presses keys through the Pilot and counts them (typed data apart)."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.count = 0
        self.pressed: list[str] = []

    async def __call__(self, *keys: str) -> None:
        for key in keys:
            self.count += 1
            self.pressed.append(key)
            await self.pilot.press(key)
            await settle(self.pilot)

    async def data(self, text: str) -> None:
        await self.pilot.press(*text)
        await settle(self.pilot)


async def until(predicate, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("not there in time")
        await asyncio.sleep(0.001)


def demo_store(marked: int, cache: Path) -> Path:
    from dropship_tui.store.demo.builder import build_demo

    orders = max(2000, marked * 10)  # about 1 in 8 demo orders is New
    path = cache / f"batch-{orders}.db"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        build_demo(path, orders=orders, seed=1, now=NOW, fast=True)
    return path


async def confirm_to_result(db: Path, marked: int) -> tuple[float, int, int, int, float]:
    from dropship_tui.tui.screens import dashboard
    from dropship_tui.tui.screens.batch_ack import BatchAckScreen
    from dropship_tui.tui.screens.batch_result import BatchResultScreen
    from dropship_tui.tui.modals.batch_reason import BatchReasonModal

    work = db.with_name("batch-run.db")
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    src = SqliteStore(db, user="bench", clock=lambda: NOW)
    new = src.count_orders(OrderQuery(stage=Stage.NEW))
    src.close()
    if new < marked:
        raise SystemExit(f"the demo store has {new} New orders, fewer than {marked}")
    shutil.copyfile(db, work)
    store = SqliteStore(work, user="bench", clock=lambda: NOW)
    dashboard.MARK_LIMIT = marked  # mark-all marks exactly ``marked`` orders
    app = DropshipApp(store, Config())
    async with app.run_test(size=(120, 36)) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        await keys("2", "asterisk")
        t0 = time.perf_counter()
        await keys("A")
        opened = time.perf_counter() - t0
        review = app.screen
        assert isinstance(review, BatchAckScreen) and len(review.orders) == marked, len(getattr(review, "orders", []))
        short = len(review.short_items())
        if short:
            await keys("ctrl+s")
            assert isinstance(app.screen, BatchReasonModal)
            await keys("1")  # the apply-to-all select: reason 1, Out of stock
        start = time.perf_counter()
        await pilot.press("ctrl+s")
        keys.count += 1
        await until(lambda: isinstance(app.screen, (BatchResultScreen, ConfirmModal)))
        if isinstance(app.screen, ConfirmModal):  # orders validated to 0: canceled, asked apart
            start = time.perf_counter()
            await pilot.press("y")
            keys.count += 1
            await until(lambda: isinstance(app.screen, BatchResultScreen))
        await pilot.pause()  # the result screen painted
        elapsed = time.perf_counter() - start
        outcome = app.screen.outcome
        assert len(outcome.succeeded) == marked and not outcome.failed, (len(outcome.succeeded), outcome.failed)
        await keys("enter")
    store.close()
    return elapsed, short, keys.count, new, opened


async def keys_for_100(tmp: Path) -> int:
    import factories
    from tui_support import make_app

    orders = [factories.order(po=5000 + i, hours_old=1 + i % 20) for i in range(100)]
    app = make_app(tmp, orders=orders, advance=False)
    store = app.store
    async with app.run_test(size=(120, 36)) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        await keys("2", "asterisk", "A", "ctrl+s", "enter")
    assert store.count_orders(OrderQuery(stage=Stage.NEW)) == 0
    assert store.count_orders(OrderQuery(stage=Stage.IN_PROGRESS)) == 100
    return keys.count


async def keys_for_po82(tmp: Path) -> tuple[int, list[str]]:
    import factories
    from tui_support import make_app

    app = make_app(tmp, orders=[factories.order()])
    store = app.store
    async with app.run_test(size=(120, 36)) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        await keys("f")  # step 1
        await keys.data("4")  # 4 of 5
        await keys("ctrl+s")  # -> the reason modal, on the line's reason
        await keys("1")  # reason 1: Out of stock
        await keys("ctrl+s")  # acknowledged -> step 2
        await keys.data("2")  # 2 slips, spread 2 + 2
        await keys("ctrl+s")  # slips saved, focus on slip 1's tracking
        await keys.data("1Z999AA10123456784")
        await keys("enter")
        await keys.data("1Z5R89390357567127")
        await keys("enter")
        await keys("ctrl+g")  # the invoice
        await keys("ctrl+s")  # done -> Completed
        order = store.get_order(82)
        assert order.stage is Stage.COMPLETED, order.stage
        assert order.lines[0].quantity_accepted == 4
    return keys.count, keys.pressed


# --- rates: orders acknowledged per second, each in its own transaction -------------------


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def fresh_copy(src: Path, dest: Path) -> Path:
    """``src`` copied to ``dest`` (no -wal/-shm: the cached stores are checkpointed)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(dest) + suffix).unlink(missing_ok=True)
    shutil.copyfile(src, dest)
    return dest


def ack_all_rate(path: Path, n: int) -> tuple[float, float, list[int]]:
    """(orders/s wall, CPU µs per order, the POs acknowledged) of ``acknowledge_all`` over
    the first ``n`` New orders of the store at ``path``."""
    store = SqliteStore(path, user="bench", clock=lambda: NOW)
    try:
        pos = [s.po_number for s in store.list_orders(OrderQuery(stage=Stage.NEW), limit=n)]
        cpu, wall = time.process_time(), time.perf_counter()
        result = store.acknowledge_all(pos)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        store.close()
    if result.failed or len(result.succeeded) != len(pos):
        raise SystemExit(f"acknowledge_all failed {len(result.failed)}: {list(result.failed.items())[:3]}")
    return len(pos) / wall, cpu / len(pos) * 1e6, pos


def cli_ack_rate(path: Path) -> tuple[float, int]:
    """(orders/s, how many) of ``ack --all-new`` on ``path``, start-up excluded."""
    argv = [sys.executable, "-m", "dropship_tui", "ack", "--all-new", "--json", "--db", str(path)]
    env = {**os.environ, "DROPSHIP_TUI_USER": "bench"}
    started = time.perf_counter()
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout
    whole = time.perf_counter() - started
    done = len(json.loads(out)["succeeded"])
    started = time.perf_counter()
    again = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout
    bare = time.perf_counter() - started
    assert not json.loads(again)["succeeded"]
    return done / max(whole - bare, 1e-9), done


def verify_cli(path: Path) -> bool:
    proc = subprocess.run([sys.executable, "-m", "dropship_tui", "verify", "--db", str(path)],
                          capture_output=True, text=True)
    print(f"    verify {path.name}: {(proc.stdout or proc.stderr).strip()}")
    return proc.returncode == 0


def verify_orders(path: Path, pos: list[int]) -> bool:
    """The activity chain and invariants of ``pos`` only (a full ``verify`` of the
    1,000,000-order store reads gigabytes)."""
    from dropship_tui.domain.invariants import order_invariant_problems
    from dropship_tui.domain.models import Order
    from dropship_tui.store.sqlite import activity_chain

    conn = sqlite3.connect(path)
    bad = []
    for po in pos:
        previous = activity_chain.GENESIS
        for at, user, action, details, stored in conn.execute(
            "SELECT at, user, action, details, hash FROM activity WHERE po_number = ? ORDER BY id", (po,)
        ):
            if stored != activity_chain.entry_hash(previous, po, at, user, action, details):
                bad.append(po)
            previous = stored
        (body,) = conn.execute("SELECT body FROM order_bodies WHERE po_number = ?", (po,)).fetchone()
        order = Order.model_validate_json(body)
        if order.stage is not Stage.IN_PROGRESS or order_invariant_problems(order):
            bad.append(po)
    conn.close()
    print(f"    chains and invariants of the {len(pos):,} acknowledged orders: "
          f"{'all hold' if not bad else f'{len(set(bad))} WRONG, e.g. PO {bad[0]}'}")
    return not bad


def spread(label: str, rates: list[float], extra: str = "") -> bool:
    good = statistics.median(rates) >= RATE_TARGET
    runs = ", ".join(f"{r:,.0f}" for r in rates)
    print(f"{label:<52} median {statistics.median(rates):6,.0f}/s  best {max(rates):6,.0f}/s  "
          f"(runs: {runs}){extra}   target ≥ {RATE_TARGET:,}/s   {'ok' if good else 'MISSED'}")
    return good


class Recorder(sqlite3.Connection):
    """A store's connection that records every statement run on it, to replay them
    without the Python around them (where an acknowledgement's time goes). A real
    ``sqlite3.Connection`` (``recording`` opens the store on one): the store keeps the
    scorecard facts only on an SQLite connection."""

    log: list | None = None
    """Where the statements go (None: not recording yet)."""

    def execute(self, sql: str, params=()):
        if self.log is not None:
            self.log.append((sql, params, False))
        return super().execute(sql, params)

    def executemany(self, sql: str, rows):
        if self.log is not None:
            rows = list(rows)
            self.log.append((sql, rows, True))
        return super().executemany(sql, rows)


def recording(path: Path) -> tuple[SqliteStore, list]:
    """The store at ``path`` on a ``Recorder`` (opened, and upgraded, before recording)."""
    connect = sqlite3.connect
    sqlite3.connect = lambda *a, **k: connect(*a, factory=Recorder, **k)
    try:
        store = SqliteStore(path, user="bench", clock=lambda: NOW)
    finally:
        sqlite3.connect = connect
    log: list = []
    store._conn.log = log
    return store, log


def _names(sqls: list[str], kind: str) -> list[str]:
    return [re.search(rf"CREATE {kind} (?:IF NOT EXISTS )?(\w+)", sql).group(1) for sql in sqls]


FACTS_STATEMENTS = ("UPDATE order_facts ", "DELETE FROM canceled_units ", "INSERT OR REPLACE INTO canceled_units")
"""The statements of the store's own facts upkeep (``facts_upkeep.sync``)."""


def split(src: Path, work: Path, n: int, runs: int) -> None:
    """CPU µs per order of ``acknowledge_all`` over ``n`` New orders, and of its SQL
    alone (every statement it ran, replayed on a fresh, upgraded copy with the same
    connection settings), whole and without each recent piece of upkeep, median of
    ``runs``."""
    from dropship_tui.store.sqlite import page_indexes, schema, scorecard_sums
    from dropship_tui.store.sqlite.connection import connect

    whole = [ack_all_rate(fresh_copy(src, work), n)[1] for _ in range(runs)]
    store, log = recording(fresh_copy(src, work))  # the probe (its own run: recording costs)
    pos = [s.po_number for s in store.list_orders(OrderQuery(stage=Stage.NEW), limit=n)]
    del log[:]
    store.acknowledge_all(pos)
    store.close()
    done = len(pos)
    sums = [f"DROP TRIGGER {t}" for t in _names(scorecard_sums.TRIGGERS, "TRIGGER")]
    variants = {  # label: (what is dropped first, which recorded statements are left out)
        "its SQL alone (the same statements replayed)": ([], ()),
        "  without the scorecard sums' triggers": (sums, ()),
        "  without order_facts upkeep at all": (sums, FACTS_STATEMENTS),
        "  without the page indexes": ([f"DROP INDEX {i}" for i in page_indexes.PAGE_INDEX.values()], ()),
    }
    replayed: dict[str, list[float]] = {label: [] for label in variants}
    for _ in range(runs):
        for label, (drops, left_out) in variants.items():
            conn = connect(fresh_copy(src, work))
            schema.migrate(conn)
            for sql in drops:
                conn.execute(sql)
            statements = [entry for entry in log if not entry[0].startswith(left_out)] if left_out else log
            cpu = time.process_time()
            for sql, params, many in statements:
                (conn.executemany if many else conn.execute)(sql, params)
            replayed[label].append((time.process_time() - cpu) / done * 1e6)
            conn.close()
    print(f"where an acknowledgement's time goes: CPU µs per order, {done:,} orders of {src.name}, "
          f"median of {runs} ({len(log) / done:.1f} statements per order; {load()})")
    med = statistics.median
    print(f"    {'acknowledge_all, whole (Python + SQLite)':<52} {med(whole):6,.0f}")
    sql = med(replayed["its SQL alone (the same statements replayed)"])
    for label, values in replayed.items():
        delta = "" if not variants[label][0] else f"   ({med(values) - sql:+,.0f})"
        print(f"    {label:<52} {med(values):6,.0f}{delta}")
    print(f"    {'Python (the difference)':<52} {med(whole) - sql:6,.0f}")
    print(f"    at most {1e6 / med(whole):,.0f} orders/s on one free core; "
          f"the SQL alone allows {1e6 / sql:,.0f}/s (target {RATE_TARGET:,}/s: {1e6 / RATE_TARGET:,.0f} µs an order)")


def rates(args: argparse.Namespace) -> bool:
    """The rate figures (see the module docstring); True if every target is met."""
    import _stores  # benchmarks/ is on sys.path when a script runs

    ok = True
    args.work.mkdir(parents=True, exist_ok=True)
    small = _stores.ensure_store(20_000, args.cache, NOW)
    copy = args.work / "ack-20000.db"
    cli = []
    for _ in range(args.runs):
        rate, done = cli_ack_rate(fresh_copy(small, copy))
        cli.append(rate)
        print(f"    ack --all-new: {done:,} orders at {rate:,.0f}/s   ({load()})")
    ok &= spread("ack --all-new, 20,000-order store (no start-up)", cli)
    ok &= verify_cli(copy)
    split(small, copy, args.rate_orders, args.runs)
    walls, cpus = [], []
    for _ in range(args.runs):
        wall, cpu, _pos = ack_all_rate(fresh_copy(small, copy), args.rate_orders)
        walls.append(wall), cpus.append(cpu)
        print(f"    acknowledge_all: {args.rate_orders:,} orders at {wall:,.0f}/s, CPU {cpu:,.0f} µs/order   ({load()})")
    ok &= spread(f"acknowledge_all, {args.rate_orders:,} of 20,000", walls,
                 f"  CPU median {statistics.median(cpus):,.0f} µs/order")
    ok &= verify_cli(copy)
    if not args.big.exists():
        print(f"acknowledge_all at 1,000,000: {args.big} is not there (yet): skipped")
        return False
    big = args.work / "ack-1000000.db"
    print(f"    copying {args.big} to {big} …", flush=True)
    fresh_copy(args.big, big)
    walls, cpus, done = [], [], []
    for _ in range(args.runs):
        wall, cpu, pos = ack_all_rate(big, args.rate_orders)
        walls.append(wall), cpus.append(cpu), done.extend(pos)
        print(f"    acknowledge_all: {args.rate_orders:,} orders at {wall:,.0f}/s, CPU {cpu:,.0f} µs/order   ({load()})")
    ok &= spread(f"acknowledge_all, {args.rate_orders:,} of 1,000,000", walls,
                 f"  CPU median {statistics.median(cpus):,.0f} µs/order")
    ok &= verify_orders(big, done)
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(str(big) + suffix).unlink(missing_ok=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--marked", type=int, default=500)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "dropship-tui-bench")
    parser.add_argument("--rate", action="store_true", help="the rates only")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rate-orders", type=int, default=2000)
    parser.add_argument("--big", type=Path, default=None, help="the 1,000,000-order store (default: in --cache)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "dropship-tui-bench-batch",
                        help="where the copies that get acknowledged go")
    parser.add_argument("--keep", action="store_true", help="keep the copy of the 1,000,000-order store")
    args = parser.parse_args()
    args.big = args.big or args.cache / "1000000.db"
    os.environ["TZ"] = "UTC"
    time.tzset()
    if args.rate:
        return 0 if rates(args) else 1
    ok = True
    db = demo_store(args.marked, args.cache)
    elapsed, short, count, new, opened = asyncio.run(confirm_to_result(db, args.marked))
    print(f"{'batch ack: A to the review (read, shown)':<40} {opened:6.2f} s   ({args.marked} orders with their lines and stock)")
    good = elapsed < CONFIRM_TARGET
    ok &= good
    print(f"{'batch ack: confirm to result screen':<40} {elapsed:6.2f} s   ({args.marked} marked of {new:,} New, "
          f"{short} short lines, {count} keys)   target < {CONFIRM_TARGET:.0f} s   {'ok' if good else 'MISSED'}")
    with tempfile.TemporaryDirectory() as tmp:
        n100 = asyncio.run(keys_for_100(Path(tmp) / "a"))
        n82, pressed = asyncio.run(keys_for_po82(Path(tmp) / "b"))
    good = n100 <= KEYS_100_AIM
    ok &= good
    print(f"{'keys: acknowledge 100 New orders in full':<40} {n100:6d}     (2 * A ctrl+s enter)        aim ≤ {KEYS_100_AIM}   {'ok' if good else 'MISSED'}")
    good = n82 <= KEYS_PO82_AIM
    ok &= good
    print(f"{'keys: PO 82 from New to Completed':<40} {n82:6d}     ({' '.join(pressed)})   aim ≤ {KEYS_PO82_AIM}   {'ok' if good else 'MISSED'}")
    ok &= rates(args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
