"""CSV imports shared by the CLI and (later) the TUI: stock levels and tracking numbers.

Parsing is pure (text in, rows and "line N: why" problems out); applying goes through a
store, so every rule stays where it lives: stock through ``SqliteStore.import_stock`` (all
or nothing, one transaction), tracking through ``Store.save_tracking`` (R7, one transaction
per row). Line numbers are the file's physical lines, the header being line 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from dropship_tui.domain import tracking
from dropship_tui.domain.errors import DomainError, InvalidInputError, bad_rows

# --- shared -------------------------------------------------------------------------------


def read_text(path: str | Path) -> str:
    """A CSV file as text (UTF-8, a byte-order mark allowed)."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def _records(text: str) -> Iterable[tuple[int, dict[str, str], list[str]]]:
    """(line number, {normalised header: value}, header names) per non-blank row."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    for row in reader:
        line = reader.line_num
        if header is None:
            header = [_key(h) for h in row]
            if not any(header):
                header = None
                continue
            yield line, {}, header
            continue
        if not any(cell.strip() for cell in row):
            continue
        values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header) if name}
        yield line, values, header


def _pick(names: Sequence[str], choices: Sequence[str]) -> str | None:
    return next((c for c in choices if c in names), None)


# --- stock levels -------------------------------------------------------------------------

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
    for line, values, header in _records(text):
        if not values:  # the header
            cols = {
                "sku": _pick(header, SKU_COLUMNS),
                "upc": _pick(header, UPC_COLUMNS),
                "location": _pick(header, LOCATION_COLUMNS),
                "quantity": _pick(header, QUANTITY_COLUMNS),
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


def import_stock(store: Any, path: str | Path, *, full: bool = False) -> StockImportReport:
    """Apply a stock CSV to a local store (``SqliteStore``): all rows or none. Raises
    ``InvalidInputError`` listing every bad row ("line N: why") when any is bad."""
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


# --- tracking numbers ---------------------------------------------------------------------

PO_COLUMNS = ("po", "po_number", "purchase_order")
SLIP_COLUMNS = ("package_number", "package", "slip", "slip_number", "package_no")
NUMBER_COLUMNS = ("tracking_number", "tracking", "tracking_no")
CARRIER_COLUMNS = ("carrier",)

APPLIED, UNCHANGED, REFUSED = "applied", "unchanged", "refused"


@dataclass(frozen=True)
class TrackingRow:
    line: int
    po_number: int | None
    slip_number: int | None
    tracking_number: str
    carrier: str
    problem: str | None = None
    """Why the row cannot even be tried (a PO or package that is not a number...)."""
    raw_po: str = ""
    raw_slip: str = ""


def _positive(text: str) -> int | None:
    text = text.strip().lstrip("#")
    if text.isascii() and text.isdigit() and 0 < int(text) <= 2**31 - 1:
        return int(text)
    return None


def parse_tracking_csv(text: str) -> tuple[list[TrackingRow], list[tuple[int, str]]]:
    """Rows (each possibly with its own ``problem``) and file-level problems (a missing
    column). Headers: ``po`` (or ``po_number``); ``package_number`` (or ``package``,
    ``slip``); ``tracking_number`` (or ``tracking``); optional ``carrier``."""
    rows: list[TrackingRow] = []
    cols: dict[str, str | None] = {}
    for line, values, header in _records(text):
        if not values:
            cols = {
                "po": _pick(header, PO_COLUMNS),
                "slip": _pick(header, SLIP_COLUMNS),
                "number": _pick(header, NUMBER_COLUMNS),
                "carrier": _pick(header, CARRIER_COLUMNS),
            }
            missing = [
                name for name, key in
                (("po", "po"), ("package_number", "slip"), ("tracking_number", "number"))
                if not cols[key]
            ]
            if missing:
                return [], [(line, "missing column " + ", ".join(missing))]
            continue
        raw_po = values.get(cols["po"] or "", "")
        raw_slip = values.get(cols["slip"] or "", "")
        number = values.get(cols["number"] or "", "")
        carrier = values.get(cols["carrier"] or "", "") if cols["carrier"] else ""
        po, slip = _positive(raw_po), _positive(raw_slip)
        why = []
        if po is None:
            why.append(f"PO {raw_po!r} is not a PO number" if raw_po else "missing PO")
        if slip is None:
            why.append(
                f"package number {raw_slip!r} is not a whole number from 1" if raw_slip
                else "missing package number"
            )
        if not number:
            why.append("missing tracking number")
        rows.append(
            TrackingRow(line, po, slip, number, carrier, "; ".join(why) or None, raw_po, raw_slip)
        )
    if not cols:
        return [], [(1, "the file is empty (no header row)")]
    return rows, []


@dataclass
class TrackingRowResult:
    line: int
    po_number: int | None
    slip_number: int | None
    tracking_number: str
    carrier: str | None
    status: str
    """``applied``, ``unchanged`` (the slip already has this number and carrier) or
    ``refused``."""
    message: str


@dataclass
class TrackingImportReport:
    rows: list[TrackingRowResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def applied(self) -> int:
        return self.count(APPLIED)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def refused(self) -> int:
        return self.count(REFUSED)

    def to_json(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "unchanged": self.unchanged,
            "refused": self.refused,
            "rows": [asdict(r) for r in self.rows],
        }


def same_tracking(slip: Any, raw_number: str, carrier: str | None) -> bool:
    """Whether saving ``raw_number`` / ``carrier`` on ``slip`` would change nothing: the
    number and carrier ``workflow.save_tracking`` would store are the slip's already."""
    if not slip.tracking_number:
        return False
    check = tracking.check_tracking_number(raw_number)
    named = (carrier or "").strip()
    named = tracking.canonical_carrier(named) or named
    return slip.tracking_number == check.number and slip.carrier == (named or check.carrier)


def import_tracking(store: Any, path: str | Path) -> TrackingImportReport:
    """Apply a tracking CSV row by row through ``store.save_tracking`` (R7; each row its
    own transaction, guarded by the version just read). A row whose slip already has the
    same number and carrier is ``unchanged`` (so re-running a file changes nothing); a row
    the rules refuse is ``refused`` with the rule's message; the others are ``applied``.
    A file that cannot be read at all (missing column) raises ``InvalidInputError``."""
    rows, problems = parse_tracking_csv(read_text(path))
    if problems:
        raise InvalidInputError(
            "; ".join(f"line {line}: {why}" for line, why in problems),
            [f"line {line}: {why}" for line, why in problems],
        )
    return apply_tracking_rows(store, rows)


def apply_tracking_rows(store: Any, rows: Sequence[TrackingRow]) -> TrackingImportReport:
    report = TrackingImportReport()
    for row in rows:
        carrier = row.carrier or None

        def result(status: str, message: str, saved_carrier: str | None = carrier) -> None:
            report.rows.append(
                TrackingRowResult(
                    row.line, row.po_number, row.slip_number, row.tracking_number,
                    saved_carrier, status, message,
                )
            )

        if row.problem:
            result(REFUSED, row.problem)
            continue
        assert row.po_number is not None and row.slip_number is not None
        try:
            order = store.get_order(row.po_number)
            slip = next((s for s in order.slips if s.number == row.slip_number), None)
            if slip is not None and same_tracking(slip, row.tracking_number, carrier):
                result(UNCHANGED, f"slip {slip.number} already has {slip.tracking_number}", slip.carrier)
                continue
            saved = store.save_tracking(
                row.po_number, order.version, row.slip_number, row.tracking_number, carrier
            )
        except DomainError as exc:
            result(REFUSED, exc.message)
            continue
        new = saved.slip(row.slip_number)
        verb = "changed from " + slip.tracking_number if slip and slip.tracking_number else "saved"
        result(APPLIED, f"{new.carrier or ''} {new.tracking_number} {verb}".strip(), new.carrier)
    return report
