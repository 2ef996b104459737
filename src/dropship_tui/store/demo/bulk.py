"""The demo's bulk loader: worker processes each write one chunk of fast-path rows into a
scratch SQLite file, activity entries already chained (``activity_chain.entry_hash``) up to the
invoice an order may have; this process copies the chunks in with ``INSERT ... SELECT``
(numbering invoices in PO order, and chaining the entries from each invoice on), then
builds indexes and counters; ``synchronous=OFF`` and no WAL meanwhile."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

from dropship_tui.domain import activity
from dropship_tui.domain.models import SlaThresholds
from dropship_tui.store.demo.fast_writer import INVOICE_TOKEN, FastWriter
from dropship_tui.store.demo.plans import chunk_count, make_plans
from dropship_tui.store.demo.world import ALPINE, MYSTIC, Customer, Product, demo_catalog, demo_customers
from dropship_tui.store.sqlite import SqliteStore, activity_chain, schema
from dropship_tui.store.sqlite.rows import ORDER_COLUMNS
from dropship_tui.store.sqlite.store import INVOICE_PREFIX, invoice_number

_WORLD: dict[int, tuple[list[Product], list[Customer]]] = {}
"""Each worker process's catalog and customers, by seed (built once per process)."""
LAST_TIMINGS: dict[str, float] = {}
"""Seconds per phase of the last bulk load in this process (for benchmarks/store.py)."""


def chunk_rows(seed: int, count: int, now_s: int, chunk: int, thresholds: SlaThresholds) -> list:
    """The fast-path rows of one chunk of orders (run in a worker process)."""
    gc.disable()
    try:
        world = _WORLD.get(seed)
        if world is None:
            world = _WORLD[seed] = (demo_catalog(seed), demo_customers(seed))
        writer = FastWriter(thresholds, {v.code: v for v in (MYSTIC, ALPINE)}, now_s)
        plans = make_plans(seed, count, now_s, world[0], world[1], chunks=[chunk])
        return [writer.rows(p) for p in plans]
    finally:
        gc.enable()


_SCRATCH_TABLES = [
    f"CREATE TABLE orders ({', '.join(ORDER_COLUMNS)})",
    "CREATE TABLE bodies (po_number INTEGER PRIMARY KEY, inv INTEGER NOT NULL, body TEXT)",
    "CREATE TABLE lines (po_number, line_id, sku, vendor_sku, upc)",
    "CREATE TABLE tracking (number, po_number, slip)",
    "CREATE TABLE invoices (inv INTEGER, po_number)",
    "CREATE TABLE activity (po_number, at, user, action, details, inv INTEGER NOT NULL, hash, link)",
]


def _chained(entries: list[tuple], inv: int) -> list[tuple]:
    """One order's activity rows as scratch rows (..., inv, hash, link), chained here
    (``activity_chain.entry_hash``, as ``imports.append_activity`` does) up to its "Invoiced"
    entry, whose number the loader fills in: from there on ``hash`` is NULL and the loader
    chains the rest, going on from the ``link`` of the first of them."""
    out: list[tuple] = []
    previous, tail = activity_chain.GENESIS, False
    for e in entries:
        if e[3] == activity.INVOICED:
            out.append((*e, inv, None, previous))
            tail = True
        elif tail:
            out.append((*e, 0, None, None))
        else:
            previous = activity_chain.entry_hash(previous, *e)
            out.append((*e, 0, previous, None))
    return out


def chunk_file(
    seed: int, count: int, now_s: int, chunk: int, thresholds: SlaThresholds, folder: str
) -> tuple[str, int, int]:
    """Write one chunk's rows into a scratch SQLite file (run in a worker process, so the
    row-by-row inserts happen in parallel); returns (path, orders, invoices). Invoice
    numbers are left as ``INVOICE_TOKEN`` with the chunk-local invoice index in ``inv``:
    the loader numbers them in PO order across chunks."""
    import sqlite3

    rows = chunk_rows(seed, count, now_s, chunk, thresholds)
    path = os.path.join(folder, f"chunk{chunk:05d}.db")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        for sql in _SCRATCH_TABLES:
            conn.execute(sql)
        bodies, invoices, log = [], [], []
        k = 0
        for row, _, _, invoice, entries in rows:
            inv = 0
            if invoice is not None:
                k += 1
                inv = k
                invoices.append((k, row[0]))
            bodies.append((row[0], inv, row[-1]))
            log.extend(_chained(entries, inv))
        conn.execute("BEGIN")
        marks = ", ".join("?" * len(ORDER_COLUMNS))
        conn.executemany(f"INSERT INTO orders VALUES ({marks})", [r[0][:-1] for r in rows])
        conn.executemany("INSERT INTO bodies VALUES (?, ?, ?)", bodies)
        conn.executemany("INSERT INTO lines VALUES (?, ?, ?, ?, ?)", [x for r in rows for x in r[1]])
        conn.executemany("INSERT INTO tracking VALUES (?, ?, ?)", [x for r in rows for x in r[2]])
        conn.executemany("INSERT INTO invoices VALUES (?, ?)", invoices)
        conn.executemany("INSERT INTO activity VALUES (?, ?, ?, ?, ?, ?, ?, ?)", log)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return path, len(rows), k


def _chunk_job(args: tuple) -> tuple[str, int, int]:
    return chunk_file(*args)


def _chunks(
    seed: int, count: int, now_s: int, thresholds: SlaThresholds, workers: int, folder: str
) -> Iterator[tuple[str, int, int]]:
    jobs = [(seed, count, now_s, c, thresholds, folder) for c in range(chunk_count(count))]
    if workers <= 1:
        for job in jobs:
            yield _chunk_job(job)
        return
    import multiprocessing
    from collections import deque

    # fork: the workers only run pure functions of their arguments, and unlike spawn it
    # needs no importable __main__ (python -c, a REPL, pytest all work).
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        pending: deque = deque()
        todo = iter(jobs)
        for job in todo:  # a bounded window: at most 2 chunks per worker in flight
            pending.append(pool.apply_async(_chunk_job, (job,)))
            if len(pending) >= 2 * workers:
                break
        while pending:
            result = pending.popleft().get()
            job = next(todo, None)
            if job is not None:
                pending.append(pool.apply_async(_chunk_job, (job,)))
            yield result


_NUMBERED = "replace({col}, '" + INVOICE_TOKEN + "', printf('" + INVOICE_PREFIX + "%06d', inv + :offset))"
_COPY = [
    f"INSERT INTO orders({', '.join(ORDER_COLUMNS)}) SELECT * FROM w.orders",
    "INSERT INTO order_bodies(po_number, body) SELECT po_number, CASE WHEN inv > 0 THEN "
    + _NUMBERED.format(col="body") + " ELSE body END FROM w.bodies ORDER BY po_number",
    "INSERT INTO lines(po_number, line_id, sku, vendor_sku, upc) SELECT * FROM w.lines ORDER BY rowid",
    "INSERT INTO tracking(number, po_number, slip) SELECT * FROM w.tracking ORDER BY rowid",
    "INSERT INTO invoices(number, po_number) SELECT printf('" + INVOICE_PREFIX
    + "%06d', inv + :offset), po_number FROM w.invoices ORDER BY rowid",
    "INSERT INTO activity(po_number, at, user, action, details, hash) SELECT po_number, at, "
    "user, action, details, hash FROM w.activity WHERE hash IS NOT NULL ORDER BY rowid",
]


def _copy_invoiced_tails(conn, offset: int) -> None:
    """The chunk's entries from each "Invoiced" on (``_chained``), invoice numbers filled
    in and chained. After the rest of the chunk's activity, so each order's entries still
    have increasing ids."""
    rows = []
    previous = None
    for po, at, user, action, details, inv, link in conn.execute(
        "SELECT po_number, at, user, action, details, inv, link FROM w.activity "
        "WHERE hash IS NULL ORDER BY rowid"
    ):
        if link is not None:  # the first of an order's tail
            previous = link
        if inv:
            details = details.replace(INVOICE_TOKEN, invoice_number(inv + offset))
        previous = activity_chain.entry_hash(previous, po, at, user, action, details)
        rows.append((po, at, user, action, details, previous))
    conn.executemany(
        "INSERT INTO activity(po_number, at, user, action, details, hash) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


def bulk_load(
    store: SqliteStore, seed: int, total: int, now_s: int, workers: int, progress
) -> None:
    """Workers write chunks into scratch files; this process copies each one in (C-level
    INSERT ... SELECT, one transaction per chunk), then builds the indexes and counters.
    Into an empty store only: if it fails midway the store keeps what was copied, with
    its indexes and counters rebuilt."""
    import shutil
    import tempfile
    import time

    conn = store.connection
    started = time.perf_counter()
    LAST_TIMINGS.clear()

    def phase(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        LAST_TIMINGS[name] = LAST_TIMINGS.get(name, 0.0) + now - started
        started = now

    folder = tempfile.mkdtemp(prefix=".demo-", dir=store.path.parent)
    with store.lock:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA threads = 4")
        # Into an empty store: write the file directly instead of through the WAL (which
        # would hold the whole load and then be copied again at checkpoint). Refused, and
        # harmless, while another connection has the file open.
        conn.execute("PRAGMA journal_mode = MEMORY")
        triggers = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            if any(r[0].startswith(prefix) for prefix in schema.COUNTERS)
        ]
        conn.execute("BEGIN IMMEDIATE")
        for name in schema.INDEX_NAMES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        for name in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("COMMIT")
        try:
            done = invoices = 0
            for path, n, k in _chunks(seed, total, now_s, store.thresholds, workers, folder):
                phase("generate (wait for workers)")
                conn.execute("ATTACH DATABASE ? AS w", (path,))
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    for sql in _COPY:
                        conn.execute(sql, {"offset": invoices} if ":offset" in sql else {})
                    _copy_invoiced_tails(conn, invoices)
                    conn.execute("COMMIT")
                finally:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    conn.execute("DETACH DATABASE w")
                os.remove(path)
                invoices += k
                done += n
                phase("copy rows in")
                if progress:
                    progress(done, total)
            conn.execute("UPDATE sequences SET value = ? WHERE name = 'invoice'", (invoices,))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            conn.execute("BEGIN IMMEDIATE")
            for recount, counter_triggers in schema.COUNTERS.values():
                for sql in recount + counter_triggers:
                    conn.execute(sql)
            for sql in schema.INDEXES:
                conn.execute(sql)
                phase("create indexes")
            conn.execute("COMMIT")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            phase("commit")
        conn.execute("ANALYZE")  # in full: sampled statistics misled the planner
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        phase("analyze")
