"""R1-R14 on the pure domain: every action and every refusal the issue names."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

import factories as f
from dropship_tui.domain import sla, workflow as wf
from dropship_tui.domain.errors import WorkflowError
from dropship_tui.domain.models import (
    Address,
    Location,
    LocationGroup,
    Reason,
    ReasonCode,
    SlaPolicy,
    SlaStatus,
    SlaThresholds,
    Stage,
)

UPS_1 = "1Z999AA10123456784"
UPS_2 = "1Z5R89390357567127"
OOS = Reason(code=ReasonCode.OUT_OF_STOCK)


def acked(order=None, qty=4):
    order = order or f.order()
    reasons = {1: OOS} if qty < order.lines[0].quantity_ordered else {}
    return wf.acknowledge(order, {1: qty}, reasons, f.ctx()).order


def slipped(order=None):
    order = order or acked()
    return wf.save_slips(order, [{1: 2}, {1: 2}], f.ctx()).order


def tracked(order=None):
    order = order or slipped()
    order = wf.save_tracking(order, 1, UPS_1, f.ctx(), carrier="UPS").order
    return wf.save_tracking(order, 2, UPS_2, f.ctx(), carrier="UPS").order


def invoiced(order=None):
    return wf.generate_invoice(order or tracked(), f.vendor(), "INV-000001", f.ctx()).order


# --- R2 / R3 / R5 acknowledgement ---------------------------------------------------------


def test_prefill_is_ordered_or_lower_stock():
    order = f.order(lines=[f.line(1, 5, "A"), f.line(2, 3, "B")])
    assert wf.prefill_quantities(order) == {1: 5, 2: 3}
    assert wf.prefill_quantities(order, {"V-A": 2, "V-B": 10}) == {1: 2, 2: 3}
    assert wf.prefill_quantities(order, {"V-A": -4}) == {1: 0, 2: 3}


def test_full_acknowledgement_moves_to_in_progress_without_reasons():
    change = wf.acknowledge(f.order(), {}, {}, f.ctx())
    assert change.order.stage is Stage.IN_PROGRESS
    assert change.order.lines[0].quantity_accepted == 5
    assert change.order.canceled_items == ()
    assert change.order.version == 2
    assert [e.action for e in change.activity] == ["Order acknowledged"]
    assert sla.progress(change.order) == 25


def test_short_line_needs_a_reason_and_says_which_line():
    with pytest.raises(WorkflowError, match=r"1 line still needs a reason.*Line 1 \(SKU-123\)"):
        wf.acknowledge(f.order(), {1: 4}, {}, f.ctx())


def test_other_needs_text_and_at_most_500_characters():
    with pytest.raises(WorkflowError, match="'other' needs a text"):
        wf.acknowledge(f.order(), {1: 4}, {1: Reason(code=ReasonCode.OTHER, text="  ")}, f.ctx())
    with pytest.raises(WorkflowError, match="longer than 500"):
        wf.acknowledge(f.order(), {1: 4}, {1: Reason(code=ReasonCode.OTHER, text="x" * 501)}, f.ctx())
    ok = wf.acknowledge(f.order(), {1: 4}, {1: Reason(code=ReasonCode.OTHER, text="x" * 500)}, f.ctx())
    assert ok.order.canceled_items[0].reason_text == "x" * 500


def test_partial_acknowledgement_records_canceled_item_and_activity():
    change = wf.acknowledge(f.order(), {1: 4}, {1: OOS}, f.ctx())
    order = change.order
    assert order.lines[0].quantity_accepted == 4
    (item,) = order.canceled_items
    assert (item.line_id, item.quantity, item.reason_code, item.by) == (1, 1, ReasonCode.OUT_OF_STOCK, "jordan")
    assert [e.action for e in change.activity] == ["Order acknowledged", "Line short"]
    assert "Out of stock" in change.activity[1].details


def test_reason_all_applies_to_every_short_line_and_own_reason_overrides():
    order = f.order(lines=[f.line(1, 5, "A"), f.line(2, 3, "B"), f.line(3, 2, "C")])
    damaged = Reason(code=ReasonCode.DAMAGED)
    assert wf.lines_missing_reason(order, {1: 4, 2: 1}, {}) == {1: "needs a reason", 2: "needs a reason"}
    assert wf.lines_missing_reason(order, {1: 4, 2: 1}, {}, reason_all=OOS) == {}
    change = wf.acknowledge(order, {1: 4, 2: 1}, {2: damaged}, f.ctx(), reason_all=OOS)
    codes = {c.line_id: c.reason_code for c in change.order.canceled_items}
    assert codes == {1: ReasonCode.OUT_OF_STOCK, 2: ReasonCode.DAMAGED}


@pytest.mark.parametrize("bad", [-1, 6])
def test_validated_quantity_out_of_range_refused(bad):
    with pytest.raises(WorkflowError, match="from 0 to 5"):
        wf.acknowledge(f.order(), {1: bad}, {1: OOS}, f.ctx())
    assert wf.quantity_problem(f.line(), "abc") == "must be a whole number from 0 to 5"
    assert wf.quantity_problem(f.line(), "3") is None


def test_unknown_line_refused():
    with pytest.raises(WorkflowError, match="has no line 9"):
        wf.acknowledge(f.order(), {9: 1}, {}, f.ctx())


def test_acknowledging_twice_refused():
    with pytest.raises(WorkflowError, match="already acknowledged"):
        wf.acknowledge(acked(), {}, {}, f.ctx())


# --- R4 every line to zero cancels ------------------------------------------------------


def test_every_line_at_zero_cancels_with_the_reasons():
    order = f.order(lines=[f.line(1, 5, "A"), f.line(2, 3, "B")])
    change = wf.acknowledge(order, {1: 0, 2: 0}, {}, f.ctx(), reason_all=OOS)
    assert change.order.stage is Stage.CANCELED
    assert not change.order.acknowledged
    assert {(c.line_id, c.quantity) for c in change.order.canceled_items} == {(1, 5), (2, 3)}
    assert change.activity[0].action == "Order canceled"


# --- R1 no stage skipped -------------------------------------------------------------------


def test_slips_before_acknowledgement_refused_saying_what_first():
    with pytest.raises(WorkflowError, match="must be acknowledged \\(step 1\\)"):
        wf.save_slips(f.order(), [{1: 5}], f.ctx())


def test_tracking_before_slips_refused():
    with pytest.raises(WorkflowError, match="packing slips saved before tracking"):
        wf.save_tracking(acked(), 1, UPS_1, f.ctx(), carrier="UPS")


def test_invoice_before_every_slip_tracked_refused():
    order = wf.save_tracking(slipped(), 1, UPS_1, f.ctx(), carrier="UPS").order
    with pytest.raises(WorkflowError, match="tracking number on slip 2 before the invoice"):
        wf.generate_invoice(order, f.vendor(), "INV-1", f.ctx())
    with pytest.raises(WorkflowError, match="packing slips saved before the invoice"):
        wf.generate_invoice(acked(), f.vendor(), "INV-1", f.ctx())


def test_completing_before_invoice_refused():
    with pytest.raises(WorkflowError, match="invoice generated before"):
        wf.complete(tracked(), f.ctx())
    with pytest.raises(WorkflowError, match="must be acknowledged"):
        wf.complete(f.order(), f.ctx())


# --- R6 packing slips --------------------------------------------------------------------


def test_unplaced_unit_refused_naming_line_and_difference():
    with pytest.raises(WorkflowError, match="1 unit of SKU-123 is not on any slip"):
        wf.save_slips(acked(), [{1: 2}, {1: 1}], f.ctx())


def test_overfilled_line_refused():
    with pytest.raises(WorkflowError, match=r"1 unit too many of SKU-123 on the slips \(5 placed, 4 accepted\)"):
        wf.save_slips(acked(), [{1: 3}, {1: 2}], f.ctx())


def test_empty_slip_refused():
    with pytest.raises(WorkflowError, match="Slip 2 is empty"):
        wf.save_slips(acked(), [{1: 4}, {}], f.ctx())


@pytest.mark.parametrize("count", [0, 11])
def test_slip_count_outside_1_to_10_refused(count):
    with pytest.raises(WorkflowError, match="from 1 to 10"):
        wf.save_slips(acked(), [{1: 1}] * count, f.ctx())


def test_even_allocation_is_balanced_and_valid():
    order = acked(f.order(lines=[f.line(1, 5, "A"), f.line(2, 4, "B")]), qty=5)
    plan = wf.even_allocation(order, 3)
    assert [sum(s.values()) for s in plan] == [3, 3, 3]
    assert wf.slip_plan_problems(order, plan) == []


def test_slips_save_and_change_keeps_tracking_of_surviving_slips():
    order = tracked()
    assert wf.tracking_dropped_by(order, 1)[0].number == 2
    change = wf.save_slips(order, [{1: 4}], f.ctx())
    assert len(change.order.slips) == 1
    assert change.order.slips[0].tracking_number == UPS_1
    assert [e.action for e in change.activity] == ["Packing slips changed", "Tracking number removed"]


def test_slips_cannot_change_after_invoice():
    with pytest.raises(WorkflowError, match="already invoiced"):
        wf.save_slips(invoiced(), [{1: 4}], f.ctx())


# --- R7 tracking ---------------------------------------------------------------------------


def test_same_tracking_number_on_two_slips_refused():
    order = wf.save_tracking(slipped(), 1, UPS_1, f.ctx(), carrier="UPS").order
    with pytest.raises(WorkflowError, match="already on slip 1"):
        wf.save_tracking(order, 2, UPS_1, f.ctx(), carrier="UPS")


def test_unrecognised_number_needs_a_carrier():
    with pytest.raises(WorkflowError, match="name the carrier"):
        wf.save_tracking(slipped(), 1, "ZZ-NOT-A-NUMBER", f.ctx())
    order = wf.save_tracking(slipped(), 1, "zz-not-a-number", f.ctx(), carrier="Local Courier").order
    assert (order.slips[0].tracking_number, order.slips[0].carrier) == ("ZZ-NOT-A-NUMBER", "Local Courier")  # kept as typed (issue 13)


def test_empty_tracking_number_refused():
    with pytest.raises(WorkflowError, match="Enter a tracking number"):
        wf.save_tracking(slipped(), 1, "  ", f.ctx(), carrier="UPS")


def test_unknown_slip_refused():
    with pytest.raises(WorkflowError, match="has no slip 3"):
        wf.save_tracking(slipped(), 3, UPS_1, f.ctx(), carrier="UPS")


def test_tracking_edit_is_logged_as_a_change():
    order = wf.save_tracking(slipped(), 1, UPS_1, f.ctx(), carrier="UPS").order
    change = wf.save_tracking(order, 1, UPS_2, f.ctx(), carrier="UPS")
    assert change.order.slips[0].tracking_number == UPS_2
    assert change.activity[0].action == "Tracking number changed"
    assert sla.progress(order) == 50
    assert sla.progress(tracked()) == 75


# --- R8 / R9 invoice and completion -----------------------------------------------------


def test_invoice_bills_accepted_units_at_contracted_price_never_retail():
    order = invoiced()
    inv = order.invoice
    assert inv is not None
    (row,) = inv.rows
    assert (row.quantity, row.unit_price, row.amount) == (4, Decimal("19.99"), Decimal("79.96"))
    assert inv.total == Decimal("79.96") and inv.currency == "USD"
    assert "29.99" not in inv.model_dump_json()


def test_invoice_falls_back_to_line_price_without_contract_and_rounds_half_up():
    order = f.order(lines=[f.line(1, 3, "A", contracted="0.125"), f.line(2, 1, "B", contracted=None, retail="10.00")])
    order = wf.acknowledge(order, {}, {}, f.ctx()).order
    order = wf.save_slips(order, [{1: 3, 2: 1}], f.ctx()).order
    order = wf.save_tracking(order, 1, UPS_1, f.ctx(), carrier="UPS").order
    inv = wf.generate_invoice(order, f.vendor(), "INV-2", f.ctx()).order.invoice
    assert [r.amount for r in inv.rows] == [Decimal("0.38"), Decimal("10.00")]
    assert inv.total == Decimal("10.38")


def test_invoice_twice_refused_and_complete_reaches_100():
    order = invoiced()
    with pytest.raises(WorkflowError, match="already invoiced"):
        wf.generate_invoice(order, f.vendor(), "INV-9", f.ctx())
    done = wf.complete(order, f.ctx()).order
    assert done.stage is Stage.COMPLETED and sla.progress(done) == 100
    with pytest.raises(WorkflowError, match="already completed"):
        wf.complete(done, f.ctx())


# --- R10 cancel ------------------------------------------------------------------------------


def test_cancel_new_order_cancels_every_unit():
    change = wf.cancel(f.order(), Reason(code=ReasonCode.DISCONTINUED), f.ctx())
    assert change.order.stage is Stage.CANCELED
    assert [(c.quantity, c.reason_code) for c in change.order.canceled_items] == [(5, ReasonCode.DISCONTINUED)]


def test_cancel_in_progress_keeps_earlier_canceled_items_and_drops_slips():
    change = wf.cancel(slipped(), Reason(code=ReasonCode.DAMAGED), f.ctx())
    order = change.order
    assert [(c.quantity, c.reason_code) for c in order.canceled_items] == [
        (1, ReasonCode.OUT_OF_STOCK),
        (4, ReasonCode.DAMAGED),
    ]
    assert order.slips == () and order.lines[0].quantity_accepted == 0


def test_cancelling_completed_or_invoiced_or_canceled_refused():
    with pytest.raises(WorkflowError, match="is completed"):
        wf.cancel(wf.complete(invoiced(), f.ctx()).order, OOS, f.ctx())
    with pytest.raises(WorkflowError, match="already invoiced"):
        wf.cancel(invoiced(), OOS, f.ctx())
    canceled = wf.cancel(f.order(), OOS, f.ctx()).order
    with pytest.raises(WorkflowError, match="is canceled"):
        wf.cancel(canceled, OOS, f.ctx())
    with pytest.raises(WorkflowError, match="'other' needs a text"):
        wf.cancel(f.order(), Reason(code=ReasonCode.OTHER), f.ctx())


# --- R11 activity, R14 address ----------------------------------------------------------------


def test_every_action_appends_activity_with_time_and_user():
    ctx = f.ctx(user="sam")
    change = wf.acknowledge(f.order(), {}, {}, ctx)
    assert all(e.user == "sam" and e.at == f.NOW for e in change.activity)


def test_address_correction_before_slips_logs_old_and_new():
    order = f.order()
    new = order.ship_to.model_copy(update={"address": Address(line1="9 Oak Ave", city="Springfield", country_code="US")})
    change = wf.correct_address(order, new, f.ctx())
    assert change.order.ship_to.address.line1 == "9 Oak Ave"
    assert "12 Elm St" in change.activity[0].details and "9 Oak Ave" in change.activity[0].details
    with pytest.raises(WorkflowError, match="unchanged"):
        wf.correct_address(change.order, new, f.ctx())
    with pytest.raises(WorkflowError, match="already has packing slips"):
        wf.correct_address(slipped(), new, f.ctx())


# --- R12 SLA ---------------------------------------------------------------------------------


def test_policy_falls_back_location_then_group_then_default():
    own = SlaPolicy(hours_to_acknowledge=4, hours_to_ship=8)
    grouped = SlaPolicy(hours_to_acknowledge=6, hours_to_ship=10)
    group = LocationGroup(code="G", sla_policy=grouped)
    loc = Location(code="L", vendor_code="V", name="L", group_code="G")
    assert sla.resolve_policy(loc.model_copy(update={"sla_policy": own}), group) == own
    assert sla.resolve_policy(loc, group) == grouped
    assert sla.resolve_policy(loc, None).hours_to_acknowledge == 24


@pytest.mark.parametrize(
    ("hours_old", "expected"),
    [(0, SlaStatus.ON_TIME), (19.1, SlaStatus.ON_TIME), (19.2, SlaStatus.AT_RISK), (23.9, SlaStatus.AT_RISK), (24, SlaStatus.OVERDUE)],
)
def test_sla_thresholds_80_and_100_percent(hours_old, expected):
    policy = SlaPolicy(hours_to_acknowledge=24, hours_to_ship=72)
    assert sla.sla_status(f.order(hours_old=hours_old), policy, f.NOW) is expected


def test_sla_thresholds_configurable_and_ship_window_after_ack():
    policy = SlaPolicy(hours_to_acknowledge=24, hours_to_ship=72)
    order = f.order(hours_old=12)
    assert sla.sla_status(order, policy, f.NOW, SlaThresholds(at_risk=Decimal("0.5"))) is SlaStatus.AT_RISK
    assert sla.sla_status(acked(order), policy, f.NOW) is SlaStatus.ON_TIME  # 12 of 72 h


def test_finished_orders_keep_their_final_sla_status():
    policy = SlaPolicy(hours_to_acknowledge=24, hours_to_ship=72)
    late = f.order(hours_old=100)
    canceled = wf.cancel(late, OOS, f.ctx()).order
    assert canceled.final_sla_status is SlaStatus.OVERDUE
    done = wf.complete(invoiced(tracked(slipped(acked(f.order(hours_old=1))))), f.ctx()).order
    much_later = f.NOW + timedelta(days=30)
    assert sla.sla_status(done, policy, much_later) is SlaStatus.ON_TIME
    assert sla.sla_status(canceled, policy, f.NOW - timedelta(days=9)) is SlaStatus.OVERDUE


def test_a_typo_in_a_known_format_is_refused_even_with_its_carrier_named():
    typo = UPS_1[:-1] + "5"
    with pytest.raises(WorkflowError, match="looks like a UPS number but its check digit is wrong; check the number$"):
        wf.save_tracking(slipped(), 1, typo, f.ctx(), carrier="ups")
    # Another carrier's own number that merely has the shape is still accepted when named.
    order = wf.save_tracking(slipped(), 1, "3318810026", f.ctx(), carrier="Local Courier").order
    assert order.slips[0].carrier == "Local Courier"


def test_reason_text_is_kept_for_any_code():
    change = wf.acknowledge(f.order(), {1: 4}, {1: Reason(code=ReasonCode.DAMAGED, text="box crushed")}, f.ctx())
    assert "Damaged: box crushed" in change.activity[1].details
    assert Reason(code=ReasonCode.DAMAGED).describe() == "Damaged"


def test_money_text_is_the_one_way_amounts_are_printed():
    from dropship_tui.domain.models import money_text

    assert money_text(Decimal("1234.5")) == "1,234.50"
    assert money_text(Decimal("0.125")) == "0.125"  # a contracted price keeps its digits
    assert money_text(Decimal("2.345")) == "2.345"  # never banker-rounded to 2.34 on screen


@pytest.mark.parametrize(("at_risk", "overdue"), [("0", "1"), ("0.9", "0.8"), ("-1", "1")])
def test_sla_thresholds_must_be_ordered(at_risk, overdue):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="0 < at risk <= overdue"):
        SlaThresholds(at_risk=Decimal(at_risk), overdue=Decimal(overdue))


def test_saving_the_same_slips_again_is_refused_and_logs_nothing():
    order = slipped()
    with pytest.raises(WorkflowError, match="unchanged"):
        wf.save_slips(order, [{1: 2}, {1: 2}], f.ctx())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"line1": ""}, "Address line 1 is required"),
        ({"city": " "}, "City is required"),
        ({"country_code": "XYZ"}, "Country code must be two letters"),
    ],
)
def test_address_correction_refuses_what_a_label_cannot_do_without(change, message):
    order = f.order()
    address = order.ship_to.address.model_copy(update=change)
    with pytest.raises(WorkflowError, match=message):
        wf.correct_address(order, order.ship_to.model_copy(update={"address": address}), f.ctx())
    with pytest.raises(WorkflowError, match="not an email address"):
        wf.correct_address(order, order.ship_to.model_copy(update={"email": "bad"}), f.ctx())


def test_reason_messages_are_whole_sentences():
    assert wf.reason_message(None) == "Choose a reason"
    assert wf.reason_message(Reason(code=ReasonCode.OTHER)) == "The reason 'other' needs a text saying why"
    assert wf.reason_message(OOS) is None


def test_a_mistyped_known_number_says_to_check_it():
    typo = UPS_1[:-1] + "5"
    with pytest.raises(WorkflowError, match="check the number, or name the carrier if it is not UPS$"):
        wf.save_tracking(slipped(), 1, typo, f.ctx())
