"""How fast documents are made, each figure next to its target.

    python benchmarks/documents.py            # full sizes
    python benchmarks/documents.py --quick    # smaller batches, same per-item targets

Targets (issue 3): packing slips + invoice of a 6-line order under 50 ms; 1,000
invoices under 30 s; the batch packing slips PDF of 500 orders under 30 s. Orders are
built with the real workflow rules (acknowledged with a short line, two slips, tracked,
invoiced). Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import factories as f  # noqa: E402

from dropship_tui.documents import text  # noqa: E402
from dropship_tui.documents.invoice import render_invoice  # noqa: E402
from dropship_tui.documents.packing_slips import SlipJob, render_order_slips, render_packing_slips  # noqa: E402
from dropship_tui.domain import workflow as wf  # noqa: E402
from dropship_tui.domain.models import Reason, ReasonCode  # noqa: E402

NAMES = ["Ann Lee", "Ωμέγα Παπαδοπούλου", "Пётр Ильич", "王小明", "<b>Ann</b> & [bold]Co[/]", "שלום כהן"]


def six_line_order(po: int):
    c = f.ctx()
    lines = [f.line(i, 2 + i % 3, f"SKU-{po}-{i}", contracted=f"{10 + i}.99") for i in range(1, 7)]
    o = f.order(po=po, lines=lines, first_name=NAMES[po % len(NAMES)], last_name="Lee")
    o = wf.acknowledge(o, {1: 1}, {1: Reason(code=ReasonCode.OUT_OF_STOCK)}, c).order
    plan = wf.even_allocation(o, 2)
    o = wf.save_slips(o, plan, c).order
    o = wf.save_tracking(o, 1, "1Z999AA10123456784", c).order
    o = wf.save_tracking(o, 2, f"LOCAL{po:08d}", c, carrier="Local Courier").order
    return wf.generate_invoice(o, f.vendor(), f"INV-{po:06d}", c).order


def report(label: str, seconds: float, target: float, unit: str = "s") -> bool:
    ok = seconds <= target
    shown = f"{seconds * 1000:.1f} ms" if unit == "ms" else f"{seconds:.2f} s"
    goal = f"{target * 1000:.0f} ms" if unit == "ms" else f"{target:.0f} s"
    print(f"{label:<52} {shown:>10}   target < {goal:<7} {'OK' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 invoices / 100 orders instead of 1,000 / 500")
    args = parser.parse_args()
    n_invoices = 100 if args.quick else 1000
    n_batch = 100 if args.quick else 500
    ok = True
    vendor, location = f.vendor(), f.location()

    t = time.perf_counter()
    text.register_fonts()
    print(f"(font registration, once per process: {(time.perf_counter() - t) * 1000:.0f} ms)")
    warm = six_line_order(1)
    render_order_slips(warm, vendor, location, io.BytesIO(), paper="letter")
    render_invoice(warm, io.BytesIO(), paper="letter")

    # 1. one 6-line order: slips + invoice (best of 20, and the median).
    order = six_line_order(82)
    times = []
    for _ in range(20):
        t = time.perf_counter()
        render_order_slips(order, vendor, location, io.BytesIO(), paper="letter")
        render_invoice(order, io.BytesIO(), paper="letter")
        times.append(time.perf_counter() - t)
    times.sort()
    ok &= report("6-line order: packing slips + invoice (median)", times[len(times) // 2], 0.050, "ms")

    with tempfile.TemporaryDirectory() as tmp:
        # 2. 1,000 invoices, each its own file.
        orders = [six_line_order(1000 + i) for i in range(n_invoices)]
        t = time.perf_counter()
        for o in orders:
            render_invoice(o, Path(tmp) / f"PO-{o.po_number}-invoice.pdf", paper="letter")
        elapsed = time.perf_counter() - t
        target = 30.0 * n_invoices / 1000
        ok &= report(f"{n_invoices:,} invoices (one PDF each)", elapsed, target)

        # 3. batch slips of 500 orders in one PDF, orders produced lazily.
        def jobs():
            for i in range(n_batch):
                yield SlipJob(six_line_order(5000 + i), vendor, location)

        build = time.perf_counter()
        for i in range(n_batch):
            six_line_order(5000 + i)
        build = time.perf_counter() - build
        path = Path(tmp) / "batch.pdf"
        t = time.perf_counter()
        pages = render_packing_slips(jobs(), path, paper="letter")
        elapsed = time.perf_counter() - t - build  # rendering only, not building orders
        target = 30.0 * n_batch / 500
        ok &= report(f"batch packing slips, {n_batch} orders / {pages} pages, one PDF", elapsed, target)
        # Again under tracemalloc (slower, so not timed): what the stream holds at most.
        tracemalloc.start()
        render_packing_slips(jobs(), path, paper="letter")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{'  file size / peak Python memory of that batch':<52} {path.stat().st_size / 1e6:>7.1f} MB   {peak / 1e6:.0f} MB peak")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
