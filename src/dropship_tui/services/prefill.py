"""R2's prefill with the store's stock: the validated quantity of each line starts at the
quantity ordered, or at the stock available when that is lower and known. One read per
order (one round trip for a remote store) for step 1; one read for all the orders of a
batch review (``prefill_all``: each SKU at each location read once)."""

from __future__ import annotations

from collections.abc import Sequence

from dropship_tui.domain import workflow
from dropship_tui.domain.models import Order
from dropship_tui.store.base import Store


def prefill(store: Store, order: Order) -> dict[int, int]:
    """line_id -> the prefilled validated quantity (``Store.stock_for``: the stock
    available of the order's vendor SKUs at its location, known ones only)."""
    return workflow.prefill_quantities(order, store.stock_for(order) or None)


def prefill_all(store: Store, orders: Sequence[Order]) -> dict[int, dict[int, int]]:
    """PO -> ``prefill`` of that order, from one ``Store.stock_for_orders`` read."""
    stock = store.stock_for_orders(orders)
    return {o.po_number: workflow.prefill_quantities(o, stock.get(o.po_number) or None) for o in orders}
