"""855, 856, 810, 846 and 997 written from our records and read back by our reader;
counts, HL links, CTT and TDS checked independently of the writer."""

from __future__ import annotations

from decimal import Decimal

import factories
import pytest
from edi_samples import independent_check, interchange, lifecycle_order, set_850

from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.exports.edi.reader import read_interchanges
from dropship_tui.exports.edi.writer import Control, PartnerProfile
from dropship_tui.exports.edi.x810 import write_810
from dropship_tui.exports.edi.x846 import write_846
from dropship_tui.exports.edi.x855 import write_855
from dropship_tui.exports.edi.x856 import gs1_check_digit, sscc18, write_856
from dropship_tui.exports.edi.x997 import group_ack, write_997

PROFILE = PartnerProfile("ZZ", "MYSTICSPORTS", "ZZ", "BIGRETAILER", gs1_prefix="0614141")
CONTROL = Control(interchange=42, group=7, first_set=1, at=factories.NOW)


def _read(text):
    result = read_interchanges(text)
    assert result.refused == [], result.summary()
    (ts,) = result.sets()
    return ts


def _all(ts, sid):
    return [s for s in ts.body if s.id == sid]


def test_855_acknowledges_each_line_with_accepted_and_rejected_parts():
    order = lifecycle_order()
    text = write_855(order, PROFILE, CONTROL, line_ids={1: "001"})
    segments = independent_check(text)
    assert segments[0][13] == "000000042" and segments[1][6] == "7" and segments[1][1] == "PR"
    ts = _read(text)
    (bak,) = _all(ts, "BAK")
    assert (bak[1], bak[2], bak[3], bak[4], bak[9]) == ("00", "AC", "4500012345678", "20261124", "20261124")
    po1s = _all(ts, "PO1")
    assert [(p[1], p[2], p[4]) for p in po1s] == [("001", "5", "19.99"), ("2", "3", "0.125")]
    acks = [tuple(s[1:4]) for s in _all(ts, "ACK")]
    assert acks == [("IA", "5", "EA"), ("IA", "2", "EA"), ("IR", "1", "EA")]
    (ref,) = _all(ts, "REF")
    assert tuple(ref[1:]) == ("ZZ", "OS", "only 2 left")
    ctt = _all(ts, "CTT")[0]
    assert int(ctt[1]) == len(po1s) and int(ctt[2]) == sum(int(p[2]) for p in po1s)


def test_855_all_accepted_is_ad():
    ctx = factories.ctx()
    from dropship_tui.domain import workflow

    order = workflow.acknowledge(factories.order(), {}, {}, ctx).order
    bak = _all(_read(write_855(order, PROFILE, CONTROL)), "BAK")[0]
    assert bak[2] == "AD" and bak[3] == "82"  # no retailer PO: ours is echoed


def _hl_tree(ts):
    hls = _all(ts, "HL")
    ids = [int(h[1]) for h in hls]
    assert ids == list(range(1, len(hls) + 1))
    parent = {int(h[1]): (int(h[2]) if h[2] else None, h[3]) for h in hls}
    for hl_id, (up, level) in parent.items():
        expected = {"S": None, "O": "S", "P": "O", "I": "P"}[level]
        assert (up is None) if expected is None else parent[up][1] == expected
    return hls


def test_856_hierarchy_packs_and_tracking():
    order = lifecycle_order()
    text = write_856(order, PROFILE, CONTROL, ship_from=factories.location(), pack_serials={1: 1, 2: 2})
    independent_check(text)
    ts = _read(text)
    hls = _hl_tree(ts)
    assert [h[3] for h in hls] == ["S", "O", "P", "I", "I", "P", "I"]
    assert int(_all(ts, "CTT")[0][1]) == len(hls)
    (td5,) = _all(ts, "TD5")
    assert (td5[2], td5[3]) == ("2", "UPSN")
    assert _all(ts, "DTM")[0][1:] == ("011", "20261124")
    assert [n[1] for n in _all(ts, "N1")] == ["ST", "SF"]
    assert _all(ts, "PRF")[0][1] == "4500012345678"
    mans = [m[2] for m in _all(ts, "MAN")]
    for sscc in mans:
        assert len(sscc) == 18 and sscc[1:8] == "0614141"
        weights = [3 if i % 2 == 0 else 1 for i in range(17)]
        total = sum(int(d) * w for d, w in zip(sscc[:17], weights))
        assert (total + int(sscc[17])) % 10 == 0  # GS1 check digit, computed here
    assert len(set(mans)) == 2
    assert [tuple(r[1:]) for r in _all(ts, "REF")] == [("CN", "1Z5R89390357567127"), ("CN", "1Z410E7W0392751591")]
    lins = [tuple(l[1:]) for l in _all(ts, "LIN")]
    assert lins[0] == ("1", "VN", "V-SKU-123", "UP", "000000000001", "SK", "SKU-123")
    shipped = [int(s[2]) for s in _all(ts, "SN1")]
    assert shipped == [3, 2, 2] and sum(shipped) == order.units_accepted


def test_856_without_a_gs1_prefix_uses_the_tracking_number():
    profile = PartnerProfile("ZZ", "MYSTICSPORTS", "ZZ", "BIGRETAILER")
    ts = _read(write_856(lifecycle_order(), profile, CONTROL))
    assert [tuple(m[1:]) for m in _all(ts, "MAN")] == [("CP", "1Z5R89390357567127"), ("CP", "1Z410E7W0392751591")]


def test_sscc_is_the_gs1_example():
    assert gs1_check_digit("00614141123456789") == "0"  # GS1's published SSCC example
    assert sscc18("0614141", 123456789) == "006141411234567890"


def test_810_bills_accepted_units_at_contracted_prices():
    order = lifecycle_order()
    text = write_810(order, PROFILE, CONTROL)
    independent_check(text)
    ts = _read(text)
    big = _all(ts, "BIG")[0]
    assert tuple(big[1:5]) == ("20261124", "INV-82", "20261124", "4500012345678")
    it1s = _all(ts, "IT1")
    assert [(i[1], i[2], i[4]) for i in it1s] == [("1", "5", "19.99"), ("2", "2", "0.125")]
    amounts = [(Decimal(i[2]) * Decimal(i[4])).quantize(Decimal("0.01")) for i in it1s]
    (tds,) = _all(ts, "TDS")
    assert int(tds[1]) == int(sum(amounts) * 100) == 10020
    ctt = _all(ts, "CTT")[0]
    assert (int(ctt[1]), int(ctt[2])) == (len(it1s), 7)


@pytest.mark.parametrize("name", factories.HOSTILE_NAMES)
def test_hostile_free_text_is_carried_without_breaking_the_envelope(name):
    order = lifecycle_order()
    order = order.model_copy(update={"ship_to": order.ship_to.model_copy(update={"first_name": name + "*~>", "company": name})})
    ts = _read(write_856(order, PROFILE, CONTROL, pack_serials={1: 1, 2: 2}))
    n1 = _all(ts, "N1")[0]
    assert n1[2].startswith(name.replace("*", " ").replace("~", " ").replace(">", " ").strip())


def test_an_identifier_holding_a_delimiter_is_refused_naming_the_field():
    order = lifecycle_order()
    bad = order.model_copy(update={"lines": (order.lines[0].model_copy(update={"vendor_sku": "V*1"}), order.lines[1])})
    with pytest.raises(InvalidInputError, match=r"PO 82 line 1 vendor SKU: 'V\*1' contains '\*'"):
        write_810(bad, PROFILE, CONTROL)


def test_other_delimiters_and_005010():
    profile = PartnerProfile("ZZ", "MYSTICSPORTS", "12", "5125550100", version="005010", element="|", component="{", segment="\n")
    text = write_855(lifecycle_order(), profile, CONTROL)
    assert text.split("\n")[0][-2:] == "|{" and "|^|00501|" in text
    independent_check(text, term="\n", sep="|")
    assert _all(_read(text), "BAK")[0][3] == "4500012345678"


def test_846_one_set_per_location():
    from dropship_tui.store.base import StockLevel

    levels = [StockLevel("V-1", "WH1", 10, 3, 7), StockLevel("V-2", "WH1", 1, 4, -3), StockLevel("V-1", "WH2", 5, 0, 5)]
    text = write_846(levels, PROFILE, CONTROL, "INV-2026-11-24", upcs={"V-1": "000000000017"})
    independent_check(text)
    sets = read_interchanges(text).sets()
    assert [s.control for s in sets] == ["0001", "0002"]
    first = sets[0]
    assert _all(first, "N1")[0][4] == "WH1"
    assert [tuple(q[1:3]) for q in _all(first, "QTY")] == [("33", "7"), ("33", "0")]
    assert int(_all(first, "CTT")[0][1]) == len(_all(first, "LIN")) == 2


def test_997_accepts_and_rejects_sets_of_a_received_group():
    received = read_interchanges(interchange(set_850("0001"), set_850("0002", po="77")))
    group = received.interchanges[0].groups[0]
    text = write_997([group_ack(group, {"0002": "segment 17 (PO1): PO102 quantity is missing"})], PROFILE, CONTROL)
    independent_check(text)
    ts = _read(text)
    assert tuple(_all(ts, "AK1")[0][1:]) == ("PO", "905")
    assert [tuple(a[1:]) for a in _all(ts, "AK5")] == [("A",), ("R", "5")]
    assert tuple(_all(ts, "AK9")[0][1:]) == ("P", "2", "2", "1")


def test_997_rejects_a_refused_interchange():
    text = interchange(set_850()).replace("SE*20", "SE*19")
    refused = read_interchanges(text).refused[0]
    ts = _read(write_997([group_ack(g) for g in refused.interchange.groups], PROFILE, CONTROL))
    assert tuple(_all(ts, "AK5")[0][1:]) == ("R", "4") and _all(ts, "AK9")[0][1] == "R"


def test_round_trip_our_850_reader_to_our_855():
    from dropship_tui.exports.edi.x850 import read_850

    po = read_850(read_interchanges(interchange(set_850())).sets()[0])
    order_in = po.order_in(po_number=5001, vendor_code="MYSTIC", location_code="MYSTIC-WH1")
    from dropship_tui.domain import workflow
    from dropship_tui.domain.models import Line, Order, ShipTo

    order = Order(
        **order_in.model_dump(exclude={"lines", "ship_to"}),
        ship_to=ShipTo.model_validate(order_in.ship_to.model_dump()),
        lines=[Line(quantity_ordered=ln.quantity, **ln.model_dump(exclude={"quantity"})) for ln in order_in.lines],
    )
    order = workflow.acknowledge(order, {}, {}, factories.ctx()).order
    ts = _read(write_855(order, PROFILE, CONTROL, line_ids=po.line_ids))
    assert _all(ts, "BAK")[0][3] == "4500012345678"
    assert [p[1] for p in _all(ts, "PO1")] == ["001", "002"]


@pytest.mark.parametrize(
    "kwargs, field",
    [({"our_qualifier": "Z"}, "our_qualifier"), ({"our_id": "X" * 16}, "our_id"), ({"version": "003040"}, "version"),
     ({"element": "~"}, "must all differ"), ({"gs1_prefix": "12"}, "gs1_prefix"), ({"our_id": "A*B"}, "our_id"),
     ({"reason_codes": {"out_of_stock": "0*3"}}, "reason_codes.out_of_stock"),
     ({"reason_codes": {"late": "03"}}, "not one of our reasons"),
     ({"reason_codes": {"damaged": ""}}, "reason_codes.damaged"),
     ({"inventory_report_type": "dd"}, "inventory_report_type"),
     ({"inventory_report_type": "DDD"}, "inventory_report_type")],
)
def test_bad_profiles_are_refused(kwargs, field):
    base = dict(our_qualifier="ZZ", our_id="US", their_qualifier="ZZ", their_id="THEM")
    with pytest.raises(InvalidInputError, match=field.replace("*", r"\*")):
        PartnerProfile(**(base | kwargs))


def test_855_reason_codes_come_from_the_partner_profile_else_ours():
    order = lifecycle_order()  # line 2: 1 unit rejected, out of stock
    theirs = PartnerProfile("ZZ", "MYSTICSPORTS", "ZZ", "BIGRETAILER", reason_codes={"out_of_stock": "03"})
    (ref,) = _all(_read(write_855(order, theirs, CONTROL)), "REF")
    assert tuple(ref[1:]) == ("ZZ", "03", "only 2 left")
    other = PartnerProfile("ZZ", "MYSTICSPORTS", "ZZ", "BIGRETAILER", reason_codes={"damaged": "D1"})
    (ref,) = _all(_read(write_855(order, other, CONTROL)), "REF")
    assert ref[2] == "OS"  # a reason the partner does not rename keeps our code


def test_846_report_type_comes_from_the_partner_profile():
    from dropship_tui.store.base import StockLevel

    levels = [StockLevel("V-1", "WH1", 10, 3, 7)]
    bia = _all(_read(write_846(levels, PROFILE, CONTROL, "R1")), "BIA")[0]
    assert bia[2] == "DD"
    mb = PartnerProfile("ZZ", "MYSTICSPORTS", "ZZ", "BIGRETAILER", inventory_report_type="MB")
    assert _all(_read(write_846(levels, mb, CONTROL, "R1")), "BIA")[0][2] == "MB"
