"""X12 850s into the store: file text -> ``read_interchanges`` -> per set ``read_850`` ->
the JSON import's ``OrderIn`` -> the same resolve and validation (``import_format.
resolve``) -> the store.

Each interchange is judged on its own (a bad envelope refuses it whole); inside a sound
one each 850 is judged on its own: a refused set is named and rejected in the 997 (AK5
R), the others are imported. The same 850 again (same vendor and BEG03) is a no-op that
says so. The vendor and location come from the trading partner profile (our ISA/GS ids);
a store with one vendor and no profile uses that vendor, and says so.

Speed without giving up a rule: the interchanges are written ``CHUNK`` at a time, each
chunk one write transaction (short enough that other writers only wait a moment) with
one SAVEPOINT per interchange, so one that the store refuses rolls back alone and
nothing of it is imported; partners, locations and SKU mappings are looked up once per
file; the 997s of a chunk are one interchange per partner (one 997 set per received
group), under one allocation of control numbers, in the same transaction as the orders
and log rows they acknowledge (nothing lost on a crash: an uncommitted chunk is simply
imported again from the file, which is archived only after the import).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dropship_tui.domain.edi import FUNCTIONAL_ACK, PURCHASE_ORDER, TradingPartner
from dropship_tui.domain.errors import InvalidInputError, WorkflowError
from dropship_tui.domain.models import PO_MAX, Order, SkuMapping
from dropship_tui.exports.edi.reader import Interchange, TransactionSet, read_interchanges
from dropship_tui.exports.edi.writer import Control
from dropship_tui.exports.edi.x850 import PurchaseOrder, read_850
from dropship_tui.exports.edi.x997 import GroupAck, group_ack, write_997
from dropship_tui.exports.import_format import ImportDocument, resolve
from dropship_tui.services.edi_partners import default_partner, profile_of
from dropship_tui.services.json_import import StoreCatalog
from dropship_tui.store.sqlite.edi_store import Arrival, Controls, EdiOrder, InterchangeReceived, Received, Render
from dropship_tui.store.sqlite.store import SqliteStore

CHUNK = 500
"""Interchanges per write transaction (~0.3 s of the write lock on the benchmark)."""


@dataclass
class EdiImportReport:
    imported: list[int] = field(default_factory=list)
    """Our PO numbers of the orders imported."""
    duplicates: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """One message per refused interchange or set."""
    notes: list[str] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)
    """The interchanges taken (``Interchange.name``)."""

    @property
    def message(self) -> str:
        parts = [f"{len(self.imported)} order{'s' if len(self.imported) != 1 else ''} imported"]
        if self.taken:
            parts.append("taken: " + ", ".join(self.taken))
        return "; ".join(parts + self.notes + self.duplicates + self.refused)

    def to_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "taken": self.taken, "duplicates": self.duplicates,
                "refused": self.refused, "notes": self.notes, "message": self.message}


def set_text(ts: TransactionSet) -> str:
    d = ts.delimiters
    return "".join(d.element.join(seg) + d.segment for seg in ts.segments)


class _Matcher:
    """A vendor's SKU mappings by product code, vendor SKU and UPC: an 850 line names
    the retailer's item, ours or the UPC, and is matched by whichever it has."""

    def __init__(self, mappings: list[SkuMapping]) -> None:
        self.by_code = {m.product_code: m for m in mappings}
        self.by_sku = {m.vendor_sku: m for m in mappings}
        self.by_upc = {m.upc: m for m in mappings if m.upc}

    def product_code(self, code: str, vendor_sku: str, upc: str) -> str:
        if code in self.by_code:
            return code
        found = self.by_sku.get(vendor_sku) or self.by_upc.get(upc)
        return found.product_code if found else code


class _Catalog(StoreCatalog):
    """``StoreCatalog`` with the owner of each location remembered for the file (a
    location never changes vendor) and the PO numbers found free remembered for one
    write transaction (``free``, cleared by the caller at each: no other writer can take
    one meanwhile); a PO number is asked with one indexed probe."""

    def __init__(self, store: SqliteStore) -> None:
        super().__init__(store)
        self.sqlite = store
        self._owners: dict[str, str | None] = {}
        self.free: set[int] = set()

    def has_order(self, po_number: int) -> bool:
        if po_number in self.free:
            return False
        if self.sqlite.has_po_number(po_number):
            return True
        self.free.add(po_number)
        return False

    def location_vendor(self, code: str) -> str | None:
        if code not in self._owners:
            self._owners[code] = super().location_vendor(code)
        return self._owners[code]


@dataclass
class _Judged:
    """One sound interchange, judged and ready to write."""

    ic: Interchange
    partner: TradingPartner
    orders: list[tuple[Order, EdiOrder]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)
    """ST02 -> why, for the 997."""

    @property
    def arrival(self) -> Arrival:
        """Its row of ``edi_interchanges`` (the database's backstop against taking it twice)."""
        digest = hashlib.sha256("".join(set_text(ts) for ts in self.ic.sets()).encode()).hexdigest()
        return Arrival(self.partner.partner_id, self.ic.control, digest)


class _Import:
    """One file's import: the caches and the numbers given out so far."""

    def __init__(self, store: SqliteStore, report: EdiImportReport) -> None:
        self.store, self.report = store, report
        self.catalog = _Catalog(store)
        self._partners: dict[tuple[str, ...], TradingPartner | None] = {}
        self._matchers: dict[str, _Matcher] = {}
        self._locations: dict[str, str] = {}
        self.next_po = store.highest_po_number()
        """The highest PO number in the store or given out by this file."""
        self.taken: set[int] = set()
        self.seen: set[tuple[str, str]] = set()
        """(vendor, BEG03) imported by this file so far."""
        self.interchanges: set[tuple[str, str]] = set()
        """(partner, ISA13) taken by this file so far."""
        self.acks: list[tuple[TradingPartner, list[GroupAck]]] = []
        """997s not yet written: the refused envelopes', until the first chunk."""
        self._added: list[tuple[set[Any], Any]] = []
        """What this chunk's attempt added to ``taken``, ``seen``, ``interchanges``."""

    def checkpoint(self) -> Callable[[], None]:
        """What restores the numbers given out and the report to how they are now: a
        chunk's unit of work is run again from its start after a deadlock, and what a
        rolled-back attempt judged or reported must not count (the caches hold only
        what the store had before the chunk, and stay). The sets are put back by
        taking out what was added since (``_added``), not copied: O(chunk), not O(file)."""
        report, lengths = self.report, {k: len(v) for k, v in vars(self.report).items()}
        next_po, acks = self.next_po, list(self.acks)
        self._added.clear()  # what earlier chunks added is committed

        def restore() -> None:
            for name, length in lengths.items():
                del getattr(report, name)[length:]
            for into, value in self._added:
                into.discard(value)  # it was not there before: each is added once, when new
            self._added.clear()
            self.next_po, self.acks = next_po, list(acks)

        return restore

    def _add(self, into: set[Any], value: Any) -> None:
        into.add(value)
        self._added.append((into, value))

    def partner(self, ic: Interchange, *, quiet: bool = False) -> TradingPartner | None:
        gs03 = ic.groups[0].receiver if ic.groups else ""
        key = (ic.sender_qualifier, ic.sender, ic.receiver_qualifier, ic.receiver, gs03)
        if key not in self._partners:
            partner = self.store.partner_for(*key)
            if partner is None and not quiet:
                partner, why = default_partner(self.store, ic, "")
                (self.report.notes if partner is not None else self.report.refused).append(why)
            elif partner is None:
                return None
            self._partners[key] = partner
        return self._partners[key]

    def location(self, partner: TradingPartner) -> str:
        if partner.partner_id not in self._locations:
            locations = self.store.locations(partner.vendor_code)
            only = locations[0].code if len(locations) == 1 else ""
            self._locations[partner.partner_id] = partner.location_code or only
        return self._locations[partner.partner_id]

    def matcher(self, vendor_code: str) -> _Matcher:
        if vendor_code not in self._matchers:
            self._matchers[vendor_code] = _Matcher(self.store.sku_mappings(vendor_code))
        return self._matchers[vendor_code]

    def refused_envelope(self, ic: Interchange) -> None:
        partner = self.partner(ic, quiet=True)
        groups = [g for g in ic.groups if g.functional_id != "FA"]
        if partner is not None and groups:  # the 997 rejects what was refused
            self.acks.append((partner, [group_ack(g, {}) for g in groups]))

    # --- judging (reads only, inside the chunk's transaction) --------------------------

    def judge(self, ic: Interchange, partner: TradingPartner) -> _Judged | None:
        report = self.report
        if (partner.partner_id, ic.control) in self.interchanges or self.store.received_interchange(
            partner.partner_id, ic.control
        ):
            report.duplicates.append(self._duplicate(ic, partner))
            return None
        location = self.location(partner)
        if not location:
            report.refused.append(
                f"{ic.name} refused, nothing taken from it: partner {partner.partner_id} has no default location "
                f"and vendor {partner.vendor_code} has several (or none); set one with 'edi partner add --location'"
            )
            return None
        self._add(self.interchanges, (partner.partner_id, ic.control))
        judged = _Judged(ic, partner)
        for ts in ic.sets():
            if ts.set_id == FUNCTIONAL_ACK:  # the partner's 997 to us: logged, never acknowledged
                judged.received.append(
                    Received(ts.set_id, ic.control, ts.control, set_text(ts), partner_id=partner.partner_id)
                )
                continue
            self._judge_set(judged, ts, location)
        return judged

    @staticmethod
    def _duplicate(ic: Interchange, partner: TradingPartner) -> str:
        return f"{ic.name} was received from {partner.partner_id} already: nothing changed"

    def _judge_set(self, judged: _Judged, ts: TransactionSet, location: str) -> None:
        ic, partner = judged.ic, judged.partner
        try:
            po = read_850(ts)
        except InvalidInputError as exc:
            self._reject(judged, ts, exc.message)
            return
        vendor, retailer_po = partner.vendor_code, po.retailer_po_number
        existing = self.store.order_by_retailer_po(vendor, retailer_po)
        if existing is not None or (vendor, retailer_po) in self.seen:
            where = f"PO {existing}" if existing is not None else "an earlier set of this file"
            self.report.duplicates.append(
                f"850 {ts.control} (PO {retailer_po}) is already imported as {where}: nothing changed"
            )
            return
        try:
            number = self._number(po.proposed_po_number)
            order = self._resolve(po, number, partner, location)
        except InvalidInputError as exc:
            self._reject(judged, ts, f"850 {ts.control} (PO {retailer_po}) refused, nothing imported: {exc.message}")
            return
        self._add(self.taken, number)
        self.next_po = max(self.next_po, number)
        self._add(self.seen, (vendor, retailer_po))
        judged.orders.append((order, EdiOrder(partner.partner_id, po.line_ids, po.carrier)))
        judged.received.append(Received(PURCHASE_ORDER, ic.control, ts.control, set_text(ts), number, partner.partner_id))

    def _reject(self, judged: _Judged, ts: TransactionSet, message: str) -> None:
        judged.rejected[ts.control] = message
        self.report.refused.append(f"{judged.ic.name}: {message}")
        judged.received.append(
            Received(ts.set_id, judged.ic.control, ts.control, set_text(ts), partner_id=judged.partner.partner_id)
        )

    def _number(self, proposed: int | None) -> int:
        """BEG03 when it is a free PO number of ours, else the next free one."""
        if proposed is not None and proposed not in self.taken and not self.catalog.has_order(proposed):
            return proposed
        n = self.next_po + 1
        while n in self.taken or self.catalog.has_order(n):
            n += 1
        if n > PO_MAX:
            raise InvalidInputError(f"no free PO number left (they end at {PO_MAX:,})")
        return n

    def _resolve(self, po: PurchaseOrder, number: int, partner: TradingPartner, location: str) -> Order:
        matcher = self.matcher(partner.vendor_code)
        order_in = po.order_in(po_number=number, vendor_code=partner.vendor_code, location_code=location,
                               product_code=matcher.product_code)
        return resolve(ImportDocument(orders=[order_in]), self.catalog).orders[0]

    # --- writing ----------------------------------------------------------------------

    def write(self, chunk: list[_Judged]) -> None:
        """The chunk's interchanges and their 997s: first all in one savepoint (one
        ``import_orders`` for the chunk); when the store refuses that, each interchange
        in its own savepoint, so only the one it refuses is left out (and rejected whole
        in the 997)."""
        store = self.store
        if not chunk and not self.acks:
            return
        try:
            store.import_edi([o for j in chunk for o in j.orders], [r for j in chunk for r in j.received],
                             self._acks(chunk), [j.arrival for j in chunk])
        except (InvalidInputError, WorkflowError):
            taken, answered = [], []
            for j in chunk:
                try:
                    store.import_edi(j.orders, j.received, (), [j.arrival])
                except InterchangeReceived:  # another import took it meanwhile: as in ``judge``
                    self.report.duplicates.append(self._duplicate(j.ic, j.partner))
                    self._forget(j)
                    continue  # nothing of it to acknowledge
                except (InvalidInputError, WorkflowError) as exc:
                    message = f"{j.ic.name} refused, nothing taken from it: {exc.message}"
                    self.report.refused.append(message)
                    j.rejected = {ts.control: message for ts in j.ic.sets()}
                    self._forget(j)
                else:
                    taken.append(j)
                answered.append(j)
            acks = self._acks(answered)
            if acks:
                store.import_edi([], [], acks)
            chunk = taken
        for j in chunk:
            self.report.imported.extend(o.po_number for o, _ in j.orders)
            self.report.taken.append(j.ic.name)
        self.acks = []

    def _forget(self, j: _Judged) -> None:
        """An interchange the store refused was never taken: its ISA13, BEG03s and PO
        numbers are free again for the rest of the file."""
        self.interchanges.discard((j.partner.partner_id, j.ic.control))
        for order, _ in j.orders:
            self.taken.discard(order.po_number)
            self.seen.discard((j.partner.vendor_code, order.retailer_po_number or ""))

    def _acks(self, chunk: list[_Judged]) -> list[tuple[str, int, Render]]:
        """One 997 interchange per partner: a 997 set per received group of the chunk
        (and of the refused envelopes not yet answered)."""
        by_partner: dict[str, tuple[TradingPartner, list[GroupAck]]] = {}
        for partner, acks in self.acks + [(j.partner, [group_ack(g, j.rejected) for g in j.ic.groups
                                                       if g.functional_id != "FA"]) for j in chunk]:
            by_partner.setdefault(partner.partner_id, (partner, []))[1].extend(acks)
        return [(pid, len(acks), _render_997(p, acks)) for pid, (p, acks) in by_partner.items() if acks]


def _render_997(partner: TradingPartner, acks: list[GroupAck]) -> Render:
    profile = profile_of(partner)

    def render(c: Controls) -> str:
        return write_997(acks, profile, Control(c.interchange, c.group, c.first_set, c.at))

    return render


def import_edi(store: SqliteStore, text: str, source: str = "") -> EdiImportReport:
    """Import every 850 of ``text``; see the module docstring."""
    report = EdiImportReport()
    result = read_interchanges(text)
    run = _Import(store, report)
    for refusal in result.refused:
        report.refused.append((f"{source}: " if source else "") + refusal.message)
        run.refused_envelope(refusal.interchange)
    # partners first, outside the write transactions (a default profile is added in its own)
    known = [(ic, p) for ic in result.interchanges if (p := run.partner(ic)) is not None]
    for start in range(0, max(len(known), 1), CHUNK):
        part, restore = known[start:start + CHUNK], run.checkpoint()

        def unit() -> None:  # run now, once per attempt
            restore()  # an attempt rolled back by a deadlock (PostgreSQL) left nothing behind
            store.lock_edi_imports()
            run.next_po = max(run.next_po, store.highest_po_number())  # another import's, now committed
            run.catalog.free.clear()
            run.write([j for ic, p in part if (j := run.judge(ic, p)) is not None])

        store.run_unit(unit)
    if not result.interchanges and not result.refused:
        report.refused.append(f"{source or 'the file'}: no interchange in the file (no ISA segment)")
    return report
