"""Issue 10 part 3: the partner's own 855 reason codes and 846 report type (profile
fields set by ``edi partner add|edit``), and the 855 that reports the acknowledgement
that made it due, even when the order changes again before the delivery."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import factories as f
from dropship_tui.domain.actions import Acknowledge, AcknowledgeInFull, Cancel, Reopen
from dropship_tui.domain.models import Reason, ReasonCode
from dropship_tui.services.edi_import import import_edi
from dropship_tui.services.edi_outbox import deliver, inventory
from dropship_tui.store.sqlite.store import SqliteStore
from test_cli import Cli, cli_  # noqa: F401 - the fixture

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "edi"))
from edi_samples import independent_check, interchange, set_850  # noqa: E402
from test_edi_store import PARTNER, find, make_store, only_order, segs  # noqa: E402

SHORT = Acknowledge(validated={1: 5, 2: 1}, reasons={2: Reason(code=ReasonCode.OUT_OF_STOCK, text="only 1 left")})


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path / "edi.db")
    yield s
    s.close()


def _855s(store, out: Path) -> list[list[list[str]]]:
    texts = [p.read_text() for p in deliver(store, out).written if "-855-" in p.name]
    for text in texts:
        independent_check(text.replace("\n", ""))
    return [segs(t) for t in texts]


def _acks(s) -> list[tuple[str, str]]:
    return [(a[1], a[2]) for a in find(s, "ACK")]


def test_855_reports_its_acknowledgement_though_the_order_was_reopened_before_delivery(store, tmp_path):
    import_edi(store, interchange(set_850()))
    po = only_order(store)
    store.act(po, None, SHORT)
    store.act(po, None, Reopen(reason=Reason(code=ReasonCode.OTHER, text="customer called")))
    store.act(po, None, AcknowledgeInFull())
    first, second = _855s(store, tmp_path / "out")  # both delivered only now
    assert find(first, "BAK")[0][2] == "AC"
    assert _acks(first) == [("IA", "5"), ("IA", "1"), ("IR", "1")]
    assert find(first, "REF")[0][1:4] == ["ZZ", "OS", "only 1 left"]
    assert find(second, "BAK")[0][2] == "AD"
    assert _acks(second) == [("IA", "5"), ("IA", "2")] and not find(second, "REF")
    assert [d.status.value for d in store.edi_documents(po) if d.set_id == "855"] == ["sent", "sent"]


def test_855_reports_its_acknowledgement_though_the_order_was_canceled_before_delivery(store, tmp_path):
    import_edi(store, interchange(set_850()))
    po = only_order(store)
    store.act(po, None, AcknowledgeInFull())
    store.act(po, None, Cancel(reason=Reason(code=ReasonCode.DAMAGED, text="")))
    (s,) = _855s(store, tmp_path / "out")
    assert find(s, "BAK")[0][2] == "AD"  # what was acknowledged, not RD from the canceled order
    assert _acks(s) == [("IA", "5"), ("IA", "2")]


def test_a_waiting_855_without_a_snapshot_is_written_from_the_current_order(store, tmp_path):
    import_edi(store, interchange(set_850()))
    po = only_order(store)
    store.act(po, None, SHORT)
    (doc,) = [d for d in store.edi_documents(po) if d.set_id == "855"]
    assert store.edi_snapshot(doc.id) is not None
    store.connection.execute("UPDATE edi_documents SET snapshot = NULL WHERE id = ?", (doc.id,))  # as due before the step
    assert store.edi_snapshot(doc.id) is None
    (s,) = _855s(store, tmp_path / "out")
    assert _acks(s) == [("IA", "5"), ("IA", "1"), ("IR", "1")]


def test_store_before_the_snapshot_step_upgrades_keeping_waiting_documents(tmp_path):
    from dropship_tui.store.sqlite import edi_snapshots, schema
    from dropship_tui.store.sqlite.connection import connect

    path = tmp_path / "old.db"
    conn = connect(path)
    schema.migrate(conn, target=schema.MIGRATIONS.index(edi_snapshots.step))
    conn.execute("INSERT INTO edi_documents(set_id, direction, status, created_at) "
                 "VALUES ('855', 'out', 'waiting', '2026-11-24T00:00:00+00:00')")
    conn.close()
    with SqliteStore(path, clock=lambda: f.NOW) as s:
        assert s.schema_version == schema.SCHEMA_VERSION
        (doc,) = s.waiting_documents()
        assert s.edi_snapshot(doc.id) is None


def test_partner_reason_codes_and_report_type_reach_the_855_and_846(tmp_path):
    with make_store(tmp_path / "p.db", partner=False) as store:
        store.add_partner(PARTNER.model_copy(update={
            "reason_codes": {ReasonCode.OUT_OF_STOCK: "03"}, "inventory_report_type": "MB"}))
        import_edi(store, interchange(set_850()))
        po = only_order(store)
        store.act(po, None, SHORT)
        (s,) = _855s(store, tmp_path / "out")
        assert find(s, "REF")[0][1:3] == ["ZZ", "03"]
        store.set_stock("V-SKU-9", "MYSTIC-WH1", 4)
        _, text = inventory(store, "BIGR", None)
        assert find(segs(text), "BIA")[0][1:3] == ["00", "MB"]


def _seed(cli: Cli) -> None:
    with SqliteStore(cli.db, clock=lambda: f.NOW) as s:
        s.add_vendor(f.vendor())
        s.add_location(f.location())


def test_cli_partner_add_and_edit_reason_codes_and_report_type(cli_):  # noqa: F811
    _seed(cli_)
    base = ("--vendor", "MYSTIC", "--our-id", "MYSTICSPORTS", "--their-id", "BIGRETAILER")
    added = cli_.json("edi", "partner", "add", "BIGR", *base, "--version", "004010VICS",
                      "--reason-code", "out_of_stock=03", "--reason-code", "DM=07", "--report-type", "MB")
    assert added["reason_codes"] == {"out_of_stock": "03", "damaged": "07"}
    assert added["inventory_report_type"] == "MB"
    # edit changes what is given and keeps the rest
    edited = cli_.json("edi", "partner", "edit", "BIGR", "--reason-code", "damaged=", "--reason-code", "OT=99",
                       "--test")
    assert edited["reason_codes"] == {"out_of_stock": "03", "other": "99"}
    assert (edited["version"], edited["inventory_report_type"], edited["usage"]) == ("004010VICS", "MB", "T")
    assert cli_.json("edi", "partner", "show", "BIGR") == edited
    assert "not one of our reasons" in cli_.refused("edi", "partner", "edit", "BIGR", "--reason-code", "late=1")
    assert "reason_codes.out_of_stock" in cli_.refused("edi", "partner", "edit", "BIGR", "--reason-code", "OS=0*3")
    assert "inventory_report_type" in cli_.refused("edi", "partner", "edit", "BIGR", "--report-type", "mb")
    assert "OURS=THEIRS" in cli_.refused("edi", "partner", "edit", "BIGR", "--reason-code", "OS", code=2)
    assert "NOPE" in cli_.refused("edi", "partner", "edit", "NOPE", "--test")
    assert cli_.json("edi", "partner", "show", "BIGR") == edited  # refusals changed nothing
    # the default profile keeps our list and DD
    plain = cli_.json("edi", "partner", "add", "OTHER", "--vendor", "MYSTIC", "--our-id", "US", "--their-id", "THEM")
    assert (plain["reason_codes"], plain["inventory_report_type"]) == ({}, "DD")
