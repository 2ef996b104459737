"""The seed walkthrough, keys only, on a real SQLite store through the real app.

PO 82 has one line of 5 units. Validate 4 -> the warning shows -> the reason modal refuses
until a reason is given, refuses ``other`` without text -> confirm -> 2 slips, refused
while a unit is unplaced, then 2 + 2 -> an invalid tracking number refused, two valid
ones saved -> the invoice shows 4 units at the contracted price -> Done -> the dashboard
shows it Completed at 100 % -> the detail shows the canceled unit with its reason, both
tracking numbers and the activity. Every step is checked on screen and in the store.
"""

from __future__ import annotations

from decimal import Decimal

import factories
import pytest
from tui_support import make_app, screen_text, settle

from dropship_tui.domain.models import ReasonCode, Stage
from dropship_tui.tui.screens.acknowledge import AcknowledgeScreen
from dropship_tui.tui.screens.invoice import InvoiceScreen
from dropship_tui.tui.screens.order_detail import OrderDetailScreen
from dropship_tui.tui.screens.prepare_shipments import PrepareShipmentsScreen
from dropship_tui.tui.modals.reason import ReasonModal

# Async tests run on anyio's pytest plugin (installed with httpx), on asyncio only.
pytestmark = pytest.mark.anyio



UPS_1 = "1Z999AA10123456784"
UPS_2 = "1Z5R89390357567127"
UPS_BAD = "1Z999AA10123456785"  # the check digit is wrong


async def test_walkthrough_keys_only(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    store = app.store
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        # Dashboard -> f starts fulfillment of PO 82 (the only order).
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, AcknowledgeScreen)
        text = screen_text(app)
        assert "1 Order acknowledgement" in text and "2 Prepare shipments" in text
        assert "SKU-123" in text and "V-SKU-123" in text
        assert "short" not in text

        # Validate 4 of 5: typed straight over the prefilled 5; the warning shows at once.
        await pilot.press("4")
        await settle(pilot)
        text = screen_text(app)
        assert "1 line is short" in text
        assert "SKU-123 4 of 5" in text

        # Acknowledge -> the reason modal; confirming without a reason is refused.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReasonModal)
        text = screen_text(app)
        assert "1 line still needs a reason" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReasonModal)
        assert "SKU-123 needs a reason" in screen_text(app)
        assert store.get_order(82).stage is Stage.NEW

        # Choose "Other" (the last reason) without text: refused, says why.
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("end", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReasonModal)
        assert "'other' needs a text saying why" in screen_text(app)
        assert store.get_order(82).stage is Stage.NEW

        # Back on the reason select: choose "Out of stock" instead -> all reasons provided.
        await pilot.press("shift+tab")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("home", "down", "enter")
        await settle(pilot)
        assert "All reasons provided ✓" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)

        # Step 2: stored as acknowledged with one canceled unit.
        assert isinstance(app.screen, PrepareShipmentsScreen)
        order = store.get_order(82)
        assert order.stage is Stage.IN_PROGRESS
        assert order.lines[0].quantity_accepted == 4
        assert [(c.quantity, c.reason_code) for c in order.canceled_items] == [(1, ReasonCode.OUT_OF_STOCK)]
        text = screen_text(app)
        assert "✓ 1 Order acknowledgement" in text and "● 2 Prepare shipments" in text
        assert "Packing slip 1: 4 units" in text

        # 2 slips: spread 2 + 2; make slip 2 hold 1 -> refused, naming the unplaced unit.
        await pilot.press("2")
        await settle(pilot)
        assert "Packing slip 1: 2 units" in screen_text(app)
        assert "Packing slip 2: 2 units" in screen_text(app)
        await pilot.press("tab", "tab", "1")
        await settle(pilot)
        assert "1 unit of SKU-123 is not on any slip" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "cannot be saved: 1 unit of SKU-123 is not on any slip" in screen_text(app)
        assert store.get_order(82).slips == ()

        # 2 + 2 -> saved with one key.
        await pilot.press("backspace", "2", "ctrl+s")
        await settle(pilot)
        order = store.get_order(82)
        assert [s.lines for s in order.slips] == [{1: 2}, {1: 2}]
        assert "2 packing slips saved" in screen_text(app)

        # Tracking: focus is on slip 1. An invalid number is refused inline.
        await pilot.press(*UPS_BAD, "enter")
        await settle(pilot)
        assert "check digit is wrong" in screen_text(app)
        assert store.get_order(82).slips[0].tracking_number is None
        # Fix it, save (enter, as a scanner sends), then slip 2.
        await pilot.press("ctrl+u", *UPS_1, "enter")
        await settle(pilot)
        await pilot.press(*UPS_2, "enter")
        await settle(pilot)
        order = store.get_order(82)
        assert [(s.tracking_number, s.carrier) for s in order.slips] == [(UPS_1, "UPS"), (UPS_2, "UPS")]
        assert "Every slip is tracked" in screen_text(app)

        # Generate the invoice: 4 units at the contracted 19.99 (never the retail 29.99).
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
        order = store.get_order(82)
        assert order.invoice is not None
        assert [(r.quantity, r.unit_price) for r in order.invoice.rows] == [(4, Decimal("19.99"))]
        text = screen_text(app)
        assert order.invoice.invoice_number in text
        assert "19.99" in text and "79.96" in text and "29.99" not in text
        assert "Mystic Sports" in text and "Ann Lee" in text

        # Done -> Completed, back on the dashboard with the counts updated.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert store.get_order(82).stage is Stage.COMPLETED
        assert type(app.screen).__name__ == "DashboardScreen"
        text = screen_text(app)
        assert "Completed" in text and "100%" in text.replace(" %", "%")

        # The detail: canceled unit with its reason, both tracking numbers, the activity.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailScreen)
        text = screen_text(app)
        assert "Completed" in text and "100 %" in text
        assert "Canceled items (1)" in text
        await pilot.press("right")
        await settle(pilot)
        text = screen_text(app)
        assert "Out of stock" in text
        await pilot.press("right")
        await settle(pilot)
        text = screen_text(app)
        assert UPS_1 in text and UPS_2 in text
        await pilot.press("right")
        await settle(pilot)
        text = screen_text(app)
        for action in ("Order acknowledged", "Line short", "Packing slips saved", "Tracking number saved",
                       "Invoice generated", "Order completed"):
            assert action in text
        # Newest first.
        assert text.index("Order completed") < text.index("Order acknowledged")
