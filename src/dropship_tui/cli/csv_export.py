"""The CSV exports (issue 14 item 4: ``orders … --csv``, ``report sla``, ``report
canceled-items``): the store streams the rows (one query on a local store), ``csv.writer``
formats them a chunk at a time into memory and each chunk goes to standard output in one
write, so a million orders stay flat in memory and run at the rate of the query
(``benchmarks/reports.py``)."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Sequence
from itertools import islice

from dropship_tui.domain import order_csv
from dropship_tui.store.base import OrderQuery, OrderStore

CHUNK = 10_000
"""Rows formatted per write (one encode and one write call instead of one per row)."""


def write_orders(store: OrderStore, query: OrderQuery, limit: int) -> None:
    """A header row, then the first ``limit`` orders of the list (0 = all)."""
    write_rows(order_csv.COLUMNS, store.order_rows(query, limit or None))


def write_rows(header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """``header`` then ``rows`` as CSV (``\\n`` line ends) on standard output."""
    rows = iter(rows)
    chunk: list = [header]
    while chunk:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(chunk)
        sys.stdout.write(buffer.getvalue())
        chunk = list(islice(rows, CHUNK))
