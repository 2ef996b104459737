"""R16's carrier events from a CSV file (``package --import``): columns tracking number,
status and time, as shipping software exports them. Each row is found by its tracking
number (R7: on one slip at most) and saved on its own (one transaction each), so one bad
row does not hold up the others; a row the slip already has is ``unchanged``, so the same
file imported twice changes nothing (like ``track --import``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dropship_tui.domain import tracking, workflow
from dropship_tui.domain.errors import DomainError, InvalidInputError
from dropship_tui.domain.models import DATE_MAX, DATE_MIN, DATE_RANGE
from dropship_tui.services.csv_reading import UnreadableCsv, pick, read_text, records
from dropship_tui.store.base import Store

NUMBER_COLUMNS = ("tracking_number", "tracking", "tracking_no")
STATUS_COLUMNS = ("status", "package_status", "event")
TIME_COLUMNS = ("time", "at", "timestamp", "event_time", "date")
NOTE_COLUMNS = ("note", "description", "details")
APPLIED, UNCHANGED, REFUSED = "applied", "unchanged", "refused"


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 time ("2026-11-25T10:00:00Z", "2026-11-25 10:00"); no zone means UTC;
    None when it is not one or lies outside the records' date range."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value if DATE_MIN <= value <= DATE_MAX else None


@dataclass
class PackageRowResult:
    line: int
    tracking_number: str
    po_number: int | None
    slip_number: int | None
    status: str
    """``applied``, ``unchanged`` or ``refused``."""
    message: str


@dataclass
class PackageImportReport:
    rows: list[PackageRowResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    def to_json(self) -> dict[str, Any]:
        return {s: self.count(s) for s in (APPLIED, UNCHANGED, REFUSED)} | {"rows": [asdict(r) for r in self.rows]}


def import_packages(store: Store, path: str | Path) -> PackageImportReport:
    """Apply the file row by row; a file that cannot be read (a missing column, a line
    that is not CSV) raises ``InvalidInputError`` naming the line, and nothing is saved."""
    report = PackageImportReport()
    cols: dict[str, str | None] = {}
    pending = []
    try:
        for line, values, header, problem in records(read_text(path)):
            if not values:
                cols = {k: pick(header, c) for k, c in
                        (("number", NUMBER_COLUMNS), ("status", STATUS_COLUMNS), ("at", TIME_COLUMNS), ("note", NOTE_COLUMNS))}
                missing = [n for n, k in (("tracking_number", "number"), ("status", "status"), ("time", "at")) if not cols[k]]
                if missing:
                    raise UnreadableCsv(line, "missing column " + ", ".join(missing))
                continue
            pending.append((line, {k: values.get(c or "", "") for k, c in cols.items()}, problem))
    except UnreadableCsv as exc:
        raise InvalidInputError(f"{path}: line {exc.line}: {exc.why}; nothing imported") from None
    if not cols:
        raise InvalidInputError(f"{path}: line 1: the file is empty (no header row); nothing imported")
    source = f"import {Path(path).name}"
    for line, row, problem in pending:
        report.rows.append(_apply(store, line, row, problem, source))
    return report


def _apply(store: Store, line: int, row: dict[str, str], problem: str | None, source: str) -> PackageRowResult:
    number = tracking.check_tracking_number(row["number"]).number or row["number"]
    status = workflow.parse_status(row["status"])
    at = parse_time(row["at"])
    why = [problem] if problem else []
    if not number:
        why.append("missing tracking number")
    if status is None:
        why.append(f"status {row['status']!r} is not one of {workflow.STATUS_WORDS}")
    if at is None:
        why.append(f"time {row['at']!r} is not an ISO 8601 time {DATE_RANGE}")
    found = store.find_tracking(number) if number else None
    if number and found is None:
        why.append(f"no slip has tracking number {number}")
    if why or found is None or status is None or at is None:
        return PackageRowResult(line, number, None, None, REFUSED, "; ".join(why))
    po, slip = found
    try:
        order = store.get_order(po)
        if workflow.package_unchanged(order, slip, status, at):
            return PackageRowResult(line, number, po, slip, UNCHANGED, f"slip {slip} is already {status.label.lower()}")
        store.set_package_status(po, order.version, slip, status, at, note=row.get("note", ""), source=source)
    except DomainError as exc:
        return PackageRowResult(line, number, po, slip, REFUSED, exc.message)
    return PackageRowResult(line, number, po, slip, APPLIED, f"{status.label}")

