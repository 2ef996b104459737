"""The X12 reader: delimiters from the ISA, tolerance of layout, envelope refusals."""

from __future__ import annotations

import pytest
from edi_samples import interchange, set_850

from dropship_tui.exports.edi.reader import read_interchanges

ONE = interchange(set_850())


def _bodies(result):
    return [[tuple(seg) for seg in s.segments] for s in result.sets()]


def test_a_vics_850_is_read_with_its_envelope():
    result = read_interchanges(ONE)
    assert result.refused == []
    (ic,) = result.interchanges
    assert (ic.control, ic.sender_qualifier, ic.sender, ic.receiver, ic.version) == (
        "000000905", "ZZ", "BIGRETAILER", "MYSTICSPORTS", "00401")
    (group,) = ic.groups
    assert (group.functional_id, group.control, group.version) == ("PO", "905", "004010VICS")
    (ts,) = group.sets
    assert (ts.set_id, ts.control, len(ts.segments)) == ("850", "0001", 20)
    assert ts.body[0] == ("BEG", "00", "DS", "4500012345678", "", "20261124")
    assert ts.segments[0].number == 3 and ts.position(ts.body[0]) == 2
    assert ic.delimiters.repetition is None  # 00401: ISA11 is the standards id U
    assert "interchange 1 (ISA13 000000905) taken (1 set)" == result.summary()


def _variant(text: str, element: str, component: str, terminator: str) -> str:
    out = text.replace("*", "\x01").replace(">", "\x02").replace("~\n", "\x03").replace("~", "\x03")
    return out.replace("\x01", element).replace("\x02", component).replace("\x03", terminator)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_variant(ONE, "|", "^", "\n"), id="pipe-caret-newline"),
        pytest.param(_variant(ONE, "*", "{", "~\r\n"), id="brace-component-crlf"),
        pytest.param("\ufeff" + ONE, id="bom"),
        pytest.param(ONE.replace("\n", "\n    \n\t  "), id="indented"),
        pytest.param(ONE.replace("~\n", "~"), id="one-line"),
        pytest.param(_variant(ONE, "*", ">", "\r\n"), id="crlf-terminator"),
    ],
)
def test_delimiter_and_layout_variants_read_the_same(text):
    plain = read_interchanges(ONE)
    result = read_interchanges(text)
    assert result.refused == [], result.summary()
    assert _bodies(result) == _bodies(plain)


def test_the_component_separator_splits_composites():
    text = _variant(ONE, "*", "{", "~").replace("PO1*001*5*EA", "PO1*001*5*EA{2")
    ts = read_interchanges(text).sets()[0]
    po1 = next(s for s in ts.body if s.id == "PO1")
    assert ts.delimiters.components(po1[3]) == ["EA", "2"]


def test_005010_has_a_repetition_separator():
    text = ONE.replace("*U*00401*", "*^*00501*").replace("004010VICS", "005010")
    (ic,) = read_interchanges(text).interchanges
    assert ic.delimiters.repetition == "^" and ic.groups[0].version == "005010"


def test_a_wrong_se01_refuses_the_interchange_naming_the_segment():
    text = ONE.replace("SE*20*0001", "SE*19*0001")
    result = read_interchanges(text)
    assert result.interchanges == []
    assert "segment 22: SE01 says 19 segments, the set has 20" in result.refused[0].message
    assert result.refused[0].interchange.groups[0].sets[0].errors == ["4"]


def test_a_missing_iea_is_refused():
    text = ONE.replace("IEA*1*000000905~", "")
    result = read_interchanges(text)
    assert result.interchanges == []
    assert "has no IEA" in result.refused[0].message


@pytest.mark.parametrize(
    "old, new, why",
    [
        ("SE*20*0001", "SE*20*0002", "SE02 '0002' does not match ST02 '0001'"),
        ("GE*1*905", "GE*2*905", "GE01 says 2 sets, the group has 1"),
        ("GE*1*905", "GE*1*906", "GE02 '906' does not match GS06 '905'"),
        ("IEA*1*000000905", "IEA*2*000000905", "IEA01 says 2 groups, the interchange has 1"),
        ("IEA*1*000000905", "IEA*1*000000906", "IEA02 '000000906' does not match ISA13 '000000905'"),
        ("SE*20*0001~", "", "has no SE before GE"),
        ("GE*1*905~", "", "has no GE before IEA"),
        ("004010VICS", "003040", "GS08 version '003040' is not supported"),
    ],
)
def test_envelope_refusals(old, new, why):
    assert old in ONE
    result = read_interchanges(ONE.replace(old, new))
    assert result.interchanges == [] and why in result.refused[0].message


def test_two_interchanges_one_bad_the_other_is_taken():
    good = interchange(set_850("0001"), set_850("0002", po="77"), control="000000905")
    bad = interchange(set_850("0001").replace("SE*20", "SE*21"), control="000000906", group="906")
    result = read_interchanges(bad + good)
    assert [i.control for i in result.interchanges] == ["000000905"]
    assert len(result.sets()) == 2
    summary = result.summary()
    assert "interchange 2 (ISA13 000000905) taken (2 sets)" in summary
    assert "interchange 1 (ISA13 000000906) refused" in summary and "SE01 says 21" in summary


def test_an_interchange_cut_short_before_the_next_isa_is_refused_alone():
    first = ONE.replace("IEA*1*000000905~", "")
    second = _variant(interchange(set_850(), control="000000907"), "|", "^", "\n")
    result = read_interchanges(first + second)
    assert [i.control for i in result.interchanges] == ["000000907"]
    assert "no IEA before the next ISA" in result.refused[0].message


@pytest.mark.parametrize("text", ["", "   \n", "hello", "ISA*00*", "ISA" + "*" * 40])
def test_junk_is_refused_never_a_traceback(text):
    result = read_interchanges(text)
    assert result.interchanges == []
    assert text.strip() == "" or result.refused
