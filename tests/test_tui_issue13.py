"""Issue 13, "fix what was hit": one Pilot test per item a new user ran into (the real
app on a real SQLite store, driven by keys)."""

from __future__ import annotations

import pytest

import factories
from tui_support import assert_landed_on, dhl_tracking, make_app, screen_lines, screen_text, settle

from dropship_tui.domain.models import Reason, ReasonCode, Stage
from dropship_tui.tui.modals.batch_reason import BatchReasonModal
from dropship_tui.tui.modals.cancel import CancelModal
from dropship_tui.tui.modals.confirm import ConfirmModal
from dropship_tui.tui.modals.help import HelpScreen
from dropship_tui.tui.modals.reason import ReasonModal
from dropship_tui.tui.screens.acknowledge import AcknowledgeScreen
from dropship_tui.tui.screens.batch_ack import BatchAckScreen
from dropship_tui.tui.screens.batch_result import BatchResultScreen
from dropship_tui.tui.screens.dashboard import DashboardScreen
from dropship_tui.tui.screens.invoice import InvoiceScreen
from dropship_tui.tui.screens.prepare_shipments import PrepareShipmentsScreen

pytestmark = pytest.mark.anyio


def one_order_app(tmp_path, stage: str = "new"):
    app = make_app(tmp_path, orders=[factories.order()])
    store = app.store
    if stage != "new":
        store.acknowledge(82, None, {1: 4}, {1: Reason(code=ReasonCode.DAMAGED)})
        store.save_slips(82, None, [{1: 2}, {1: 2}])
    if stage == "invoiced":
        store.save_tracking(82, None, 1, dhl_tracking(1), "DHL")
        store.save_tracking(82, None, 2, dhl_tracking(2), "DHL")
        store.generate_invoice(82, None)
    return app


async def push(pilot, screen) -> None:
    await settle(pilot)
    pilot.app.push_screen(screen)
    await settle(pilot)


async def type_into(pilot, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector)
    field.focus()
    field.select_all()
    await pilot.press(*text)
    await settle(pilot)


# --- 1: esc on the invoice goes back to step 2, where tracking stays editable -------------

async def test_esc_on_the_invoice_goes_back_to_step_2_and_tracking_stays_editable(tmp_path):
    app = one_order_app(tmp_path, "invoiced")
    async with app.run_test(size=(120, 36)) as pilot:
        await push(pilot, InvoiceScreen(82))
        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PrepareShipmentsScreen) and screen.invoiced
        assert screen.query_one("#slip-count").disabled  # the invoice fixed the slips
        assert "tracking numbers can still change until Done" in screen_text(app)
        await type_into(pilot, "#track-2", dhl_tracking(3))
        await pilot.press("enter")
        await settle(pilot)
        order = app.store.get_order(82)
        assert order.slip(2).tracking_number == dhl_tracking(3) and order.invoice is not None
        await pilot.press("ctrl+s")  # the slips cannot change any more: refused, said why
        await settle(pilot)
        assert "fixed by invoice" in screen_text(app)
        await pilot.press("ctrl+g")  # opens the invoice
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
        await pilot.press("d")
        await settle(pilot)
        assert app.store.get_order(82).stage is Stage.COMPLETED


# --- 2: the batch path says which orders it cancels, and asks -----------------------------

async def test_batch_names_the_orders_it_cancels_asks_and_reports_them_apart(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await push(pilot, BatchAckScreen([1001, 1002], marked=False))
        screen = app.screen
        screen.table.move_cursor(row=2)  # PO 1002, its one line
        await pilot.press("0")
        await settle(pilot)
        first_line = screen_lines(app)[0]
        assert "⚠ 1 order will be CANCELED" in first_line  # first, so 80 columns show it
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BatchReasonModal)
        await pilot.press("1")  # Out of stock for all
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "will be CANCELED, not acknowledged: PO 1002" in app.screen.question
        await pilot.press("n")  # nothing written
        await settle(pilot)
        assert app.store.get_order(1002).stage is Stage.NEW
        await pilot.press("ctrl+s", "1", "ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, BatchResultScreen)
        assert app.screen.outcome.canceled == {1002}
        text = screen_text(app)
        assert "✗ 1 canceled (validated to 0)" in screen_lines(app)[0]  # first, at 80 columns too
        assert "✗ canceled" in text and "✓ acknowledged" in text
        assert app.store.get_order(1002).stage is Stage.CANCELED


async def test_a_review_with_nothing_new_says_so(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await push(pilot, BatchAckScreen([1009, 1010], marked=True))
        text = screen_text(app)
        assert "Nothing to acknowledge: no marked order is New" in text
        assert "Acknowledge 0" not in text


# --- 3: esc asks before it throws typed work away ---------------------------------------

async def test_esc_on_step_1_with_typed_quantities_asks(tmp_path):
    app = one_order_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await push(pilot, AcknowledgeScreen(82))
        await pilot.press("backspace", "3", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert app.screen.question == "Leave and lose the quantities you typed for PO 82?"
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AcknowledgeScreen)
        assert app.screen.fields[1] == "3" and app.screen.query_one("#line-editor").value == "3"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_esc_on_step_1_after_a_scan_asks_and_untouched_leaves_at_once(tmp_path):
    app = one_order_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await push(pilot, AcknowledgeScreen(82))
        await pilot.press("escape")  # nothing typed: leaves at once
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await push(pilot, AcknowledgeScreen(82))
        await pilot.press("f2", *"SKU-123", "enter", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "the units you scanned" in app.screen.question


async def test_esc_on_step_2_with_changed_slips_asks(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    app.store.acknowledge(82, None, {1: 5}, {})
    async with app.run_test(size=(120, 36)) as pilot:
        await push(pilot, PrepareShipmentsScreen(82))
        await type_into(pilot, "#slip-count", "2")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "packing slips of PO 82" in app.screen.question


# --- 4: an invalid slip count refuses the save ---------------------------------------------

async def test_an_invalid_slip_count_refuses_the_save_at_the_field(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    app.store.acknowledge(82, None, {1: 5}, {})
    async with app.run_test(size=(120, 36)) as pilot:
        await push(pilot, PrepareShipmentsScreen(82))
        await type_into(pilot, "#slip-count", "11")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.store.get_order(82).slips == ()
        note = app.screen.query_one("#count-note").render()
        assert "must be from 1 to 10: nothing saved" in str(note)
        assert app.screen.focused is app.screen.query_one("#slip-count")


# --- 5: 80x24 -------------------------------------------------------------------------------

async def test_at_80x24_the_footers_end_with_help_and_no_column_is_dropped(tmp_path):
    app = make_app(tmp_path, orders=[factories.order(lines=[factories.line(1, qty=5, sku="SKU-1")])])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "f1 Help" in screen_lines(app)[-1]
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, AcknowledgeScreen)
        lines = screen_lines(app)
        assert "f1 Help" in lines[-1] and "f2 Scan" in lines[-1]
        head = next(line for line in lines if "Product" in line)
        assert "Vendor SKU" in head and "UPC" in head
        await pilot.press("backspace", "4")
        await settle(pilot)
        warning = screen_text(app)
        assert "SKU-1 4 of 5" in warning  # the warning wraps, never cut
        await pilot.press("ctrl+s", "1", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PrepareShipmentsScreen)
        app.clear_notifications()
        await pilot.press("ctrl+s")
        await settle(pilot)
        lines = screen_lines(app)
        assert "f1 Help" in lines[-1] and "^g Invoice" in lines[-1]
        assert any("Acc" in line and "Slip 1" in line for line in lines)
        await pilot.press(*dhl_tracking(1), "enter")
        await settle(pilot)
        assert app.store.get_order(82).slip(1).tracking_number == dhl_tracking(1)
        assert not app._notifications  # the row says "saved"; no toast over the rows


async def test_f1_opens_help_from_a_field_where_question_mark_is_typed(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    app.store.acknowledge(82, None, {1: 5}, {})
    app.store.save_slips(82, None, [{1: 5}])
    async with app.run_test(size=(120, 36)) as pilot:
        await push(pilot, PrepareShipmentsScreen(82))
        app.screen.query_one("#carrier-1").focus()
        await pilot.press("question_mark")
        await settle(pilot)
        assert app.screen.query_one("#carrier-1").value == "?"
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


# --- 6: every reason has its number ---------------------------------------------------------

async def test_reasons_are_picked_by_their_number(tmp_path):
    app = one_order_app(tmp_path, "slips")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await push(pilot, PrepareShipmentsScreen(82))
        await pilot.press("ctrl+x")
        await settle(pilot)
        assert isinstance(app.screen, CancelModal)
        assert app.screen.query_one("#cancel-reason").value is not ReasonCode.OTHER
        await pilot.press("7")  # Other: one key, not seven downs
        await settle(pilot)
        assert app.screen.query_one("#cancel-reason").value is ReasonCode.OTHER
        assert app.screen.focused is app.screen.query_one("#cancel-text")
        await pilot.press("escape")
        await settle(pilot)
    app = one_order_app(tmp_path / "ack")
    async with app.run_test(size=(120, 36)) as pilot:
        await push(pilot, AcknowledgeScreen(82))
        await pilot.press("backspace", "4", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReasonModal)
        await pilot.press("enter")  # the list is open; its entries show their numbers
        await settle(pilot)
        assert "7  Other" in screen_text(app)
        await pilot.press("7")
        await settle(pilot)
        assert app.screen.query_one("#reason-1").value is ReasonCode.OTHER
        text = app.screen.query_one("#reason-text-1")
        assert text.display and app.screen.focused is text
        await pilot.press(*"lost", "ctrl+s")
        await settle(pilot)
        assert app.store.get_order(82).canceled_items[0].reason == Reason(code=ReasonCode.OTHER, text="lost")


# --- 7: after Done, the dashboard lands on the order ---------------------------------------

async def test_after_done_the_dashboard_shows_the_order_under_the_cursor(tmp_path):
    app = make_app(tmp_path)
    app.store.generate_invoice(1007, None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")  # In progress
        await settle(pilot)
        await pilot.press("slash", *"1007", "enter")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert_landed_on(app, 1007, Stage.COMPLETED)


async def test_keys_typed_while_f_opens_a_step_do_not_reach_the_dashboard(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        dashboard = app.screen
        dashboard.opening = True  # as while ``f`` reads the order
        await pilot.press("4", "s")
        await settle(pilot)
        assert dashboard.query_state.stage is None


# --- 8: the smaller ones ---------------------------------------------------------------------

async def test_a_refused_tracking_number_is_replaced_by_the_next_scan(tmp_path):
    app = one_order_app(tmp_path, "slips")
    async with app.run_test(size=(120, 36)) as pilot:
        await push(pilot, PrepareShipmentsScreen(82))
        await pilot.press(*"12345", "enter")
        await settle(pilot)
        field = app.screen.query_one("#track-1")
        assert "✗" in str(app.screen.query_one("#track-state-1").render())
        await pilot.press(*dhl_tracking(1))
        await settle(pilot)
        assert field.value == dhl_tracking(1)  # not "12345" + the scan


async def test_ctrl_c_says_how_to_quit(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert app.is_running
        assert "press q to quit" in " ".join(str(n.message) for n in app._notifications)


async def test_a_completed_order_offers_no_cancel_or_address_keys(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"1009", "enter", "enter")
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert "Cancel order" not in footer and "Correct address" not in footer


async def test_the_footer_fits_again_after_the_terminal_shrinks(tmp_path):
    """Item 5: started wide, then resized to 80x24, the footer turns compact and drops the
    palette key, so every key up to "q Quit" shows; widened again, it comes back."""
    from dropship_tui.tui.widgets.key_footer import KeyFooter

    app = one_order_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        assert footer.show_command_palette and not footer.compact
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert not footer.show_command_palette and footer.compact
        assert screen_lines(app)[-1].rstrip().endswith("q Quit")
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        assert footer.show_command_palette and not footer.compact
