"""Snapshot of the order detail's EDI tab (issue 10 item 6): an order imported from an
850 and acknowledged, its 855 delivered, at 120×36; the header names the retailer PO.
Deterministic as the other snapshots (fixed clock, UTC, animations off, toasts cleared);
the control numbers come from the partner profile, so they are the same every run."""

from __future__ import annotations

from test_tui_edi_live import edi_app
from tui_support import settle

from dropship_tui.tui.screens.order_detail import OrderDetailScreen


def test_detail_edi_tab(snap_compare, tmp_path):
    app, po = edi_app(tmp_path, outbox=tmp_path / "out")

    async def run_before(pilot) -> None:
        pilot.app.animation_level = "none"
        await settle(pilot)
        pilot.app.push_screen(OrderDetailScreen(po))
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)
