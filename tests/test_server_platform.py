"""The platform's dropship endpoints (seed 004) against a known order, field by field:
Translate Shipment and the EDI 850 purchase order, an unmapped item, and each error."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest

import factories as f
from dropship_tui.domain.models import Address, Line, Reason, ReasonCode, ShipTo
from dropship_tui.exports import platform
from test_remote_support import fresh_backend, live_server  # noqa: F401

PO = 82


def known_order():
    lines = [
        Line(line_id=1, product_code="P-SKU-123", variation_product_code="P-SKU-123-RED-9",
             sku="SKU-123", upc="", description="Trail shoe", quantity_ordered=5,
             retail_price=Decimal("29.99"), weight_kg=Decimal("0.85"), dimensions_cm="30x20x12"),
        Line(line_id=2, product_code="P-SKU-456", sku="SKU-456", description="Laces",
             quantity_ordered=3, retail_price=Decimal("9.00")),
        Line(line_id=3, product_code="P-SKU-789", sku="SKU-789", description="Unmapped socks",
             quantity_ordered=2, retail_price=Decimal("4.00")),
    ]
    order = f.order(PO, lines=lines)
    return order.model_copy(update={
        "requested_ship_date": f.NOW + timedelta(days=2),
        "ship_to": ShipTo(first_name="Ann", last_name="Lee", company="", email="ann@example.com",
                          phone="+1 555 0100",
                          address=Address(line1="12 Elm St", line2="Apt 4", city="Springfield",
                                          state="IL", postal_code="62701", country_code="US")),
    })


@pytest.fixture
def api(live_server, tmp_path):
    backend = fresh_backend(live_server, tmp_path / "server.db")
    backend.store.import_orders([known_order()])
    with httpx.Client(base_url=backend.url, headers={"Authorization": f"Bearer {backend.tokens['jordan']}"}) as c:
        c.backend = backend
        yield c


def test_translate_field_by_field(api):
    r = api.get(f"/commerce/dropship/translate/{PO}")
    assert r.status_code == 200
    data = r.json()
    assert list(data) == ["orderId", "shipmentNumber", "vendorCode", "subtotal", "shippingAddress", "items"]
    assert data["orderId"] == "119" and data["shipmentNumber"] == 82 and data["vendorCode"] == "MYSTIC"
    # 5 x 19.99 + 3 x 7.50; the unmapped line is left out.
    assert data["subtotal"] == 122.45
    assert data["shippingAddress"] == {
        "firstName": "Ann", "lastNameOrSurname": "Lee", "companyOrOrganization": None,
        "email": "ann@example.com", "address1": "12 Elm St", "address2": "Apt 4",
        "cityOrTown": "Springfield", "stateOrProvince": "IL", "postalOrZipCode": "62701",
        "countryCode": "US",
    }
    first, second, unmapped = data["items"]
    assert first == {
        "lineId": 1, "originalOrderItemId": None, "productCode": "P-SKU-123",
        "variationProductCode": "P-SKU-123-RED-9", "sku": "SKU-123", "vendorSku": "MS-123",
        "unitPrice": 29.99, "vendorContractedPrice": 19.99, "subtotal": 99.95,
    }
    assert (second["vendorSku"], second["vendorContractedPrice"], second["subtotal"]) == ("MS-456", 7.5, 22.5)
    assert second["variationProductCode"] is None
    assert unmapped == {
        "lineId": 3, "originalOrderItemId": None, "productCode": "P-SKU-789",
        "variationProductCode": None, "sku": "SKU-789", "vendorSku": None,
        "unitPrice": 4.0, "vendorContractedPrice": None, "subtotal": None,
    }


def test_translate_after_a_short_acknowledgement_and_with_no_mapped_item(api):
    api.backend.store.acknowledge(PO, 1, {1: 4, 2: 3, 3: 2}, {1: Reason(code=ReasonCode.DAMAGED)})
    data = api.get(f"/commerce/dropship/translate/{PO}").json()
    assert data["items"][0]["subtotal"] == 79.96 and data["subtotal"] == 102.46
    order = f.order(7, lines=[f.line(1, 2, "SKU-000", contracted=None)])
    assert platform.translate(order)["subtotal"] == 0.0
    blank = order.model_copy(update={"ship_to": ShipTo()})
    assert platform.translate(blank)["shippingAddress"] is None


def test_purchase_order_field_by_field(api):
    r = api.get(f"/commerce/dropship/purchaseorder/{PO}")
    assert r.status_code == 200
    doc = r.json()
    assert list(doc) == [
        "transactionSetHeader", "beginningSegmentForPurchaseOrder", "currency",
        "referenceInformation", "administrativeCommunicationsContact", "dateTimeReference",
        "n1_loop", "pO1_loop", "ctT_loop", "transactionSetTrailer",
    ]
    assert doc["transactionSetHeader"] == {"transactionSetIdentifierCode": "850", "transactionSetControlNumber": "000000082"}
    assert doc["beginningSegmentForPurchaseOrder"] == {
        "transactionSetPurposeCode": "00", "purchaseOrderTypeCode": "DS",
        "purchaseOrderNumber": "82", "date": "20261124",
    }
    assert doc["currency"] == {"entityIdentifierCode": "BT", "currencyCode": "USD"}
    assert doc["referenceInformation"] == [
        {"referenceIdentificationQualifier": "CO", "referenceIdentification": "119"},
        {"referenceIdentificationQualifier": "SI", "referenceIdentification": "82"},
        {"referenceIdentificationQualifier": "ZZ", "referenceIdentification": "ann@example.com", "description": "customerEmail"},
    ]
    assert doc["administrativeCommunicationsContact"] == [{
        "contactFunctionCode": "IC", "name": "Jordan Romero",
        "communicationNumberQualifier": "TE", "communicationNumber": "+1 512 555 0100",
        "communicationNumberQualifier2": "EM", "communicationNumber2": "jordan@mystic.example",
    }]
    assert doc["dateTimeReference"] == [{"dateTimeQualifier": "002", "date": "20261126"}]
    assert doc["n1_loop"] == [{
        "partyIdentification": {"entityIdentifierCode": "ST", "name": "Ann Lee"},
        "partyLocation": [{"addressInformation": "12 Elm St", "addressInformation2": "Apt 4"}],
        "geographicLocation": {"cityName": "Springfield", "stateOrProvinceCode": "IL", "postalCode": "62701", "countryCode": "US"},
    }]
    first, _, unmapped = doc["pO1_loop"]
    assert first["baselineItemData"] == {
        "assignedIdentification": "1", "quantity": "5", "unitOrBasisForMeasurementCode": "EA",
        "unitPrice": "19.99", "productServiceIdQualifier": "VN", "productServiceId": "MS-123",
        "productServiceIdQualifier2": "SK", "productServiceId2": "SKU-123",
        "productServiceIdQualifier3": "UP", "productServiceId3": "012345678905",
    }
    assert first["productItemDescription"] == [{"itemDescriptionTypeCode": "F", "description": "Trail shoe"}]
    assert first["itemPhysicalDetails"] == [{"grossWeightPerPack": "0.85", "unitOrBasisForMeasurementCode": "KG", "dimensions": "30x20x12", "unitOrBasisForMeasurementCode2": "CM"}]
    assert first["carrierDetailsRoutingSequenceTransitTime"] == [{"routingSequenceCode": "B", "routing": "Ground"}]
    assert [ref["description"] for ref in first["referenceInformation"]] == ["productCode", "variationProductCode"]
    # Unmapped: no vendor SKU or UPC elements at all, the item's own unit price.
    assert unmapped["baselineItemData"] == {
        "assignedIdentification": "3", "quantity": "2", "unitOrBasisForMeasurementCode": "EA",
        "unitPrice": "4", "productServiceIdQualifier2": "SK", "productServiceId2": "SKU-789",
    }
    assert doc["ctT_loop"] == {"transactionTotals": {"numberOfLineItems": "3", "hashTotal": "10"}}
    # ST BEG CUR REF*3 PER DTM N1 N3 N4 = 11; items: PO1 PID PO4 TD5 REF*2 = 6, then
    # PO1 PID TD5 REF = 4 twice; CTT SE = 2
    assert doc["transactionSetTrailer"]["transactionSetControlNumber"] == "000000082"
    assert int(doc["transactionSetTrailer"]["numberOfIncludedSegments"]) == 11 + 6 + 4 + 4 + 2

    def strings(value):
        if isinstance(value, dict):
            return all(strings(v) for v in value.values())
        if isinstance(value, list):
            return all(strings(v) for v in value)
        return isinstance(value, str) and value != ""

    assert strings(doc)


def test_absent_sources_are_absent_in_the_850():
    order = f.order(5).model_copy(update={"currency": "", "ship_to": ShipTo(
        company="Acme", address=Address(line1="1 Rd", city="X", country_code="DE"))})
    vendor = f.vendor().model_copy(update={"contact": f.vendor().contact.model_copy(update={"phone": ""})})
    doc = platform.purchase_order(order, vendor)
    assert "currency" not in doc and "dateTimeReference" not in doc
    assert doc["n1_loop"][0]["partyIdentification"]["name"] == "Acme"
    assert "communicationNumberQualifier" not in doc["administrativeCommunicationsContact"][0]
    assert [r["referenceIdentificationQualifier"] for r in doc["referenceInformation"]] == ["CO", "SI"]


def test_errors(api):
    r = api.get("/commerce/dropship/translate/4242")
    assert (r.status_code, r.json()) == (404, {"error": "not_found", "message": "Shipment 4242 not found."})
    r = api.get("/commerce/dropship/purchaseorder/4242")
    assert (r.status_code, r.json()["message"]) == (404, "Shipment 4242 not found.")
    for bad in ("0", "-1", "2147483648", "99999999999999999999", "abc", "1.5"):
        for kind in ("translate", "purchaseorder"):
            r = api.get(f"/commerce/dropship/{kind}/{bad}")
            assert r.status_code == 422, (kind, bad)
            assert r.json() == {"error": "invalid", "message": "shipmentNumber must be a positive 32-bit integer (1 to 2147483647)"}
    assert api.get("/commerce/dropship/translate/2147483647").status_code == 404
    # A shipment whose fulfillment location maps to no vendor.
    store = api.backend.store
    with store.lock:
        conn = store.connection
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM locations WHERE code = 'MYSTIC-WH1'")
        conn.execute("PRAGMA foreign_keys = ON")
    for kind in ("translate", "purchaseorder"):
        r = api.get(f"/commerce/dropship/{kind}/{PO}")
        assert (r.status_code, r.json()) == (404, {"error": "not_found", "message": "Vendor not found for location MYSTIC-WH1."})


def test_850_validation_failure_is_a_conflict(api):
    # An address correction can no longer produce such an order (R14 checks the address),
    # but an order can still arrive without one: import it.
    store = api.backend.store
    bare = f.order(83).model_copy(update={"ship_to": ShipTo(first_name="Ann")})
    store.import_orders([bare])
    r = api.get("/commerce/dropship/purchaseorder/83")
    assert r.status_code == 409
    body = r.json()
    assert body["error"] == "conflict" and "fails EDI 850 validation" in body["message"]
    assert body["problems"] == [
        "N3 needs ship-to address line 1", "N4 needs a ship-to city", "N4 needs a ship-to country code"]
    assert api.get("/commerce/dropship/translate/83").status_code == 200
