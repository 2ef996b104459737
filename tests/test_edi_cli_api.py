"""Issue 10 part 2: the ``edi`` CLI (real processes) and the EDI routes on the real
server (tests/test_remote_support.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx

import factories as f
from test_cli import Cli, cli_  # noqa: F401 - the fixture
from test_remote_support import fresh_backend, live_server  # noqa: F401 - the fixture

sys.path.insert(0, str(Path(__file__).parent / "edi"))
from edi_samples import interchange, set_850  # noqa: E402

from dropship_tui.domain.edi import TradingPartner  # noqa: E402


def _seed(cli: Cli) -> None:
    from dropship_tui.store.sqlite.store import SqliteStore

    with SqliteStore(cli.db, clock=lambda: f.NOW) as s:
        s.add_vendor(f.vendor())
        s.add_location(f.location())


def test_cli_partner_import_show_export(cli_):  # noqa: F811
    _seed(cli_)
    out = cli_.ok("edi", "partner", "add", "BIGR", "--vendor", "MYSTIC", "--location", "MYSTIC-WH1",
                  "--our-id", "MYSTICSPORTS", "--their-id", "BIGRETAILER", "--version", "004010VICS")
    assert "partner BIGR saved" in out
    assert [p["partner_id"] for p in cli_.json("edi", "partner", "list")] == ["BIGR"]
    assert "must all differ" in cli_.refused("edi", "partner", "add", "X", "--vendor", "MYSTIC", "--our-id", "A",
                                             "--their-id", "B", "--delimiters", "**~^")
    path = cli_.write("po.x12", interchange(set_850(po="777")))
    assert "1 order imported" in cli_.ok("edi", "import", path)
    assert "already imported as PO 777" in cli_.ok("edi", "import", cli_.write(
        "again.x12", interchange(set_850(po="777"), control="000000906")))
    shown = cli_.json("show", "777")
    assert shown["retailer_po_number"] == "777"
    assert [(e["set"], e["status"]) for e in shown["edi"]] == [("850", "received")]
    cli_.ok("ack", "--all-new")
    assert ("855", "waiting") in [(e["set"], e["status"]) for e in cli_.json("show", "777")["edi"]]
    text = cli_.ok("edi", "export", "777", "--type", "855")
    assert text.startswith("ISA*") and "BAK*00*AD*777" in text
    line = cli_.refused("edi", "export", "777", "--type", "856")
    assert "every packing slip tracked" in line
    assert cli_.run("edi", "export", "777", "--type", "999").returncode == 2
    bad = cli_.write("bad.x12", interchange(set_850(po="778"), control="000000907").replace("PO1*001*5*EA", "PO1*001**EA"))
    assert "PO102 quantity is missing" in cli_.refused("edi", "import", bad)


def test_api_inbound_scoped_to_the_vendor_and_documents(live_server, tmp_path):  # noqa: F811
    backend = fresh_backend(live_server, tmp_path / "api.db")
    backend.store.add_partner(TradingPartner(
        partner_id="BIGR", our_qualifier="ZZ", our_id="MYSTICSPORTS", their_qualifier="ZZ",
        their_id="BIGRETAILER", version="004010VICS", vendor_code="MYSTIC", location_code="MYSTIC-WH1"))
    url = backend.url

    def call(method, path, who, **kw):
        return httpx.request(method, url + path, headers={"Authorization": f"Bearer {backend.tokens[who]}"}, **kw)

    text = interchange(set_850(po="4242"))
    assert call("POST", "/edi/inbound", "olga", content=text).status_code == 403  # OTHER's admin
    assert call("POST", "/edi/inbound", "sam", content=text).status_code == 403  # staff
    r = call("POST", "/edi/inbound", "jordan", content=text)
    assert r.status_code == 200 and r.json()["imported"] == [4242]
    bad = call("POST", "/edi/inbound", "jordan", content=text.replace("SE*20", "SE*19").replace("000000905", "000000907"))
    assert bad.status_code == 422 and "SE01" in bad.json()["message"] and set(bad.json()) >= {"error", "message"}
    backend.store.acknowledge_in_full(4242)
    waiting = call("GET", "/orders/4242/edi/855", "jordan")  # reading writes nothing
    assert waiting.status_code == 404 and "POST to this address" in waiting.json()["message"]
    assert call("POST", "/orders/4242/edi/855", "otto").status_code == 403  # the operator only reads
    doc = call("POST", "/orders/4242/edi/855", "jordan")
    assert doc.status_code == 200 and "BAK*00*AD*4242" in doc.text
    assert call("GET", "/orders/4242/edi/855", "jordan").text == doc.text  # as written, numbers kept
    assert call("GET", "/orders/4242/edi/855", "olga").status_code == 404
    assert call("GET", "/orders/4242/edi/999", "jordan").status_code == 422
    log = call("GET", "/orders/4242/edi", "jordan").json()
    assert [d["set_id"] for d in log] == ["850", "855"]
    assert [d.set_id for d in backend.remote("jordan").edi_documents(4242)] == ["850", "855"]
    assert json.loads(call("GET", "/orders/4242/edi", "otto").text)
