"""The JSON import format (importer.py): validation paths and plain words, Decimal money,
references resolved against the store, nothing half-accepted."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import SkuMapping
from dropship_tui.exports.import_format import ImportPlan, load, parse_import, path_of


def good_doc() -> dict:
    return {
        "format": "dropship-tui/orders@1",
        "orders": [
            {
                "po_number": 82,
                "order_number": "119",
                "vendor_code": "MYSTIC",
                "location_code": "MYSTIC-WH1",
                "ship_to": {
                    "first_name": "Ann",
                    "last_name": "Lee",
                    "email": "ann@example.com",
                    "address": {"line1": "12 Elm St", "city": "Springfield", "state": "IL", "postal_code": "62701", "country_code": "US"},
                },
                "order_date": "2026-11-24T10:00:00-05:00",
                "requested_ship_date": "2026-11-26",
                "currency": "USD",
                "shipping_method": "Ground",
                "lines": [
                    {
                        "line_id": 1,
                        "product_code": "P-SHOE",
                        "variation_product_code": "P-SHOE-42",
                        "sku": "SKU-123",
                        "description": "Trail shoe",
                        "quantity": 5,
                        "retail_price": "29.99",
                    }
                ],
            }
        ],
    }


class FakeCatalog:
    def __init__(self, vendors=("MYSTIC",), locations=None, mappings=None, orders=()):
        self.vendors = set(vendors)
        self.locations = locations if locations is not None else {"MYSTIC-WH1": "MYSTIC"}
        self.mappings = mappings or {}
        self.orders = set(orders)

    def has_vendor(self, code):
        return code in self.vendors

    def location_vendor(self, code):
        return self.locations.get(code)

    def sku_mapping(self, vendor_code, product_code):
        return self.mappings.get((vendor_code, product_code))

    def has_order(self, po):
        return po in self.orders


def refused(doc, catalog=None) -> str:
    with pytest.raises(InvalidInputError) as info:
        load(json.dumps(doc) if not isinstance(doc, str) else doc, catalog or FakeCatalog(), "orders.json")
    return str(info.value)


def mapping(product_code: str, price: str, sku: str = "V-1") -> SkuMapping:
    return SkuMapping(vendor_code="MYSTIC", product_code=product_code, vendor_sku=sku, upc="0001", contracted_price=Decimal(price))


def test_good_file_builds_orders_with_utc_dates_and_decimal_money():
    plan = load(json.dumps(good_doc()), FakeCatalog())
    (order,) = plan.orders
    assert order.po_number == 82 and order.order_number == "119"
    assert order.order_date.isoformat() == "2026-11-24T15:00:00+00:00"
    assert order.requested_ship_date.isoformat() == "2026-11-26T00:00:00+00:00"
    line = order.lines[0]
    assert line.quantity_ordered == 5
    assert line.retail_price == Decimal("29.99") and isinstance(line.retail_price, Decimal)
    assert line.contracted_price is None


def test_json_numbers_are_decimal_never_float():
    doc = json.dumps(good_doc()).replace('"29.99"', "0.1")
    plan = load(doc, FakeCatalog())
    assert plan.orders[0].lines[0].retail_price == Decimal("0.1")


def test_bare_list_is_the_orders():
    plan = load(json.dumps(good_doc()["orders"]), FakeCatalog())
    assert [o.po_number for o in plan.orders] == [82]


def test_contracted_price_from_variation_mapping_then_base():
    cat = FakeCatalog(mappings={("MYSTIC", "P-SHOE-42"): mapping("P-SHOE-42", "18.50", "V-42"), ("MYSTIC", "P-SHOE"): mapping("P-SHOE", "19.99")})
    line = load(json.dumps(good_doc()), cat).orders[0].lines[0]
    assert line.contracted_price == Decimal("18.50") and line.vendor_sku == "V-42" and line.upc == "0001"

    cat = FakeCatalog(mappings={("MYSTIC", "P-SHOE"): mapping("P-SHOE", "19.99")})
    line = load(json.dumps(good_doc()), cat).orders[0].lines[0]
    assert line.contracted_price == Decimal("19.99") and line.vendor_sku == "V-1"


def test_explicit_contracted_price_wins_over_mapping():
    doc = good_doc()
    doc["orders"][0]["lines"][0]["contracted_price"] = 17
    cat = FakeCatalog(mappings={("MYSTIC", "P-SHOE"): mapping("P-SHOE", "19.99")})
    assert load(json.dumps(doc), cat).orders[0].lines[0].contracted_price == Decimal(17)


def test_mappings_vendors_and_locations_in_the_file():
    doc = good_doc()
    doc["vendors"] = [{"code": "NEW", "name": "New Co"}]
    doc["locations"] = [{"code": "NEW-1", "vendor_code": "NEW", "name": "Dock", "sla_policy": {"hours_to_acknowledge": 12, "hours_to_ship": 48}}]
    doc["sku_mappings"] = [{"vendor_code": "NEW", "product_code": "P-SHOE", "vendor_sku": "N-1", "contracted_price": "11.00"}]
    doc["orders"][0]["vendor_code"] = "NEW"
    doc["orders"][0]["location_code"] = "NEW-1"
    plan = load(json.dumps(doc), FakeCatalog())
    assert [v.code for v in plan.vendors] == ["NEW"]
    assert plan.locations[0].sla_policy.hours_to_ship == 48
    assert plan.orders[0].lines[0].contracted_price == Decimal("11.00")


def test_setup_records_already_in_store_are_not_added_again():
    doc = good_doc()
    doc["vendors"] = [{"code": "MYSTIC", "name": "Mystic Sports"}]
    doc["locations"] = [{"code": "MYSTIC-WH1", "vendor_code": "MYSTIC", "name": "WH"}]
    plan = load(json.dumps(doc), FakeCatalog())
    assert plan.vendors == [] and plan.locations == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quantity", 0, "orders[0].lines[0].quantity: must be a positive integer"),
        ("quantity", -2, "orders[0].lines[0].quantity: must be a positive integer"),
        ("quantity", "5", "orders[0].lines[0].quantity: must be a positive integer"),
        ("quantity", 2.5, "orders[0].lines[0].quantity: must be a positive integer"),
        ("quantity", True, "orders[0].lines[0].quantity: must be a positive integer"),
        ("retail_price", "abc", "orders[0].lines[0].retail_price: must be an amount like 19.99"),
        ("retail_price", -1, "orders[0].lines[0].retail_price: must be an amount like 19.99"),
        ("retail_price", "NaN", "orders[0].lines[0].retail_price: must be an amount like 19.99"),
        ("line_id", 0, "orders[0].lines[0].line_id: must be a positive integer"),
        ("sku", "", "orders[0].lines[0].sku: must not be blank"),
        ("qty", 3, "orders[0].lines[0].qty: is not a known field"),
    ],
)
def test_bad_line_field_names_its_path(field, value, message):
    doc = good_doc()
    doc["orders"][0]["lines"][0][field] = value
    assert message in refused(doc)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("order_date", "2026-11-24T10:00:00", "orders[0].order_date: must be a date like 2026-11-24T10:00:00Z"),
        ("order_date", "yesterday", "orders[0].order_date: must be a date like 2026-11-24T10:00:00Z"),
        ("po_number", 0, "orders[0].po_number: must be a whole number from 1 to 2147483647"),
        ("po_number", 2**31, "orders[0].po_number: must be a whole number from 1 to 2147483647"),
        ("lines", [], "orders[0].lines: must list at least one line"),
        ("currency", "dollars", "orders[0].currency: must be a 3-letter currency code"),
        ("ship_to", "Ann", "orders[0].ship_to: must be an object"),
    ],
)
def test_bad_order_field_names_its_path(field, value, message):
    doc = good_doc()
    doc["orders"][0][field] = value
    assert message in refused(doc)


def test_missing_field_is_required():
    doc = good_doc()
    del doc["orders"][0]["lines"][0]["retail_price"]
    assert "orders[0].lines[0].retail_price: is required" in refused(doc)


def test_the_fourth_order_bad_line_names_index_3():
    doc = good_doc()
    base = doc["orders"][0]
    doc["orders"] = []
    for po in range(82, 86):
        o = copy.deepcopy(base)
        o["po_number"] = po
        doc["orders"].append(o)
    doc["orders"][3]["lines"][0]["quantity"] = 0
    message = refused(doc)
    assert message.startswith("orders.json: orders[3].lines[0].quantity: must be a positive integer")
    assert "nothing was imported" in message


def test_every_problem_is_counted_in_one_line():
    doc = good_doc()
    line = doc["orders"][0]["lines"][0]
    line["quantity"] = 0
    line["retail_price"] = "x"
    line["line_id"] = -1
    line["upc"] = []
    line["sku"] = ""
    message = refused(doc)
    assert "\n" not in message
    assert "and 2 more" in message


def test_not_json_names_line_and_column():
    message = refused('{\n  "orders": [\n    {,}\n  ]\n}')
    assert message.startswith("orders.json: not valid JSON at line 3 column 6")


def test_not_an_object():
    assert "must be a JSON object" in refused('"hello"')


def test_unknown_vendor_and_location_are_refused_by_path():
    doc = good_doc()
    doc["orders"][0]["vendor_code"] = "NOPE"
    assert "orders[0].vendor_code: no vendor NOPE" in refused(doc)
    doc = good_doc()
    doc["orders"][0]["location_code"] = "NOWHERE"
    assert "orders[0].location_code: no location NOWHERE" in refused(doc)


def test_location_of_another_vendor_is_refused():
    cat = FakeCatalog(vendors=("MYSTIC", "OTHER"), locations={"MYSTIC-WH1": "MYSTIC", "O-1": "OTHER"})
    doc = good_doc()
    doc["orders"][0]["location_code"] = "O-1"
    assert "orders[0].location_code: location O-1 belongs to vendor OTHER, not MYSTIC" in refused(doc, cat)


def test_po_already_in_store_is_refused():
    assert "orders[0].po_number: PO 82 is already in the store" in refused(good_doc(), FakeCatalog(orders={82}))


def test_po_twice_in_file_is_refused():
    doc = good_doc()
    doc["orders"].append(copy.deepcopy(doc["orders"][0]))
    assert "orders[1].po_number: PO 82 is already in this file (orders[0])" in refused(doc)


def test_line_id_twice_is_refused():
    doc = good_doc()
    doc["orders"][0]["lines"].append(copy.deepcopy(doc["orders"][0]["lines"][0]))
    assert "orders[0].lines[1].line_id: line 1 appears twice in PO 82" in refused(doc)


def test_one_bad_order_refuses_the_whole_file():
    doc = good_doc()
    second = copy.deepcopy(doc["orders"][0])
    second["po_number"] = 83
    second["vendor_code"] = "NOPE"
    doc["orders"].append(second)
    with pytest.raises(InvalidInputError):
        load(json.dumps(doc), FakeCatalog())


def test_hostile_text_kept_literally():
    doc = good_doc()
    doc["orders"][0]["ship_to"]["first_name"] = "[bold]Ann[/]"
    doc["orders"][0]["lines"][0]["description"] = "Ωμέγα 北京 <b>&amp;"
    order = load(json.dumps(doc), FakeCatalog()).orders[0]
    assert order.ship_to.first_name == "[bold]Ann[/]"
    assert order.lines[0].description == "Ωμέγα 北京 <b>&amp;"


def test_path_of():
    assert path_of(("orders", 3, "lines", 0, "quantity")) == "orders[3].lines[0].quantity"
    assert path_of(()) == "(the file)"


def test_parse_only_does_not_need_a_store():
    doc = parse_import(json.dumps(good_doc()))
    assert doc.orders[0].lines[0].quantity == 5
    assert isinstance(ImportPlan(), ImportPlan)


def test_json_nested_100000_deep_is_a_refusal_not_a_crash(tmp_path):
    """Issue 12 item 6: the parser's recursion limit is a plain refusal naming the file."""
    from dropship_tui.domain.errors import InvalidInputError as Refused

    with pytest.raises(Refused, match=r"^deep.json: nested too deeply to be an import file; nothing was imported$"):
        parse_import("[" * 100_000 + "]" * 100_000, "deep.json")


def test_an_import_is_one_transaction_setup_records_included(tmp_path):
    """Issue 12 item 2: a plan whose orders the store refuses (here a PO that arrived in
    the store after the file was resolved) leaves none of its new vendor, location or
    mapping behind: the whole import is one transaction."""
    from decimal import Decimal

    import factories as fx
    from dropship_tui.domain.errors import InvalidInputError as Refused
    from dropship_tui.domain.models import Location, SkuMapping, Vendor
    from dropship_tui.services.json_import import apply_plan
    from dropship_tui.store.sqlite import SqliteStore

    with SqliteStore(tmp_path / "store.db") as store:
        store.add_vendor(fx.vendor())
        store.add_location(fx.location())
        store.import_orders([fx.order(82)])
        plan = ImportPlan(
            vendors=[Vendor(code="NEWV", name="New vendor")],
            locations=[Location(code="NEWV-WH", vendor_code="NEWV", name="New warehouse")],
            sku_mappings=[SkuMapping(vendor_code="NEWV", product_code="P-1", vendor_sku="NV-1",
                                     contracted_price=Decimal("1.00"))],
            orders=[fx.order(83), fx.order(82)],  # 82 is taken: the batch is refused
        )
        with pytest.raises(Refused, match="PO 82 is already in the store"):
            apply_plan(store, plan)
        assert [v.code for v in store.vendors()] == [fx.vendor().code]
        assert [loc.code for loc in store.locations()] == [fx.location().code]
        assert store.sku_mappings("NEWV") == [] and store.counts().total == 1
        # and the store takes the next write as usual (the transaction is over)
        store.import_orders([fx.order(83)])
        assert store.counts().total == 2
