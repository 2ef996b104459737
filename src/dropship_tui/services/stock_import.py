"""Stock levels from a CSV file (``stock import``): parsing is pure (text in, rows and
"line N: why" problems out); applying goes through ``StockStore.import_stock``, all rows
or none in one transaction."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NamedTuple

from dropship_tui.domain.errors import InvalidInputError, bad_rows
from dropship_tui.services.csv_reading import pick, read_text, records
from dropship_tui.store.base import StockStore

SKU_COLUMNS = ("vendor_sku", "sku")
UPC_COLUMNS = ("upc",)
LOCATION_COLUMNS = ("location_code", "location")
QUANTITY_COLUMNS = ("quantity_on_hand", "on_hand", "quantity", "qty")


class StockRow(NamedTuple):
    line: int
    vendor_sku: str
    upc: str
    location_code: str
    quantity: int | None
    """None when the cell is not a whole number >= 0 (reported as a problem)."""


def _whole(text: str) -> int | None:
    text = text.strip()
    if text.isascii() and text.isdigit():
        return int(text)
    return None


def parse_stock_csv(text: str) -> tuple[list[StockRow], list[tuple[int, str]]]:
    """Rows and (line, problem) pairs. Header names (any case, spaces or dashes for
    underscores): ``vendor_sku`` (or ``sku``) and/or ``upc``; ``location_code`` (or
    ``location``); ``quantity_on_hand`` (or ``on_hand``, ``quantity``, ``qty``)."""
    rows: list[StockRow] = []
    problems: list[tuple[int, str]] = []
    cols: dict[str, str | None] = {}
    for line, values, header in records(text):
        if not values:  # the header
            cols = {
                "sku": pick(header, SKU_COLUMNS),
                "upc": pick(header, UPC_COLUMNS),
                "location": pick(header, LOCATION_COLUMNS),
                "quantity": pick(header, QUANTITY_COLUMNS),
            }
            missing = []
            if not (cols["sku"] or cols["upc"]):
                missing.append("vendor_sku or upc")
            if not cols["location"]:
                missing.append("location_code")
            if not cols["quantity"]:
                missing.append("quantity_on_hand")
            if missing:
                problems.append((line, "missing column " + ", ".join(missing)))
                return [], problems
            continue
        sku = values.get(cols["sku"] or "", "")
        upc = values.get(cols["upc"] or "", "")
        location = values.get(cols["location"] or "", "")
        raw_qty = values.get(cols["quantity"] or "", "")
        why = []
        if not (sku or upc):
            why.append("missing vendor SKU / UPC")
        if not location:
            why.append("missing location code")
        qty = _whole(raw_qty) if raw_qty else None
        if not raw_qty:
            why.append("missing quantity on hand")
        elif qty is None:
            why.append(f"quantity on hand {raw_qty!r} is not a whole number from 0")
        if why:
            problems.append((line, "; ".join(why)))
        if (sku or upc) and location:
            rows.append(StockRow(line, sku, upc if not sku else "", location, qty))
    if not cols:
        problems.append((1, "the file is empty (no header row)"))
    return rows, problems


@dataclass
class StockImportReport:
    rows: int
    full: bool
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    zeroed: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def import_stock(store: StockStore, path: str | Path, *, full: bool = False) -> StockImportReport:
    """Apply a stock CSV to the store: all rows or none. Raises ``InvalidInputError``
    listing every bad row ("line N: why") when any is bad."""
    rows, problems = parse_stock_csv(read_text(path))
    problems = problems + store.stock_problems(rows)
    if problems:
        raise bad_rows(problems)
    if not rows:
        raise InvalidInputError(f"{path}: no stock rows under the header")
    result = store.import_stock(rows, full=full)
    return StockImportReport(
        rows=len(rows),
        full=full,
        added=result.added,
        updated=result.updated,
        unchanged=result.unchanged,
        zeroed=result.zeroed,
    )
