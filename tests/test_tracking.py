"""R7: tracking numbers recognised by carrier format, check digits verified.

Valid examples come from the carriers' published samples as collected in the
tracking_number_data project (jkeen/tracking_number_data) and from the brief; each was
checked against the published algorithm, not just against this implementation.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import factories as f
from dropship_tui.domain import workflow
from dropship_tui.domain.errors import WorkflowError
from dropship_tui.domain.tracking import (
    UNRECOGNISED,
    as_typed,
    check_tracking_number,
    normalise,
    same_number,
    tracking_url,
)
from dropship_tui.store.sqlite.store import SqliteStore
from test_remote_support import fixed_clock, seed

UPS_URL = "https://www.ups.com/track?tracknum="
FEDEX_URL = "https://www.fedex.com/fedextrack/?trknbr="
USPS_URL = "https://tools.usps.com/go/TrackConfirmAction?tLabels="
DHL_URL = "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id="
UPU_URL = "https://t.17track.net/en#nums="
URLS = {"UPS": UPS_URL, "FedEx": FEDEX_URL, "USPS": USPS_URL, "DHL": DHL_URL, "UPU": UPU_URL}

VALID = [
    # UPS: 1Z + shipper + service + package + check digit
    ("1Z999AA10123456784", "UPS"),
    ("1Z5R89390357567127", "UPS"),
    ("1Z879E930346834440", "UPS"),
    ("1Z410E7W0392751591", "UPS"),
    ("1Z8V92A70367203024", "UPS"),
    ("1Z12345E6605272234", "UPS"),
    # FedEx Express, 12 digits
    ("986578788855", "FedEx"),
    ("477179081230", "FedEx"),
    ("799531274483", "FedEx"),
    ("790535312317", "FedEx"),
    ("974367662710", "FedEx"),
    # FedEx Ground, 15 digits
    ("041441760228964", "FedEx"),
    ("568283610012000", "FedEx"),
    ("568283610012734", "FedEx"),
    # FedEx Ground 96, 22 digits
    ("9611020987654312345672", "FedEx"),
    # FedEx SmartPost, 20 digits (implied 92)
    ("61299998820821171811", "FedEx"),
    # USPS 20 digits, as typed and with the implied 91
    ("03071790000523483741", "USPS"),
    ("71123456789123456787", "USPS"),
    ("71969010756003077385", "USPS"),
    # USPS IMpb 22 / 26 digits
    ("9400111201080805483016", "USPS"),
    ("9361289878700317633795", "USPS"),
    ("9505511069605048600624", "USPS"),
    ("9101123456789000000013", "USPS"),
    ("9405803699300124287899", "USPS"),
    ("92748931507708513018050063", "USPS"),
    # DHL Express, 10 digits
    ("3318810025", "DHL"),
    ("8487135506", "DHL"),
    ("1099255990", "DHL"),
    ("3821724944", "DHL"),
    ("3318810036", "DHL"),
    ("3318810014", "DHL"),
    # UPU S10
    ("RB123456785GB", "UPU"),
    ("RB123456785CF", "UPU"),
    ("EE123456785CN", "UPU"),
]


@pytest.mark.parametrize(("number", "carrier"), VALID)
def test_published_examples_are_recognised_with_carrier_and_url(number, carrier):
    check = check_tracking_number(number)
    assert check == check.__class__(number, carrier, URLS[carrier] + number, None)


@pytest.mark.parametrize(
    ("changed", "family"),
    [
        ("1Z999AA10123456794", "UPS"),  # 1Z999AA10123456784, package digit 8 -> 9
        ("1Z5R89390357567128", "UPS"),  # check digit
        ("1Z879F930346834440", "UPS"),  # shipper letter E -> F
        ("986578788865", "FedEx"),
        ("996578788855", "FedEx"),  # published invalid
        ("477179081231", "FedEx"),
        ("041441760228974", "FedEx"),
        ("568283610012732", "FedEx"),  # published invalid
        ("9611020987654312345682", "FedEx"),
        ("9600000000000000000001", "FedEx"),
        ("9400111201080805483026", "USPS"),
        ("9261292700768711948020", "USPS"),  # published invalid
        ("9200000000000000000000", "USPS"),
        ("92748931507708513018050073", "USPS"),
        ("4201028200009261290113185417468511", "USPS"),  # routed, published invalid
        ("420221539101026837331000039522", "USPS"),
        ("3318810035", "DHL Express"),
        ("3318810010", "DHL Express"),  # published invalid
        ("3318810034", "DHL Express"),
        ("RB123456786US", "UPU S10"),  # published invalid
        ("RB123456775GB", "UPU S10"),
    ],
)
def test_one_digit_changed_is_refused_naming_the_format(changed, family):
    check = check_tracking_number(changed)
    assert check.carrier is None and check.url is None
    assert check.problem == f"looks like a {family} number but its check digit is wrong"


def test_ups_developer_sample_without_a_valid_check_digit_is_refused():
    # Often quoted as a sample, but its check digit fails UPS's published algorithm
    # (the check digit would have to be 6).
    assert check_tracking_number("1Z12345E0205271688").carrier is None
    assert check_tracking_number("1Z12345E0205271686").carrier == "UPS"


@pytest.mark.parametrize(
    "number",
    [
        "61299998820821171811",  # FedEx SmartPost
        "03071790000523483741",  # USPS as typed
        "71969010756003077385",  # USPS with implied 91
    ],
)
def test_a_20_digit_number_fits_at_most_one_reading(number):
    """The last digit that fits each 20-digit reading differs, so changing the check
    digit can move a number from one reading to another, but never to two."""
    carriers = [check_tracking_number(number[:-1] + d).carrier for d in "0123456789"]
    assert carriers.count("USPS") == 2 and carriers.count("FedEx") == 1
    assert carriers.count(None) == 7
    bad = next(number[:-1] + d for d, c in zip("0123456789", carriers) if c is None)
    assert check_tracking_number(bad).problem == (
        "looks like a USPS or FedEx number but its check digit is wrong"
    )


@pytest.mark.parametrize(("number", "carrier"), [v for v in VALID if len(v[0]) != 20])
def test_any_other_check_digit_is_refused(number, carrier):
    last = number[-1] if not number[-1].isalpha() else number[-3]
    position = len(number) - 1 if not number[-1].isalpha() else len(number) - 3
    for digit in "0123456789":
        if digit == last:
            continue
        changed = number[:position] + digit + number[position + 1 :]
        check = check_tracking_number(changed)
        assert check.carrier is None, changed
        assert "check digit is wrong" in (check.problem or ""), changed


@pytest.mark.parametrize(
    ("raw", "number", "carrier"),
    [
        ("1z 999 aa1 0123 4567 84", "1Z999AA10123456784", "UPS"),
        ("  1Z-999-AA1-012-345-678-4\t", "1Z999AA10123456784", "UPS"),
        ("9400 1112 0108 0805 4830 16", "9400111201080805483016", "USPS"),
        ("9400\u20131112\u20140108\u00a00805\u200b4830 16", "9400111201080805483016", "USPS"),
        ("9865-7878-8855", "986578788855", "FedEx"),
        ("33 1881 0025", "3318810025", "DHL"),
        ("rb 123 456 785 gb", "RB123456785GB", "UPU"),
    ],
)
def test_spaces_dashes_and_lowercase_are_normalised(raw, number, carrier):
    check = check_tracking_number(raw)
    assert (check.number, check.carrier, check.problem) == (number, carrier, None)
    assert check.url == URLS[carrier] + number


def test_normalise_keeps_everything_but_separators():
    assert normalise(" ab-c\td\n") == "ABCD"
    assert normalise("a/b.c") == "A/B.C"


@pytest.mark.parametrize(
    "raw",
    ["hello", "12345", "ABC-123-XYZ", "!!!", "1234567890123", "42", "0000000000000000000000",
     "TBA123456789012", "９４００１１１２０１０８０８０５４８３０１６"],
)
def test_junk_is_not_recognised(raw):
    check = check_tracking_number(raw)
    assert check.carrier is None and check.url is None
    assert check.problem == UNRECOGNISED
    assert check.problem == "not a recognised UPS, FedEx, USPS, DHL or UPU S10 number"


def test_empty_input_has_an_empty_number():
    assert check_tracking_number("  - ").number == ""
    assert check_tracking_number("").carrier is None


def test_ups_shape_problems_are_specific():
    assert check_tracking_number("1Z999AA1012345678").problem == (
        "looks like a UPS number but has 17 characters, not 18"
    )
    assert check_tracking_number("1Z999AA1012345678A").problem == (
        "looks like a UPS number but its last 8 characters must be digits"
    )


def test_s10_needs_a_real_country_code():
    check = check_tracking_number("RB123456785XX")  # published invalid
    assert check.carrier is None
    assert check.problem == "looks like a UPU S10 number but XX is not a country code"


# --- ambiguity choices ----------------------------------------------------------------


def test_us_issued_s10_numbers_are_usps():
    check = check_tracking_number("RB123456785US")
    assert (check.carrier, check.url) == ("USPS", USPS_URL + "RB123456785US")


def test_22_digits_starting_96_are_fedex_and_92_to_95_are_usps():
    assert check_tracking_number("9611020987654312345672").carrier == "FedEx"
    # A FedEx SmartPost / Ground Economy label: USPS delivers and tracks it.
    assert check_tracking_number("9261292700768711948021").carrier == "USPS"
    for prefix in ("91", "92", "93", "94", "95"):
        body = prefix + "0123456789012345678"
        total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
        number = body + str((10 - total % 10) % 10)
        assert check_tracking_number(number).carrier == "USPS", number


def test_22_digits_with_another_prefix_are_not_recognised():
    assert check_tracking_number("1261292700768711948021").problem == UNRECOGNISED


@pytest.mark.parametrize(
    ("scanned", "number"),
    [
        ("420 22153 9101026837331000039521", "9101026837331000039521"),  # ZIP5 + 22
        ("4201002334249200190132607600833457", "9200190132607600833457"),  # ZIP9 + 22
        ("4201028200009261290113185417468510", "9261290113185417468510"),
        ("420 12345 9400111201080805483016", "9400111201080805483016"),
        ("420 12345 6789 9400111201080805483016", "9400111201080805483016"),
        ("420 12345 03071790000523483741", "03071790000523483741"),  # ZIP5 + 20
    ],
)
def test_usps_routing_prefix_is_removed_before_checking(scanned, number):
    check = check_tracking_number(scanned)
    assert (check.number, check.carrier, check.url) == ("%s" % number, "USPS", USPS_URL + number)


def test_lengths_decide_the_family():
    assert check_tracking_number("3318810025").carrier == "DHL"  # 10 digits
    assert check_tracking_number("986578788855").carrier == "FedEx"  # 12 digits
    assert check_tracking_number("041441760228964").carrier == "FedEx"  # 15 digits
    # DHL's 11-digit variant and JJD piece ids are left to the user to name.
    assert check_tracking_number("73891051146").carrier is None
    assert check_tracking_number("JJD0099999999").carrier is None


# --- URLs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("named", "base"),
    [
        ("ups", UPS_URL),
        ("UPS", UPS_URL),
        ("United Parcel Service", UPS_URL),
        ("FedEx", FEDEX_URL),
        ("fedex", FEDEX_URL),
        ("Fed-Ex", FEDEX_URL),
        ("FEDEX GROUND", FEDEX_URL),
        ("usps", USPS_URL),
        ("U.S.P.S.", USPS_URL),
        ("United States Postal Service", USPS_URL),
        ("dhl", DHL_URL),
        ("DHL Express", DHL_URL),
        ("upu", UPU_URL),
    ],
)
def test_tracking_url_for_named_carriers(named, base):
    assert tracking_url(named, "ABC123") == base + "ABC123"


@pytest.mark.parametrize("named", ["OnTrac", "", "  ", "Royal Mail", "upsx"])
def test_tracking_url_unknown_carrier_is_none(named):
    assert tracking_url(named, "ABC123") is None


def test_tracking_url_encodes_the_number():
    assert tracking_url("UPS", "A B/C?&=#") == UPS_URL + "A%20B%2FC%3F%26%3D%23"
    assert tracking_url("DHL", "12&x=1") == DHL_URL + "12%26x%3D1"
    assert tracking_url("UPS", "") is None


@given(st.text())
def test_any_text_gives_a_consistent_answer(raw):
    check = check_tracking_number(raw)
    assert (check.carrier is None) == (check.problem is not None) or check.number == ""
    assert (check.url is None) == (check.carrier is None)
    assert normalise(check.number) == normalise(raw) or check.carrier == "USPS"


@given(st.from_regex(r"[0-9]{8,36}", fullmatch=True))
def test_any_digit_string_gives_a_consistent_answer(raw):
    check = check_tracking_number(raw)
    assert (check.carrier is None) == (check.problem is not None)
    if check.carrier:
        assert check.url == URLS[check.carrier] + check.number
        assert raw.endswith(check.number)


# --- through the workflow ---------------------------------------------------------------


@pytest.fixture
def packed():
    ctx = f.ctx()
    order = workflow.acknowledge(f.order(), {}, {}, ctx).order
    return workflow.save_slips(order, [{1: 3}, {1: 2}], ctx).order


def test_workflow_saves_a_valid_ups_number_with_carrier_and_url(packed):
    change = workflow.save_tracking(packed, 1, "1z999aa1 0123 4567 84", f.ctx())
    slip = change.order.slip(1)
    assert slip.tracking_number == "1Z999AA10123456784"
    assert slip.carrier == "UPS"
    assert slip.tracking_url == UPS_URL + "1Z999AA10123456784"
    assert change.activity[0].action == "Tracking number saved"


def test_workflow_refuses_a_bad_check_digit_clearly(packed):
    with pytest.raises(WorkflowError) as err:
        workflow.save_tracking(packed, 1, "1Z999AA10123456785", f.ctx())
    assert "1Z999AA10123456785" in err.value.message
    assert "looks like a UPS number but its check digit is wrong" in err.value.message
    assert "name the carrier" in err.value.message


def test_workflow_refuses_an_unknown_number_without_a_carrier(packed):
    with pytest.raises(WorkflowError) as err:
        workflow.save_tracking(packed, 1, "C11234567890123", f.ctx())
    assert UNRECOGNISED in err.value.message


def test_workflow_accepts_an_unknown_number_when_a_carrier_is_named(packed):
    slip = workflow.save_tracking(packed, 1, "C11234567890123", f.ctx(), carrier="OnTrac").order.slip(1)
    assert (slip.tracking_number, slip.carrier, slip.tracking_url) == ("C11234567890123", "OnTrac", None)
    slip = workflow.save_tracking(packed, 2, "JJD0099999999", f.ctx(), carrier="dhl").order.slip(2)
    assert (slip.carrier, slip.tracking_url) == ("DHL", DHL_URL + "JJD0099999999")  # canonical name


def test_workflow_named_carrier_wins_for_a_smartpost_number(packed):
    slip = workflow.save_tracking(packed, 1, "9261292700768711948021", f.ctx(), carrier="FedEx").order.slip(1)
    assert (slip.carrier, slip.tracking_url) == ("FedEx", FEDEX_URL + "9261292700768711948021")


def test_workflow_stores_the_usps_number_without_its_routing_prefix(packed):
    slip = workflow.save_tracking(packed, 1, "420 12345 9400111201080805483016", f.ctx()).order.slip(1)
    assert (slip.tracking_number, slip.carrier) == ("9400111201080805483016", "USPS")


def test_workflow_refuses_the_same_number_on_two_slips(packed):
    ctx = f.ctx()
    order = workflow.save_tracking(packed, 1, "1Z999AA10123456784", ctx).order
    with pytest.raises(WorkflowError) as err:
        workflow.save_tracking(order, 2, "1Z 999 AA1 0123 4567 84", ctx)
    assert err.value.message == "1Z999AA10123456784 is already on slip 1"
    # ... also when the second is the scanned form of a USPS number already saved.
    order = workflow.save_tracking(order, 2, "9400111201080805483016", ctx).order
    with pytest.raises(WorkflowError, match="already on slip 2"):
        workflow.save_tracking(order, 1, "420123459400111201080805483016", ctx)


def test_workflow_needs_slips_before_tracking():
    ctx = f.ctx()
    order = workflow.acknowledge(f.order(), {}, {}, ctx).order
    with pytest.raises(WorkflowError, match="packing slips saved before tracking"):
        workflow.save_tracking(order, 1, "1Z999AA10123456784", ctx)


# --- numbers of unknown carriers keep their dashes (issue 13 item 8) -------------------


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("ABC-LOCAL-1", "ABC-LOCAL-1"),
        ("  abc-local-1\n", "ABC-LOCAL-1"),
        ("abc  local\t1", "ABC LOCAL 1"),
        ("ab\u200bc\u2013local\u20141", "ABC-LOCAL-1"),
        ("C11234567890123", "C11234567890123"),
        ("1234-5678", "1234-5678"),
    ],
)
def test_an_unknown_number_is_kept_as_typed(raw, kept):
    check = check_tracking_number(raw)
    assert (check.number, check.carrier, check.problem) == (kept, None, UNRECOGNISED)
    assert as_typed(raw) == kept


def test_a_known_format_still_loses_its_dashes():
    assert check_tracking_number("1z-999-aa1-0123-4567-84").number == "1Z999AA10123456784"
    # a number shaped like a carrier's, with a bad check digit, is shown as compared
    assert check_tracking_number("1Z-999-AA1-0123-4567-85").number == "1Z999AA10123456785"


def test_same_number_ignores_dashes_spaces_and_case():
    assert same_number("ABC-LOCAL-1", "abc local 1") and same_number("ABCLOCAL1", "ABC-LOCAL-1")
    assert not same_number("ABC-LOCAL-1", "ABC-LOCAL-2") and not same_number(None, "X")


def test_workflow_keeps_the_dashes_and_compares_without_them(packed):
    ctx = f.ctx()
    order = workflow.save_tracking(packed, 1, "abc-local-1", ctx, carrier="Local Courier").order
    slip = order.slip(1)
    assert (slip.tracking_number, slip.carrier, slip.tracking_url) == ("ABC-LOCAL-1", "Local Courier", None)
    with pytest.raises(WorkflowError) as err:
        workflow.save_tracking(order, 2, "ABC LOCAL 1", ctx, carrier="Local Courier")
    assert err.value.message == "ABC LOCAL 1 is already on slip 1"
    # retyped without the dashes on its own slip: a respelling, same package
    order = workflow.save_tracking(order, 1, "ABCLOCAL1", ctx).order
    assert (order.slip(1).tracking_number, order.slip(1).carrier) == ("ABCLOCAL1", "Local Courier")


def _two_packed_orders(tmp_path):
    store = SqliteStore(tmp_path / "t.db", user="jordan", clock=fixed_clock)
    seed(store)
    store.import_orders([f.order(82), f.order(83)])
    for po in (82, 83):
        store.acknowledge(po, 1, {}, {})
        store.save_slips(po, 2, [{1: 5}])
    return store


@pytest.mark.parametrize(("first", "second"), [("ABC-LOCAL-1", "abclocal1"), ("ABCLOCAL1", "ABC-LOCAL-1")])
def test_store_refuses_a_number_on_another_order_however_dashed(tmp_path, first, second):
    """Also against the undashed form older stores saved ("ABCLOCAL1")."""
    store = _two_packed_orders(tmp_path)
    try:
        store.save_tracking(82, 3, 1, first, "OnTrac")
        with pytest.raises(WorkflowError) as err:
            store.save_tracking(83, 3, 1, second, "OnTrac")
        assert err.value.message == "ABCLOCAL1 is already on PO 82 slip 1"
        assert store.get_order(83).slip(1).tracking_number is None
        assert store.get_order(82).slip(1).tracking_number == first
        assert store.find_tracking("abc local 1") == (82, 1) == store.find_tracking(first)
    finally:
        store.close()
