"""Tracking numbers from a CSV file (``track --import``, the TUI's tracking import):
parsing is pure (text in, rows each with its own problem out); applying goes row by row
through ``OrderStore.save_tracking`` (R7, one transaction per row), so one bad row does
not hold up the others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dropship_tui.domain import workflow
from dropship_tui.domain.errors import DomainError, InvalidInputError
from dropship_tui.domain.models import po_number_or_none
from dropship_tui.services.csv_reading import UnreadableCsv, pick, read_text, records
from dropship_tui.store.base import OrderStore

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


def parse_tracking_csv(text: str) -> tuple[list[TrackingRow], list[tuple[int, str]]]:
    """Rows (each possibly with its own ``problem``) and file-level problems (a missing
    or duplicate column, a line that cannot be read as CSV). Headers: ``po`` (or ``po_number``); ``package_number`` (or ``package``,
    ``slip``); ``tracking_number`` (or ``tracking``); optional ``carrier``."""
    rows: list[TrackingRow] = []
    cols: dict[str, str | None] = {}
    try:
        for line, values, header, problem in records(text):
            if not values:
                cols = {
                    "po": pick(header, PO_COLUMNS),
                    "slip": pick(header, SLIP_COLUMNS),
                    "number": pick(header, NUMBER_COLUMNS),
                    "carrier": pick(header, CARRIER_COLUMNS),
                }
                missing = [
                    name for name, key in
                    (("po", "po"), ("package_number", "slip"), ("tracking_number", "number"))
                    if not cols[key]
                ]
                if missing:
                    return [], [(line, "missing column " + ", ".join(missing))]
                continue
            rows.append(_row(line, values, cols, problem))
    except UnreadableCsv as exc:
        return [], [(exc.line, exc.why)]
    if not cols:
        return [], [(1, "the file is empty (no header row)")]
    return rows, []


def _row(line: int, values: dict[str, str], cols: dict[str, str | None], problem: str | None) -> TrackingRow:
    raw_po = values.get(cols["po"] or "", "")
    raw_slip = values.get(cols["slip"] or "", "")
    number = values.get(cols["number"] or "", "")
    carrier = values.get(cols["carrier"] or "", "") if cols["carrier"] else ""
    # A package number is read like a PO number: a whole number from 1 ("#2" too);
    # whether the order has that slip is the rules' call when the row is applied.
    po, slip = po_number_or_none(raw_po), po_number_or_none(raw_slip)
    why = [problem] if problem else []
    if po is None:
        why.append(f"PO {raw_po!r} is not a PO number" if raw_po else "missing PO")
    if slip is None:
        why.append(
            f"package number {raw_slip!r} is not a whole number from 1" if raw_slip
            else "missing package number"
        )
    if not number:
        why.append("missing tracking number")
    return TrackingRow(line, po, slip, number, carrier, "; ".join(why) or None, raw_po, raw_slip)


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


def import_tracking(store: OrderStore, path: str | Path) -> TrackingImportReport:
    """Apply a tracking CSV row by row through ``store.save_tracking`` (R7; each row its
    own transaction, guarded by the version just read). A row whose slip already has the
    same number and carrier is ``unchanged`` (so re-running a file changes nothing); a row
    the rules refuse is ``refused`` with the rule's message; the others are ``applied``.
    A file that cannot be read at all (a missing or duplicate column, a line that is not
    CSV) raises ``InvalidInputError`` naming the file and the line; nothing is saved."""
    rows, problems = parse_tracking_csv(read_text(path))
    if problems:
        lines = [f"line {line}: {why}" for line, why in problems]
        raise InvalidInputError(f"{path}: {'; '.join(lines)}; nothing imported", lines)
    return apply_tracking_rows(store, rows)


def apply_tracking_rows(store: OrderStore, rows: Sequence[TrackingRow]) -> TrackingImportReport:
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
            if slip is not None and workflow.tracking_unchanged(order, slip.number, row.tracking_number, carrier):
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
