"""How an order maps onto the indexed columns of the ``orders`` table.

Used by ``SqliteStore`` on every write and by the demo's bulk loader, so both write the
same columns from the same rules (``sla.sla_marks``, ``sla.progress``)."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, timezone

from dropship_tui.domain import sla, tracking
from dropship_tui.domain.models import Order, SlaPolicy, SlaStatus, SlaThresholds, Stage
from dropship_tui.store.sqlite.schema import SLA_NEVER, SLA_PAST

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_US = timedelta(microseconds=1)

STAGE_RANK = {Stage.NEW: 0, Stage.IN_PROGRESS: 1, Stage.COMPLETED: 2, Stage.CANCELED: 3}
RANK_STAGE = {rank: stage for stage, rank in STAGE_RANK.items()}

FINAL_MARKS = {
    SlaStatus.ON_TIME: (SLA_NEVER, SLA_NEVER),
    SlaStatus.AT_RISK: (SLA_PAST, SLA_NEVER),
    SlaStatus.OVERDUE: (SLA_PAST, SLA_PAST),
}

ORDER_COLUMNS = (
    "po_number",
    "order_number",
    "vendor_code",
    "location_code",
    "customer",
    "customer_key",
    "first_key",
    "last_key",
    "order_date",
    "stage",
    "stage_rank",
    "sla_at_risk_at",
    "sla_overdue_at",
    "final_sla",
    "progress",
    "total_units",
    "version",
)
"""The columns of ``orders`` (schema v7+); ``order_row`` returns them plus the JSON body,
which goes to ``order_bodies``."""
V1_ORDER_COLUMNS = ORDER_COLUMNS + ("body",)
"""``orders`` as schema versions 1-6 had it, body included (for migration tests)."""


def to_us(value: datetime) -> int:
    """Epoch microseconds, exact."""
    return (value - EPOCH) // _US


def from_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


def name_key(text: str) -> str:
    """The search/sort key of a name in any alphabet: NFKC-normalised, case-folded
    (Python's ``casefold``: SQLite's ``lower()`` only knows ASCII)."""
    return unicodedata.normalize("NFKC", text.strip()).casefold()


def sla_columns(
    order: Order, policy: SlaPolicy, thresholds: SlaThresholds
) -> tuple[int, int, str | None]:
    """(sla_at_risk_at, sla_overdue_at, final_sla) for the row; see ``schema``."""
    if order.stage.is_open:
        marks = sla.sla_marks(order, policy, thresholds)
        assert marks is not None
        return to_us(marks[0]), to_us(marks[1]), None
    # sla.sla_status of a finished order is its final status (ON_TIME if never stored).
    final = order.final_sla_status or SlaStatus.ON_TIME
    at_risk, overdue = FINAL_MARKS[final]
    return at_risk, overdue, final.value


def status_from_marks(at_risk_at: int, overdue_at: int, now_us: int) -> SlaStatus:
    return sla.status_at(now_us, (at_risk_at, overdue_at))


def order_row(
    order: Order, policy: SlaPolicy, thresholds: SlaThresholds, *, body: bool = True
) -> tuple:
    """The ``orders`` row of an order in ``ORDER_COLUMNS`` order, then its JSON body
    (None when not wanted: serialising is the costly part)."""
    at_risk, overdue, final = sla_columns(order, policy, thresholds)
    ship_to = order.ship_to
    return (
        order.po_number,
        order.order_number,
        order.vendor_code,
        order.location_code,
        order.customer_name,
        name_key(order.customer_name),
        name_key(ship_to.first_name),
        name_key(ship_to.last_name),
        to_us(order.order_date),
        order.stage.value,
        STAGE_RANK[order.stage],
        at_risk,
        overdue,
        final,
        sla.progress(order),
        order.units_ordered,
        order.version,
        order.model_dump_json() if body else None,
    )


def line_rows(order: Order) -> list[tuple]:
    return [
        (order.po_number, line.line_id, line.sku, line.vendor_sku, line.upc)
        for line in order.lines
    ]


def tracking_rows(order: Order) -> list[tuple[str, int, int]]:
    """The ``tracking`` index rows (R7: one slip per number): each number as
    ``tracking.normalise`` compares it, so a number kept with its dashes still meets the
    same number typed without them (and the undashed numbers older stores hold)."""
    return [
        (tracking.normalise(slip.tracking_number), order.po_number, slip.number)
        for slip in order.slips
        if slip.tracking_number
    ]
