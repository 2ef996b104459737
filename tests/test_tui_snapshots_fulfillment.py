"""Snapshots of the order screens at 120×36 (and the two busiest at 80×24): the order
detail (items, activity), step 1 with a short line, the reason modal (refusal, and the
all-zero R4 case), step 2 with a slip plan and tracking, the invoice, the cancel and
address modals.

Deterministic: fixed data (``factories``), the store's and app's clock is
``factories.NOW``, local time is UTC, toasts are cleared before the shot, cursors do not
blink headless. Update after an intended change with ``pytest --snapshot-update`` and look
at the SVGs in ``tests/__snapshots__/`` before committing them.
"""

from __future__ import annotations

import factories
from tui_support import make_app, settle

from dropship_tui.domain.models import Reason, ReasonCode
from dropship_tui.tui.screens.acknowledge import AcknowledgeScreen
from dropship_tui.tui.screens.invoice import InvoiceScreen
from dropship_tui.tui.screens.order_detail import OrderDetailScreen
from dropship_tui.tui.screens.prepare_shipments import PrepareShipmentsScreen

UPS_1 = "1Z999AA10123456784"
UPS_2 = "1Z5R89390357567127"


def two_line_order(po: int = 82):
    return factories.order(
        po=po,
        lines=[factories.line(1, qty=5, sku="SKU-123"), factories.line(2, qty=3, sku="SKU-456", contracted="7.50")],
    )


def _app(tmp_path, stage: str = "new"):
    app = make_app(tmp_path, orders=[two_line_order()])
    store = app.store
    if stage in ("slips", "tracked", "invoiced", "completed"):
        store.acknowledge(82, None, {1: 4, 2: 3}, {1: Reason(code=ReasonCode.DAMAGED)})
        store.save_slips(82, None, [{1: 2, 2: 2}, {1: 2, 2: 1}])
    if stage in ("tracked", "invoiced", "completed"):
        store.save_tracking(82, None, 1, UPS_1)
        store.save_tracking(82, None, 2, UPS_2)
    if stage in ("invoiced", "completed"):
        store.generate_invoice(82, None)
    if stage == "completed":
        store.complete(82, None)
    return app


def _open(screen_factory, *keys: str):
    async def run_before(pilot) -> None:
        pilot.app.animation_level = "none"  # the tab underline would be caught mid-slide
        await settle(pilot)
        pilot.app.push_screen(screen_factory())
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


def test_detail_completed(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path, "completed"), terminal_size=(120, 36), run_before=_open(lambda: OrderDetailScreen(82)))


def test_detail_activity_tab(snap_compare, tmp_path):
    assert snap_compare(
        _app(tmp_path, "completed"),
        terminal_size=(120, 36),
        run_before=_open(lambda: OrderDetailScreen(82), "right", "right", "right"),
    )


def test_detail_new_80x24(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path), terminal_size=(80, 24), run_before=_open(lambda: OrderDetailScreen(82)))


def test_acknowledge_short(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path), terminal_size=(120, 36), run_before=_open(lambda: AcknowledgeScreen(82), "4"))


def test_acknowledge_invalid_80x24(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path), terminal_size=(80, 24), run_before=_open(lambda: AcknowledgeScreen(82), "9"))


def test_reason_modal_refused(snap_compare, tmp_path):
    assert snap_compare(
        _app(tmp_path),
        terminal_size=(120, 36),
        run_before=_open(lambda: AcknowledgeScreen(82), "4", "down", "1", "ctrl+s", "ctrl+s"),
    )


def test_reason_modal_all_zero(snap_compare, tmp_path):
    assert snap_compare(
        _app(tmp_path),
        terminal_size=(120, 36),
        run_before=_open(lambda: AcknowledgeScreen(82), "0", "down", "0", "ctrl+s"),
    )


def test_prepare_shipments_plan(snap_compare, tmp_path):
    app = make_app(tmp_path, orders=[two_line_order()])
    app.store.acknowledge(82, None, {1: 4, 2: 3}, {1: Reason(code=ReasonCode.DAMAGED)})
    assert snap_compare(
        app, terminal_size=(120, 36), run_before=_open(lambda: PrepareShipmentsScreen(82), "2", "tab", "1")
    )


def test_prepare_shipments_tracking(snap_compare, tmp_path):
    app = _app(tmp_path, "slips")
    app.store.save_tracking(82, None, 1, UPS_1)
    keys = ["tab"] * 0 + list("1Z999AA10123456785")
    assert snap_compare(app, terminal_size=(120, 36), run_before=_open(lambda: PrepareShipmentsScreen(82), *keys))


def test_prepare_shipments_80x24(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path, "slips"), terminal_size=(80, 24), run_before=_open(lambda: PrepareShipmentsScreen(82)))


def test_invoice(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path, "invoiced"), terminal_size=(120, 36), run_before=_open(lambda: InvoiceScreen(82)))


def test_cancel_modal(snap_compare, tmp_path):
    assert snap_compare(
        _app(tmp_path, "slips"),
        terminal_size=(120, 36),
        run_before=_open(lambda: OrderDetailScreen(82), "x", "enter", "end", "enter"),
    )


def test_address_modal(snap_compare, tmp_path):
    assert snap_compare(
        _app(tmp_path), terminal_size=(120, 36), run_before=_open(lambda: OrderDetailScreen(82), "a")
    )


def test_acknowledge_short_80x24(snap_compare, tmp_path):
    """Issue 13: at 80 columns step 1 keeps Vendor SKU and UPC, the warning wraps, the
    footer ends with F1 Help."""
    assert snap_compare(_app(tmp_path), terminal_size=(80, 24), run_before=_open(lambda: AcknowledgeScreen(82), "4"))


def test_prepare_shipments_invoiced_80x24(snap_compare, tmp_path):
    """Issue 13: back from the invoice, step 2 keeps Accepted ("Acc"), the slips are fixed
    and the tracking numbers editable."""
    assert snap_compare(
        _app(tmp_path, "invoiced"), terminal_size=(80, 24), run_before=_open(lambda: PrepareShipmentsScreen(82))
    )
