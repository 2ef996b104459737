"""The vendor scorecard (issue 14; definitions in docs/reports.md): how well a vendor
fills, acknowledges and ships the orders of a period. Pure: the store counts (``Tally``,
one per vendor, from indexed facts of each order), this module turns the counts into the
figures, so every store and every screen reports the same numbers.

An order belongs to the period of its order date ([start, end)). Its acknowledgement
window ends at order date + the location's hours to acknowledge, its ship window at order
date + hours to ship (R12's policy of its location, else its group's, else the defaults,
as the policy is now).

- fill rate: accepted ÷ ordered units, over the acknowledged orders;
- on-time acknowledgement: of the orders answered (acknowledged, or canceled while New)
  or whose window has closed unanswered, the share answered within the window;
- on-time shipping: of the acknowledged orders with units to ship, not canceled, that
  were shipped (every slip tracked) or whose window has closed unshipped, the share
  shipped within the window;
- cancel rate: canceled orders ÷ orders; canceled units by reason code (short lines at
  acknowledgement included);
- hours to acknowledge / to ship: median and 90th percentile, exact to the minute.
A rate over no orders is None ("—"), never 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import DATE_MAX, DATE_MIN, Stage


DEFAULT_DAYS = 30


def period(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """[start, end): by default the last 30 days up to now; bounded like every date."""
    end = end or now
    start = start or end - timedelta(days=DEFAULT_DAYS)
    for name, value in (("from", start), ("to", end)):
        if value.tzinfo is None:
            raise InvalidInputError(f"{name}: give a time zone (e.g. 2026-11-01T00:00:00Z)")
        if not DATE_MIN <= value <= DATE_MAX:
            raise InvalidInputError(f"{name}: must be between {DATE_MIN:%Y-%m-%d} and {DATE_MAX:%Y-%m-%d}")
    if start >= end:
        raise InvalidInputError("from: must be before to")
    return start, end


@dataclass
class Tally:
    """What the store counts for one vendor and period."""

    vendor_code: str
    orders_by_stage: dict[Stage, int] = field(default_factory=dict)
    ordered_units: int = 0
    """Over the acknowledged orders."""
    accepted_units: int = 0
    ack_due: int = 0
    ack_on_time: int = 0
    ship_due: int = 0
    ship_on_time: int = 0
    canceled_units_by_reason: dict[str, int] = field(default_factory=dict)
    ack_minutes: dict[int, int] = field(default_factory=dict)
    """Minutes from order to answer -> how many orders (a histogram; exact around the
    ranks of ``PERCENTILES``, see ``percentile_hours``)."""
    ship_minutes: dict[int, int] = field(default_factory=dict)
    orders_by_week: dict[int, int] = field(default_factory=dict)
    """Week number from the period's start -> orders placed that week."""


@dataclass(frozen=True)
class Scorecard:
    vendor_code: str
    start: datetime
    end: datetime
    orders: int
    orders_by_stage: dict[str, int]
    fill_rate: float | None
    on_time_acknowledgement_rate: float | None
    on_time_ship_rate: float | None
    cancel_rate: float | None
    canceled_units_by_reason: dict[str, int]
    hours_to_acknowledge_median: float | None
    hours_to_acknowledge_p90: float | None
    hours_to_ship_median: float | None
    hours_to_ship_p90: float | None
    orders_by_week: list[int]

    def to_json(self) -> dict:
        return {**self.__dict__, "start": self.start.isoformat(), "end": self.end.isoformat()}


def rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


MEDIAN, P90 = 0.5, 0.9
PERCENTILES = (MEDIAN, P90)
"""The fractions the scorecard reports (a store refines its histogram around their ranks)."""


def nearest_rank(total: int, fraction: float) -> int:
    """The 1-based rank of the ``fraction`` percentile among ``total`` values (nearest rank)."""
    return max(1, -(-int(total * fraction * 1_000_000) // 1_000_000))  # ceil without float drift


def percentile_hours(minutes: Mapping[int, int], fraction: float) -> float | None:
    """The ``fraction`` percentile (nearest rank) of a minutes histogram, in hours. The
    histogram need only be exact around that rank: elsewhere any minute that keeps the
    order of the values will do (a store may give whole hour buckets there)."""
    total = sum(minutes.values())
    if total == 0:
        return None
    rank = nearest_rank(total, fraction)
    seen = 0
    for minute in sorted(minutes):
        seen += minutes[minute]
        if seen >= rank:
            return round(minute / 60, 2)
    return None  # pragma: no cover - rank <= total


def weeks_in(start: datetime, end: datetime) -> int:
    return max(1, -(-(end - start) // timedelta(weeks=1)))


def scorecard(tally: Tally, start: datetime, end: datetime) -> Scorecard:
    orders = sum(tally.orders_by_stage.values())
    canceled = tally.orders_by_stage.get(Stage.CANCELED, 0)
    return Scorecard(
        vendor_code=tally.vendor_code,
        start=start,
        end=end,
        orders=orders,
        orders_by_stage={s.value: tally.orders_by_stage.get(s, 0) for s in Stage},
        fill_rate=rate(tally.accepted_units, tally.ordered_units),
        on_time_acknowledgement_rate=rate(tally.ack_on_time, tally.ack_due),
        on_time_ship_rate=rate(tally.ship_on_time, tally.ship_due),
        cancel_rate=rate(canceled, orders),
        canceled_units_by_reason=dict(sorted(tally.canceled_units_by_reason.items())),
        hours_to_acknowledge_median=percentile_hours(tally.ack_minutes, MEDIAN),
        hours_to_acknowledge_p90=percentile_hours(tally.ack_minutes, P90),
        hours_to_ship_median=percentile_hours(tally.ship_minutes, MEDIAN),
        hours_to_ship_p90=percentile_hours(tally.ship_minutes, P90),
        orders_by_week=[tally.orders_by_week.get(w, 0) for w in range(weeks_in(start, end))],
    )
