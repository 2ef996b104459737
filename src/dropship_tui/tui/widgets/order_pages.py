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
    other end (the reversed sort, a small offset) and turned around: the store steps
    over every index entry it skips, so "end" and the last pages cost what the first
    ones do. Not for a search: its deep pages are slices of the positions the store
    keeps for that very query (the reversed one would build its own)."""
    return read_pages(store, query, page, 1, total)[0]


def read_pages(store: Store, query: OrderQuery, first: int, count: int, total: int | None) -> list[list[OrderSummary]]:
    """Pages ``first`` .. ``first + count - 1`` in one read, as ``read_page`` reads one:
    the pages a scrollbar jump shows and prefetches cost one walk to their offset, not
    one each."""
    offset, limit = first * PAGE_SIZE, count * PAGE_SIZE
    if total is not None and total > PAGE_SIZE and offset > total // 2 and not query.search.strip():
        limit = min(limit, total - offset)
        if limit <= 0:
            return [[] for _ in range(count)]
        reverse = query.model_copy(update={"descending": not query.descending})
        rows = store.list_orders(reverse, offset=total - offset - limit, limit=limit)[::-1]
    else:
        rows = store.list_orders(query, offset=offset, limit=limit)
    return [rows[i * PAGE_SIZE:(i + 1) * PAGE_SIZE] for i in range(count)]


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


def pages(
    store: Store, generation: int, query: OrderQuery, first: int, count: int, total: int | None, outdated: Outdated
) -> list[Page] | None:
    if outdated(generation):
        return None
    return [Page(generation, first + i, rows) for i, rows in enumerate(read_pages(store, query, first, count, total))]


def runs(numbers: set[int]) -> list[tuple[int, int]]:
    """(first, count) of each run of consecutive page numbers."""
    out: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if out and out[-1][0] + out[-1][1] == n:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((n, 1))
    return out


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
