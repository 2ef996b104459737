"""The order screens beyond the walkthrough: cancel (R10), every line at 0 (R4), apply a
reason to all, a conflicting write and reload (keeping what was typed), fewer slips
dropping tracking (warned first), the address correction (R14), the documents written
from the screens, and hostile names shown literally.

Real SQLite store in ``tmp_path``, the real app through ``run_test`` and keys only.
"""

from __future__ import annotations

from pathlib import Path

import factories
import pytest
from tui_support import make_app, screen_text, settle

from dropship_tui.domain.models import Address, Reason, ReasonCode, ShipTo, Stage
from dropship_tui.tui.screens.acknowledge import AcknowledgeScreen
from dropship_tui.tui.modals.address import AddressModal
from dropship_tui.tui.modals.cancel import CancelModal
from dropship_tui.tui.screens.invoice import InvoiceScreen
from dropship_tui.tui.screens.order_detail import OrderDetailScreen
from dropship_tui.tui.screens.prepare_shipments import PrepareShipmentsScreen
from dropship_tui.tui.modals.reason import ReasonModal

pytestmark = pytest.mark.anyio

UPS_1 = "1Z999AA10123456784"
UPS_2 = "1Z5R89390357567127"



@pytest.fixture(autouse=True)
def documents_home(tmp_path, monkeypatch):
    """PDFs go to ~/Documents/dropship-tui: keep them in the test's folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return home


def two_lines(po: int = 82):
    return factories.order(
        po=po,
        lines=[factories.line(1, qty=5, sku="SKU-123"), factories.line(2, qty=3, sku="SKU-456", contracted="7.50")],
    )


async def open_screen(pilot, screen) -> None:
    await settle(pilot)
    pilot.app.push_screen(screen)
    await settle(pilot)


async def keys(pilot, *names: str) -> None:
    for name in names:
        await pilot.press(name)
    await settle(pilot)


async def test_cancel_from_step_1_with_a_reason(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    async with app.run_test(size=(120, 36)) as pilot:
        await keys(pilot, "f")
        assert isinstance(app.screen, AcknowledgeScreen)
        await keys(pilot, "ctrl+x")
        assert isinstance(app.screen, CancelModal)
        # No reason yet: refused inline, nothing written.
        await keys(pilot, "ctrl+s")
        assert "Choose a reason" in screen_text(app)
        assert app.store.get_order(82).stage is Stage.NEW
        # "Discontinued" is the third reason.
        await keys(pilot, "enter")
        await keys(pilot, "down", "down", "down", "enter")
        await keys(pilot, "ctrl+s")
        order = app.store.get_order(82)
        assert order.stage is Stage.CANCELED
        assert [(c.quantity, c.reason_code) for c in order.canceled_items] == [(5, ReasonCode.DISCONTINUED)]
        assert type(app.screen).__name__ == "DashboardScreen"
        assert "Canceled" in screen_text(app)


async def test_every_line_at_zero_offers_to_cancel_instead(tmp_path):
    app = make_app(tmp_path, orders=[two_lines()])
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, AcknowledgeScreen(82))
        await keys(pilot, "0", "down", "0", "ctrl+s")
        assert isinstance(app.screen, ReasonModal)
        text = screen_text(app)
        assert "Every line is validated to 0" in text and "CANCELS the order" in text
        assert "Cancel the order" in text
        # One reason for all lines (the "apply to all" select has the focus).
        await keys(pilot, "enter")
        await keys(pilot, "down", "enter")
        assert "All reasons provided ✓" in screen_text(app)
        await keys(pilot, "ctrl+s")
        order = app.store.get_order(82)
        assert order.stage is Stage.CANCELED
        assert sorted((c.line_id, c.quantity, c.reason_code) for c in order.canceled_items) == [
            (1, 5, ReasonCode.OUT_OF_STOCK),
            (2, 3, ReasonCode.OUT_OF_STOCK),
        ]


async def test_apply_reason_to_all_with_other_text(tmp_path):
    app = make_app(tmp_path, orders=[two_lines()])
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, AcknowledgeScreen(82))
        # +/- nudge the quantities; typing replaces the prefilled value.
        await keys(pilot, "minus", "down", "minus", "minus")
        assert "2 lines are short" in screen_text(app)
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, ReasonModal)
        assert "2 lines still need a reason" in screen_text(app)
        await keys(pilot, "enter")
        await keys(pilot, "end", "enter")  # Other: its text field takes the focus
        await keys(pilot, *"supplier recall")
        assert "All reasons provided ✓" in screen_text(app)
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, PrepareShipmentsScreen)
        order = app.store.get_order(82)
        assert [l.quantity_accepted for l in order.lines] == [4, 1]
        assert {(c.line_id, c.reason_code, c.reason_text) for c in order.canceled_items} == {
            (1, ReasonCode.OTHER, "supplier recall"),
            (2, ReasonCode.OTHER, "supplier recall"),
        }


async def test_conflict_is_shown_and_reload_keeps_typed_quantities(tmp_path):
    app = make_app(tmp_path, orders=[two_lines()])
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, AcknowledgeScreen(82))
        await keys(pilot, "4")
        # Someone else corrects the address meanwhile: our version is stale.
        other = app.store.get_order(82)
        app.store.correct_address(82, other.version, other.ship_to.model_copy(update={"phone": "+1 555 0199"}))
        await keys(pilot, "ctrl+s")
        await keys(pilot, "enter")
        await keys(pilot, "down", "enter")  # Out of stock
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, AcknowledgeScreen)
        assert "PO 82 was changed by someone else; reload" in screen_text(app)
        assert "press ctrl+r to reload" in screen_text(app)
        assert app.store.get_order(82).stage is Stage.NEW
        # Reload keeps the typed 4; acknowledging again (reasons remembered) succeeds.
        await keys(pilot, "ctrl+r")
        assert app.screen.fields[1] == "4"
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, ReasonModal)
        assert "All reasons provided ✓" in screen_text(app)
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, PrepareShipmentsScreen)
        assert app.store.get_order(82).stage is Stage.IN_PROGRESS


async def test_fewer_slips_warns_before_dropping_tracking(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    store = app.store
    store.acknowledge(82, None, {1: 5}, {})
    store.save_slips(82, None, [{1: 3}, {1: 2}])
    store.save_tracking(82, None, 2, UPS_2)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, PrepareShipmentsScreen(82))
        app.screen.query_one("#slip-count").focus()
        await keys(pilot, "1")
        text = screen_text(app)
        assert f"saving removes slip 2 and its tracking {UPS_2}" in text
        await keys(pilot, "ctrl+s")
        assert "Press ctrl+s again to save anyway" in screen_text(app)
        assert len(store.get_order(82).slips) == 2
        await keys(pilot, "ctrl+s")
        order = store.get_order(82)
        assert [s.lines for s in order.slips] == [{1: 5}]
        assert any(e.action == "Tracking number removed" for e in store.activity(82))


async def test_tracking_unknown_format_needs_a_carrier_and_duplicates_refused(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    store = app.store
    store.acknowledge(82, None, {1: 5}, {})
    store.save_slips(82, None, [{1: 3}, {1: 2}])
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, PrepareShipmentsScreen(82))
        assert app.focused.id == "track-1"
        await keys(pilot, *"ABC-123", "enter")
        assert "name the carrier to save" in screen_text(app)
        assert store.get_order(82).slips[0].tracking_number is None
        await keys(pilot, "tab", *"Local Courier", "enter")
        assert store.get_order(82).slips[0].tracking_number == "ABC-123"  # kept as typed: no carrier format matches
        assert store.get_order(82).slips[0].carrier == "Local Courier"
        # Slip 2 has the focus now: the same number is refused.
        assert app.focused.id == "track-2"
        await keys(pilot, *"ABC123", "tab", *"Local Courier", "enter")
        assert "ABC123 is already on slip 1" in screen_text(app)  # compared without the dash
        assert store.get_order(82).slips[1].tracking_number is None


async def test_print_slips_and_save_invoice_pdf(tmp_path, documents_home):
    app = make_app(tmp_path, orders=[factories.order()])
    store = app.store
    store.acknowledge(82, None, {1: 5}, {})
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, PrepareShipmentsScreen(82))
        await keys(pilot, "ctrl+o")
        assert "Save the packing slips first" in screen_text(app)
        await keys(pilot, "ctrl+s", "ctrl+o")
        slips = documents_home / "Documents" / "dropship-tui" / "PO-82-packing-slips.pdf"
        assert slips.read_bytes().startswith(b"%PDF")
        assert "Packing slips written to" in screen_text(app)
        await keys(pilot, *UPS_1, "enter")
        await keys(pilot, "ctrl+g")
        assert isinstance(app.screen, InvoiceScreen)
        await keys(pilot, "p")
        invoice = documents_home / "Documents" / "dropship-tui" / "PO-82-invoice.pdf"
        assert invoice.read_bytes().startswith(b"%PDF")
        assert "Invoice saved to" in screen_text(app)


async def test_address_correction_from_the_detail(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, OrderDetailScreen(82))
        await keys(pilot, "a")
        assert isinstance(app.screen, AddressModal)
        # Nothing changed: refused inside the modal.
        await keys(pilot, "ctrl+s")
        assert "The address is unchanged" in screen_text(app)
        app.screen.query_one("#addr-city").focus()
        await keys(pilot, "ctrl+u", *"Chicago", "ctrl+s")
        assert isinstance(app.screen, OrderDetailScreen)
        order = app.store.get_order(82)
        assert order.ship_to.address.city == "Chicago"
        assert "Chicago" in screen_text(app)
        entry = app.store.activity(82)[0]
        assert entry.action == "Address corrected" and "Springfield" in entry.details and "Chicago" in entry.details
        # After the packing slips are saved the rule refuses, and the detail says so.
        app.store.acknowledge(82, None, {1: 5}, {})
        app.store.save_slips(82, None, [{1: 5}])
        await keys(pilot, "r", "a")
        assert isinstance(app.screen, OrderDetailScreen)
        assert "already has packing slips" in screen_text(app)


async def test_detail_fulfil_cancel_and_refusals(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, OrderDetailScreen(82))
        await keys(pilot, "p")
        assert "has no invoice yet" in screen_text(app)
        await keys(pilot, "f")
        assert isinstance(app.screen, AcknowledgeScreen)
        await keys(pilot, "escape")
        assert isinstance(app.screen, OrderDetailScreen)
        await keys(pilot, "x")
        await keys(pilot, "enter")
        await keys(pilot, "down", "enter")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, OrderDetailScreen)
        assert app.store.get_order(82).stage is Stage.CANCELED
        text = screen_text(app)
        assert "Canceled" in text and "Canceled items (5)" in text
        await keys(pilot, "f")
        assert "nothing left to fulfil" in screen_text(app)


HOSTILE_ORDER_NAMES = factories.HOSTILE_NAMES


async def test_hostile_names_display_literally(tmp_path):
    order = factories.order(
        lines=[factories.line(1, qty=2, sku="[0]"), factories.line(2, qty=1, sku="[bold]x[/]")],
        first_name="[bold]Ann[/]",
        last_name="[link=http://e]x[/]",
    )
    order = order.model_copy(
        update={
            "ship_to": order.ship_to.model_copy(
                update={"company": "<b>&amp;", "address": Address(line1="Ωμέγα 北京", city="[red]City[/]", country_code="US")}
            ),
            "lines": tuple(
                l.model_copy(update={"description": "[link=http://e]desc[/]", "vendor_sku": "[0]v"}) for l in order.lines
            ),
        }
    )
    app = make_app(tmp_path, orders=[order])
    store = app.store
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, OrderDetailScreen(82))
        text = screen_text(app)
        for literal in ("[bold]Ann[/]", "[link=http://e]x[/]", "<b>&amp;", "Ωμέγα 北京", "[red]City[/]", "[0]",
                        "[bold]x[/]", "[link=http://e]desc[/]"):
            assert literal in text, literal
        await keys(pilot, "f")
        assert isinstance(app.screen, AcknowledgeScreen)
        text = screen_text(app)
        assert "[bold]Ann[/]" in text and "[0]v" in text and "[bold]x[/]" in text
        await keys(pilot, "1", "ctrl+s")
        assert isinstance(app.screen, ReasonModal)
        assert "[0]" in screen_text(app)
        await keys(pilot, "enter")
        await keys(pilot, "end", "enter", *"[bold]why[/]", "ctrl+s")
        assert isinstance(app.screen, PrepareShipmentsScreen)
        text = screen_text(app)
        assert "[0]" in text and "[bold]x[/]" in text
        await keys(pilot, "ctrl+s", *UPS_1, "enter", "ctrl+g")
        assert isinstance(app.screen, InvoiceScreen)
        text = screen_text(app)
        assert "[bold]Ann[/]" in text and "[link=http://e]desc[/]" in text
        await keys(pilot, "ctrl+s")
    assert store.get_order(82).stage is Stage.COMPLETED
    assert store.get_order(82).canceled_items[0].reason_text == "[bold]why[/]"
    # The detail's canceled tab shows the reason text literally.
    app = make_app(tmp_path / "again", store=store)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, OrderDetailScreen(82))
        await keys(pilot, "right")
        assert "Other: [bold]why[/]" in screen_text(app)


async def test_keys_are_remappable_by_id_and_listed_in_help(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()], keymap={"ack.confirm": "f2", "order.fulfil": "g"})
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, OrderDetailScreen(82))
        await keys(pilot, "question_mark")
        text = screen_text(app)
        assert "Correct the ship-to address" in text and "order.save_invoice" in text
        await keys(pilot, "escape")
        assert isinstance(app.screen, OrderDetailScreen)
        await keys(pilot, "g")
        assert isinstance(app.screen, AcknowledgeScreen)
        assert "f2 Acknowledge order" in screen_text(app).replace("  ", " ")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, AcknowledgeScreen)
        await keys(pilot, "f2")
        assert isinstance(app.screen, PrepareShipmentsScreen)
        assert app.store.get_order(82).stage is Stage.IN_PROGRESS


class SlowLink:
    """The real store behind a 300 ms link (what a remote store feels like): every call
    waits, then runs on the real store."""

    def __init__(self, store, delay: float = 0.3) -> None:
        self._store = store
        self._delay = delay

    def __getattr__(self, name):
        import time

        value = getattr(self._store, name)
        if not callable(value):
            return value

        def slow(*args, **kwargs):
            time.sleep(self._delay)
            return value(*args, **kwargs)

        return slow


async def test_slow_store_never_blocks_and_a_double_press_writes_once(tmp_path):
    from tui_support import make_store

    store = make_store(tmp_path / "store.db", [factories.order()])
    app = make_app(tmp_path, store=SlowLink(store))
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, AcknowledgeScreen(82))
        await pilot.press("ctrl+s", "ctrl+s")
        # The UI answered both presses while the first write was still on the link.
        assert app.screen.busy
        await settle(pilot)
        assert isinstance(app.screen, PrepareShipmentsScreen)
        assert [e.action for e in store.activity(82)].count("Order acknowledged") == 1


async def test_reasons_survive_esc_and_tracking_is_editable(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    store = app.store
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, AcknowledgeScreen(82))
        await keys(pilot, "3", "ctrl+s")
        await keys(pilot, "enter")
        await keys(pilot, "down", "down", "enter")  # Damaged
        await keys(pilot, "escape")
        assert isinstance(app.screen, AcknowledgeScreen)
        await keys(pilot, "ctrl+s")
        assert "All reasons provided ✓" in screen_text(app)
        await keys(pilot, "ctrl+s")
        assert store.get_order(82).canceled_items[0].reason_code is ReasonCode.DAMAGED
        await keys(pilot, "ctrl+s", *UPS_1, "enter")
        assert store.get_order(82).slips[0].tracking_number == UPS_1
        # Edit the saved number: type over it and save again.
        app.screen.query_one("#track-1").focus()
        await keys(pilot, "ctrl+u", *UPS_2, "enter")
        assert store.get_order(82).slips[0].tracking_number == UPS_2
        assert store.activity(82)[0].action == "Tracking number changed"


async def test_fulfil_on_a_canceled_order_says_why(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    app.store.cancel(82, None, Reason(code=ReasonCode.OUT_OF_STOCK))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await keys(pilot, "f")
        assert type(app.screen).__name__ == "DashboardScreen"
        await keys(pilot, "enter")
        assert isinstance(app.screen, OrderDetailScreen)
        await keys(pilot, "f")
        assert isinstance(app.screen, OrderDetailScreen)
        assert "nothing left to fulfil" in screen_text(app)


async def test_stock_on_hand_prefills_a_lower_quantity(tmp_path):
    app = make_app(tmp_path, orders=[two_lines()])
    app.store.set_stock("V-SKU-123", "MYSTIC-WH1", 2)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, AcknowledgeScreen(82))
        assert app.screen.fields[1] == "2"
        assert app.screen.fields[2] == "3"
        assert "1 line is short" in screen_text(app)
