"""Fixes from the code review: import only new orders, invoice numbers, mappings' currency,
tracking messages, SLA thresholds."""

from __future__ import annotations

import pytest

from dropship_tui.domain import workflow
from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import Stage
from dropship_tui.store.sqlite.store import SqliteStore

from factories import NOW, line, location, order, vendor


def make_store(path, **kw) -> SqliteStore:
    return SqliteStore(path, user=kw.pop("user", "jordan"), clock=kw.pop("clock", lambda: NOW), **kw)


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path / "store.db")
    s.add_vendor(vendor())
    s.add_location(location())
    yield s
    s.close()


# --- 1. import: brand-new orders only, with an "Order received" entry ------------------


def test_import_problems_accepts_a_new_order_and_names_each_later_state():
    assert workflow.import_problems(order()) == []
    done = order().model_copy(update={"stage": Stage.IN_PROGRESS, "version": 3})
    problems = workflow.import_problems(done)
    assert any("stage" in p for p in problems) and any("version" in p for p in problems)
    accepted = order(lines=[line().model_copy(update={"quantity_accepted": 5})])
    assert workflow.import_problems(accepted) == ["has accepted quantities"]


def test_import_refuses_an_order_past_new_and_writes_nothing(store):
    later = order(83).model_copy(update={"stage": Stage.IN_PROGRESS, "acknowledged_at": NOW})
    with pytest.raises(InvalidInputError, match="PO 83 is not a new order"):
        store.import_orders([order(82), later])
    assert store.count_orders(__import__("dropship_tui.store.base", fromlist=["OrderQuery"]).OrderQuery()) == 0


def test_import_records_order_received(store):
    store.import_orders([order(82, lines=[line(1, qty=3), line(2, qty=4, sku="SKU-9")])])
    (entry,) = store.activity(82)
    assert (entry.action, entry.user, entry.at) == ("Order received", "jordan", NOW)
    assert entry.details == "imported, 2 lines, 7 units"


# --- 2. invoice numbers skip the taken ones; constraint failures are refusals ------------


def _ready_to_invoice(store, po):
    o = store.acknowledge(po, None, {}, {})
    o = store.save_slips(po, o.version, [{1: 5}])
    return store.save_tracking(po, o.version, 1, "1Z999AA10123456784")


def test_invoice_number_skips_numbers_already_taken(store):
    store.import_orders([order(82), order(83)])
    with store.lock:  # a store written by an older version: a number the sequence never gave
        store.connection.execute("INSERT INTO invoices(number, po_number) VALUES ('INV-000001', 83)")
    _ready_to_invoice(store, 82)
    assert store.generate_invoice(82, None).invoice.invoice_number == "INV-000002"


def test_integrity_error_in_an_action_is_a_clear_refusal(store):
    from dropship_tui.domain.errors import WorkflowError

    store.import_orders([order(82)])
    with store.lock:
        store.connection.execute(
            "CREATE TEMP TRIGGER boom BEFORE UPDATE ON orders BEGIN SELECT RAISE(ABORT, 'boom'); END"
        )
    with pytest.raises(WorkflowError, match="PO 82 could not be saved.*nothing was changed"):
        store.acknowledge(82, None, {}, {})
    assert store.get_order(82).stage is Stage.NEW


# --- 3. the mapping rule, once: variation code first, the order's currency only ---------


def _mapping(code, price, currency="USD", sku="V-1"):
    from dropship_tui.domain.models import SkuMapping

    return SkuMapping(
        vendor_code="MYSTIC", product_code=code, vendor_sku=sku, upc="0001",
        contracted_price=price, currency=currency,
    )


def test_catalog_rule_prefers_the_variation_code_and_fills_only_what_is_missing():
    from decimal import Decimal

    from dropship_tui.domain import catalog

    ln = line(contracted=None).model_copy(update={"product_code": "P", "variation_product_code": "P-RED", "vendor_sku": ""})
    table = {"P": _mapping("P", "1.00", sku="BASE"), "P-RED": _mapping("P-RED", "2.00", sku="RED")}
    m = catalog.mapping_for(ln, table.get)
    assert m.vendor_sku == "RED"
    filled = catalog.fill_from_mapping(ln, m, "USD")
    assert (filled.contracted_price, filled.vendor_sku) == (Decimal("2.00"), "RED")
    assert catalog.fill_from_mapping(ln, _mapping("P", "5.00", "EUR"), "USD") == ln
    stated = line(contracted="9.00")
    assert catalog.fill_from_mapping(stated, m, "USD").contracted_price == Decimal("9.00")


def test_store_import_ignores_a_mapping_in_another_currency(store):
    ln = line(contracted=None).model_copy(update={"product_code": "P", "vendor_sku": ""})
    store.add_sku_mappings([_mapping("P", "5.00", "EUR")])
    store.import_orders([order(82, lines=[ln])])  # a USD order
    assert store.get_order(82).line(1).contracted_price is None


# --- 4. a tracking number on another vendor's order does not name that order --------------


def test_duplicate_tracking_names_the_po_only_within_the_vendor(store):
    from dropship_tui.domain.errors import WorkflowError

    store.add_vendor(vendor("ALPINE"))
    store.add_location(location("ALPINE-WH1", "ALPINE"))
    store.import_orders([
        order(82), order(83), order(5000, vendor_code="ALPINE", location_code="ALPINE-WH1")
    ])
    _ready_to_invoice(store, 5000)  # tracking 1Z999AA10123456784 on ALPINE's PO 5000
    o = store.acknowledge(82, None, {}, {})
    o = store.save_slips(82, o.version, [{1: 5}])
    with pytest.raises(WorkflowError) as refused:
        store.save_tracking(82, o.version, 1, "1Z999AA10123456784")
    assert refused.value.message == "1Z999AA10123456784 is already used on another shipment"
    assert "5000" not in refused.value.message
    from dropship_tui.store.demo.plans import ups_number

    other = ups_number("A5R001", "03", 1234567)
    o83 = store.acknowledge(83, None, {}, {})
    o83 = store.save_slips(83, o83.version, [{1: 5}])
    store.save_tracking(83, o83.version, 1, other)  # same vendor as 82: naming the PO helps
    with pytest.raises(WorkflowError, match=f"^{other} is already on PO 83 slip 1$"):
        store.save_tracking(82, o.version, 1, other)


# --- 7. the SLA thresholds are the store's: set once, used by everyone -------------------


def test_stored_thresholds_are_the_truth_for_every_opener(tmp_path):
    from decimal import Decimal

    from dropship_tui.domain.models import SlaStatus, SlaThresholds
    from dropship_tui.store.base import OrderQuery

    db = tmp_path / "store.db"
    with make_store(db) as s:
        s.add_vendor(vendor())
        s.add_location(location())
        s.import_orders([order(82, hours_old=12)])  # half of 24 h
        assert s.count_orders(OrderQuery(sla=SlaStatus.AT_RISK)) == 0
        other = make_store(db)  # a second user's open store
        assert s.set_sla_thresholds(SlaThresholds(at_risk=Decimal("0.5"), overdue=Decimal("0.9"))) == 1
        assert s.count_orders(OrderQuery(sla=SlaStatus.AT_RISK)) == 1
        assert [e.action for e in s.activity(82)] == ["Order received"]  # activity-free
        other.acknowledge(82, None, {}, {})  # its write uses the store's thresholds
        assert other.thresholds.at_risk == Decimal("0.5")
        other.close()
    with make_store(db) as again:  # no thresholds given: the stored ones, nothing recomputed
        assert again.thresholds == SlaThresholds(at_risk=Decimal("0.5"), overdue=Decimal("0.9"))


def test_settings_sla_command(tmp_path, capsys):
    import json

    from dropship_tui import cli
    db = str(tmp_path / "store.db")
    make_store(db).close()
    assert cli.main(["settings", "sla", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"at_risk": "0.8", "overdue": "1.0"}
    assert cli.main(["settings", "sla", "--at-risk", "0.6", "--db", db]) == 0
    assert "at risk at 0.6" in capsys.readouterr().out
    with make_store(db) as s:
        assert str(s.thresholds.at_risk) == "0.6"
    assert cli.main(["settings", "sla", "--at-risk", "1.5", "--db", db]) == 2
    assert "0 < at risk <= overdue" in capsys.readouterr().err
    assert cli.main(["settings", "sla", "--overdue", "x", "--db", db]) == 2
    assert cli.main(["settings", "sla", "--api", "http://localhost:1"]) == 2
    assert "not available remotely" in capsys.readouterr().err
