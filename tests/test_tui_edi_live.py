"""The TUI side of issue 10 item 6 (the order detail's EDI tab, the retailer PO in the
header) and issue 13 items 11-12 (the dashboard's exception count, the live dashboard).

The EDI order comes in as the retailer sends it: an X12 850 through ``import_edi``, on
the same real SQLite store the app reads."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import factories
from tui_support import clock, make_app, screen_text, settle

from dropship_tui.domain.models import SkuMapping
from dropship_tui.domain.actions import Acknowledge
from dropship_tui.domain.edi import TradingPartner
from dropship_tui.domain.package_status import PackageStatus
from dropship_tui.services.edi_import import import_edi
from dropship_tui.services.edi_outbox import deliver
from dropship_tui.services.edi_partners import add_partner
from dropship_tui.store.sqlite.store import SqliteStore
from dropship_tui.tui.screens.order_detail import OrderDetailScreen
from dropship_tui.tui.widgets.edi_log import NONE_TEXT
from dropship_tui.tui.widgets.order_list import OrderList

sys.path.insert(0, str(Path(__file__).parent / "edi"))
from edi_samples import interchange, set_850  # noqa: E402

pytestmark = pytest.mark.anyio

PARTNER = TradingPartner(
    partner_id="BIGR", our_qualifier="ZZ", our_id="MYSTICSPORTS", their_qualifier="ZZ",
    their_id="BIGRETAILER", version="004010VICS", vendor_code="MYSTIC", location_code="MYSTIC-WH1",
)
RETAILER_PO = "4500012345678"


def edi_app(tmp_path, outbox: Path | None = None):
    """The app on a store holding one order imported from an 850 and acknowledged (its
    855 waiting in the outbox; delivered too when ``outbox`` is given)."""
    app = make_app(tmp_path, orders=[])
    store = app.store
    store.add_sku_mappings([SkuMapping(vendor_code="MYSTIC", product_code="P-9", vendor_sku="V-SKU-9",
                                       contracted_price="0.125")])
    add_partner(store, PARTNER)
    report = import_edi(store, interchange(set_850(po=RETAILER_PO, name="[bold]Ann[/] Lee")))
    assert report.imported, report.message
    (po,) = report.imported
    order = store.get_order(po)
    store.act(po, None, Acknowledge(validated={ln.line_id: ln.quantity_ordered for ln in order.lines}, reasons={}))
    if outbox is not None:
        deliver(store, outbox)
    return app, po


async def open_edi_tab(pilot, po: int) -> None:
    await settle(pilot)
    pilot.app.push_screen(OrderDetailScreen(po))
    await settle(pilot)
    await pilot.press("left_square_bracket")  # from Items back round to the last tab: EDI
    await settle(pilot)


async def test_detail_edi_tab_lists_received_and_waiting_documents(tmp_path):
    app, po = edi_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_edi_tab(pilot, po)
        text = screen_text(app)
        assert f"Retailer PO {RETAILER_PO}" in text  # in the header
        assert "EDI (2)" in text
        assert "850 purchase order" in text and "In (from the retailer)" in text and "Received" in text
        assert "855 acknowledgement" in text and "Waiting" in text and "— not yet" in text
        assert "000000905" in text  # the 850's interchange control number


async def test_detail_edi_tab_shows_a_sent_document_with_its_control_number(tmp_path):
    app, po = edi_app(tmp_path, outbox=tmp_path / "out")
    sent = next(d for d in app.store.edi_documents(po) if d.set_id == "855")
    assert sent.status.value == "sent" and sent.control_number
    async with app.run_test(size=(120, 36)) as pilot:
        await open_edi_tab(pilot, po)
        text = screen_text(app)
        assert "Out (to the retailer)" in text and "Sent" in text and sent.control_number in text
        assert "Waiting" not in text


async def test_detail_edi_tab_of_an_order_that_did_not_come_by_edi(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_edi_tab(pilot, 1001)
        text = screen_text(app)
        assert NONE_TEXT in text and "Retailer PO" not in text


# --- issue 13 items 11-12: package exceptions and the live dashboard ------------------

def said(app) -> list[str]:
    """The toasts shown now."""
    return [n.message for n in app._notifications]


def current_po(app) -> int:
    return app.screen.query_one(OrderList).current.po_number


async def test_dashboard_counts_package_exceptions_and_e_goes_to_each(tmp_path):
    app = make_app(tmp_path)
    for po in (1008, 1007):  # tracked sample orders
        app.store.set_package_status(po, None, 1, PackageStatus.EXCEPTION, factories.NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "⚠ 2 package exceptions" in screen_text(app)
        await pilot.press("e")
        await settle(pilot)
        assert current_po(app) == 1007
        await pilot.press("e")
        await settle(pilot)
        assert current_po(app) == 1008
        await pilot.press("e")  # round again
        await settle(pilot)
        assert current_po(app) == 1007


async def test_no_exception_no_label(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "package exception" not in screen_text(app)
        await pilot.press("e")
        await settle(pilot)
        assert "No package is in exception." in said(app)


async def test_live_dashboard_shows_an_order_another_connection_imported(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("P")  # newest PO first: a new order is the top row once shown
        await settle(pilot)
        screen = app.screen
        assert screen.live_token is not None  # the first look happened on mount
        token = screen.live_token
        screen.poll_changes()  # nothing changed: the token stays, nothing is announced
        await settle(pilot)
        assert screen.live_token == token and not said(app)

        other = SqliteStore(tmp_path / "store.db", user="sam", clock=clock)  # another terminal
        other.import_orders([factories.order(po=2001, first_name="Ωμέγα", last_name="北京")])
        other.set_package_status(1007, None, 1, PackageStatus.EXCEPTION, factories.NOW)
        other.close()
        assert "2001" not in screen_text(app)  # not polled yet
        screen.poll_changes()
        await settle(pilot)
        text = screen_text(app)
        assert said(app) == ["1 new order"]
        assert "2001" in text and "Ωμέγα" in text
        assert "⚠ 1 package exception" in text
        assert screen.counts.total == 31
        app.clear_notifications()
        screen.poll_changes()  # announced once
        await settle(pilot)
        assert not said(app)


async def test_live_poll_runs_on_its_own_with_the_configured_interval(tmp_path):
    app = make_app(tmp_path, live_seconds=0.05)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        other = SqliteStore(tmp_path / "store.db", user="sam", clock=clock)
        other.import_orders([factories.order(po=2001), factories.order(po=2002)])
        other.close()
        for _ in range(100):
            await pilot.pause(0.05)
            if "2 new orders" in said(app):
                break
        assert "2 new orders" in said(app)
        assert app.screen.counts.total == 32
