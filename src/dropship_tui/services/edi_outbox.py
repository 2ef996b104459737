"""Outbound X12: the documents an order's workflow made due (the outbox), the same on
demand, the 846 inventory, and their delivery to a directory.

Delivery is exactly-once into the directory, across crashes:

1. the document's text is fixed once, under control numbers allocated once
   (``SqliteStore.prepare_document``), so a re-delivery sends the very same text; it
   is written from the order as the action that made it due left it (the outbox row's
   snapshot), so an 855 reports that acknowledgement even if the order was reopened or
   canceled before the delivery;
2. it is written to a hidden temporary file ``.edi-<id>.part`` (flushed to disk);
3. the store marks it sent (one transaction);
4. the temporary file is renamed to its name (atomic on one file system).

A crash before 3 leaves the document waiting: the next pass deletes the stale
temporary file and writes it again. A crash between 3 and 4 leaves a temporary file
of a sent document: the next pass finishes its rename. So a reader of the directory
sees each document once, complete, and no control number twice.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from dropship_tui.domain.edi import ACKNOWLEDGEMENT, INVENTORY, INVOICE, ORDER_SETS, EdiDocument, EdiStatus
from dropship_tui.domain.errors import InvalidInputError, NotFoundError
from dropship_tui.domain.models import Order
from dropship_tui.exports.edi.writer import Control
from dropship_tui.exports.edi.x810 import write_810
from dropship_tui.exports.edi.x846 import write_846
from dropship_tui.exports.edi.x855 import write_855
from dropship_tui.exports.edi.x856 import write_856
from dropship_tui.services.edi_partners import profile_of
from dropship_tui.store.sqlite.edi_store import Controls, Render
from dropship_tui.store.sqlite.store import SqliteStore

_PART = re.compile(r"^\.edi-(\d+)-(.+)\.part$")


@dataclass(frozen=True)
class Planned:
    render: Render
    sets: int = 1
    serials: int = 0


def _control(c: Controls) -> Control:
    return Control(c.interchange, c.group, c.first_set, c.at)


def plan_order_document(
    store: SqliteStore, po_number: int, set_id: str, order: Order | None = None
) -> tuple[str, Planned]:
    """(partner id, how to write) the order's 855, 856 or 810 from ``order`` (the
    snapshot the action that made it due kept), else from its current record."""
    if set_id not in ORDER_SETS:
        raise InvalidInputError(f"type: must be one of {', '.join(ORDER_SETS)}, not {set_id!r}")
    if order is None:
        order = store.get_order(po_number)
    edi = store.edi_order(po_number)
    if edi is None:
        raise InvalidInputError(f"PO {po_number} did not come in by EDI: it has no trading partner to write an {set_id} to")
    profile = profile_of(store.partner(edi.partner_id))
    ids = edi.line_ids
    if set_id == ACKNOWLEDGEMENT:
        return edi.partner_id, Planned(lambda c: write_855(order, profile, _control(c), ids))
    if set_id == INVOICE:
        return edi.partner_id, Planned(lambda c: write_810(order, profile, _control(c), ids))
    ship_from = store.location(order.location_code)
    serials = len(order.slips) if profile.gs1_prefix else 0

    def render_856(c: Controls) -> str:
        packs = {slip.number: c.first_serial + i for i, slip in enumerate(order.slips)} if serials else None
        return write_856(order, profile, _control(c), ship_from=ship_from, pack_serials=packs, line_ids=ids)

    return edi.partner_id, Planned(render_856, serials=serials)


def export_document(store: SqliteStore, po_number: int, set_id: str) -> tuple[EdiDocument, str]:
    """An 855 / 856 / 810 written now, on demand, under new control numbers (logged sent)."""
    partner_id, planned = plan_order_document(store, po_number, set_id)
    return store.write_out(partner_id, po_number, set_id, planned.render, sets=planned.sets, serials=planned.serials)


def written_document(store: SqliteStore, po_number: int, set_id: str) -> str | None:
    """The text of the order's latest outbound 855 / 856 / 810 as it was written, or None
    when none is written yet (a waiting one is not written here: reading never allocates
    control numbers)."""
    docs = [d for d in store.edi_documents(po_number) if d.set_id == set_id and d.direction == "out"]
    for doc in reversed(docs):
        text = store.edi_document(doc.id)[1]
        if text:
            return text
    return None


def latest_document(store: SqliteStore, po_number: int, set_id: str) -> str:
    """The order's latest 855 / 856 / 810: its text as written (a waiting one is written
    now, once, under the numbers it keeps for its delivery), else one on demand."""
    docs = [d for d in store.edi_documents(po_number) if d.set_id == set_id and d.direction == "out"]
    if docs:
        text = _prepare(store, docs[-1])
        if text:
            return text
    return export_document(store, po_number, set_id)[1]


def inventory(store: SqliteStore, partner_id: str | None, location_code: str | None) -> tuple[EdiDocument, str]:
    """The 846 of the partner's vendor's stock (one set per location), logged sent."""
    partners = store.partners()
    if partner_id is None:
        if len(partners) != 1:
            raise InvalidInputError("partner: name one with --partner (the store has "
                                    f"{len(partners)} trading partners)")
        partner = partners[0]
    else:
        partner = store.partner(partner_id)
    profile = profile_of(partner)
    locations = {loc.code: loc for loc in store.locations(partner.vendor_code)}
    if location_code is not None and location_code not in locations:
        raise InvalidInputError(f"location: no location {location_code} of vendor {partner.vendor_code}")
    wanted = [location_code] if location_code else list(locations)
    levels = [lv for code in wanted for lv in store.stock_levels(location_code=code)]
    if not levels:
        raise InvalidInputError(f"no stock levels recorded at {', '.join(wanted) or 'any location'}: no 846 to write")
    upcs = {m.vendor_sku: m.upc for m in store.sku_mappings(partner.vendor_code) if m.upc}
    sets = len({lv.location_code for lv in levels})

    def render(c: Controls) -> str:
        return write_846(levels, profile, _control(c), f"INV{c.interchange:09d}", locations=locations, upcs=upcs)

    return store.write_out(partner.partner_id, None, INVENTORY, render, sets=sets)


def file_name(doc: EdiDocument) -> str:
    po = f"-PO{doc.po_number}" if doc.po_number is not None else ""
    return f"{doc.partner_id}-{doc.set_id}{po}-{doc.control_number}.x12"


def _prepare(store: SqliteStore, doc: EdiDocument) -> str:
    if doc.po_number is None:  # a 997 is written when it is recorded
        return store.edi_document(doc.id)[1] or ""
    try:
        p = plan_order_document(store, doc.po_number, doc.set_id, store.edi_snapshot(doc.id))[1]
    except InvalidInputError as exc:
        return store.prepare_document(doc.id, _refuse(exc))
    return store.prepare_document(doc.id, p.render, sets=p.sets, serials=p.serials)


def _refuse(exc: InvalidInputError) -> Render:
    def render(_: Controls) -> str:
        raise exc

    return render


def _write_part(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def recover(store: SqliteStore, outbox: Path) -> list[Path]:
    """Finish or drop the temporary files a crash left (see the module docstring)."""
    done = []
    for part in sorted(outbox.glob(".edi-*.part")):
        m = _PART.match(part.name)
        if m is None:
            continue
        try:
            doc: EdiDocument | None = store.edi_document(int(m.group(1)))[0]
        except NotFoundError:  # a stray file of another store
            doc = None
        if doc is not None and doc.status is EdiStatus.SENT:
            final = outbox / m.group(2)
            os.replace(part, final)
            done.append(final)
        else:
            part.unlink()
    return done


@dataclass
class Delivery:
    written: list[Path]
    problems: list[str]


def deliver(store: SqliteStore, outbox: Path) -> Delivery:
    """Every waiting document into ``outbox``, exactly once (module docstring)."""
    outbox.mkdir(parents=True, exist_ok=True)
    written = recover(store, outbox)
    problems = []
    for doc in store.waiting_documents():
        text = _prepare(store, doc)
        if not text:
            fresh, _ = store.edi_document(doc.id)
            problems.append(f"{doc.set_id} for PO {doc.po_number} is waiting: {fresh.error}")
            continue
        doc, _ = store.edi_document(doc.id)
        name = file_name(doc)
        part = outbox / f".edi-{doc.id}-{name}.part"
        _write_part(part, text)
        if store.mark_sent(doc.id):
            os.replace(part, outbox / name)
            written.append(outbox / name)
        else:  # another watcher sent it meanwhile
            part.unlink()
    return Delivery(written, problems)

