"""Issue 10 part 2: EDI through the real store. Our 850 -> import -> workflow actions ->
the 855 / 856 / 810 from the outbox, read back by our reader and checked field by field;
refusals that import nothing; control numbers under two writer processes; the outbox
after a SIGKILL between the action and the delivery."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import factories as f
from dropship_tui.domain.actions import Acknowledge, GenerateInvoice, SaveSlips, SaveTracking
from dropship_tui.domain.edi import TradingPartner
from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import Reason, ReasonCode, SkuMapping
from dropship_tui.exports.edi.reader import read_interchanges
from dropship_tui.services.edi_import import import_edi
from dropship_tui.services.edi_outbox import deliver, export_document
from dropship_tui.services.edi_partners import add_partner
from dropship_tui.store.base import OrderQuery
from dropship_tui.store.opening import open_store_address
from dropship_tui.store.sqlite.store import SqliteStore

sys.path.insert(0, str(Path(__file__).parent / "edi"))
from edi_samples import independent_check, interchange, set_850  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PARTNER = TradingPartner(
    partner_id="BIGR", our_qualifier="ZZ", our_id="MYSTICSPORTS", their_qualifier="ZZ",
    their_id="BIGRETAILER", version="004010VICS", vendor_code="MYSTIC", location_code="MYSTIC-WH1",
    gs1_prefix="0614141",
)


def make_store(path: Path | str, *, partner: bool = True, vendors: int = 1) -> SqliteStore:
    """``path``: a SQLite file, or a PostgreSQL address (issue 11)."""
    store = open_store_address(path, clock=lambda: f.NOW)
    store.add_vendor(f.vendor("MYSTIC"))
    store.add_location(f.location("MYSTIC-WH1", "MYSTIC"))
    if vendors > 1:
        store.add_vendor(f.vendor("OTHER"))
        store.add_location(f.location("OTHER-WH1", "OTHER"))
    store.add_sku_mappings([SkuMapping(vendor_code="MYSTIC", product_code="P-9", vendor_sku="V-SKU-9",
                                       contracted_price="0.125")])
    if partner:
        add_partner(store, PARTNER)
    return store


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    s = make_store(request.getfixturevalue("pg_url") if request.param == "postgres" else tmp_path / "edi.db")
    yield s
    s.close()


def address(store) -> str:
    """What another process opens the store by: its file, or its PostgreSQL address."""
    return str(getattr(store, "address", store.path))


def segs(text: str) -> list[list[str]]:
    return [s.strip().split("*") for s in text.split("~") if s.strip()]


def find(segments, seg_id):
    return [s for s in segments if s[0] == seg_id]


def only_order(store) -> int:
    (row,) = store.connection.execute("SELECT po_number FROM orders").fetchall()
    return row[0]


def test_round_trip_850_to_855_856_810(store, tmp_path):
    report = import_edi(store, interchange(set_850(po="4500012345678", name="[bold]Ann[/] Lee")))
    assert report.imported and not report.refused, report.message
    po = only_order(store)
    order = store.get_order(po)
    assert order.retailer_po_number == "4500012345678"
    assert po != 4500012345678 and 1 <= po < 2**31  # BEG03 beyond 32 bits: a new PO number
    line2 = order.line(2)
    assert line2.vendor_sku == "V-SKU-9" and line2.product_code == "P-9"  # matched by vendor SKU
    assert str(line2.contracted_price) == "0.125"
    assert order.ship_to.first_name == "[bold]Ann[/]"
    # the dashboard search finds it by the retailer PO, exactly and by prefix
    for term in ("4500012345678", "45000123"):
        assert [s.po_number for s in store.list_orders(OrderQuery(search=term))] == [po]

    out = tmp_path / "out"
    reason = Reason(code=ReasonCode.OUT_OF_STOCK, text="only 1 left")
    order = store.act(po, None, Acknowledge(validated={1: 5, 2: 1}, reasons={2: reason}))
    assert [d.status.value for d in store.edi_documents(po) if d.set_id == "855"] == ["waiting"]
    sent = deliver(store, out).written
    names = sorted(p.name for p in sent)
    assert any("-855-" in n for n in names) and any("-997-" in n for n in names)
    text855 = next(p for p in sent if "-855-" in p.name).read_text()
    assert not read_interchanges(text855).refused
    independent_check(text855.replace("\n", ""))
    s = segs(text855)
    bak = find(s, "BAK")[0]
    assert bak[2] == "AC" and bak[3] == "4500012345678"
    assert [p[1] for p in find(s, "PO1")] == ["001", "002"]  # PO101 echoed as sent
    acks = [(a[1], a[2]) for a in find(s, "ACK")]
    assert acks == [("IA", "5"), ("IA", "1"), ("IR", "1")]
    assert find(s, "REF")[0][1:3] == ["ZZ", "OS"]

    order = store.act(po, None, SaveSlips(plan=[{1: 3, 2: 1}, {1: 2}]))
    order = store.act(po, None, SaveTracking(slip_number=1, tracking_number="1Z5R89390357567127"))
    assert not [d for d in store.edi_documents(po) if d.set_id == "856"]  # not every slip yet
    order = store.act(po, None, SaveTracking(slip_number=2, tracking_number="1Z410E7W0392751591"))
    text856 = next(p for p in deliver(store, out).written if "-856-" in p.name).read_text()
    independent_check(text856.replace("\n", ""))
    s = segs(text856)
    assert find(s, "PRF")[0][1] == "4500012345678"
    hls = find(s, "HL")
    ids = {h[1] for h in hls}
    assert all(h[2] in ids for h in hls if h[2])  # every HL parent exists
    assert [h[3] for h in hls] == ["S", "O", "P", "I", "I", "P", "I"]
    assert int(find(s, "CTT")[0][1]) == len(hls)
    mans = find(s, "MAN")
    assert [m[1] for m in mans] == ["GM", "GM"] and all(len(m[2]) == 18 for m in mans)
    assert mans[0][2] != mans[1][2]  # serials allocated per pack
    assert [r[2] for r in find(s, "REF")] == ["1Z5R89390357567127", "1Z410E7W0392751591"]
    assert [sn[2] for sn in find(s, "SN1")] == ["3", "1", "2"]

    order = store.act(po, None, GenerateInvoice())
    text810 = next(p for p in deliver(store, out).written if "-810-" in p.name).read_text()
    independent_check(text810.replace("\n", ""))
    s = segs(text810)
    big = find(s, "BIG")[0]
    assert big[2] == order.invoice.invoice_number and big[4] == "4500012345678"
    it1 = find(s, "IT1")
    assert [(i[1], i[2]) for i in it1] == [("001", "5"), ("002", "1")]
    assert int(find(s, "TDS")[0][1]) == int(order.invoice.total * 100)
    assert int(find(s, "CTT")[0][1]) == len(it1)

    log = store.edi_documents(po)
    assert [(d.set_id, d.status.value) for d in log] == [("850", "received"), ("855", "sent"), ("856", "sent"), ("810", "sent")]
    controls = [int(d.control_number) for d in log if d.direction == "out"]
    assert controls == sorted(controls) and len(set(controls)) == len(controls)
    assert deliver(store, out).written == []  # nothing is sent twice


def test_on_demand_export_uses_new_control_numbers(store):
    import_edi(store, interchange(set_850()))
    po = only_order(store)
    store.act(po, None, Acknowledge(validated={1: 5, 2: 2}))
    a, text_a = export_document(store, po, "855")
    b, _ = export_document(store, po, "855")
    assert int(b.control_number) > int(a.control_number)
    assert find(segs(text_a), "BAK")[0][2] == "AD"
    with pytest.raises(InvalidInputError, match="every packing slip tracked"):
        export_document(store, po, "856")


def _nothing_imported(store):
    assert store.connection.execute("SELECT count(*) FROM orders").fetchone()[0] == 0


def test_refused_wrong_se01(store):
    bad = interchange(set_850()).replace("SE*20*0001", "SE*18*0001")
    report = import_edi(store, bad)
    assert "SE01 says 18 segments, the set has 20" in report.message and not report.imported
    _nothing_imported(store)


def test_refused_missing_iea(store):
    bad = interchange(set_850()).replace("IEA*1*000000905~", "")
    report = import_edi(store, bad)
    assert "IEA" in " ".join(report.refused) and not report.imported
    _nothing_imported(store)


def test_refused_unknown_partner(tmp_path):
    with make_store(tmp_path / "two.db", partner=False, vendors=2) as store:
        report = import_edi(store, interchange(set_850()))
        assert "unknown trading partner ZZ/BIGRETAILER -> ZZ/MYSTICSPORTS" in report.message
        _nothing_imported(store)
        assert store.partners() == []


def test_one_vendor_without_profile_uses_it_and_says_so(tmp_path):
    with make_store(tmp_path / "one.db", partner=False) as store:
        report = import_edi(store, interchange(set_850()))
        assert "the store's one vendor MYSTIC is used" in report.message
        assert store.get_order(only_order(store)).vendor_code == "MYSTIC"


def test_refused_po1_without_quantity_rejected_in_997(store, tmp_path):
    bad = interchange(set_850()).replace("PO1*001*5*EA", "PO1*001**EA")
    report = import_edi(store, bad)
    assert "PO102 quantity is missing" in report.message and not report.imported
    _nothing_imported(store)
    (ack,) = deliver(store, tmp_path / "out").written
    s = segs(ack.read_text())
    assert find(s, "AK5")[0][1:3] == ["R", "5"] and find(s, "AK9")[0][1] == "R"


def test_duplicate_850_is_a_no_op_that_says_so(store):
    import_edi(store, interchange(set_850()))
    again = import_edi(store, interchange(set_850(), control="000000906", group="906"))
    assert again.imported == [] and "already imported as PO" in again.message
    same_isa = import_edi(store, interchange(set_850()))
    assert "was received from BIGR already" in same_isa.message
    assert store.connection.execute("SELECT count(*) FROM orders").fetchone()[0] == 1


def test_beg03_that_is_a_free_po_number_becomes_ours(store):
    import_edi(store, interchange(set_850(po="777")))
    assert store.get_order(777).retailer_po_number == "777"


WRITER = textwrap.dedent("""
    import sys
    from dropship_tui.store.opening import open_store_address
    s = open_store_address(sys.argv[1])
    out = [s.allocate_controls("BIGR").interchange for _ in range(int(sys.argv[2]))]
    print(" ".join(map(str, out)))
""")


def test_control_numbers_unique_under_two_writer_processes(store, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, address(store), "150"], stdout=subprocess.PIPE,
                              text=True, env=env) for _ in range(2)]
    outs = [list(map(int, p.communicate(timeout=120)[0].split())) for p in procs]
    for numbers in outs:
        assert numbers == sorted(numbers) and len(numbers) == 150  # strictly increasing in each
    together = outs[0] + outs[1]
    assert len(set(together)) == 300  # never the same number twice
    assert store.allocate_controls("BIGR").interchange == max(together) + 1  # survives: on disk


KILLED = textwrap.dedent("""
    import os, signal, sys
    from dropship_tui.domain.actions import AcknowledgeInFull
    from dropship_tui.store.opening import open_store_address
    s = open_store_address(sys.argv[1])
    s.act(int(sys.argv[2]), None, AcknowledgeInFull())
    os.kill(os.getpid(), signal.SIGKILL)  # after the action committed, before any delivery
""")


def test_outbox_survives_sigkill_then_watch_once_delivers_exactly_once(store, tmp_path):
    import_edi(store, interchange(set_850()))
    po = only_order(store)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    killed = subprocess.run([sys.executable, "-c", KILLED, address(store), str(po)], env=env, timeout=60)
    assert killed.returncode == -signal.SIGKILL
    inbox, outbox = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    # a crash between "marked sent" and the rename left a temporary file of a sent doc
    cmd = [sys.executable, "-m", "dropship_tui", "edi", "watch", "--inbox", str(inbox), "--outbox", str(outbox),
           "--once", "--settle", "0", "--db", address(store)]
    for _ in range(2):
        run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
    files = sorted(p.name for p in outbox.iterdir())
    assert len([n for n in files if "-855-" in n]) == 1 and not [n for n in files if n.startswith(".")]
    (doc,) = [d for d in store.edi_documents(po) if d.set_id == "855"]
    assert doc.status.value == "sent"


def test_watch_reads_only_settled_files_and_archives(store, tmp_path):
    from dropship_tui.services.edi_watch import one_pass

    inbox, outbox, archive = tmp_path / "in", tmp_path / "out", tmp_path / "arch"
    inbox.mkdir()
    (inbox / ".half.part").write_text(interchange(set_850()))
    (inbox / "po.x12").write_text(interchange(set_850(po="PO-A1")))
    result = one_pass(store, inbox, outbox, archive, settle=0)
    assert "1 order imported" in result.lines[0]
    assert [p.name for p in archive.iterdir()] == ["po.x12"]
    assert (inbox / ".half.part").exists()
    assert [p.name for p in outbox.iterdir() if "-997-" in p.name]


def test_store_before_the_edi_step_upgrades_and_indexes_retailer_po(tmp_path):
    from dropship_tui.store.sqlite import schema
    from dropship_tui.store.sqlite.connection import connect

    path = tmp_path / "old.db"
    conn = connect(path)
    schema.migrate(conn, target=schema.MIGRATIONS.index(schema.edi_tables.step))
    conn.close()
    with SqliteStore(path, clock=lambda: f.NOW) as s:
        s.add_vendor(f.vendor())
        s.add_location(f.location())
        s.import_orders([f.order(82).model_copy(update={"retailer_po_number": "R-82"})])
        assert s.order_by_retailer_po("MYSTIC", "R-82") == 82
        assert s.schema_version == schema.SCHEMA_VERSION
