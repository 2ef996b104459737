"""The scorecard's queries (issue 14; definitions in ``domain.scorecard``): a period's
whole hours and days are read from the sums ``scorecard_sums`` keeps, its partial edges
and its open orders from the facts ``facts_tables`` keeps per order, and the counts go to
``domain.scorecard``; nothing per order runs in Python."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from dropship_tui.domain.models import Stage
from dropship_tui.domain.scorecard import PERCENTILES, Scorecard, Tally, nearest_rank, scorecard
from dropship_tui.store.sqlite import scorecard_sums
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
        location (R12's policy as it is now); orders elsewhere count only in the
        percentiles and the canceled units."""
        period = _Period(_epoch(start), _epoch(end), vendor_code)
        policy = {code: (ack_hours, ship_hours) for code, ack_hours, ship_hours in windows}
        tallies: dict[str, Tally] = {}

        def tally(code: str) -> Tally:
            return tallies.setdefault(code, Tally(code))

        with self.reading() as conn:
            for vendor, location, stage, week, n, ordered, accepted in conn.execute(period.stages_sql(), period.params):
                if location in policy:
                    t = tally(vendor)
                    t.orders_by_stage[Stage(stage)] = t.orders_by_stage.get(Stage(stage), 0) + n
                    t.orders_by_week[week] = t.orders_by_week.get(week, 0) + n
                    t.ordered_units += ordered
                    t.accepted_units += accepted
            coarse: dict[tuple[str, str], dict[int, int]] = {}
            for vendor, location, kind, hours, n in conn.execute(period.delays_sql(), period.params):
                t = tally(vendor)
                histogram = coarse.setdefault((vendor, "a" if kind == "a" else "s"), {})
                histogram[hours] = histogram.get(hours, 0) + n
                if kind == "x" or location not in policy:
                    continue
                window = policy[location][0 if kind == "a" else 1]
                if kind == "a":
                    t.ack_due, t.ack_on_time = t.ack_due + n, t.ack_on_time + n * (hours <= window)
                else:
                    t.ship_due, t.ship_on_time = t.ship_due + n, t.ship_on_time + n * (hours <= window)
            vendors = dict(conn.execute("SELECT code, vendor_code FROM locations").fetchall())
            for location, ack_hours, ship_hours in windows:
                unanswered = period.open_due(conn, location, ack_hours, _epoch(now), "a")
                unshipped = period.open_due(conn, location, ship_hours, _epoch(now), "s")
                if unanswered or unshipped:
                    t = tally(vendors[location])
                    t.ack_due, t.ship_due = t.ack_due + unanswered, t.ship_due + unshipped
            for vendor, code, units in conn.execute(period.cancels_sql(), period.params):
                tally(vendor).canceled_units_by_reason[code] = units
            for (vendor, kind), histogram in coarse.items():
                minutes = period.minutes(conn, vendor, kind, histogram)
                if kind == "a":
                    tally(vendor).ack_minutes = minutes
                else:
                    tally(vendor).ship_minutes = minutes
        return tallies


HOUR, DAY, WEEK = 3_600, 86_400, 604_800
_HOURS = {"a": scorecard_sums.ACK_HOURS.format(r="f."), "s": scorecard_sums.SHIP_HOURS.format(r="f.")}
_AT = {"a": "f.answered_at", "s": "f.shipped_at"}


def _split(start: int, end: int, unit: int) -> tuple[int, int, list[tuple[int, int]]]:
    """[start, end) as the whole units [first, last) inside it and the partial edges."""
    first, last = -(-start // unit), end // unit
    if first >= last:  # no whole unit: all of it is one edge
        return 0, 0, [(start, end)]
    return first, last, [(start, first * unit), (last * unit, end)]


class _Period:
    """[start, end) in epoch seconds: the whole hours (days, for the delays) inside it are
    read from the ``scorecard_*`` sums, the partial edges from ``order_facts``."""

    def __init__(self, start: int, end: int, vendor_code: str | None) -> None:
        self.start, self.end = start, end
        first, last, edges = _split(start, end, HOUR)
        first_day, last_day, day_edges = _split(start, end, DAY)
        self.params: dict[str, object] = {"start": start, "end": end, "first": first, "last": last,
                                          "first_day": first_day, "last_day": last_day}
        self.vendor = self.facts_vendor = ""
        if vendor_code is not None:
            self.params["vendor"] = vendor_code
            self.vendor = " AND vendor_code = :vendor"
            # The range on order date, not a vendor index: an expression no index has (both
            # engines; SQLite's unary ``+`` is not PostgreSQL's).
            self.facts_vendor = " AND f.vendor_code || '' = :vendor"
        # Whole hours a week boundary cuts (the period need not start on the hour): their
        # orders are split between two weeks from ``order_facts``.
        cut = {b // HOUR for b in range(start + WEEK, last * HOUR, WEEK) if b % HOUR and b // HOUR >= first}
        self.edges, self.day_edges = _values(edges), _values(day_edges)
        self.week_edges = _values([*edges, *((h * HOUR, h * HOUR + HOUR) for h in sorted(cut))])
        self.whole_hours = f"hour >= :first AND hour < :last{self.vendor}"

    def _edge_facts(self, columns: str, edges: str, where: str = "") -> str:
        return (f"SELECT {columns} FROM (VALUES {edges}) AS x CROSS JOIN order_facts AS f "
                f"WHERE f.ordered_at >= x.column1 AND f.ordered_at < x.column2{self.facts_vendor}{where}")

    def stages_sql(self) -> str:
        """Orders and units per (vendor, location, stage, week)."""
        acked = "CASE WHEN f.acknowledged THEN f.{} ELSE 0 END"
        week = "(hour * 3600 - :start) / 604800"
        return (
            "SELECT vendor_code, location_code, stage, week, sum(n), sum(ordered), sum(accepted) FROM ("
            f"SELECT vendor_code, location_code, stage, {week} AS week, orders AS n, ordered_units AS ordered, "
            f"accepted_units AS accepted FROM scorecard_hours WHERE {self.whole_hours} "
            f"AND {week} = (hour * 3600 + 3599 - :start) / 604800 UNION ALL "
            + self._edge_facts("f.vendor_code, f.location_code, f.stage, (f.ordered_at - :start) / 604800, 1, "
                               f"{acked.format('ordered_units')}, {acked.format('accepted_units')}", self.week_edges)
            + ") GROUP BY 1, 2, 3, 4 HAVING sum(n) > 0"
        )

    def delays_sql(self) -> str:
        ships = scorecard_sums.SHIPS.format(r="f.")
        return (
            "SELECT vendor_code, location_code, kind, hours, sum(n) FROM ("
            "SELECT vendor_code, location_code, kind, hours, orders AS n FROM scorecard_delays "
            f"WHERE day >= :first_day AND day < :last_day{self.vendor} UNION ALL "
            + self._edge_facts(f"f.vendor_code, f.location_code, 'a', {_HOURS['a']}, 1", self.day_edges,
                               " AND f.answered_at IS NOT NULL")
            + " UNION ALL " + self._edge_facts(
                f"f.vendor_code, f.location_code, CASE WHEN {ships} THEN 's' ELSE 'x' END, {_HOURS['s']}, 1",
                self.day_edges, " AND f.shipped_at IS NOT NULL")
            + ") GROUP BY 1, 2, 3, 4 HAVING sum(n) > 0"
        )

    def cancels_sql(self) -> str:
        return (
            "SELECT vendor_code, reason_code, sum(units) FROM ("
            f"SELECT vendor_code, reason_code, units, lines FROM scorecard_cancels WHERE {self.whole_hours} "
            "UNION ALL SELECT f.vendor_code, c.reason_code, c.units, 1 FROM (VALUES "
            f"{self.edges}) AS x CROSS JOIN order_facts AS f JOIN canceled_units AS c ON c.po_number = f.po_number "
            f"WHERE f.ordered_at >= x.column1 AND f.ordered_at < x.column2{self.facts_vendor}"
            ") GROUP BY 1, 2 HAVING sum(lines) > 0"
        )

    def open_due(self, conn: sqlite3.Connection, location: str, window_hours: int, now: int, kind: str) -> int:
        """The orders of ``location`` not yet answered (``kind`` "a") or shipped ("s")
        whose window has closed by ``now``: those dated up to ``now`` - window, i.e. the
        period cut at that instant, read like any period (whole hours from the sums, the
        partial edges from ``order_facts`` along the partial indexes)."""
        end = min(self.end, now - window_hours * HOUR + 1)
        if end <= self.start:
            return 0
        first, last, edges = _split(self.start, end, HOUR)
        column, open_ = ("unanswered", "f.answered_at IS NULL") if kind == "a" else (
            "unshipped", scorecard_sums.UNSHIPPED.format(r="f."))
        params = {**self.params, "first": first, "last": last, "location": location}
        return conn.execute(
            f"SELECT (SELECT coalesce(sum({column}), 0) FROM scorecard_hours WHERE hour >= :first AND hour < :last "
            f"AND location_code = :location{self.vendor}) + (SELECT count(*) FROM (VALUES {_values(edges)}) AS x "
            "CROSS JOIN order_facts AS f WHERE f.location_code = :location AND "
            f"{open_} AND f.ordered_at >= x.column1 AND f.ordered_at < x.column2{self.facts_vendor})", params,
        ).fetchone()[0]

    def minutes(self, conn: sqlite3.Connection, vendor: str, kind: str, hours: dict[int, int]) -> dict[int, int]:
        """A minutes histogram exact around the ranks of ``PERCENTILES`` (what
        ``percentile_hours`` needs): each hour bucket as one entry at its lowest minute,
        except the buckets that hold those ranks, read minute by minute from
        ``order_facts`` (``*_hours`` index: that vendor, that bucket, the period)."""
        total = sum(hours.values())
        ranks = sorted(nearest_rank(total, fraction) for fraction in PERCENTILES)
        minutes: dict[int, int] = {}
        seen = 0
        for bucket in sorted(hours):
            n = hours[bucket]
            if any(seen < rank <= seen + n for rank in ranks):
                for minute, count in conn.execute(
                    f"SELECT max(0, {_AT[kind]} - f.ordered_at) / 60, count(*) FROM order_facts AS f "
                    f"WHERE f.vendor_code = :vendor AND {_AT[kind]} IS NOT NULL AND {_HOURS[kind]} = :bucket "
                    "AND f.ordered_at >= :start AND f.ordered_at < :end GROUP BY 1",
                    {"vendor": vendor, "bucket": bucket, "start": self.start, "end": self.end},
                ):
                    minutes[minute] = minutes.get(minute, 0) + count
            else:
                lowest = max(0, (bucket - 1) * 60)
                minutes[lowest] = minutes.get(lowest, 0) + n
            seen += n
        return minutes


def _values(ranges: Sequence[tuple[int, int]]) -> str:
    """Integer ranges as a VALUES list (integers only, so written inline)."""
    return ", ".join(f"({int(lo)}, {int(hi)})" for lo, hi in ranges)
