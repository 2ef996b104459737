"""The scorecard's queries (issue 14; definitions in ``domain.scorecard``) over the facts
``facts_tables`` keeps per order: ``scorecard_tallies`` reads a period in three grouped
statements and hands the counts to ``domain.scorecard``; nothing per order runs in
Python."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from dropship_tui.domain.models import Stage
from dropship_tui.domain.scorecard import Scorecard, Tally, scorecard
from dropship_tui.store.sqlite.setup import SetupRecords


def _epoch(value: datetime) -> int:
    return int(value.timestamp())


class ScorecardQueries(SetupRecords):
    def scorecards(self, start: datetime, end: datetime, vendor_code: str | None = None) -> list[Scorecard]:
        """One scorecard per vendor (only ``vendor_code``'s when given; a vendor with no
        orders in the period gets one of zeros), by vendor code."""
        windows = []
        for location in self.locations(vendor_code):
            policy = self.policy_for_location(location.code)
            windows.append((location.code, policy.hours_to_acknowledge, policy.hours_to_ship))
        tallies = self.scorecard_tallies(start, end, self._now(), windows, vendor_code)
        codes = [vendor_code] if vendor_code is not None else [v.code for v in self.vendors()]
        return [scorecard(tallies.get(code) or Tally(code), start, end) for code in sorted({*codes, *tallies})]

    def scorecard_tallies(
        self, start: datetime, end: datetime, now: datetime, windows: Sequence[tuple[str, int, int]],
        vendor_code: str | None = None,
    ) -> dict[str, Tally]:
        """The counts of each vendor with orders dated in [start, end), by vendor code.
        ``windows``: (location code, hours to acknowledge, hours to ship) of every
        location (R12's policy as it is now)."""
        params: dict[str, object] = {"start": _epoch(start), "end": _epoch(end), "now": _epoch(now)}
        where = "f.ordered_at >= :start AND f.ordered_at < :end"
        if vendor_code is not None:
            where += " AND f.vendor_code = :vendor"
            params["vendor"] = vendor_code
        values = ", ".join(f"(:l{i}, :a{i}, :s{i})" for i in range(len(windows))) or "(NULL, 0, 0)"
        for i, (code, ack_hours, ship_hours) in enumerate(windows):
            params.update({f"l{i}": code, f"a{i}": ack_hours * 3600, f"s{i}": ship_hours * 3600})
        policy = f"WITH pol(location_code, ack_s, ship_s) AS (VALUES {values}) "
        tallies: dict[str, Tally] = {}

        def tally(code: str) -> Tally:
            return tallies.setdefault(code, Tally(code))

        ships = "f.acknowledged AND f.accepted_units > 0 AND f.stage != 'canceled'"
        with self.reading() as conn:
            for (vendor, stage, week, n, ordered, accepted, ack_due, ack_ok, ship_due, ship_ok) in conn.execute(
                policy + "SELECT f.vendor_code, f.stage, (f.ordered_at - :start) / 604800, count(*), "
                "sum(CASE WHEN f.acknowledged THEN f.ordered_units ELSE 0 END), "
                "sum(CASE WHEN f.acknowledged THEN f.accepted_units ELSE 0 END), "
                "sum(f.answered_at IS NOT NULL OR f.ordered_at + p.ack_s <= :now), "
                "sum(f.answered_at IS NOT NULL AND f.answered_at <= f.ordered_at + p.ack_s), "
                f"sum({ships} AND (f.shipped_at IS NOT NULL OR f.ordered_at + p.ship_s <= :now)), "
                f"sum({ships} AND f.shipped_at IS NOT NULL AND f.shipped_at <= f.ordered_at + p.ship_s) "
                f"FROM order_facts AS f JOIN pol AS p ON p.location_code = f.location_code WHERE {where} "
                "GROUP BY 1, 2, 3", params,
            ):
                t = tally(vendor)
                t.orders_by_stage[Stage(stage)] = t.orders_by_stage.get(Stage(stage), 0) + n
                t.orders_by_week[week] = t.orders_by_week.get(week, 0) + n
                t.ordered_units += ordered
                t.accepted_units += accepted
                t.ack_due += ack_due
                t.ack_on_time += ack_ok
                t.ship_due += ship_due
                t.ship_on_time += ship_ok
            for vendor, kind, minute, n in conn.execute(
                "SELECT f.vendor_code, 'a', max(0, f.answered_at - f.ordered_at) / 60, count(*) "
                f"FROM order_facts AS f WHERE {where} AND f.answered_at IS NOT NULL GROUP BY 1, 3 "
                "UNION ALL SELECT f.vendor_code, 's', max(0, f.shipped_at - f.ordered_at) / 60, count(*) "
                f"FROM order_facts AS f WHERE {where} AND f.shipped_at IS NOT NULL GROUP BY 1, 3", params,
            ):
                histogram = tally(vendor).ack_minutes if kind == "a" else tally(vendor).ship_minutes
                histogram[minute] = n
            for vendor, code, units in conn.execute(
                "SELECT f.vendor_code, c.reason_code, sum(c.units) FROM order_facts AS f "
                f"JOIN canceled_units AS c ON c.po_number = f.po_number WHERE {where} GROUP BY 1, 2", params,
            ):
                tally(vendor).canceled_units_by_reason[code] = units
        return tallies
