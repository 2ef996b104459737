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
