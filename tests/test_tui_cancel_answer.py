"""Issue 14 item 2 in the app: the vendor answers the retailer's cancellation request
from the order detail (``c``, only while one waits): accepted in one test (the order is
canceled with the retailer's reason), rejected with a reason in another; refusals show
inline in the modal and nothing is written; a snapshot of the modal."""

from __future__ import annotations

import pytest

import factories
from tui_support import dhl_tracking, make_app, screen_text, settle

from dropship_tui.domain.models import CancelRequestStatus, Reason, ReasonCode, Stage
from dropship_tui.tui.modals.cancel_answer import CancelAnswerModal
from dropship_tui.tui.screens.order_detail import OrderDetailScreen

pytestmark = pytest.mark.anyio
ASKED = Reason(code=ReasonCode.OTHER, text="[bold]Kunde[/] storniert — 北京")


def requested_app(tmp_path, invoiced: bool = False):
    """PO 82 with a waiting request (its text looks like markup); ``invoiced``: the
    order was then shipped and invoiced, so the request can only be rejected."""
    app = make_app(tmp_path, orders=[factories.order()])
    store = app.store
    if invoiced:
        store.acknowledge_in_full(82)
    store.request_cancellation(82, None, ASKED)
    if invoiced:
        store.save_slips(82, None, [{1: 5}])
        store.save_tracking(82, None, 1, dhl_tracking(1), "DHL")
        store.generate_invoice(82, None)
    return app


async def open_detail(pilot) -> None:
    await settle(pilot)
    pilot.app.push_screen(OrderDetailScreen(82))
    await settle(pilot)


async def open_answer(pilot) -> None:
    await open_detail(pilot)
    assert "Cancel asked  waiting for you" in screen_text(pilot.app)
    for _ in range(40):  # the footer paints after the recompose (later on a busy machine)
        if "c Answer cancel request" in screen_text(pilot.app):
            break
        await pilot.pause(0.05)
    assert "c Answer cancel request" in screen_text(pilot.app)
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CancelAnswerModal)


async def test_the_vendor_accepts_and_the_order_is_canceled_with_the_retailers_reason(tmp_path):
    app = requested_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_answer(pilot)
        text = screen_text(app)
        assert "The retailer asks to cancel PO 82" in text and "Their reason: Other: [bold]Kunde[/]" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailScreen)
        text = screen_text(app)
        assert "Canceled" in text and "Cancel asked  accepted" in text and "Answer cancel request" not in text
    order = app.store.get_order(82)
    assert order.stage is Stage.CANCELED and order.cancel_request.status is CancelRequestStatus.ACCEPTED
    assert order.canceled_items[0].reason == ASKED
    assert "Cancellation request accepted" in [e.action for e in app.store.activity(82)]


async def test_the_vendor_rejects_with_a_reason_and_the_order_stays(tmp_path):
    app = requested_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_answer(pilot)
        await pilot.press("ctrl+r")  # no reason chosen: refused inline, nothing written
        await settle(pilot)
        assert isinstance(app.screen, CancelAnswerModal) and "Choose a reason" in screen_text(app)
        assert app.store.get_order(82).cancel_request.status is CancelRequestStatus.PENDING
        await pilot.press("7")  # Other: the text field opens and takes the focus
        await pilot.press(*"Already packed")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailScreen)
        text = screen_text(app)
        assert "Cancel asked  rejected" in text and "New" in text
    order = app.store.get_order(82)
    assert order.stage is Stage.NEW and order.cancel_request.status is CancelRequestStatus.REJECTED
    assert order.cancel_request.answer == Reason(code=ReasonCode.OTHER, text="Already packed")


async def test_accepting_once_invoiced_is_refused_inline_saying_to_reject(tmp_path):
    app = requested_app(tmp_path, invoiced=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_answer(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CancelAnswerModal)
        assert "reject the request instead, saying why" in screen_text(app)
        await pilot.click("#answer-reject")  # the button, with no reason yet: refused too
        await settle(pilot)
        assert isinstance(app.screen, CancelAnswerModal) and "Choose a reason" in screen_text(app)
    order = app.store.get_order(82)
    assert order.stage is Stage.IN_PROGRESS and order.cancel_request.status is CancelRequestStatus.PENDING


async def test_the_key_is_in_help_and_the_palette_and_the_palette_opens_the_modal(tmp_path):
    app = requested_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert "Accept or reject the retailer's cancellation request" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Answer cancel request (c)")
        await command.callback()
        await settle(pilot)
        assert isinstance(app.screen, CancelAnswerModal)


async def test_without_a_waiting_request_there_is_no_key(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot)
        assert "Answer cancel request" not in screen_text(app)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailScreen)
        assert "Answer cancel request (c)" not in [c.title for c in app.get_system_commands(app.screen)]


async def _answer_modal(pilot) -> None:
    await open_detail(pilot)
    await pilot.press("c")
    await settle(pilot)


def test_answer_modal_snapshot(snap_compare, tmp_path):
    assert snap_compare(requested_app(tmp_path), terminal_size=(80, 24), run_before=_answer_modal)
