"""Snapshots of the batch acknowledgement at 120×36: the review (one marked order not New,
short lines), its reason modal, and the result (one order refused).

Deterministic as the dashboard's (``tui_support``: fixed data, clock and time zone).
Update after an intended change with ``pytest --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from tui_support import clock, make_app, settle

from dropship_tui.store.sqlite.store import SqliteStore
from dropship_tui.tui.widgets.order_list import OrderList

SIZE = (120, 36)


async def _review(pilot) -> None:
    await settle(pilot)
    pilot.app.screen.query_one(OrderList).marks.update({1001, 1002, 1003, 1013, 1014})
    await pilot.press("A")
    await settle(pilot)
    await pilot.press("0", "down", "down", "1")  # 1001 line 1 -> 0, 1002 line 1 -> 1
    await settle(pilot)


def test_batch_review(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=_review)


def test_batch_reason_modal(snap_compare, tmp_path):
    async def run_before(pilot) -> None:
        await _review(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_batch_result(snap_compare, tmp_path):
    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.query_one(OrderList).marks.update({1001, 1002, 1003, 1013, 1014})
        await pilot.press("A")
        await settle(pilot)
        other = SqliteStore(tmp_path / "store.db", user="sam", clock=clock)
        order = other.get_order(1014)
        other.acknowledge(1014, None, {ln.line_id: ln.quantity_ordered for ln in order.lines}, {})
        other.close()
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=run_before)
