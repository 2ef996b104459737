"""The platform payloads agree with the invoice to the cent (pure, no server)."""

from __future__ import annotations

import factories as f
from dropship_tui.domain import workflow as wf
from dropship_tui.exports.platform import translate


def test_translate_subtotal_rounds_each_item_like_the_invoice():
    order = f.order(lines=[f.line(1, 1, "A", contracted="0.125"), f.line(2, 1, "B", contracted="0.125")])
    order = wf.acknowledge(order, {}, {}, f.ctx()).order
    invoice = wf.build_invoice(order, f.vendor(), "INV-T", f.NOW)
    payload = translate(order)
    assert str(invoice.total) == "0.26"
    assert str(payload["subtotal"]) == str(invoice.total)


def test_850_problems_are_the_address_gaps_in_segment_words():
    from dropship_tui.domain.models import Address, ShipTo
    from dropship_tui.exports.platform import edi_problems

    ship_to = ShipTo(first_name="Ann", email="not-an-email",
                     address=Address(line1="1 Rd", city="X", country_code="USA"))
    order = f.order().model_copy(update={"ship_to": ship_to})
    # The country must be two letters, as for a correction; an email is not in N1/N3/N4.
    assert edi_problems(order) == ["N4 needs a ship-to country code"]
    ok = ship_to.model_copy(update={"address": ship_to.address.model_copy(update={"country_code": "US"})})
    assert edi_problems(order.model_copy(update={"ship_to": ok})) == []
    assert edi_problems(order.model_copy(update={"ship_to": ShipTo(company="Acme")})) == [
        "N3 needs ship-to address line 1", "N4 needs a ship-to city", "N4 needs a ship-to country code"]
