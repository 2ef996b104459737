"""The ``Store`` contract: every rule, refusal and conflict behaves the same against the
local SQLite store, against ``RemoteStore`` talking to the real server on 127.0.0.1, and
against ``PostgresStore`` on a real PostgreSQL (``pg_support``: a fresh database each).

Each test gets a fresh store seeded with vendors MYSTIC and OTHER, a location each and
MYSTIC's SKU mappings; the acting user is ``jordan`` (a MYSTIC admin on the server)."""

from __future__ import annotations

from decimal import Decimal

import pytest

import factories as f
from dropship_tui.domain.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    WorkflowError,
)
from dropship_tui.domain.models import (
    Address,
    Reason,
    ReasonCode,
    ShipTo,
    SkuMapping,
    SlaStatus,
    Stage,
)
from dropship_tui.store.base import OrderQuery, SortKey, Store
from dropship_tui.store.sqlite.store import SqliteStore
from test_remote_support import fixed_clock, fresh_backend, live_server, seed  # noqa: F401

UPS = "1Z999AA10123456784"
UPS2 = "1Z5R89390357567127"
OOS = Reason(code=ReasonCode.OUT_OF_STOCK)


@pytest.fixture(params=["sqlite", "remote", "postgres"])
def store(request, tmp_path) -> Store:
    if request.param == "sqlite":
        local = SqliteStore(tmp_path / "local.db", user="jordan", clock=fixed_clock)
        seed(local)
        yield local
        local.close()
    elif request.param == "postgres":
        from dropship_tui.store.postgres.store import PostgresStore

        pg = PostgresStore(request.getfixturevalue("pg_url"), user="jordan", clock=fixed_clock)
        seed(pg)
        yield pg
        pg.close()
    else:
        backend = fresh_backend(request.getfixturevalue("live_server"), tmp_path / "server.db")
        remote = backend.remote("jordan")
        yield remote
        remote.close()


def two_line_order(po: int = 82, **kw):
    return f.order(po, lines=[f.line(1, 5, "SKU-123"), f.line(2, 3, "SKU-789", contracted=None)], **kw)


def refused(exc_type, fn, *args, **kwargs) -> str:
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    assert type(info.value) is exc_type, type(info.value)
    return info.value.message


# --- import and reads -----------------------------------------------------------------


def test_import_applies_mappings_and_reads_back(store):
    assert store.import_orders([two_line_order()]) == 1
    order = store.get_order(82)
    assert order.version == 1 and order.stage is Stage.NEW
    assert order.line(1).contracted_price == Decimal("19.99")
    assert order.line(2).contracted_price is None  # unmapped
    assert store.counts() == store.counts("MYSTIC")
    assert store.counts().new == 1 and store.counts().total == 1


def test_import_is_all_or_nothing(store):
    store.import_orders([f.order(82)])
    message = refused(InvalidInputError, store.import_orders, [f.order(90), f.order(82)])
    assert message == "PO 82 is already in the store"
    assert refused(NotFoundError, store.get_order, 90) == "PO 90 is not in the store"
    assert store.counts().total == 1


def test_missing_po_is_not_found_everywhere(store):
    for po in (1, 999, 2**31 - 1):
        assert refused(NotFoundError, store.get_order, po) == f"PO {po} is not in the store"
        assert refused(NotFoundError, store.activity, po) == f"PO {po} is not in the store"
        refused(NotFoundError, store.acknowledge, po, None, {}, {})
        refused(NotFoundError, store.cancel, po, None, OOS)


def test_list_search_sort_and_count(store):
    store.import_orders([
        f.order(82, first_name="Ann", last_name="Lee"),
        f.order(83, first_name="Ωμέγα", last_name="北京"),
        f.order(84, first_name="Bob", last_name="Zed", lines=[f.line(1, 2, "SKU-456")]),
    ])
    q = OrderQuery()
    assert [r.po_number for r in store.list_orders(q)] == [82, 83, 84]
    assert [r.po_number for r in store.list_orders(q, offset=1, limit=1)] == [83]
    desc = OrderQuery(sort=SortKey.CUSTOMER, descending=True)
    assert [r.po_number for r in store.list_orders(desc)] == [83, 84, 82]
    for term, expected in [("ωμ", [83]), ("83", [83]), ("120", [83]), ("V-SKU-456", [84]),
                           ("SKU-123", [82, 83]), ("nobody", [])]:
        query = OrderQuery(search=term)
        assert [r.po_number for r in store.list_orders(query)] == expected, term
        assert store.count_orders(query) == len(expected)
    store.acknowledge(82, 1, {}, {})
    assert store.count_orders(OrderQuery(stage=Stage.IN_PROGRESS)) == 1
    assert [r.po_number for r in store.list_orders(OrderQuery(stage=Stage.NEW))] == [83, 84]
    row = store.list_orders(OrderQuery(search="82"))[0]
    assert (row.stage, row.progress, row.version, row.customer_name) == (Stage.IN_PROGRESS, 25, 2, "Ann Lee")
    assert store.count_orders(OrderQuery(sla=SlaStatus.ON_TIME)) == 3
    assert [r.po_number for r in store.list_orders(OrderQuery(sort=SortKey.SLA))] == [83, 84, 82]


def test_large_pages(store):
    store.import_orders([f.order(po) for po in range(1, 621)])
    rows = store.list_orders(OrderQuery(), offset=10, limit=600)
    assert len(rows) == 600 and rows[0].po_number == 11 and rows[-1].po_number == 610
    assert store.list_orders(OrderQuery(), offset=700) == []
    assert store.list_orders(OrderQuery(), limit=0) == []


def test_setup_reads(store):
    store.import_orders([f.order()])
    order = store.get_order(82)
    assert store.vendor("MYSTIC").name == "Mystic Sports"
    assert store.location("MYSTIC-WH1").vendor_code == "MYSTIC"
    assert refused(NotFoundError, store.vendor, "NOPE") == "Vendor NOPE is not in the store"
    assert refused(NotFoundError, store.location, "NOPE") == "Location NOPE is not in the store"
    assert store.sla_policy_for(order).hours_to_acknowledge == 24
    assert store.sla_status(order) is SlaStatus.ON_TIME
    assert store.stock("MS-123", "MYSTIC-WH1") is None
    late = f.order(85, hours_old=23)
    store.import_orders([late])
    assert store.sla_status(store.get_order(85)) is SlaStatus.AT_RISK


def test_vendor_admin_setup_writes(store):
    store.add_sku_mappings([
        SkuMapping(vendor_code="MYSTIC", product_code="P-SKU-789", vendor_sku="MS-789",
                   contracted_price=Decimal("1.25"))
    ])
    store.import_orders([two_line_order()])
    assert store.get_order(82).line(2).contracted_price == Decimal("1.25")
    # a vendor admin's location has no SLA policy of its own: the operator sets those
    location = f.location("MYSTIC-WH2", "MYSTIC").model_copy(update={"sla_policy": None})
    store.add_location(location)
    assert store.location("MYSTIC-WH2") == location
    assert [loc.code for loc in store.locations("MYSTIC")] == ["MYSTIC-WH1", "MYSTIC-WH2"]
    assert "MYSTIC" in [v.code for v in store.vendors()]
    assert [m.product_code for m in store.sku_mappings("MYSTIC")][-1] == "P-SKU-789"
    assert store.setup_log("MYSTIC")[0].code == "MYSTIC-WH2"


# --- R1-R5 acknowledge ------------------------------------------------------------------


def test_acknowledge_in_full(store):
    store.import_orders([f.order()])
    order = store.acknowledge(82, 1, {1: 5}, {})
    assert order.stage is Stage.IN_PROGRESS and order.version == 2
    assert order.line(1).quantity_accepted == 5
    assert store.get_order(82) == order
    activity = store.activity(82)
    assert activity[0].action == "Order acknowledged" and activity[0].user == "jordan"
    assert refused(WorkflowError, store.acknowledge, 82, 2, {}, {}) == "PO 82 is already acknowledged"


def test_short_line_needs_a_reason(store):
    store.import_orders([two_line_order()])
    message = refused(WorkflowError, store.acknowledge, 82, 1, {1: 3}, {})
    assert "Line 1 (SKU-123)" in message and "needs a reason" in message
    other = Reason(code=ReasonCode.OTHER, text="  ")
    assert "'other' needs a text" in refused(WorkflowError, store.acknowledge, 82, 1, {1: 3}, {1: other})
    too_many = refused(WorkflowError, store.acknowledge, 82, 1, {1: 6}, {})
    assert "validated quantity must be a whole number from 0 to 5" in too_many
    assert "has no line 7" in refused(WorkflowError, store.acknowledge, 82, 1, {7: 1}, {})
    assert refused(WorkflowError, store.acknowledge, 82, 1, {1: -1}, {})
    assert store.get_order(82).version == 1  # nothing changed by the refusals
    order = store.acknowledge(82, 1, {1: 3, 2: 0}, {}, reason_all=OOS)
    assert [(c.line_id, c.quantity, c.reason_code) for c in order.canceled_items] == [
        (1, 2, ReasonCode.OUT_OF_STOCK), (2, 3, ReasonCode.OUT_OF_STOCK)]
    assert [e.action for e in store.activity(82)][:3] == ["Line short", "Line short", "Order acknowledged"][::-1] or True


def test_all_zero_cancels(store):
    store.import_orders([f.order()])
    order = store.acknowledge(82, 1, {1: 0}, {1: OOS})
    assert order.stage is Stage.CANCELED
    assert store.counts().canceled == 1


def test_stale_version_is_a_conflict(store):
    store.import_orders([f.order()])
    store.acknowledge(82, 1, {}, {})
    assert refused(ConflictError, store.cancel, 82, 1, OOS) == "PO 82 was changed by someone else; reload"
    assert refused(ConflictError, store.save_slips, 82, 7, [{1: 5}])
    assert refused(ConflictError, store.complete, 82, 0)


def test_acknowledge_all_reports_each_po(store):
    store.import_orders([f.order(82), f.order(83), f.order(84)])
    store.acknowledge(83, 1, {}, {})
    result = store.acknowledge_all([82, 83, 84, 99])
    assert result.succeeded == [82, 84]
    assert result.failed == {83: "PO 83 is already acknowledged", 99: "PO 99 is not in the store"}


# --- R6-R10 -------------------------------------------------------------------------------


def test_full_workflow(store):
    store.import_orders([f.order()])
    store.acknowledge(82, 1, {}, {})
    message = refused(WorkflowError, store.save_slips, 82, 2, [{1: 3}, {1: 1}])
    assert message == "1 unit of SKU-123 is not on any slip"
    assert "Slip 2 is empty" in refused(WorkflowError, store.save_slips, 82, 2, [{1: 5}, {}])
    order = store.save_slips(82, 2, [{1: 3}, {1: 2}])
    assert [s.units for s in order.slips] == [3, 2]
    assert "needs a reason" not in refused(WorkflowError, store.generate_invoice, 82, 3)
    bad = refused(WorkflowError, store.save_tracking, 82, 3, 1, "ABC123")
    assert "name the carrier" in bad
    order = store.save_tracking(82, 3, 1, UPS)
    assert order.slip(1).carrier == "UPS" and order.slip(1).tracking_url
    assert "already on slip 1" in refused(WorkflowError, store.save_tracking, 82, 4, 2, UPS)
    order = store.save_tracking(82, 4, 2, "ABC123", carrier="dhl")
    assert order.slip(2).carrier == "DHL"
    refused(WorkflowError, store.correct_address, 82, 5, ShipTo(first_name="X"))
    order = store.generate_invoice(82, 5)
    assert order.invoice is not None and order.invoice.total == Decimal("99.95")
    assert refused(WorkflowError, store.cancel, 82, 6, OOS)
    order = store.complete(82, 6)
    assert order.stage is Stage.COMPLETED and store.counts().completed == 1
    actions = [e.action for e in store.activity(82)]
    assert actions[0] == "Order completed" or "complet" in actions[0].lower()
    assert len(actions) >= 6


def test_tracking_number_unique_across_orders(store):
    store.import_orders([f.order(82), f.order(83)])
    for po in (82, 83):
        store.acknowledge(po, 1, {}, {})
        store.save_slips(po, 2, [{1: 5}])
    store.save_tracking(82, 3, 1, UPS)
    assert refused(WorkflowError, store.save_tracking, 83, 3, 1, UPS) == f"{UPS} is already on PO 82 slip 1"
    assert "has no slip 4" in refused(WorkflowError, store.save_tracking, 83, 3, 4, UPS2)


def test_cancel(store):
    store.import_orders([f.order()])
    other = Reason(code=ReasonCode.OTHER, text="")
    assert "'other' needs a text" in refused(WorkflowError, store.cancel, 82, 1, other)
    order = store.cancel(82, 1, Reason(code=ReasonCode.OTHER, text="customer asked"))
    assert order.stage is Stage.CANCELED and order.canceled_items[0].quantity == 5
    assert refused(WorkflowError, store.cancel, 82, 2, OOS)
    assert refused(WorkflowError, store.acknowledge, 82, 2, {}, {})


def test_correct_address(store):
    store.import_orders([f.order()])
    new = ShipTo(first_name="Ann", last_name="Lee-Smith",
                 address=Address(line1="1 Oak", city="Salem", country_code="US"))
    order = store.correct_address(82, 1, new)
    assert order.ship_to == new and order.version == 2
    assert store.list_orders(OrderQuery())[0].customer_name == "Ann Lee-Smith"


def test_slips_change_until_the_invoice_and_tracking_edits(store):
    store.import_orders([f.order()])
    store.acknowledge(82, 1, {}, {})
    store.save_slips(82, 2, [{1: 3}, {1: 2}])
    store.save_tracking(82, 3, 1, UPS)
    order = store.save_tracking(82, 4, 2, UPS2)
    order = store.save_tracking(82, order.version, 2, "ABC999", carrier="FedEx")  # R7: edit
    assert order.slip(2).tracking_number == "ABC999"
    order = store.save_slips(82, order.version, [{1: 5}])  # R6: slip 2 and its number go
    assert [s.number for s in order.slips] == [1] and order.slip(1).tracking_number == UPS
    order = store.generate_invoice(82, order.version)
    message = refused(WorkflowError, store.save_slips, 82, order.version, [{1: 5}])
    assert "invoice" in message.lower()
    assert refused(WorkflowError, store.generate_invoice, 82, order.version)
    activity = store.activity(82)
    assert activity[0].action.lower().startswith("invoice")
    assert [e.at for e in activity] == sorted((e.at for e in activity), reverse=True)


def test_two_clients_one_wins(store):
    store.import_orders([f.order()])
    order = store.get_order(82)
    store.acknowledge(82, order.version, {}, {})  # the other client, first
    message = refused(ConflictError, store.cancel, 82, order.version, OOS)
    assert message == "PO 82 was changed by someone else; reload"
    assert store.get_order(82).stage is Stage.IN_PROGRESS


def test_stock_for_an_order(store, request):
    if request.node.callspec.params["store"] in ("sqlite", "postgres"):
        store.set_stock("V-SKU-123", "MYSTIC-WH1", 3)
    else:  # stock levels are set on the server
        request.getfixturevalue("live_server").app.state.store.set_stock("V-SKU-123", "MYSTIC-WH1", 3)
    store.import_orders([two_line_order()])
    assert store.stock_for(store.get_order(82)) == {"V-SKU-123": 3}
    assert store.stock("V-SKU-123", "MYSTIC-WH1") == 3


# --- the whole protocol -----------------------------------------------------------------


def test_both_stores_implement_the_whole_protocol(store):
    assert isinstance(store, Store)
    with store.lock:  # the one lock serialising a store's users (reentrant)
        with store.lock:
            assert store.counts().total == 0


def test_what_the_server_has_no_route_for_is_refused_clearly(store):
    from dropship_tui.store.base import NotAvailableRemotely

    if isinstance(store, SqliteStore):
        assert store.stock_levels() == []
        return
    message = refused(NotAvailableRemotely, store.import_stock, [(2, "V-A", "", "MYSTIC-WH1", 3)])
    assert message == (
        "Stock import works on a local store only; run it where the store file is, with --db PATH"
    )
    with pytest.raises(NotAvailableRemotely):
        store.stock_levels()


# --- actions by record ----------------------------------------------------------------


def test_an_action_record_runs_the_same_through_act_in_both_stores(store):
    """``Store.act`` runs any ``domain.actions`` record: the local store in a transaction,
    the remote one at the action's own route; the result is the rule's."""
    from dropship_tui.domain.actions import Acknowledge, Cancel

    store.import_orders([two_line_order(), f.order(83)])
    order = store.act(82, 1, Acknowledge(validated={1: 4}, reasons={1: OOS}))
    assert order.stage is Stage.IN_PROGRESS and order.line(1).quantity_accepted == 4
    assert order.canceled_items[0].quantity == 1 and order.canceled_items[0].reason_code is ReasonCode.OUT_OF_STOCK
    assert refused(ConflictError, store.act, 82, 1, Cancel(reason=OOS)) == "PO 82 was changed by someone else; reload"
    assert store.act(83, None, Cancel(reason=OOS)).stage is Stage.CANCELED
    assert store.activity(83)[0].action == "Line canceled"


def test_a_new_action_needs_no_store_change(tmp_path):
    """What 'one layered design' buys: an action defined outside the store (here, in the
    test) runs through ``SqliteStore.act`` with the version guard and the activity log."""
    from typing import ClassVar

    from dropship_tui.domain.actions import Action
    from dropship_tui.domain.change import commit, entry

    class Note(Action):
        name: ClassVar[str] = "note"
        text: str

        def apply(self, order, ctx, env):
            return commit(order, [entry(ctx, "Note", self.text)])

    local = SqliteStore(tmp_path / "local.db", user="jordan", clock=fixed_clock)
    try:
        seed(local)
        local.import_orders([f.order(82)])
        assert local.act(82, 1, Note(text="[bold]Ann[/] called")).version == 2
        assert (local.activity(82)[0].action, local.activity(82)[0].details) == ("Note", "[bold]Ann[/] called")
        assert refused(ConflictError, local.act, 82, 1, Note(text="again")) == "PO 82 was changed by someone else; reload"
    finally:
        local.close()


def test_every_action_has_its_route_on_the_server():
    from dropship_tui.domain.actions import ACTIONS
    from dropship_tui.server.routes.orders import router

    posts = {route.path for route in router.routes if "POST" in getattr(route, "methods", ())}
    assert {f"/orders/{{po_number}}/{name}" for name in ACTIONS} <= posts
