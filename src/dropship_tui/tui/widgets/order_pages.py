"""What the order list reads from the store, in its thread workers: a query's first rows
(or the page of a deep cursor), its count, one page. Each result carries the generation
it was asked for, so the list drops a result that arrives after a newer query; a read
whose query is already outdated (``outdated(generation)``) stops early and gives None."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dropship_tui.domain.models import Order, OrderSummary, po_number_or_none
from dropship_tui.store.base import OrderQuery, Store
from dropship_tui.tui.workers import locked

PAGE_SIZE = 64

COUNT_DELAY = 0.3
"""Seconds a search waits, rows already on screen, before counting its matches."""

Outdated = Callable[[int], bool]


@dataclass(frozen=True)
class Reset:
    """A query's rows to show: ``total`` is a lower bound until the count arrives
    (``exact`` False)."""

    generation: int
    query: OrderQuery
    total: int
    exact: bool
    page: int
    rows: list[OrderSummary]
    cursor: int


@dataclass(frozen=True)
class Count:
    generation: int
    total: int


@dataclass(frozen=True)
class Page:
    generation: int
    page: int
    rows: list[OrderSummary]


def exact_po_index(query: OrderQuery, page: int, rows: list[OrderSummary]) -> int | None:
    """The index of the row whose PO number is exactly the search, when it is in ``rows``."""
    po = po_number_or_none(query.search)
    if po is None:
        return None
    for i, row in enumerate(rows):
        if row.po_number == po:
            return page * PAGE_SIZE + i
    return None


def read_page(store: Store, query: OrderQuery, page: int, total: int | None) -> list[OrderSummary]:
    """One page of rows. Past the middle of a known total the page is read from the
    other end (the reversed sort, a small offset) and turned around: SQLite walks every
    row it skips, so "end" and the last pages cost what the first ones do."""
    offset = page * PAGE_SIZE
    if total is not None and total > PAGE_SIZE and offset > total // 2:
        limit = min(PAGE_SIZE, total - offset)
        if limit <= 0:
            return []
        reverse = query.model_copy(update={"descending": not query.descending})
        rows = store.list_orders(reverse, offset=total - offset - limit, limit=limit)
        return rows[::-1]
    return store.list_orders(query, offset=offset, limit=PAGE_SIZE)


def first_rows(
    store: Store, generation: int, query: OrderQuery, cursor: int, known: int | None, outdated: Outdated
) -> Reset | None:
    """A new query: its first page first (on screen at once; ``count`` follows when the
    page is full). A reload that keeps a deep cursor counts first, to read the cursor's
    page. ``known``: the count when only the sort changed."""
    if cursor < PAGE_SIZE:
        rows = read_page(store, query, 0, None)
        if outdated(generation):
            return None
        if len(rows) < PAGE_SIZE:  # the whole result: no count needed
            return Reset(generation, query, len(rows), True, 0, rows, min(cursor, max(0, len(rows) - 1)))
        if known is not None:  # re-sorted: the count did not change
            return Reset(generation, query, known, True, 0, rows, cursor)
        return Reset(generation, query, len(rows), False, 0, rows, cursor)
    total = store.count_orders(query)
    if outdated(generation):
        return None
    cursor = max(0, min(cursor, total - 1))
    page = cursor // PAGE_SIZE
    rows = read_page(store, query, page, total) if total else []
    return Reset(generation, query, total, True, page, rows, cursor)


def count(app: Any, generation: int, query: OrderQuery, outdated: Outdated) -> Count | None:
    """The count of a query whose first rows are on screen. The store lock is taken for
    the count only: a search first waits for the typing to pause (a newer keystroke makes
    the count unnecessary)."""
    if query.search.strip():
        time.sleep(COUNT_DELAY)
        if outdated(generation):
            return None
    with locked(app) as store:
        total = store.count_orders(query)
    return None if outdated(generation) else Count(generation, total)


def page(store: Store, generation: int, query: OrderQuery, number: int, total: int | None, outdated: Outdated) -> Page | None:
    if outdated(generation):
        return None
    return Page(generation, number, read_page(store, query, number, total))


FIND_LIMIT = 20_000
"""``index_of`` reads at most this many rows looking for one order."""


def index_of(app: Any, query: OrderQuery, po_number: int) -> int | None:
    """Where PO ``po_number`` is in ``query``'s result (None: not in its first
    ``FIND_LIMIT`` rows), read 500 rows at a time, the store lock taken per page."""
    offset = 0
    while offset < FIND_LIMIT:
        with locked(app) as store:
            rows = store.list_orders(query, offset=offset, limit=500)
        for i, row in enumerate(rows):
            if row.po_number == po_number:
                return offset + i
        if len(rows) < 500:
            return None
        offset += len(rows)
    return None


def landing_queries(query: OrderQuery, order: Order) -> list[OrderQuery]:
    """The queries to look for ``order`` in, after it moved on, first match wins: the
    current one with its stage filter following the order's new stage; then also without
    the SLA filter and a search that may hide it."""
    first = query if query.stage in (None, order.stage) else query.model_copy(update={"stage": order.stage})
    tries = [first]
    if query.sla is not None or query.package_exception or (
        query.search and po_number_or_none(query.search) != order.po_number
    ):
        tries.append(first.model_copy(update={"sla": None, "search": "", "package_exception": False}))
    return tries


def find_row(app: Any, tries: list[OrderQuery], po_number: int) -> tuple[OrderQuery, int] | None:
    """The first of ``tries`` that shows PO ``po_number``, and its row there."""
    for query in tries:
        index = index_of(app, query, po_number)
        if index is not None:
            return query, index
    return None


def shown_pos(app: Any, query: OrderQuery, limit: int) -> tuple[list[int], bool]:
    """(the PO numbers ``query`` shows, up to ``limit``; whether it shows more), read
    page by page (the store lock is released between pages: other reads go on)."""
    pos: list[int] = []
    while len(pos) < limit:
        want = min(500, limit - len(pos))
        with locked(app) as store:
            page = store.list_orders(query, offset=len(pos), limit=want)
        pos.extend(s.po_number for s in page)
        if len(page) < want:
            return pos, False
    with locked(app) as store:
        return pos, bool(store.list_orders(query, offset=len(pos), limit=1))
