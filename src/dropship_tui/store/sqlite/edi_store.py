"""EDI in the SQLite store: trading partners, control numbers, the document log and the
transactional outbox (tables: ``edi_tables``).

The store never writes X12 (``exports`` is a sibling layer): where a document's text is
needed, the caller passes a ``Render`` that the store calls inside its write transaction
with freshly allocated control numbers, so the numbers, the text and the log row commit
together or not at all. ``record_due`` is the outbox's one step inside every workflow
write (``SqliteStore._write_change``): an order that came in by EDI gets a 'waiting' row
for each document the change makes due (``domain.edi.documents_due``), in the action's
own transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from dropship_tui.domain import catalog
from dropship_tui.domain.edi import EdiDocument, EdiStatus, TradingPartner, documents_due
from dropship_tui.domain.errors import InvalidInputError, NotFoundError
from dropship_tui.domain.models import Order

CONTROL_MAX = 999_999_999
SERIAL_MAX = 10**9 - 1


@dataclass(frozen=True)
class Controls:
    """Control numbers allocated to one interchange: ISA13, GS06, the first ST02 (the
    sets of the interchange take ``first_set`` on), the first SSCC serial, and the time."""

    interchange: int
    group: int
    first_set: int
    first_serial: int
    at: datetime


Render = Callable[[Controls], str]
"""Controls -> the X12 text written under them (raises ``InvalidInputError`` to refuse)."""


@dataclass(frozen=True)
class EdiOrder:
    """What an 850 said that the order record does not keep."""

    partner_id: str
    line_ids: Mapping[int, str]
    """Our line id -> PO101 as sent ("001")."""
    carrier: str = ""


@dataclass(frozen=True)
class Received:
    """A document to log as received (an 850 set's text; ``po_number`` once imported)."""

    set_id: str
    control: str
    set_control: str
    text: str
    po_number: int | None = None
    partner_id: str | None = None
    """Whose; None: the partner of the call's orders or 997."""


@dataclass(frozen=True)
class Arrival:
    """An interchange taken by an import: its partner, ISA13 and the SHA-256 of its sets
    as received (``edi_interchanges``: the database takes one per partner and ISA13)."""

    partner_id: str
    control: str
    digest: str


class InterchangeReceived(InvalidInputError):
    """The interchange was taken already (by another import, committed meanwhile):
    nothing of it imported."""


def key(qualifier: str, ident: str) -> str:
    """An ISA party as one comparable key ("ZZ/BIGRETAILER")."""
    return f"{qualifier.strip()}/{ident.strip()}"


_DOC_COLUMNS = (
    "id, partner_id, po_number, set_id, direction, status, control_number, set_control, "
    "created_at, sent_at, error"
)


def _document(row: tuple) -> EdiDocument:
    (doc_id, partner, po, set_id, direction, status, control, set_control, created, sent, error) = row
    return EdiDocument(
        id=doc_id, partner_id=partner, po_number=po, set_id=set_id, direction=direction,
        status=EdiStatus(status), control_number=control, set_control=set_control,
        created_at=datetime.fromisoformat(created),
        sent_at=datetime.fromisoformat(sent) if sent else None, error=error,
    )


class EdiRecords:
    """Mixed into ``SqliteStore`` (it uses ``_transaction``, ``reading``, ``_now``)."""

    # --- partners ---------------------------------------------------------------------

    def add_partner(self, partner: TradingPartner) -> None:
        """Add a partner or replace one with the same id (its counters are kept). Its
        vendor must exist and its default location, when given, be the vendor's."""

        def work(conn: sqlite3.Connection) -> None:
            if conn.execute("SELECT 1 FROM vendors WHERE code = ?", (partner.vendor_code,)).fetchone() is None:
                raise InvalidInputError(f"vendor: no vendor {partner.vendor_code} in the store")
            if partner.location_code:
                row = conn.execute(
                    "SELECT vendor_code FROM locations WHERE code = ?", (partner.location_code,)
                ).fetchone()
                if row is None or row[0] != partner.vendor_code:
                    raise InvalidInputError(
                        "location: " + catalog.no_location(partner.vendor_code, partner.location_code)
                    )
            their, ours = key(partner.their_qualifier, partner.their_id), _our_key(partner)
            other = conn.execute(
                "SELECT partner_id FROM edi_partners WHERE their_key = ? AND our_key = ? AND partner_id <> ?",
                (their, ours, partner.partner_id),
            ).fetchone()
            if other is not None:
                raise InvalidInputError(
                    f"partner: {their} -> {ours} is already partner {other[0]}; one profile per pair of ids"
                )
            conn.execute(
                "INSERT INTO edi_partners(partner_id, their_key, our_key, vendor_code, body) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(partner_id) DO UPDATE SET "
                "their_key = excluded.their_key, our_key = excluded.our_key, "
                "vendor_code = excluded.vendor_code, body = excluded.body",
                (partner.partner_id, their, ours, partner.vendor_code, partner.model_dump_json()),
            )

        self._transaction(work)

    def partner(self, partner_id: str) -> TradingPartner:
        with self.reading() as conn:
            row = conn.execute("SELECT body FROM edi_partners WHERE partner_id = ?", (partner_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"No trading partner {partner_id} in the store")
        return TradingPartner.model_validate_json(row[0])

    def partners(self) -> list[TradingPartner]:
        with self.reading() as conn:
            rows = conn.execute("SELECT body FROM edi_partners ORDER BY partner_id").fetchall()
        return [TradingPartner.model_validate_json(r[0]) for r in rows]

    def partner_for(self, their_qualifier: str, their_id: str, our_qualifier: str, our_id: str, our_gs_id: str = "") -> TradingPartner | None:
        """The profile of an inbound interchange: sender = them, receiver = us (and GS03
        = our GS id, when a profile for the pair names one)."""
        their = key(their_qualifier, their_id)
        with self.reading() as conn:
            rows = conn.execute(
                "SELECT body FROM edi_partners WHERE their_key = ? AND our_key IN (?, ?)",
                (their, key(our_qualifier, our_id), f"{key(our_qualifier, our_id)}/{our_gs_id}"),
            ).fetchall()
        found = [TradingPartner.model_validate_json(r[0]) for r in rows]
        exact = [p for p in found if p.our_gs_id and p.our_gs_id == our_gs_id]
        return (exact or [p for p in found if not p.our_gs_id] or [None])[0]

    # --- control numbers --------------------------------------------------------------

    def _allocate(self, conn: sqlite3.Connection, partner_id: str, sets: int, serials: int) -> Controls:
        """Inside a write transaction: the partner's next numbers, its counters moved on."""
        row = conn.execute(
            "UPDATE edi_partners SET next_interchange = next_interchange + 1, "
            "next_group = next_group + 1, next_set = next_set + ?, next_serial = next_serial + ? "
            "WHERE partner_id = ? RETURNING next_interchange - 1, next_group - 1, next_set - ?, next_serial - ?",
            (sets, serials, partner_id, sets, serials),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"No trading partner {partner_id} in the store")
        interchange, group, first_set, first_serial = row
        if max(interchange, group, first_set + sets - 1) > CONTROL_MAX or first_serial + serials - 1 > SERIAL_MAX:
            raise InvalidInputError(f"partner {partner_id}: its control numbers have reached {CONTROL_MAX:,}")
        return Controls(interchange, group, first_set, first_serial, self._now())

    def allocate_controls(self, partner_id: str, sets: int = 1, serials: int = 0) -> Controls:
        """The next control numbers of ``partner_id``, in a transaction of their own."""
        return self._transaction(lambda conn: self._allocate(conn, partner_id, sets, serials))

    # --- orders that came in by EDI ---------------------------------------------------

    def edi_order(self, po_number: int) -> EdiOrder | None:
        with self.reading() as conn:
            row = conn.execute(
                "SELECT partner_id, line_ids, carrier FROM edi_orders WHERE po_number = ?", (po_number,)
            ).fetchone()
        if row is None:
            return None
        return EdiOrder(row[0], {int(k): v for k, v in json.loads(row[1]).items()}, row[2])

    def order_by_retailer_po(self, vendor_code: str, retailer_po: str) -> int | None:
        """Our PO number of the vendor's order with this retailer PO (BEG03), if any."""
        with self.reading() as conn:
            row = conn.execute(
                "SELECT po_number FROM orders WHERE vendor_code = ? AND retailer_po = ?", (vendor_code, retailer_po)
            ).fetchone()
        return None if row is None else row[0]

    def received_interchange(self, partner_id: str, control: str) -> bool:
        """Whether an interchange with this ISA13 came from the partner already."""
        with self.reading() as conn:
            return conn.execute(
                "SELECT 1 FROM edi_interchanges WHERE partner_id = ? AND control_number = ?",
                (partner_id, control),
            ).fetchone() is not None

    def has_po_number(self, po_number: int) -> bool:
        """Whether the PO number is taken (one indexed probe, no order loaded)."""
        with self.reading() as conn:
            return conn.execute("SELECT 1 FROM orders WHERE po_number = ?", (po_number,)).fetchone() is not None

    def lock_edi_imports(self) -> None:
        """First in each transaction of an EDI import (``services.edi_import``), before
        it judges anything: wait for the other EDI imports' transactions to end, so two
        posts of one interchange (or of one 850) never both find it new, and PO numbers
        given out by another import are seen taken. SQLite: nothing to wait for (one
        writer at a time); PostgreSQL: ``PostgresStore.lock_edi_imports``."""

    def highest_po_number(self) -> int:
        with self.reading() as conn:
            return conn.execute("SELECT coalesce(max(po_number), 0) FROM orders").fetchone()[0]

    def import_edi(
        self,
        orders: Sequence[tuple[Order, EdiOrder]],
        received: Sequence[Received],
        acks: Sequence[tuple[str, int, Render]] = (),
        arrivals: Sequence[Arrival] = (),
    ) -> int:
        """Interchanges, all or nothing: first the interchanges themselves (``arrivals``,
        one row per partner and ISA13: one taken already is ``InterchangeReceived``),
        then its orders (``import_orders``: the same
        checks as every import), their EDI data, the received documents in the log and
        the 997s (partner id, number of sets, render) in the outbox. Inside a larger unit
        of work (``services.edi_import`` writes many interchanges per transaction) it is
        a SAVEPOINT: a refusal rolls back this interchange only, and is raised (a
        constraint the checks did not foresee as ``InvalidInputError``). Returns the
        orders imported."""
        with self.unit_of_work():  # type: ignore[attr-defined]
            conn = self._conn  # type: ignore[attr-defined]
            conn.execute("SAVEPOINT edi_interchange")
            try:
                self._arrive(conn, arrivals)
                count = self._import_edi(conn, orders, received, acks)
            except BaseException as exc:
                if conn.in_transaction:  # SQLite may have rolled back all (disk full...)
                    conn.execute("ROLLBACK TO edi_interchange")
                    conn.execute("RELEASE edi_interchange")
                if isinstance(exc, sqlite3.IntegrityError):
                    raise InvalidInputError(
                        f"it conflicts with data already in the store ({exc}); nothing of it was imported"
                    ) from exc
                raise
            conn.execute("RELEASE edi_interchange")
            return count

    def _arrive(self, conn: sqlite3.Connection, arrivals: Sequence[Arrival]) -> None:
        """The interchanges' rows, before anything else of them: a second import of one
        waits here for the first one's transaction (PostgreSQL), then is refused."""
        at = self._now().isoformat()
        for a in arrivals:
            try:
                conn.execute(
                    "INSERT INTO edi_interchanges(partner_id, control_number, received_at, digest) "
                    "VALUES (?, ?, ?, ?)", (a.partner_id, a.control, at, a.digest),
                )
            except sqlite3.IntegrityError as exc:
                if "unique" not in str(exc).lower():  # not the key (a partner removed?)
                    raise
                raise InterchangeReceived(
                    f"interchange {a.control} was received from {a.partner_id} already: nothing of it was imported"
                ) from None

    def _import_edi(
        self, conn: sqlite3.Connection, orders: Sequence[tuple[Order, EdiOrder]],
        received: Sequence[Received], acks: Sequence[tuple[str, int, Render]],
    ) -> int:
        count = self.import_orders([o for o, _ in orders]) if orders else 0  # type: ignore[attr-defined]
        now = self._now().isoformat()
        conn.executemany(
            "INSERT INTO edi_orders(po_number, partner_id, line_ids, carrier) VALUES (?, ?, ?, ?)",
            [(o.po_number, e.partner_id, json.dumps({str(k): v for k, v in e.line_ids.items()}), e.carrier)
             for o, e in orders],
        )
        partner = orders[0][1].partner_id if orders else (acks[0][0] if acks else None)
        conn.executemany(
            "INSERT INTO edi_documents(partner_id, po_number, set_id, direction, status, "
            "control_number, set_control, created_at, text) VALUES (?, ?, ?, 'in', 'received', ?, ?, ?, ?)",
            [(r.partner_id or partner, r.po_number, r.set_id, r.control, r.set_control, now, r.text)
             for r in received],
        )
        for partner_id, sets, render in acks:
            self._insert_out(conn, partner_id, None, "997", sets, render)
        return count

    # --- the log and the outbox -------------------------------------------------------

    def _insert_out(
        self, conn: sqlite3.Connection, partner_id: str, po_number: int | None, set_id: str,
        sets: int, render: Render, serials: int = 0, status: str = "waiting",
    ) -> tuple[int, str]:
        controls = self._allocate(conn, partner_id, sets, serials)
        text = render(controls)
        cur = conn.execute(
            "INSERT INTO edi_documents(partner_id, po_number, set_id, direction, status, control_number, "
            "set_control, created_at, sent_at, text) VALUES (?, ?, ?, 'out', ?, ?, ?, ?, ?, ?)",
            (partner_id, po_number, set_id, status, f"{controls.interchange:09d}", f"{controls.first_set:04d}",
             controls.at.isoformat(), controls.at.isoformat() if status == "sent" else None, text),
        )
        return cur.lastrowid, text

    def write_out(self, partner_id: str, po_number: int | None, set_id: str, render: Render, *, sets: int = 1, serials: int = 0) -> tuple[EdiDocument, str]:
        """A document written on demand (``edi export``, ``edi inventory``): numbers
        allocated, text rendered and the log row (sent) in one transaction."""

        def work(conn: sqlite3.Connection) -> tuple[EdiDocument, str]:
            doc_id, text = self._insert_out(conn, partner_id, po_number, set_id, sets, render, serials, "sent")
            return self._doc(conn, doc_id), text

        return self._transaction(work)  # type: ignore[attr-defined]

    def edi_documents(self, po_number: int) -> list[EdiDocument]:
        """The order's EDI log, oldest first."""
        with self.reading() as conn:
            rows = conn.execute(
                f"SELECT {_DOC_COLUMNS} FROM edi_documents WHERE po_number = ? ORDER BY id", (po_number,)
            ).fetchall()
        return [_document(r) for r in rows]

    def waiting_documents(self) -> list[EdiDocument]:
        with self.reading() as conn:
            rows = conn.execute(
                f"SELECT {_DOC_COLUMNS} FROM edi_documents WHERE status = 'waiting' ORDER BY id"
            ).fetchall()
        return [_document(r) for r in rows]

    def edi_document(self, doc_id: int) -> tuple[EdiDocument, str | None]:
        with self.reading() as conn:
            return self._doc(conn, doc_id), conn.execute(
                "SELECT text FROM edi_documents WHERE id = ?", (doc_id,)
            ).fetchone()[0]

    def edi_snapshot(self, doc_id: int) -> Order | None:
        """The order as the action that made the document due left it; None for a
        document without one (on demand, a 997 or 846, or due before ``edi_snapshots``)."""
        with self.reading() as conn:
            row = conn.execute("SELECT snapshot FROM edi_documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"No EDI document {doc_id} in the store")
        return Order.model_validate_json(row[0]) if row[0] else None

    def _doc(self, conn: sqlite3.Connection, doc_id: int) -> EdiDocument:
        row = conn.execute(f"SELECT {_DOC_COLUMNS} FROM edi_documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"No EDI document {doc_id} in the store")
        return _document(row)

    def prepare_document(self, doc_id: int, render: Render, *, sets: int = 1, serials: int = 0) -> str:
        """The text of a waiting document: written once, under numbers allocated once (a
        re-delivery after a crash sends the very same text, never new numbers for it). A
        render that refuses leaves the document waiting with the reason."""

        def work(conn: sqlite3.Connection) -> str:
            row = conn.execute("SELECT partner_id, text FROM edi_documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"No EDI document {doc_id} in the store")
            if row[1] is not None:
                return row[1]
            conn.execute("SAVEPOINT render")
            try:
                controls = self._allocate(conn, row[0], sets, serials)
                text = render(controls)
            except InvalidInputError as exc:
                conn.execute("ROLLBACK TO render")
                conn.execute("RELEASE render")
                conn.execute("UPDATE edi_documents SET error = ? WHERE id = ?", (exc.message, doc_id))
                return ""
            conn.execute("RELEASE render")
            conn.execute(
                "UPDATE edi_documents SET text = ?, control_number = ?, set_control = ?, error = '' WHERE id = ?",
                (text, f"{controls.interchange:09d}", f"{controls.first_set:04d}", doc_id),
            )
            return text

        return self._transaction(work)  # type: ignore[attr-defined]

    def mark_sent(self, doc_id: int) -> bool:
        """Mark a delivered document sent; False when it was sent already."""

        def work(conn: sqlite3.Connection) -> bool:
            cur = conn.execute(
                "UPDATE edi_documents SET status = 'sent', sent_at = ? WHERE id = ? AND status = 'waiting'",
                (self._now().isoformat(), doc_id),
            )
            return cur.rowcount == 1

        return self._transaction(work)  # type: ignore[attr-defined]


def _our_key(partner: TradingPartner) -> str:
    ours = key(partner.our_qualifier, partner.our_id)
    return f"{ours}/{partner.our_gs_id}" if partner.our_gs_id else ours


def record_due(conn: sqlite3.Connection, old: Order, new: Order, at: datetime) -> None:
    """The outbox step of a workflow write, inside its transaction: a 'waiting' row for
    each document the change makes due, for an order that came in by EDI only, holding
    the order as this action left it (the document reports this action, whatever the
    order becomes before the delivery)."""
    due = documents_due(old, new)
    if not due:
        return
    row = conn.execute("SELECT partner_id FROM edi_orders WHERE po_number = ?", (new.po_number,)).fetchone()
    if row is None:
        return
    snapshot = new.model_dump_json()  # what the documents report (edi_snapshots)
    conn.executemany(
        "INSERT INTO edi_documents(partner_id, po_number, set_id, direction, status, created_at, snapshot) "
        "VALUES (?, ?, ?, 'out', 'waiting', ?, ?)",
        [(row[0], new.po_number, set_id, at.isoformat(), snapshot) for set_id in due],
    )
