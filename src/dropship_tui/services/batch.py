"""Batch work on many orders at once: which marked orders a dashboard view hides (for
the batch print and the batch acknowledgement to say so)."""

from __future__ import annotations

from collections.abc import Iterable

from dropship_tui.domain.errors import DomainError
from dropship_tui.store.base import OrderQuery, SortKey, Store

HIDDEN_SCAN = 20_000
"""How many rows of the current result are walked to tell which marked orders it hides."""


def hidden_by(store: Store, query: OrderQuery, pos: Iterable[int]) -> set[int]:
    """Which of ``pos`` the dashboard's ``query`` (filter, search) does not show.

    Walks the query's result page by page (PO numbers only matter) until every one is
    found or ``HIDDEN_SCAN`` rows were seen; past that, the rest are judged by their
    stage alone (a very large result)."""
    wanted = set(pos)
    if not wanted or (query.stage is None and query.sla is None and not query.search and query.vendor_code is None):
        return set()
    query = query.model_copy(update={"sort": SortKey.PO_NUMBER, "descending": False})
    seen = 0
    found: set[int] = set()
    complete = False
    while seen < HIDDEN_SCAN:
        page = store.list_orders(query, offset=seen, limit=1000)
        seen += len(page)
        found.update(s.po_number for s in page if s.po_number in wanted)
        if len(page) < 1000:
            complete = True
            break
        if found == wanted:
            break
    if complete or found == wanted:
        return wanted - found
    hidden = set()
    for po in wanted - found:
        try:
            order = store.get_order(po)
        except DomainError:
            hidden.add(po)
            continue
        if query.stage is not None and order.stage is not query.stage:
            hidden.add(po)
    return hidden
