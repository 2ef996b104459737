"""Reports benchmark (issue 14): the vendor scorecard and the CSV exports over a big
demo store.

Builds (once, cached) a demo store of --orders orders, then times ``store.scorecards``
for a period covering every order (all vendors, and one vendor) and for the default 30
days, five runs each, printing the median and the worst next to the target (< 1 s for
1,000,000 orders); then runs ``dropship-tui orders --csv --limit 0`` as a process (start-up
included) into a file and prints its rate next to the target (100,000 orders/s), and
likewise ``report sla`` and ``report canceled-items`` (their rows: orders at risk or
overdue, canceled lines).
Run: ``python benchmarks/reports.py [--orders N] [--cache DIR]`` (the scorecard's schema
step writes to the store when it first opens it: point --cache at a copy of a shared one)."""

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
CSV_TARGET = 100_000


def timed(fn, runs: int = 5) -> tuple[float, float, float]:
    """Median and worst wall time, and the median CPU time (what the figure would be on an
    idle core: the machine is shared)."""
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), max(times), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "dropship-tui-bench"))
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
        median, worst, cpu = timed(call)
        verdict = "ok" if median < TARGET_S else "MISSED"
        print(f"  {name:32} median {median * 1000:7.1f} ms  worst {worst * 1000:7.1f} ms  "
              f"(CPU {cpu * 1000:6.1f} ms)  target < {TARGET_S:.0f} s  {verdict}")
    cards = store.scorecards(*everything)
    print(f"  ({sum(c.orders for c in cards):,} orders counted across {len(cards)} vendors)")
    store.close()
    csv_rates(path)


def csv_rates(path: Path) -> None:
    """Each export as the user runs it: a process writing to a file, rows read back."""
    import subprocess

    print(f"CSV exports ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})")
    for name, args in [
        ("orders --csv --limit 0", ["orders", "--csv", "--limit", "0"]),
        ("report sla", ["report", "sla"]),
        ("report canceled-items (every date)", ["report", "canceled-items", "--from", "2000-01-01", "--to", "2100-01-01"]),
    ]:
        with tempfile.TemporaryFile() as out:
            cpu0 = _children_cpu()
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "dropship_tui", "--db", str(path), *args], stdout=out, check=True)
            elapsed, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
            out.seek(0)
            rows = sum(1 for _ in out) - 1
        rate = rows / elapsed
        verdict = "ok" if rate >= CSV_TARGET else "MISSED"
        print(f"  {name:36} {rows:,} rows in {elapsed:.2f} s: {rate:,.0f} rows/s  target >= {CSV_TARGET:,}  {verdict}"
              f"  ({rows / cpu:,.0f} rows per CPU second: the rate on an idle core)")


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
