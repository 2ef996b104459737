"""R2's prefill with the store's stock: the validated quantity of each line starts at the
quantity ordered, or at the stock available when that is lower and known. One read per
order (one round trip for a remote store), for step 1 and for a batch alike."""

from __future__ import annotations

from dropship_tui.domain import workflow
from dropship_tui.domain.models import Order
from dropship_tui.store.base import Store


def stock_for(store: Store, order: Order) -> dict[str, int]:
    """Stock available of the order's vendor SKUs at its location (known ones only)."""
    return dict(store.stock_for(order))


def prefill(store: Store, order: Order) -> dict[int, int]:
    """line_id -> the prefilled validated quantity."""
    return workflow.prefill_quantities(order, stock_for(store, order) or None)
