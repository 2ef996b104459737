"""The dashboard search in SQL, and the positions of a searched list (issue 16 items 2-3).

A search term matches an order by PO number, order number or retailer PO (prefix),
customer first/last/full name (prefix, any case, any alphabet), SKU / vendor SKU / UPC
or location code (exact). It is asked two ways:

- ``hits_sql``: the matching POs as one set (a ``UNION ALL`` of index ranges). Right for
  a rare term (a few POs, then sorted) and for counting; for a common one ('M': 161,000
  orders at 1M) building the set alone takes ~100 ms.
- ``match_sql``: the same test on one row. A page walked in the sort's order with it
  stops after its 64 rows: for a common term that is a few hundred rows. A rare term
  walks far, so that walk runs under a budget (``within``) and gives way to the set.

Sorted by customer, a common term's matches lie far from where a walk starts (370,000
orders named in other alphabets come before the first 'M' descending): ``by_customer``
merges the term's parts, each already in customer order, and stops after a page.

Deep pages of a search (a scrollbar jump into 161,000 matches) are read from
``Positions``: the matching PO numbers in the list's order, built once per query (with
its count, which the dashboard asks for after the first page) and kept while the store
is unchanged, so any page is a slice."""

from __future__ import annotations

import heapq
import sqlite3
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dropship_tui.domain.models import po_number_or_none
from dropship_tui.store.base import OrderQuery, SortKey
from dropship_tui.store.sqlite.rows import name_key

_TOP = "\U0010ffff"  # sorts after any character: the upper bound of a prefix range

SCAN_BUDGET = 0.012
"""Seconds (of this thread's CPU time: a busy machine must not change the plan) a page
of a search may walk the list in order before the set of matches is built instead (a
rare term: the set is small and quick)."""

SLA_DRIFT_US = 30_000_000
"""How long (µs of the store's clock) the positions of a list filtered or sorted by SLA
status are used: statuses change with the clock alone."""


def _bind(term: str, params: dict[str, object]) -> int | None:
    key = name_key(term)
    params.update(term=term, term_hi=term + _TOP, key=key, key_hi=key + _TOP, term_upper=term.upper())
    po = po_number_or_none(term)
    if po is not None:
        params["po"] = po
    return po


_LINES = (
    "SELECT po_number FROM lines WHERE sku IN (:term, :term_upper)",
    "SELECT po_number FROM lines WHERE vendor_sku IN (:term, :term_upper)",
    "SELECT po_number FROM lines WHERE upc = :term",
)


_NAMES = (
    "SELECT po_number FROM orders WHERE customer_key >= :key AND customer_key < :key_hi",
    "SELECT po_number FROM orders WHERE last_key >= :key AND last_key < :key_hi",
)


def hits_sql(term: str, params: dict[str, object], *, names: bool = True) -> str:
    """The POs ``term`` matches, each index range its own part (a PO may come twice);
    ``names=False``: all but the customer's names (``by_customer`` reads those itself)."""
    po = _bind(term, params)
    parts = [
        "SELECT po_number FROM orders WHERE order_number >= :term AND order_number < :term_hi",
        *(_NAMES if names else ()),
        *_LINES,
        # The retailer's PO (EDI BEG03), exact or by prefix (partial index orders_retailer_po).
        "SELECT po_number FROM orders WHERE retailer_po >= :term AND retailer_po < :term_hi",
        # The location (warehouse) code, exact (index orders_location; issue 14 item 5).
        "SELECT po_number FROM orders WHERE location_code IN (:term, :term_upper)",
    ]
    if po is not None:
        parts.insert(0, "SELECT po_number FROM orders WHERE po_number = :po")
    # UNION ALL: the IN (...) around it keeps each PO once anyway.
    return " UNION ALL ".join(parts)


def match_sql(term: str, params: dict[str, object]) -> str:
    """``hits_sql`` as a test of one ``orders`` row (the line parts stay a small set)."""
    po = _bind(term, params)
    tests = [
        "(order_number >= :term AND order_number < :term_hi)",
        "(customer_key >= :key AND customer_key < :key_hi)",
        "(last_key >= :key AND last_key < :key_hi)",
        "(retailer_po >= :term AND retailer_po < :term_hi)",
        "location_code IN (:term, :term_upper)",
        f"po_number IN ({' UNION ALL '.join(_LINES)})",
    ]
    if po is not None:
        tests.insert(0, "po_number = :po")
    return "(" + " OR ".join(tests) + ")"


_LAST_NAMES = (
    "WITH RECURSIVE last(k) AS ("
    "SELECT min(last_key) FROM orders WHERE last_key >= :key AND last_key < :key_hi "
    "UNION ALL SELECT (SELECT min(last_key) FROM orders WHERE last_key > last.k AND last_key < :key_hi) "
    "FROM last WHERE last.k IS NOT NULL) SELECT k FROM last WHERE k IS NOT NULL"
)
"""Each distinct last name the term starts, one index seek each (a skip scan)."""


def by_customer(
    conn: sqlite3.Connection, term: str, where: str, params: dict[str, object], descending: bool, n: int
) -> list[int]:
    """The first ``n`` POs ``term`` matches under the filter ``where`` (no search in
    it), in customer order (then PO), read as a merge of parts each already in that
    order: the customers whose name starts with the term (a range of the customer page
    index), those whose last name does (per last name, a range of
    ``orders_last_customer``: see ``search_indexes``), the rest (order number, SKU...)
    as one small sorted set. Each part stops after its ``n`` rows, so a common term
    costs what a rare one does, wherever in the list its matches lie. Run it within a
    budget: many last names, or a large "rest" (a SKU on every tenth order), are slower."""
    d = "DESC" if descending else "ASC"
    params = {**params, "n": n}
    rest = hits_sql(term, params, names=False)
    tail = f"ORDER BY customer_key {d}, po_number {d} LIMIT :n"
    head = "SELECT customer_key, po_number FROM orders"
    parts = [
        (f"{head} INDEXED BY orders_page_customer WHERE {where} AND customer_key >= :key "
         f"AND customer_key < :key_hi {tail}", params),
        (f"{head} WHERE {where} AND po_number IN ({rest}) {tail}", params),
    ]
    parts += [
        (f"{head} INDEXED BY orders_last_customer WHERE {where} AND last_key = :last {tail}", {**params, "last": last})
        for (last,) in conn.execute(_LAST_NAMES, params).fetchall()
    ]
    cursors = [conn.execute(sql, p) for sql, p in parts]
    try:
        pos: list[int] = []
        seen: set[int] = set()
        for _, po in heapq.merge(*cursors, reverse=descending):
            if po not in seen:  # (a customer and last name both starting with the term)
                seen.add(po)
                pos.append(po)
                if len(pos) == n:
                    break
        return pos
    finally:
        for cursor in cursors:  # unfinished statements: reset now, not when collected
            cursor.close()


class OverBudget(Exception):
    """A walk ran out of its time (``within``)."""


@contextmanager
def within(conn: sqlite3.Connection, seconds: float) -> Iterator[None]:
    """Interrupt the statements run inside after ``seconds`` (``OverBudget``); a SELECT
    interrupted changes nothing. A connection that cannot be interrupted (PostgreSQL's)
    is over budget at once."""
    if not hasattr(conn, "set_progress_handler"):
        raise OverBudget
    deadline = time.thread_time() + seconds
    conn.set_progress_handler(lambda: time.thread_time() > deadline, 5000)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            raise OverBudget from None
        raise
    finally:
        conn.set_progress_handler(None, 0)


def depends_on_clock(query: OrderQuery) -> bool:
    return query.sla is not None or query.sort is SortKey.SLA


def can_keep(conn: object) -> bool:
    """Only an SQLite connection tells when its store changed (the PostgreSQL store,
    which shares these queries, reads every page afresh)."""
    return isinstance(conn, sqlite3.Connection)


class Positions:
    """The PO numbers of a few searched lists in their order, each with the store state
    it was read in (``token``: the connection, its ``data_version`` — other connections'
    commits — and its ``total_changes`` — its own), so a change anywhere drops them."""

    KEEP = 4

    def __init__(self) -> None:
        self._lists: OrderedDict[OrderQuery, tuple[tuple, int, array]] = OrderedDict()
        self._guard = threading.Lock()

    @staticmethod
    def token(conn: sqlite3.Connection) -> tuple:
        return id(conn), conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes

    def get(self, conn: sqlite3.Connection, query: OrderQuery, now_us: int) -> array | None:
        if not can_keep(conn):
            return None
        with self._guard:
            kept = self._lists.get(query)
        if kept is None:
            return None
        token, built_at, pos = kept
        if token != self.token(conn) or (depends_on_clock(query) and abs(now_us - built_at) > SLA_DRIFT_US):
            return None
        with self._guard:
            if query in self._lists:
                self._lists.move_to_end(query)
        return pos

    def clear(self) -> None:
        """Forget every list (benchmarks time a query's first read with it)."""
        with self._guard:
            self._lists.clear()

    def put(self, query: OrderQuery, token: tuple, now_us: int, pos: array) -> None:
        """Keep ``pos``, read in the state ``token`` (taken before reading them)."""
        with self._guard:
            self._lists[query] = (token, now_us, pos)
            self._lists.move_to_end(query)
            while len(self._lists) > self.KEEP:
                self._lists.popitem(last=False)
