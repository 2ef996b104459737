"""Batch acknowledgement in the TUI, and how many keys the common jobs take.

    python benchmarks/batch.py                  # 500 marked orders on a demo store
    python benchmarks/batch.py --marked 200

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

Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
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
    import shutil

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--marked", type=int, default=500)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "dropship-tui-bench")
    args = parser.parse_args()
    os.environ["TZ"] = "UTC"
    time.tzset()
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
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
