"""850 -> the JSON import's models -> our Order: field by field, and the refusals."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import factories
import pytest
from edi_samples import interchange, set_850

from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import Order, SkuMapping
from dropship_tui.exports.edi.reader import read_interchanges
from dropship_tui.exports.edi.x850 import read_850
from dropship_tui.exports.import_format import ImportDocument, resolve


class Catalog:
    """What ``resolve`` asks, over plain dicts (a real adapter reads the store)."""

    def __init__(self, mappings=()):
        self.mappings = {(m.vendor_code, m.product_code): m for m in mappings}

    def has_vendor(self, code):
        return code == "MYSTIC"

    def location_vendor(self, code):
        return "MYSTIC" if code == "MYSTIC-WH1" else None

    def sku_mapping(self, vendor_code, product_code):
        return self.mappings.get((vendor_code, product_code))

    def has_order(self, po_number):
        return False


def _po(text):
    return read_850(read_interchanges(text).sets()[0])


def _order(po, catalog=None) -> Order:
    order_in = po.order_in(po_number=po.proposed_po_number or 5001, vendor_code="MYSTIC", location_code="MYSTIC-WH1")
    (order,) = resolve(ImportDocument(orders=[order_in]), catalog or Catalog()).orders
    return order


def test_an_850_maps_field_by_field_onto_an_order():
    po = _po(interchange(set_850()))
    assert (po.retailer_po_number, po.proposed_po_number, po.purpose, po.order_type) == ("4500012345678", None, "00", "DS")
    assert po.line_ids == {1: "001", 2: "002"}
    order = _order(po)
    assert order.po_number == 5001 and order.retailer_po_number == "4500012345678"
    assert order.order_number == "119"  # REF*CO
    assert order.order_date == datetime(2026, 11, 24, tzinfo=timezone.utc)
    assert order.requested_ship_date == datetime(2026, 11, 26, tzinfo=timezone.utc)  # DTM*010 wins over 002
    assert (order.currency, order.shipping_method) == ("USD", "UPS Ground")
    ship = order.ship_to
    assert (ship.first_name, ship.last_name, ship.company, ship.phone, ship.email) == (
        "Ann", "Lee", "Lee Outdoors", "5550100", "ann@example.com")
    assert ship.address.lines() == ["12 Elm St", "Apt 4", "Springfield IL 62701", "US"]
    first, second = order.lines
    assert (first.line_id, first.quantity_ordered, first.retail_price, first.sku, first.product_code,
            first.vendor_sku, first.upc, first.description) == (
        1, 5, Decimal("19.99"), "SKU-123", "SKU-123", "V-SKU-123", "000000000017", "Trail shoe blue")
    assert first.contracted_price is None and first.billing_price == Decimal("19.99")
    assert (second.sku, second.vendor_sku, second.upc, second.retail_price) == ("SKU-9", "V-SKU-9", "", Decimal("7.5"))
    assert [(r.qualifier, r.value, r.description) for r in order.references] == [
        ("CO", "119", ""), ("IA", "VEND-7788", "Vendor number")]
    # The optional fields survive the store's JSON body.
    assert Order.model_validate_json(order.model_dump_json()) == order


def test_a_sku_mapping_price_wins_over_po104():
    mapping = SkuMapping(vendor_code="MYSTIC", product_code="SKU-123", vendor_sku="V-SKU-123", contracted_price=Decimal("15"))
    order = _order(_po(interchange(set_850())), Catalog([mapping]))
    assert order.lines[0].billing_price == Decimal("15")


def test_a_numeric_beg03_is_proposed_as_our_po_number():
    po = _po(interchange(set_850(po="000777")))
    assert (po.retailer_po_number, po.proposed_po_number) == ("000777", 777)
    assert _po(interchange(set_850(po="2147483648"))).proposed_po_number is None  # beyond 32 bits


def test_a_company_without_a_person_is_a_valid_ship_to():
    text = interchange(set_850(name="Lee Outdoors LLC").replace("N2*Lee Outdoors~\n", "").replace("SE*20", "SE*19"))
    order = _order(_po(text))
    assert order.customer_name == "Lee Outdoors LLC"


@pytest.mark.parametrize("name", factories.HOSTILE_NAMES)
def test_hostile_names_are_kept_as_data(name):
    order = _order(_po(interchange(set_850(name=f"x {name}", company=name, desc=name))))
    assert order.ship_to.company == name and order.lines[0].description == f"Trail shoe {name}"


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("PO1*001*5*EA", "PO1*001**EA", "segment 17 (PO1): PO102 quantity is missing"),
        ("PO1*001*5*EA", "PO1*001*2.5*EA", "segment 17 (PO1): PO102 quantity '2.5' must be a whole number"),
        ("PO1*001*5*EA", "PO1*001*0*EA", "segment 17 (PO1): PO102 (lines[0].quantity) must be a positive integer"),
        ("*EA*19.99**", "*EA***", "segment 17 (PO1): PO104 unit price is missing"),
        ("PO1*002*2*EA*7.5**SK*SKU-9*VN*V-SKU-9", "PO1*002*2*EA*7.5", "segment 19 (PO1): PO106 has no product id"),
        ("PO1*002", "PO1*001", "PO101 line id 001 appears twice"),
        ("CUR*BY*USD", "CUR*BY*dollars", "segment 5 (CUR): CUR02 (currency) must be a 3-letter currency code"),
        ("BEG*00*DS*4500012345678**20261124", "BEG*01*DS*4500012345678**20261124", "BEG01 purpose '01' (cancellation) is not imported"),
        ("BEG*00*DS*4500012345678**20261124", "BEG*00*DS*4500012345678**20261340", "BEG05 date '20261340' is not a date"),
        ("BEG*00*DS*4500012345678**20261124", "BEG*00*DS***20261124", "BEG03 purchase order number is missing"),
        ("CTT*2*7", "CTT*3*7", "CTT01 says 3 lines, the set has 2"),
    ],
)
def test_refusals_name_segment_and_element(old, new, message):
    text = interchange(set_850())
    assert old in text
    with pytest.raises(InvalidInputError) as caught:
        _po(text.replace(old, new, 1))
    assert message in str(caught.value)
    assert "nothing imported" in str(caught.value)


def test_a_set_that_is_not_an_850_is_refused():
    text = interchange(set_850().replace("ST*850", "ST*855"))
    with pytest.raises(InvalidInputError, match="not an 850"):
        _po(text)
