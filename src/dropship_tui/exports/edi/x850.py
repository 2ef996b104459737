"""850 purchase order -> the JSON import's input models (``import_format.OrderIn``), so
an order from X12 is held to exactly the validation an order from our JSON file is.

``read_850(ts)`` maps one transaction set (docs/edi.md has the table) and refuses it
with every problem named by segment and element ("segment 7 (PO1): PO102 quantity is
missing"). What the 850 cannot say (our PO number when BEG03 is not one, the vendor and
location, from the trading partner profile) the caller adds with ``order_in``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Strict, ValidationError

from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import Code, PoNumber, po_number_or_none
from dropship_tui.exports.edi.reader import Segment, TransactionSet
from dropship_tui.exports.import_format import OrderIn, path_of, plain_message

BUYER_ITEM = ("SK", "IN", "BP", "CB")
"""Product id qualifiers of the buyer's (retailer's) item: SKU, buyer's item, buyer's
part, buyer's catalog number; the first found is the line's SKU and product code."""
VENDOR_ITEM = ("VN", "VP")
UPC = ("UP", "EN", "UK")
"""UPC-A, EAN-13, GTIN-14: the line's UPC (the first found)."""
NEW_ORDER_PURPOSES = {"00": "original", "06": "confirmation", "07": "duplicate"}
_PURPOSE_NAMES = {"01": "cancellation", "04": "change", "05": "replace"}
SHIP_DATE_QUALIFIERS = ("010", "002", "037")
"""DTM01 codes taken as the requested ship date, by preference: requested ship,
delivery requested, ship not before."""
_PLACEHOLDER = {"vendor_code": "-", "location_code": "-"}


class _Keys(BaseModel):
    """What the caller adds to an 850 (``PurchaseOrder.order_in``), checked by the same
    types as ``OrderIn``'s."""

    model_config = ConfigDict(str_strip_whitespace=True)

    po_number: Annotated[PoNumber, Strict()]
    vendor_code: Code
    location_code: Code


ProductCode = Callable[[str, str, str], str]
"""(product code, vendor SKU, UPC) as the 850 line names them -> our product code."""


@dataclass(frozen=True)
class PurchaseOrder:
    retailer_po_number: str
    proposed_po_number: int | None
    """BEG03 when it is a PO number of ours (a positive 32-bit integer), else None."""
    purpose: str
    order_type: str
    carrier: str
    """TD503: the carrier's SCAC (or other id) when given; Order has no field for it."""
    line_ids: dict[int, str]
    """Our line id -> PO101 as the retailer sent it (to echo "001" back as "001")."""
    checked: OrderIn = field(repr=False)
    """The set as the import's ``OrderIn``, validated once by ``read_850`` with
    placeholders for what the 850 cannot say (``order_in`` fills them in)."""

    def order_in(self, *, po_number: int, vendor_code: str, location_code: str,
                 product_code: ProductCode | None = None) -> OrderIn:
        """The order as the JSON import takes it (``import_format.resolve`` next), each
        line's product code through ``product_code`` when given (the SKU mapping match).
        Only the added values are checked: the rest was validated when the set was read."""
        try:
            keys = _Keys.model_validate({"po_number": po_number, "vendor_code": vendor_code,
                                         "location_code": location_code})
        except ValidationError as exc:
            problems = [f"{path_of(e['loc'])}: {plain_message(e)}" for e in exc.errors()]
            raise InvalidInputError(f"PO {self.retailer_po_number}: " + "; ".join(problems), problems) from None
        update: dict[str, Any] = keys.model_dump()
        if product_code is not None:
            codes = [product_code(ln.product_code, ln.vendor_sku, ln.upc) for ln in self.checked.lines]
            if any(code != ln.product_code for code, ln in zip(codes, self.checked.lines)):
                update["lines"] = [
                    ln if code == ln.product_code else ln.model_copy(update={"product_code": code})
                    for code, ln in zip(codes, self.checked.lines)
                ]
        return self.checked.model_copy(update=update)


class _Problems(list[str]):
    def add(self, seg: Segment, index: int | None, why: str) -> None:
        self.append(f"{seg.where(index)} {why}" if index is not None else f"{seg.where()}: {why}")


def _date(seg: Segment, index: int, problems: _Problems, time_index: int | None = None) -> datetime | None:
    raw = seg.get(index)
    if not raw:
        return None
    try:
        if len(raw) == 6:  # YYMMDD, as older guides write dates
            raw = "20" + raw
        if len(raw) != 8 or not raw.isdigit() or not raw.isascii():
            raise ValueError(raw)
        day = datetime(int(raw[:4]), int(raw[4:6]), int(raw[6:]))  # strptime is 10x slower
        clock = seg.get(time_index) if time_index else ""
        if clock:
            day = day.replace(hour=int(clock[:2]), minute=int(clock[2:4] or 0))
    except ValueError:
        problems.add(seg, index, f"date {raw!r} is not a date (CCYYMMDD)")
        return None
    return day.replace(tzinfo=timezone.utc)


def _decimal(raw: str) -> Decimal:
    """The element as a number; NaN when it is none (the callers say why it is refused)."""
    try:
        return Decimal(raw)
    except InvalidOperation:
        return Decimal("NaN")


def _quantity(seg: Segment, problems: _Problems) -> int | None:
    raw = seg.get(2)
    if not raw:
        problems.add(seg, 2, "quantity is missing")
        return None
    value = _decimal(raw)
    if not value.is_finite() or value != value.to_integral_value():
        problems.add(seg, 2, f"quantity {raw!r} must be a whole number")
        return None
    return int(value)


def _price(seg: Segment, problems: _Problems) -> Decimal | None:
    raw = seg.get(4)
    if not raw:
        problems.add(seg, 4, "unit price is missing")
        return None
    value = _decimal(raw)
    if not value.is_finite():
        problems.add(seg, 4, f"unit price {raw!r} must be an amount like 19.99")
        return None
    return value


def _ids(seg: Segment, first: int) -> dict[str, str]:
    """Qualifier -> id of the (qualifier, id) pairs from element ``first`` on."""
    out: dict[str, str] = {}
    for i in range(first, len(seg) - 1, 2):
        qualifier, value = seg[i], seg[i + 1]
        if qualifier and value:
            out.setdefault(qualifier, value)
    return out


def _first(ids: dict[str, str], qualifiers: tuple[str, ...]) -> str:
    return next((ids[q] for q in qualifiers if q in ids), "")


class _Reader:
    def __init__(self, ts: TransactionSet) -> None:
        self.ts = ts
        self.problems = _Problems()
        self.where: dict[str, tuple[Segment, int | None]] = {}
        """Field path in OrderIn -> the segment and element it came from (named only
        when a problem needs it: ``Segment.where``)."""
        self.fields: dict[str, Any] = {}
        self.ship_to: dict[str, Any] = {"address": {}}
        self.lines: list[dict[str, Any]] = []
        self.line_ids: dict[int, str] = {}
        self.references: list[dict[str, str]] = []
        self.dates: dict[str, datetime] = {}
        self.carrier = ""
        self.beg: Segment | None = None
        self.ctt: Segment | None = None
        self.po1_count = 0

    def put(self, target: dict[str, Any], key: str, value: Any, path: str, seg: Segment, index: int) -> None:
        if value in ("", None):
            return
        target[key] = value
        self.where[path] = (seg, index)

    def run(self) -> PurchaseOrder:
        party = ""
        line: dict[str, Any] | None = None
        for seg in self.ts.body:
            sid = seg.id
            if sid == "PO1":
                line = self.po1(seg)
                party = ""
            elif sid == "CTT":
                self.ctt, line = seg, None
            elif line is not None:
                if sid == "PID":
                    desc = seg.get(5)
                    if desc:
                        joined = f"{line.get('description', '')} {desc}".strip()
                        self.put(line, "description", joined, f"lines[{len(self.lines) - 1}].description", seg, 5)
            elif sid == "BEG":
                self.beg = seg
            elif sid == "CUR":
                self.put(self.fields, "currency", seg.get(2), "currency", seg, 2)
            elif sid == "REF":
                self.reference(seg)
            elif sid == "DTM":
                when = _date(seg, 2, self.problems, 3)
                if when is not None and seg.get(1) in SHIP_DATE_QUALIFIERS:
                    self.dates.setdefault(seg.get(1), when)
                    self.where.setdefault(f"dtm{seg.get(1)}", (seg, 2))
            elif sid == "TD5":
                self.put(self.fields, "shipping_method", seg.get(5) or seg.get(12), "shipping_method", seg, 5 if seg.get(5) else 12)
                self.carrier = self.carrier or seg.get(3)
            elif sid == "N1":
                party = seg.get(1)
                if party == "ST":
                    self.name(seg)
            elif party == "ST":
                self.ship_to_part(seg)
        return self.finish()

    def reference(self, seg: Segment) -> None:
        i = len(self.references)
        ref = {"qualifier": seg.get(1), "value": seg.get(2), "description": seg.get(3)}
        self.references.append({k: v for k, v in ref.items() if v})
        self.where[f"references[{i}]"] = (seg, None)
        self.where[f"references[{i}].qualifier"] = (seg, 1)
        if seg.get(1) == "CO" and seg.get(2):
            self.put(self.fields, "order_number", seg.get(2), "order_number", seg, 2)

    def name(self, seg: Segment) -> None:
        # N102 is the person (split at the last space); N2 adds a company; a ship-to
        # with only a company name is valid (the name is then the company's).
        first, _, last = seg.get(2).rpartition(" ")
        if not first:
            first, last = last, ""
        self.put(self.ship_to, "first_name", first, "ship_to.first_name", seg, 2)
        self.put(self.ship_to, "last_name", last, "ship_to.last_name", seg, 2)

    def ship_to_part(self, seg: Segment) -> None:
        address = self.ship_to["address"]
        sid = seg.id
        if sid == "N2":
            self.put(self.ship_to, "company", " ".join(p for p in seg[1:3] if p), "ship_to.company", seg, 1)
        elif sid == "N3":
            if "line1" not in address:
                self.put(address, "line1", seg.get(1), "ship_to.address.line1", seg, 1)
                self.put(address, "line2", seg.get(2), "ship_to.address.line2", seg, 2)
            else:
                more = " ".join(p for p in (address.get("line2", ""), seg.get(1), seg.get(2)) if p)
                self.put(address, "line2", more, "ship_to.address.line2", seg, 1)
        elif sid == "N4":
            for index, key in ((1, "city"), (2, "state"), (3, "postal_code"), (4, "country_code")):
                self.put(address, key, seg.get(index), f"ship_to.address.{key}", seg, index)
        elif sid == "PER":
            pairs = _ids(seg, 3)
            self.put(self.ship_to, "phone", pairs.get("TE", ""), "ship_to.phone", seg, 4)
            self.put(self.ship_to, "email", pairs.get("EM", ""), "ship_to.email", seg, 6)

    def po1(self, seg: Segment) -> dict[str, Any] | None:
        self.po1_count += 1
        position = self.po1_count
        raw_id = seg.get(1)
        line_id = int(raw_id) if raw_id.isdigit() and len(raw_id) <= 7 and int(raw_id) > 0 else position
        if line_id in self.line_ids:
            self.problems.add(seg, 1, f"line id {raw_id or position} appears twice in this PO")
            return None
        quantity, price = _quantity(seg, self.problems), _price(seg, self.problems)
        ids = _ids(seg, 6)
        buyer, vendor, upc = _first(ids, BUYER_ITEM), _first(ids, VENDOR_ITEM), _first(ids, UPC)
        code = buyer or vendor or upc
        if not code:
            self.problems.add(seg, 6, "has no product id: PO106/PO107 need a buyer's item (SK, IN, BP, CB), vendor item (VN, VP) or UPC (UP, EN)")
        if quantity is None or price is None or not code:
            return None
        self.line_ids[line_id] = raw_id or str(position)
        line = {"line_id": line_id}
        path = f"lines[{len(self.lines)}]"
        self.where[path] = (seg, None)
        self.put(line, "quantity", quantity, f"{path}.quantity", seg, 2)
        self.put(line, "retail_price", price, f"{path}.retail_price", seg, 4)
        qual_at = {q: i + 1 for i, q in enumerate(seg) if i >= 6 and i % 2 == 0}
        for key, value, quals in (("sku", code, BUYER_ITEM + VENDOR_ITEM + UPC), ("vendor_sku", vendor, VENDOR_ITEM), ("upc", upc, UPC)):
            index = next((qual_at[q] for q in quals if q in qual_at and ids.get(q) == value), 7)
            self.put(line, key, value, f"{path}.{key}", seg, index)
        line["product_code"] = code
        self.where[f"{path}.product_code"] = self.where[f"{path}.sku"]
        self.lines.append(line)
        return line

    def finish(self) -> PurchaseOrder:
        ts, beg = self.ts, self.beg
        if beg is None:
            self.problems.append(f"set {ts.control} (ST segment {ts.segments[0].number}): the 850 has no BEG segment")
            raise self.refusal()
        purpose, retailer_po = beg.get(1), beg.get(3)
        if purpose not in NEW_ORDER_PURPOSES:
            name = _PURPOSE_NAMES.get(purpose, "not a new order")
            self.problems.add(beg, 1, f"purpose {purpose!r} ({name}) is not imported: only new orders (00, 06, 07) are")
        if not retailer_po:
            self.problems.add(beg, 3, "purchase order number is missing")
        self.put(self.fields, "retailer_po_number", retailer_po, "retailer_po_number", beg, 3)
        self.fields.setdefault("order_number", retailer_po)
        self.where.setdefault("order_number", (beg, 3))
        order_date = _date(beg, 5, self.problems)
        if order_date is None and not beg.get(5):
            self.problems.add(beg, 5, "purchase order date is missing")
        self.put(self.fields, "order_date", order_date, "order_date", beg, 5)
        for qualifier in SHIP_DATE_QUALIFIERS:
            if qualifier in self.dates:
                self.fields["requested_ship_date"] = self.dates[qualifier]
                self.where["requested_ship_date"] = self.where[f"dtm{qualifier}"]
                break
        if not self.po1_count:
            self.problems.append(f"set {ts.control}: the 850 has no PO1 line")
        if self.ctt is not None and self.ctt.get(1) and self.ctt.get(1) != str(self.po1_count):
            self.problems.add(self.ctt, 1, f"says {self.ctt.get(1)} lines, the set has {self.po1_count}")
        self.fields.update(ship_to=self.ship_to, lines=self.lines, references=self.references)
        proposed = po_number_or_none(retailer_po) if retailer_po.isdigit() else None
        checked = self.validate(proposed)
        if self.problems or checked is None:
            raise self.refusal()
        return PurchaseOrder(retailer_po, proposed, purpose, beg.get(2), self.carrier, self.line_ids, checked)

    def validate(self, proposed: int | None) -> OrderIn | None:
        """OrderIn's own checks, each problem named by the segment it came from."""
        try:
            return OrderIn.model_validate({**self.fields, **_PLACEHOLDER, "po_number": proposed or 1})
        except ValidationError as exc:
            for error in exc.errors():
                path = path_of(error["loc"])
                where = self._where(path)
                self.problems.append(f"{where} ({path}) {plain_message(error)}")
            return None

    def _where(self, path: str) -> str:
        probe = path
        while probe:
            if probe in self.where:
                seg, index = self.where[probe]
                return seg.where(index)
            probe = probe.rpartition(".")[0] if "." in probe else ""
        return f"segment {self.ts.segments[0].number} (ST)"

    def refusal(self) -> InvalidInputError:
        head = f"850 {self.ts.control}"
        if self.beg is not None and self.beg.get(3):
            head += f" (PO {self.beg.get(3)})"
        return InvalidInputError(f"{head} refused, nothing imported: " + "; ".join(self.problems), list(self.problems))


def read_850(ts: TransactionSet) -> PurchaseOrder:
    """One 850 as a purchase order, or ``InvalidInputError`` naming every problem."""
    if ts.set_id != "850":
        raise InvalidInputError(f"set {ts.control} is a {ts.set_id}, not an 850 purchase order")
    return _Reader(ts).run()
