"""R15 reopen: the rule (pure), the store (one transaction, reservations released, the
activity records everything undone) and ``dropship-tui reopen`` (exit codes, one line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dropship_tui.domain import workflow
from dropship_tui.domain.errors import WorkflowError
from dropship_tui.domain.models import Reason, ReasonCode, Stage
from dropship_tui.store.sqlite.store import SqliteStore
from tests import factories as f
from tests.test_cli import Cli, UPS_1, UPS_2, order_doc

WHY = Reason(code=ReasonCode.OTHER, text="[bold]wrong[/] count")


def acknowledged_short():
    order = f.order(lines=[f.line(1, 5, "SKU-1"), f.line(2, 3, "SKU-2")])
    short = Reason(code=ReasonCode.OUT_OF_STOCK)
    return workflow.acknowledge(order, {1: 4}, {1: short}, f.ctx()).order


def test_reopen_goes_back_to_new_restoring_canceled_units_and_logging_them():
    order = acknowledged_short()
    order = workflow.save_slips(order, [{1: 4, 2: 3}], f.ctx()).order
    order = workflow.save_tracking(order, 1, UPS_1, f.ctx()).order
    change = workflow.reopen(order, WHY, f.ctx())
    new = change.order
    assert new.stage is Stage.NEW and new.slips == () and new.canceled_items == ()
    assert new.acknowledged_at is None and all(line.quantity_accepted is None for line in new.lines)
    details = [(e.action, e.details) for e in change.activity]
    assert details[0] == ("Order reopened", "back to New — Other: [bold]wrong[/] count")
    assert ("Canceled units restored", "Line 1 (SKU-1): 1 unit — was Out of stock") in details
    assert any(a == "Packing slip dropped" and UPS_1 in d for a, d in details)
    # it can be acknowledged again, from scratch
    again = workflow.acknowledge(new, {}, {}, f.ctx()).order
    assert again.units_accepted == 8 and again.canceled_items == ()


@pytest.mark.parametrize("why", ["New", "invoiced"])
def test_reopen_refused_new_and_invoiced_saying_what_to_do(why):
    order = f.order()
    if why == "invoiced":
        order = workflow.acknowledge(order, {}, {}, f.ctx()).order
        order = workflow.save_slips(order, [{1: 5}], f.ctx()).order
        order = workflow.save_tracking(order, 1, UPS_1, f.ctx()).order
        order = workflow.generate_invoice(order, f.vendor(), "INV-000001", f.ctx()).order
    with pytest.raises(WorkflowError) as exc:
        workflow.reopen(order, WHY, f.ctx())
    if why == "invoiced":
        assert "INV-000001" in exc.value.message and "complete the order" in exc.value.message
    else:
        assert "nothing to reopen" in exc.value.message


def test_reopen_needs_a_complete_reason():
    with pytest.raises(WorkflowError, match="'other' needs a text"):
        workflow.reopen(acknowledged_short(), Reason(code=ReasonCode.OTHER), f.ctx())


def test_store_reopen_releases_reservations_and_keeps_tracking_free(tmp_path: Path):
    store = SqliteStore(tmp_path / "s.db", clock=lambda: f.NOW)
    store.add_vendor(f.vendor())
    store.add_location(f.location())
    store.import_orders([f.order(82, [f.line(1, 5, "SKU-1")]), f.order(83)])
    sku = store.get_order(82).lines[0].vendor_sku
    store.set_stock(sku, "MYSTIC-WH1", 10)
    store.acknowledge(82, None, {}, {})
    assert store.reservations(82) == {sku: 5}
    store.save_slips(82, None, [{1: 5}])
    store.save_tracking(82, None, 1, UPS_1)
    order = store.reopen(82, None, WHY)
    assert order.stage is Stage.NEW and store.reservations(82) == {}
    assert store.activity(82)[0].action in {"Packing slip dropped"}
    assert "Order reopened" in [e.action for e in store.activity(82)]
    # the dropped number is free again (R7 across orders stays sound)
    store.acknowledge(83, None, {}, {})
    store.save_slips(83, None, [{1: 5}])
    assert store.save_tracking(83, None, 1, UPS_1).slip(1).tracking_number == UPS_1
    store.close()


def test_cli_reopen(tmp_path: Path):
    cli = Cli(tmp_path)
    cli.import_(order_doc(82))
    assert "nothing to reopen" in cli.refused("reopen", "82", "--reason", "damaged")
    cli.ok("ack", "82")
    cli.ok("slips", "82", "--count", "1")
    cli.ok("track", "82", "1", UPS_2)
    assert "unknown reason" in cli.refused("reopen", "82", "--reason", "nope", code=2)
    out = cli.ok("reopen", "82", "--reason", "other:[red]recount[/]")
    assert "PO 82 reopened (Other: [red]recount[/]): back to New" in out and UPS_2 in out
    assert cli.json("show", "82")["stage"] == "new"
    cli.ok("ack", "82")
    cli.ok("slips", "82")
    cli.ok("track", "82", "1", UPS_2)
    cli.ok("invoice", "82")
    assert "already invoiced" in cli.refused("reopen", "82", "--reason", "damaged")
