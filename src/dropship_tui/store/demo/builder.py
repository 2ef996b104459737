"""Demo data: a store that looks like a vendor's real week, reproducible from a seed.

``build_demo(store_or_path, orders=N, seed=S, now=T)`` adds two vendors (Mystic Sports,
code MYSTIC, with two locations whose SLA policies differ — one of them through a
location group — and a small second vendor, ALPINE), a catalog of 60 products with SKU
mappings (vendor SKU, UPC with a valid check digit, contracted price below retail), some
stock levels, and N orders spread over every stage and SLA status, with customers in many
alphabets (and a few names that look like markup). PO 82 / operator order 119 is the
seed walkthrough's order: one line of 5 units, New, On time.

Everything comes from ``random.Random`` instances seeded from ``seed`` (one per chunk of
10,000 POs, one for the customers, one for stock) and ``now`` (floored to the second;
``datetime.now()`` only as its default), so the same arguments give the same store.

Two ways to write the same orders, chosen by ``fast`` (default: fast above
``FAST_THRESHOLD`` orders):

* the **domain path** (``domain_path``) imports each order New and then drives it
  through the real store actions with the clock set to each action's time;
* the **fast path** (``fast_writer``, loaded by ``bulk``; a million orders in ~80 s on 2
  cores) writes the very rows those actions would write, activity texts included (both
  take them from ``domain.activity``).

The package's other modules: ``world`` (vendors, locations, catalog, customers) and
``plans`` (every random decision about one order, shared by both paths).

``tests/test_demo.py`` builds the same seed both ways and requires identical tables.
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import Retailer
from dropship_tui.store.base import utc_now
from dropship_tui.store.demo.bulk import bulk_load
from dropship_tui.store.demo.domain_path import run_batch
from dropship_tui.store.demo.plans import Plan, make_plans
from dropship_tui.store.demo.world import (
    ALPINE,
    LOCATIONS,
    MYSTIC,
    MYSTIC_PRODUCTS,
    WEST_GROUP,
    Product,
    demo_catalog,
    demo_customers,
)
from dropship_tui.store.sqlite import SqliteStore

FAST_THRESHOLD = 2000
PARALLEL_THRESHOLD = 50_000


@dataclass
class DemoSummary:
    path: Path
    orders: int
    seed: int
    now: datetime
    fast: bool


DEMO_RETAILER = Retailer(name="Northwind Outfitters Inc.", address=("500 Market St", "San Francisco CA 94105", "US"))
"""The operator the demo's invoices bill (the seeds never name one; issue 13)."""


def setup(store: SqliteStore, seed: int) -> list[Product]:
    """Vendors, locations, catalog, mappings, a few stock levels and the retailer."""
    catalog = demo_catalog(seed)
    store.set_retailer(DEMO_RETAILER)
    store.add_vendor(MYSTIC)
    store.add_vendor(ALPINE)
    store.add_location_group(WEST_GROUP)
    for location in LOCATIONS:
        store.add_location(location)
    store.add_sku_mappings([p.mapping() for p in catalog])
    rng = random.Random(f"{seed}/stock")
    for p in catalog[:MYSTIC_PRODUCTS:3]:
        store.set_stock(p.vendor_sku, "MYSTIC-WH1", rng.choice((0, 2, 3, 10, 50, 200)))
    return catalog


def build_demo(
    target: SqliteStore | str | os.PathLike[str],
    orders: int = 200,
    seed: int = 1,
    now: datetime | None = None,
    *,
    fast: bool | None = None,
    workers: int | None = None,
    progress=None,
) -> DemoSummary:
    """Fill an empty store with demo data (see the module docstring). ``target`` is an
    open store or a path. ``fast`` picks the bulk path (default: above
    ``FAST_THRESHOLD`` orders); ``workers`` processes serialise its chunks (default: one
    per CPU above ``PARALLEL_THRESHOLD`` orders, else none). ``progress(done, total)`` is
    called now and then."""
    if now is None:
        now = utc_now()
    now = now.astimezone(timezone.utc).replace(microsecond=0)
    fast = orders > FAST_THRESHOLD if fast is None else fast
    own = not isinstance(target, SqliteStore)
    store = SqliteStore(target, clock=lambda: now) if own else target
    fast = fast and getattr(store, "bulk_loads", True)  # PostgreSQL: through the actions
    try:
        with store.lock:
            if store.connection.execute("SELECT 1 FROM orders LIMIT 1").fetchone():
                raise InvalidInputError("The demo needs an empty store; this one has orders")
        catalog = setup(store, seed)
        now_s = int(now.timestamp())
        if fast:
            if workers is None:
                workers = (os.cpu_count() or 1) if orders > PARALLEL_THRESHOLD else 0
            bulk_load(store, seed, orders, now_s, workers, progress)
            store.settle_stock()  # reservations and shipped units, as the actions make them
        else:
            plans = make_plans(seed, orders, now_s, catalog, demo_customers(seed))
            done = 0
            batch: list[Plan] = []
            for plan in plans:
                batch.append(plan)
                if len(batch) == 500:
                    done = run_batch(store, batch, done, orders, progress, now)
                    batch = []
            run_batch(store, batch, done, orders, progress, now)
        return DemoSummary(store.path, orders, seed, now, fast)
    finally:
        if own:
            store.close()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m dropship_tui.store.demo.builder PATH --orders N --seed S``"""
    import argparse
    import time

    parser = argparse.ArgumentParser(prog="python -m dropship_tui.store.demo.builder")
    parser.add_argument("path", nargs="?", default=None)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from dropship_tui.store.paths import resolve_db_path

    path = resolve_db_path(args.path)
    started = time.perf_counter()
    summary = build_demo(path, orders=args.orders, seed=args.seed)
    print(f"{summary.orders} demo orders in {path} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
