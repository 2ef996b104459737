"""Bulk tracking import (issue 5 item 5): every row through ``save_tracking`` (R7) in its
own transaction, a report of applied / unchanged / refused rows with line numbers, and a
second import of the same file changing nothing."""

from __future__ import annotations

import json

import pytest

from dropship_tui.services import tracking_import
from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.store.demo.plans import ups_number
from dropship_tui.store.sqlite.store import SqliteStore

from factories import NOW, line, location, order, vendor
from test_cli import Cli, import_doc, order_doc

UPS_1 = "1Z999AA10123456784"
UPS_2 = ups_number("A5R001", "03", 1234567)
UPS_3 = ups_number("A5R001", "03", 7654321)
HEADER = "PO,Package Number,Tracking Number,Carrier\n"


@pytest.fixture
def store(tmp_path):
    s = SqliteStore(tmp_path / "store.db", user="jordan", clock=lambda: NOW)
    s.add_vendor(vendor())
    s.add_location(location())
    s.import_orders([order(82, lines=[line(1, qty=4)]), order(83), order(84)])
    o = s.acknowledge(82, None, {}, {})
    s.save_slips(82, o.version, [{1: 2}, {1: 2}])
    o = s.acknowledge(83, None, {}, {})
    s.save_slips(83, o.version, [{1: 5}])
    yield s  # 84 stays New
    s.close()


def write(tmp_path, text: str, name: str = "tracking.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(store, pos=(82, 83, 84)):
    return {po: (store.get_order(po).version, len(store.activity(po))) for po in pos}


def statuses(report):
    return [(r.line, r.status) for r in report.rows]


def test_valid_rows_are_saved_through_the_rules(store, tmp_path):
    path = write(tmp_path, HEADER + f"82,1,{UPS_1},\n82,2,{UPS_2},\n83,1,ABC-123,fed ex\n")
    report = tracking_import.import_tracking(store, path)
    assert statuses(report) == [(2, "applied"), (3, "applied"), (4, "applied")]
    o = store.get_order(82)
    assert [(s.tracking_number, s.carrier) for s in o.slips] == [(UPS_1, "UPS"), (UPS_2, "UPS")]
    slip = store.get_order(83).slip(1)
    assert (slip.tracking_number, slip.carrier) == ("ABC-123", "FedEx")  # no FedEx format: kept as typed
    assert report.to_json()["applied"] == 3 and report.refused == 0
    assert [a.action for a in store.activity(82)][:2] == ["Tracking number saved"] * 2


def test_invalid_rows_are_refused_with_line_po_slip_and_reason(store, tmp_path):
    before = snapshot(store)
    text = HEADER + (
        f"82,1,{UPS_1},\n"   # 2: fine
        f"82,2,{UPS_1},\n"   # 3: R7: the same number on another slip of the PO
        f"82,9,{UPS_2},\n"   # 4: no slip 9
        "83,1,NOTANUMBER,\n"  # 5: unrecognised and no carrier
        f"84,1,{UPS_3},\n"   # 6: still New
        f"99,1,{UPS_3},\n"   # 7: no such PO
        "x,0,,\n"            # 8: unreadable
        f"83,1,{UPS_1},\n"   # 9: already on PO 82 (store-wide uniqueness)
    )
    report = tracking_import.import_tracking(store, write(tmp_path, text))
    assert statuses(report) == [(2, "applied")] + [(n, "refused") for n in range(3, 10)]
    by_line = {r.line: r for r in report.rows}
    assert "already on slip 1" in by_line[3].message
    assert "has no slip 9" in by_line[4].message and (by_line[4].po_number, by_line[4].slip_number) == (82, 9)
    assert "name the carrier" in by_line[5].message
    assert "must be acknowledged" in by_line[6].message
    assert "PO 99 is not in the store" in by_line[7].message
    assert "not a PO number" in by_line[8].message and "missing tracking number" in by_line[8].message
    assert "already on PO 82 slip 1" in by_line[9].message
    after = snapshot(store)
    assert after[82] == (before[82][0] + 1, before[82][1] + 1)  # only line 2 applied
    assert after[83] == before[83] and after[84] == before[84]


def test_a_second_import_of_the_same_file_changes_nothing(store, tmp_path):
    path = write(
        tmp_path,
        HEADER + f"82,1,{UPS_1},\n82,2,{UPS_2},UPS\n83,1,abc 123,FedEx\n84,1,{UPS_3},\n",
    )
    first = tracking_import.import_tracking(store, path)
    assert [r.status for r in first.rows] == ["applied", "applied", "applied", "refused"]
    before = snapshot(store)
    again = tracking_import.import_tracking(store, path)
    assert [r.status for r in again.rows] == ["unchanged", "unchanged", "unchanged", "refused"]
    assert "already has" in again.rows[0].message
    assert snapshot(store) == before


def test_a_repeated_row_in_one_file_is_unchanged_and_a_new_number_is_a_change(store, tmp_path):
    path = write(tmp_path, HEADER + f"82,1,{UPS_1},\n82,1,{UPS_1},\n82,1,{UPS_3},\n")
    report = tracking_import.import_tracking(store, path)
    assert [r.status for r in report.rows] == ["applied", "unchanged", "applied"]
    assert f"changed from {UPS_1}" in report.rows[2].message
    assert store.get_order(82).slip(1).tracking_number == UPS_3
    assert store.activity(82)[0].action == "Tracking number changed"


def test_same_number_other_carrier_is_a_change_not_unchanged(store, tmp_path):
    tracking_import.import_tracking(store, write(tmp_path, HEADER + "83,1,ABC123,FedEx\n"))
    report = tracking_import.import_tracking(store, write(tmp_path, HEADER + "83,1,ABC123,DHL\n", "b.csv"))
    assert report.rows[0].status == "applied"
    assert store.get_order(83).slip(1).carrier == "DHL"


def test_file_level_problems(store, tmp_path):
    with pytest.raises(InvalidInputError, match="line 1: missing column package_number"):
        tracking_import.import_tracking(store, write(tmp_path, "po,tracking_number\n82,X\n"))
    with pytest.raises(InvalidInputError, match="empty"):
        tracking_import.import_tracking(store, write(tmp_path, ""))
    rows, problems = tracking_import.parse_tracking_csv("po_number;slip\n")  # one column named oddly
    assert rows == [] and problems


def test_the_carrier_column_is_optional(store, tmp_path):
    report = tracking_import.import_tracking(store, write(tmp_path, f"po,slip,tracking\n82,1,{UPS_1}\n"))
    assert report.applied == 1


# --- the CLI --------------------------------------------------------------------------------


@pytest.fixture
def cli_(tmp_path):
    c = Cli(tmp_path)
    c.ok("import", c.write("orders.json", import_doc(order_doc(82, qty=4), order_doc(83))))
    c.ok("ack", "82")
    c.ok("slips", "82", "--count", "2")
    return c


def test_cli_track_import_exit_codes_and_json(cli_):
    c = cli_
    good = c.write("good.csv", HEADER + f"82,1,{UPS_1},\n82,2,{UPS_2},\n")
    out = c.ok("track", "--import", good)
    assert "applied" in out and "2 applied, 0 unchanged, 0 refused" in out
    data = c.json("track", "--import", good)
    assert (data["applied"], data["unchanged"], data["refused"]) == (0, 2, 0)
    assert data["rows"][0] == {
        "line": 2, "po_number": 82, "slip_number": 1, "tracking_number": UPS_1,
        "carrier": "UPS", "status": "unchanged", "message": f"slip 1 already has {UPS_1}",
    }
    bad = c.write("bad.csv", HEADER + f"82,1,{UPS_1},\n83,1,{UPS_3},\n")
    result = c.run("track", "--import", bad)
    assert result.returncode == 1
    assert "line 3: PO 83 slip 1" in result.stdout and "must be acknowledged" in result.stdout
    assert result.stderr.strip() == "dropship-tui: 1 of 2 tracking rows refused"
    result = c.run("track", "--import", bad, "--json")
    assert result.returncode == 1 and json.loads(result.stdout)["refused"] == 1
    assert "missing column" in c.refused("track", "--import", c.write("h.csv", "po,slip\n82,1\n"))
    assert "No such file" in c.refused("track", "--import", str(c.tmp / "nope.csv"))


def test_cli_track_single_form_still_works_and_usage_errors(cli_):
    c = cli_
    assert UPS_1 in c.ok("track", "82", "1", UPS_1)
    assert "needs PO SLIP NUMBER" in c.refused("track", code=2)
    assert "needs PO SLIP NUMBER" in c.refused("track", "82", "1", code=2)
    assert "takes no PO" in c.refused("track", "82", "--import", "x.csv", code=2)
    assert "takes no PO" in c.refused("track", "--import", "x.csv", "--carrier", "UPS", code=2)
