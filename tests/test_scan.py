"""Barcode scans matched to an order's lines: domain/scan.py (pure)."""

from __future__ import annotations

import factories

from dropship_tui.domain.scan import match_line, matching_lines, normalize, scan_line, scan_problem


def two_lines():
    return factories.order(
        po=82,
        lines=[factories.line(1, qty=5, sku="SKU-123"), factories.line(2, qty=2, sku="SKU-456")],
    )


def test_matches_upc_vendor_sku_and_sku():
    order = two_lines()
    assert match_line(order, "000000000001").line_id == 1  # UPC
    assert match_line(order, "V-SKU-456").line_id == 2  # vendor SKU
    assert match_line(order, "SKU-123").line_id == 1  # SKU


def test_case_insensitive_and_trimmed():
    order = two_lines()
    assert match_line(order, "  v-sku-123\t").line_id == 1
    assert match_line(order, "sku-456 ").line_id == 2
    assert normalize(" AbC ") == "abc"


def test_no_match():
    order = two_lines()
    assert match_line(order, "SKU-1043") is None
    assert match_line(order, "") is None
    assert match_line(order, "   ") is None
    assert match_line(order, "SKU-12") is None  # no prefix matching
    assert match_line(order, "00000000000") is None


def test_empty_codes_on_a_line_never_match():
    line = factories.line(1).model_copy(update={"upc": "", "vendor_sku": ""})
    order = factories.order(lines=[line])
    assert match_line(order, "") is None
    assert match_line(order, "SKU-123").line_id == 1


def test_good_scan_has_no_problem():
    order = two_lines()
    assert scan_problem(order, "SKU-123", {1: 4}, {1: 5, 2: 2}) is None
    assert scan_line(order, "SKU-123", {1: 4}, {1: 5, 2: 2}).line_id == 1


def test_unknown_and_other_orders_codes():
    order = two_lines()
    assert scan_problem(order, "SKU-1043", {}, {1: 5, 2: 2}) == "SKU-1043 is not on PO 82"
    assert scan_problem(order, " 999 ", {}, {1: 5}) == "999 is not on PO 82"
    assert scan_problem(order, "", {}, {1: 5}) == "nothing was scanned"


def test_beyond_what_the_line_needs():
    order = two_lines()
    assert scan_problem(order, "SKU-456", {2: 2}, {1: 5, 2: 2}) == "SKU-456: all 2 units ordered are counted already"
    assert scan_line(order, "SKU-456", {2: 2}, {1: 5, 2: 2}) is None
    assert (
        scan_problem(order, "SKU-123", {1: 1}, {1: 1}, limit_name="accepted", done="packed")
        == "SKU-123: the 1 accepted unit is packed already"
    )
    assert (
        scan_problem(order, "SKU-456", {}, {1: 5}, limit_name="accepted", done="packed")
        == "SKU-456: no unit is accepted, nothing to pack"
    )


def test_a_product_on_two_lines_fills_the_first_with_room():
    order = factories.order(
        lines=[factories.line(1, qty=2, sku="SKU-123"), factories.line(2, qty=3, sku="SKU-123")],
    )
    assert [ln.line_id for ln in matching_lines(order, "sku-123")] == [1, 2]
    limits = {1: 2, 2: 3}
    assert scan_line(order, "SKU-123", {}, limits).line_id == 1
    assert scan_line(order, "SKU-123", {1: 2}, limits).line_id == 2
    assert scan_line(order, "SKU-123", {1: 2, 2: 3}, limits) is None
    assert scan_problem(order, "SKU-123", {1: 2, 2: 3}, limits) == "SKU-123: all 5 units ordered are counted already"


def test_long_or_hostile_codes_are_quoted_safely():
    order = two_lines()
    problem = scan_problem(order, "X" * 100, {}, {1: 5})
    assert problem.startswith("X" * 39 + "…") and problem.endswith("is not on PO 82")
    # the ESC is shown (as U+FFFD, the one terminal sanitiser's mark), never sent
    assert scan_problem(order, "[bold]a\x1b[/]", {}, {1: 5}) == "[bold]a\ufffd[/] is not on PO 82"
