"""Issue 10 part 3: a file of many interchanges through the real store, written a chunk
of interchanges per transaction with a savepoint each: one that the store refuses rolls
back alone (nothing of it imported, its sets rejected in the 997), the others are taken;
the 997s of a chunk are one interchange per partner, a 997 set per received group."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dropship_tui.exports.edi.reader import read_interchanges
from dropship_tui.services import edi_import
from dropship_tui.services.edi_import import import_edi
from dropship_tui.services.edi_outbox import deliver

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "edi"))
from edi_samples import independent_check, interchange, set_850  # noqa: E402
from test_edi_store import find, make_store, segs  # noqa: E402


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path / "edi.db")
    yield s
    s.close()


def _file(n: int, first: int = 1) -> str:
    return "".join(
        interchange(set_850(po=f"R-{k}"), control=f"{k:09d}", group=str(k)) for k in range(first, first + n)
    )


def _retailer_pos(store) -> list[str]:
    return [r[0] for r in store.connection.execute("SELECT retailer_po FROM orders ORDER BY retailer_po")]


@pytest.mark.parametrize("chunk", [500, 2])
def test_a_store_refusal_rolls_back_its_interchange_only(store, tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(edi_import, "CHUNK", chunk)  # also across several transactions
    # a constraint the import's own checks cannot foresee: the store refuses R-3 alone
    store.connection.execute(
        "CREATE TRIGGER refuse_r3 BEFORE INSERT ON order_bodies "
        "WHEN json_extract(NEW.body, '$.retailer_po_number') = 'R-3' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    )
    report = import_edi(store, _file(5))
    assert _retailer_pos(store) == ["R-1", "R-2", "R-4", "R-5"]
    assert len(report.imported) == 4
    (refusal,) = report.refused
    assert refusal.startswith("interchange 3 (ISA13 000000003) refused, nothing taken from it:")
    assert "refused by the test" in refusal
    assert "interchange 3 " not in ", ".join(report.taken) and len(report.taken) == 4
    # nothing of it: no log row, so the same interchange may come again once fixed
    logged = store.connection.execute(
        "SELECT control_number FROM edi_documents WHERE direction = 'in' ORDER BY id").fetchall()
    assert [r[0] for r in logged] == ["000000001", "000000002", "000000004", "000000005"]
    store.connection.execute("DROP TRIGGER refuse_r3")
    again = import_edi(store, _file(1, first=3))
    assert again.imported and _retailer_pos(store) == ["R-1", "R-2", "R-3", "R-4", "R-5"]

    acks = [p for p in deliver(store, tmp_path / "out").written if "-997-" in p.name]
    ak = [(a[1], a[2]) for text in (p.read_text() for p in acks) for a in find(segs(text), "AK1")]
    assert sorted(ak, key=lambda a: int(a[1])) == [("PO", str(k)) for k in (1, 2, 3, 3, 4, 5)]
    texts = [p.read_text() for p in acks]
    for text in texts:
        independent_check(text.replace("\n", ""))
    # group 3 was rejected the first time (its set: AK5*R*5), accepted the second
    verdicts = []
    for text in texts:
        s = segs(text)
        for i, seg in enumerate(s):
            if seg[0] == "AK1" and seg[2] == "3":
                verdicts.append(next(x for x in s[i:] if x[0] == "AK9")[1])
    assert sorted(verdicts) == ["A", "R"]


def test_one_997_interchange_per_chunk_with_a_set_per_group(store, tmp_path):
    report = import_edi(store, _file(4))
    assert len(report.imported) == 4
    (ack,) = deliver(store, tmp_path / "out").written
    text = ack.read_text()
    independent_check(text.replace("\n", ""))
    (ic,) = read_interchanges(text).interchanges
    assert [ts.set_id for ts in ic.sets()] == ["997"] * 4
    assert [a[2] for a in find(segs(text), "AK1")] == ["1", "2", "3", "4"]


def test_same_interchange_or_po_twice_in_one_file_is_taken_once(store):
    twice = _file(2) + _file(1)  # ISA13 1 again
    report = import_edi(store, twice)
    assert _retailer_pos(store) == ["R-1", "R-2"]
    assert "interchange 3 (ISA13 000000001) was received from BIGR already: nothing changed" in report.duplicates
    same_po = interchange(set_850(po="R-1"), control="000000077", group="77")
    again = import_edi(store, _file(1, first=8) + same_po)
    assert len(again.imported) == 1 and "already imported as PO" in again.message


def test_envelope_refusal_and_good_interchanges_in_one_file(store, tmp_path):
    bad = interchange(set_850(po="R-BAD"), control="000000009", group="9").replace("SE*20*0001", "SE*18*0001")
    report = import_edi(store, _file(2) + bad)
    assert _retailer_pos(store) == ["R-1", "R-2"]
    assert any("interchange 3 (ISA13 000000009) refused" in r for r in report.refused)
    (ack,) = deliver(store, tmp_path / "out").written
    s = segs(ack.read_text())
    assert [a[2] for a in find(s, "AK1")] == ["9", "1", "2"]  # the refused one answered too
    assert [a[1] for a in find(s, "AK9")] == ["R", "A", "A"]
