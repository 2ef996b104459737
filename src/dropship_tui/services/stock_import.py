"""Stock levels from a CSV file (``stock import``): parsing is pure (text in, rows and
"line N: why" problems out); applying goes through ``StockStore.import_stock``, all rows
or none in one transaction."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NamedTuple

from dropship_tui.domain.errors import InvalidInputError, bad_rows
from dropship_tui.domain.models import QUANTITY_MAX
from dropship_tui.services.csv_reading import UnreadableCsv, pick, read_text, records
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
    """None when the cell is not a whole number from 0 to ``QUANTITY_MAX`` (reported as
    a problem)."""


def _whole(text: str) -> int | None:
    """The cell as a whole number from 0 to ``QUANTITY_MAX``, else None. Leading zeros
    aside, a digit string longer than the bound's is out of range without converting it
    (``int`` refuses strings over 4,300 digits)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > len(str(QUANTITY_MAX)):
        return None
    number = int(text)
    return number if number <= QUANTITY_MAX else None


def _shown(raw: str) -> str:
    """A cell quoted in a problem, cut short when long."""
    return repr(raw if len(raw) <= 20 else raw[:20] + "…")


def parse_stock_csv(text: str) -> tuple[list[StockRow], list[tuple[int, str]]]:
    """Rows and (line, problem) pairs. Header names (any case, spaces or dashes for
    underscores): ``vendor_sku`` (or ``sku``) and/or ``upc``; ``location_code`` (or
    ``location``); ``quantity_on_hand`` (or ``on_hand``, ``quantity``, ``qty``). A file
    that cannot be read (``UnreadableCsv``) gives no rows, its problem last."""
    rows: list[StockRow] = []
    problems: list[tuple[int, str]] = []
    cols: dict[str, str | None] = {}
    try:
        for line, values, header, problem in records(text):
            if not values:  # the header
                cols = _columns(header)
                missing = _missing(cols)
                if missing:
                    problems.append((line, "missing column " + ", ".join(missing)))
                    return [], problems
                continue
            row, why = _row(line, values, cols)
            if problem:
                why.insert(0, problem)
            if why:
                problems.append((line, "; ".join(why)))
            if row is not None:
                rows.append(row)
    except UnreadableCsv as exc:
        return [], [*problems, (exc.line, exc.why)]
    if not cols:
        problems.append((1, "the file is empty (no header row)"))
    return rows, problems


def _columns(header: list[str]) -> dict[str, str | None]:
    return {
        "sku": pick(header, SKU_COLUMNS),
        "upc": pick(header, UPC_COLUMNS),
        "location": pick(header, LOCATION_COLUMNS),
        "quantity": pick(header, QUANTITY_COLUMNS),
    }


def _missing(cols: dict[str, str | None]) -> list[str]:
    missing = []
    if not (cols["sku"] or cols["upc"]):
        missing.append("vendor_sku or upc")
    if not cols["location"]:
        missing.append("location_code")
    if not cols["quantity"]:
        missing.append("quantity_on_hand")
    return missing


def _row(line: int, values: dict[str, str], cols: dict[str, str | None]) -> tuple[StockRow | None, list[str]]:
    """The row (None without a SKU / UPC or a location) and what is wrong with it."""
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
    elif not (raw_qty.isascii() and raw_qty.isdigit()):
        why.append(f"quantity on hand {_shown(raw_qty)} is not a whole number from 0")
    elif qty is None:
        why.append(f"quantity on hand {_shown(raw_qty)} must be a whole number from 0 to {QUANTITY_MAX:,}")
    if not ((sku or upc) and location):
        return None, why
    return StockRow(line, sku, upc if not sku else "", location, qty), why


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
