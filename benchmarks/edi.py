"""X12 speed: the pure layer, then the same through a real store.

    python benchmarks/edi.py                 # 10,000 850s in one file, 856s for 1,000 orders
    python benchmarks/edi.py --sets 2000 --orders 200

Figures:

* reading one file of ``--sets`` 850s (one interchange each, 20 segments a set, written
  from the VICS sample in tests/edi) and mapping every set to the import's models with
  ``x850.read_850`` (target < 10 s for 10,000);
* writing an 856 for each of ``--orders`` orders (two tracked packing slips, two lines,
  SSCC-18 packs), each in its own interchange (target < 5 s for 1,000).

Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "edi"))

from edi_samples import interchange, lifecycle_order, set_850  # noqa: E402

from dropship_tui.exports.edi.reader import read_interchanges  # noqa: E402
from dropship_tui.exports.edi.writer import Control, PartnerProfile  # noqa: E402
from dropship_tui.exports.edi.x850 import read_850  # noqa: E402
from dropship_tui.exports.edi.x856 import write_856  # noqa: E402

READ_TARGET = 10.0
WRITE_TARGET = 5.0


def _report(what: str, seconds: float, target: float, scale: float) -> bool:
    scaled = seconds * scale
    ok = scaled < target
    note = f" (x{scale:g} = {scaled:.2f} s)" if scale != 1 else ""
    print(f"{what}: {seconds:.2f} s{note}  target < {target:g} s  {'ok' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=1_000)
    args = parser.parse_args()

    text = "".join(
        interchange(set_850(po=str(4_500_000_000 + n)), control=f"{n + 1:09d}", group=str(n + 1))
        for n in range(args.sets)
    )
    start = time.perf_counter()
    result = read_interchanges(text)
    orders = [read_850(ts) for ts in result.sets()]
    read_s = time.perf_counter() - start
    assert len(orders) == args.sets and not result.refused
    del result, orders  # each figure starts from a clean heap: no earlier figure's objects for the GC to scan
    gc.collect()

    order = lifecycle_order()
    profile = PartnerProfile("ZZ", "MYSTICSPORTS", "ZZ", "BIGRETAILER", gs1_prefix="0614141")
    at = order.slips[0].tracked_at
    assert at is not None
    start = time.perf_counter()
    for n in range(args.orders):
        copy = order.model_copy(update={"po_number": n + 1})
        write_856(copy, profile, Control(n + 1, n + 1, 1, at), pack_serials={1: 2 * n, 2: 2 * n + 1})
    write_s = time.perf_counter() - start

    ok = _report(f"read + map {args.sets:,} 850s ({len(text) / 1e6:.1f} MB)", read_s, READ_TARGET, 10_000 / args.sets)
    ok &= _report(f"write {args.orders:,} 856s", write_s, WRITE_TARGET, 1_000 / args.orders)
    ok &= _store_figures(text, args.sets, args.orders)
    return 0 if ok else 1


def _store_figures(text: str, sets: int, orders: int) -> bool:
    """The same file imported into a real store (500 interchanges per transaction, a
    savepoint each, with their log rows and 997s), then 856s written from the store for ``orders`` of them (each
    acknowledged, packed in one slip and tracked; the timing covers the 856s only)."""
    import tempfile

    import factories as f
    from dropship_tui.domain.actions import AcknowledgeInFull, SaveSlips, SaveTracking
    from dropship_tui.domain.edi import TradingPartner
    from dropship_tui.services.edi_import import import_edi
    from dropship_tui.services.edi_outbox import export_document
    from dropship_tui.store.sqlite.store import SqliteStore

    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "edi.db", clock=lambda: f.NOW)
        store.add_vendor(f.vendor())
        store.add_location(f.location())
        store.add_partner(TradingPartner(
            partner_id="BIGR", our_qualifier="ZZ", our_id="MYSTICSPORTS", their_qualifier="ZZ",
            their_id="BIGRETAILER", version="004010VICS", vendor_code="MYSTIC", gs1_prefix="0614141"))
        gc.collect()
        start = time.perf_counter()
        report = import_edi(store, text)
        import_s = time.perf_counter() - start
        assert len(report.imported) == sets, report.message[:300]
        pos = report.imported[:orders]
        for n, po in enumerate(pos):
            store.act(po, None, AcknowledgeInFull())
            store.act(po, None, SaveSlips(plan=[{1: 5, 2: 2}]))
            store.act(po, None, SaveTracking(slip_number=1, tracking_number=f"TRK{n:09d}", carrier="Acme Freight"))
        start = time.perf_counter()
        for po in pos:
            export_document(store, po, "856")
        write_s = time.perf_counter() - start
        store.close()
    ok = _report(f"store import of {sets:,} 850s", import_s, READ_TARGET, 10_000 / sets)
    ok &= _report(f"856s from the store for {len(pos):,} orders", write_s, WRITE_TARGET, 1_000 / max(1, len(pos)))
    return ok


if __name__ == "__main__":
    sys.exit(main())
