"""Issue 14 items 4-5 and issue 13 item 11 on the dashboard (Pilot, real SQLite store):
the location column and filter (``w``) for a vendor of several warehouses, the vendor
column and filter (``v``) for a store of several vendors, the retailer PO column once an
order has one, and the package-exception filter (``E``)."""

from __future__ import annotations

import pytest

import factories as f
from tui_support import dhl_tracking, make_app, screen_lines, screen_text, settle

from dropship_tui.domain.package_status import PackageStatus
from dropship_tui.store.sqlite.store import SqliteStore
from tui_support import clock

pytestmark = pytest.mark.anyio


def two_warehouses(tmp_path, vendors: bool = False):
    store = SqliteStore(tmp_path / "store.db", user="jordan", clock=clock)
    store.add_vendor(f.vendor())
    store.add_location(f.location())
    store.add_location(f.location("MYSTIC-[0]"))  # a code that looks like markup
    orders = [f.order(po=po, location_code="MYSTIC-WH1" if po % 2 else "MYSTIC-[0]") for po in range(1, 7)]
    if vendors:
        store.add_vendor(f.vendor("OTHER"))
        store.add_location(f.location("OTHER-WH1", "OTHER"))
        orders.append(f.order(po=7, vendor_code="OTHER", location_code="OTHER-WH1", first_name="[bold]Ann[/]"))
    store.import_orders(orders)
    full = {ln.line_id: ln.quantity_ordered for ln in store.get_order(4).lines}
    store.acknowledge(4, None, full, {})
    store.save_slips(4, None, [full])
    store.save_tracking(4, None, 1, dhl_tracking(4), "DHL")
    store.set_package_status(4, None, 1, PackageStatus.EXCEPTION, f.NOW)
    return make_app(tmp_path, store=store)


def shown(app) -> list[int]:
    lst = app.screen.order_list
    return [lst.row(i).po_number for i in range(lst.total)]


async def test_a_location_column_and_filter_for_several_warehouses(tmp_path):
    app = two_warehouses(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        header = next(line for line in screen_lines(app) if "Customer" in line)
        assert "Location" in header and "Vendor" not in header  # one vendor: no vendor column
        row = next(line for line in screen_lines(app) if line.lstrip().startswith("2 "))
        assert "MYSTIC-[0]" in row  # shown as typed, never as markup
        await pilot.press("w")  # the codes in order: MYSTIC-WH1, then MYSTIC-[0]
        await settle(pilot)
        assert shown(app) == [1, 3, 5]
        assert "Location MYSTIC-WH1" in screen_text(app)
        assert "Location" not in next(line for line in screen_lines(app) if "Customer" in line)  # one picked
        await pilot.press("w")
        await settle(pilot)
        assert shown(app) == [2, 4, 6]
        assert "Location MYSTIC-[0]" in screen_text(app)
        await pilot.press("w")  # all again
        await settle(pilot)
        assert shown(app) == [1, 2, 3, 4, 5, 6]
        await pilot.press("w", "escape")  # esc clears it
        await settle(pilot)
        assert shown(app) == [1, 2, 3, 4, 5, 6]


async def test_search_by_location_code(tmp_path):
    app = two_warehouses(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"mystic-wh1", "enter")
        await settle(pilot)
        assert shown(app) == [1, 3, 5]


async def test_the_package_exception_filter(tmp_path):
    app = two_warehouses(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert shown(app) == [4]
        assert "Packages ⚠ exceptions only" in screen_text(app)
        await pilot.press("E")
        await settle(pilot)
        assert len(shown(app)) == 6


async def test_a_vendor_column_and_filter_for_several_vendors(tmp_path):
    app = two_warehouses(tmp_path, vendors=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        header = next(line for line in screen_lines(app) if "Customer" in line)
        assert "Vendor" in header and "Location" in header
        assert "[bold]Ann[/]" in screen_text(app)
        await pilot.press("v")  # MYSTIC
        await settle(pilot)
        assert shown(app) == [1, 2, 3, 4, 5, 6]
        await pilot.press("v")  # OTHER: one location, so no location column either
        await settle(pilot)
        assert shown(app) == [7]
        header = next(line for line in screen_lines(app) if "Customer" in line)
        assert "Vendor" not in header and "Location" not in header
        assert "Vendor OTHER" in screen_text(app)


async def test_the_retailer_po_column_shows_once_an_order_has_one(tmp_path):
    app = make_app(tmp_path, orders=[f.order(po=1), f.order(po=2)])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "Retailer PO" not in screen_text(app)
    order = f.order(po=3).model_copy(update={"retailer_po_number": "RPO-<b>&amp;"})
    app = make_app(tmp_path / "two", orders=[f.order(po=1), order])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "Retailer PO" in screen_text(app)
        assert "RPO-<b>&amp;" in screen_text(app)


async def test_the_columns_fit_at_80x24(tmp_path):
    app = two_warehouses(tmp_path, vendors=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = next(line for line in screen_lines(app) if "Customer" in line)
        assert "Progress" in header[:80]
