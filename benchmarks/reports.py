"""Reports benchmark (issue 14): the vendor scorecard over a big demo store.

Builds (once, cached) a demo store of --orders orders, then times ``store.scorecards``
for a period covering every order (all vendors, and one vendor) and for the default 30
days, five runs each, printing the median and the worst next to the target (< 1 s for
1,000,000 orders). Run: ``python benchmarks/reports.py [--orders N]``."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _stores import ensure_store  # noqa: E402

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc)
TARGET_S = 1.0


def timed(fn, runs: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "dropship-bench"))
    args = parser.parse_args()
    from dropship_tui.store.sqlite import SqliteStore

    path = ensure_store(args.orders, Path(args.cache), NOW)
    store = SqliteStore(path, clock=lambda: NOW)
    vendor = store.vendors()[0].code
    everything = (datetime(2000, 1, 1, tzinfo=timezone.utc), NOW + timedelta(days=1))
    last_30 = (NOW - timedelta(days=30), NOW)
    print(f"scorecard over {args.orders:,} orders ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})")
    for name, call in [
        ("every order, every vendor", lambda: store.scorecards(*everything)),
        (f"every order, vendor {vendor}", lambda: store.scorecards(*everything, vendor)),
        ("last 30 days, every vendor", lambda: store.scorecards(*last_30)),
    ]:
        median, worst = timed(call)
        verdict = "ok" if median < TARGET_S else "MISSED"
        print(f"  {name:32} median {median * 1000:7.1f} ms  worst {worst * 1000:7.1f} ms  target < {TARGET_S:.0f} s  {verdict}")
    cards = store.scorecards(*everything)
    print(f"  ({sum(c.orders for c in cards):,} orders counted across {len(cards)} vendors)")


if __name__ == "__main__":
    main()
