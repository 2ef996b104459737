"""The demo's domain path: each order imported New, then driven through the real store
actions (``acknowledge``, ``save_slips``, ``save_tracking``, ``generate_invoice``,
``complete``, ``cancel``) with the clock set to each action's time. What it writes is the
truth the fast path is held to (``tests/test_demo.py``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from dropship_tui.domain.models import Line, Order
from dropship_tui.domain.workflow import even_allocation
from dropship_tui.store.demo.plans import IMPORT_USER, ORDER_NUMBER_OFFSET, Plan, moment
from dropship_tui.store.demo.world import dec
from dropship_tui.store.sqlite import SqliteStore


def initial_order(plan: Plan) -> Order:
    """The order as the operator sends it (New)."""
    lines = [
        Line(
            line_id=i + 1,
            product_code=p.product_code,
            variation_product_code=p.variation_product_code,
            sku=p.sku,
            vendor_sku=p.vendor_sku,
            upc=p.upc,
            description=p.description,
            quantity_ordered=qty,
            retail_price=dec(p.retail_cents),
            contracted_price=dec(p.contracted_cents),
            weight_kg=Decimal(p.weight_kg),
            dimensions_cm=p.dimensions_cm,
        )
        for i, (p, qty) in enumerate(zip(plan.products, plan.quantities))
    ]
    order_date = moment(plan.order_date)
    return Order(
        po_number=plan.po,
        order_number=str(plan.po + ORDER_NUMBER_OFFSET),
        vendor_code=plan.vendor_code,
        location_code=plan.location_code,
        ship_to=plan.customer.ship_to,
        order_date=order_date,
        requested_ship_date=order_date + timedelta(days=3),
        currency=plan.products[0].currency,
        shipping_method=plan.shipping,
        lines=lines,
    )


def run_plan(store: SqliteStore, plan: Plan) -> None:
    """Drive an imported order through its actions with the real store and rules."""
    clock = {"now": moment(plan.order_date)}
    saved = store.clock, store.user
    store.clock = lambda: clock["now"]
    store.user = plan.user
    try:
        times = iter(plan.times)

        def at() -> None:
            clock["now"] = moment(next(times))

        po = plan.po
        if plan.outcome == "new":
            return
        if plan.outcome != "cancel_new":
            at()
            order = store.acknowledge(po, 1, plan.accepted, plan.reasons, plan.reason_all)
        if plan.slip_count:
            at()
            order = store.get_order(po)
            order = store.save_slips(po, order.version, even_allocation(order, plan.slip_count))
        for slip, number in enumerate(plan.tracking_numbers, start=1):
            at()
            order = store.save_tracking(po, order.version, slip, number)
        if plan.invoice:
            at()
            order = store.generate_invoice(po, order.version)
        if plan.complete:
            at()
            store.complete(po, order.version)
        if plan.cancel is not None:
            at()
            store.cancel(po, None, plan.cancel)
    finally:
        store.clock, store.user = saved


def run_batch(
    store: SqliteStore, batch: list[Plan], done: int, total: int, progress, now: datetime
) -> int:
    """Import the batch New (by ``IMPORT_USER``, at the demo's ``now``), then run each
    plan; returns how many orders are done."""
    saved = store.clock, store.user
    store.clock, store.user = (lambda: now), IMPORT_USER
    try:
        store.import_orders([initial_order(p) for p in batch])
    finally:
        store.clock, store.user = saved
    for plan in batch:
        run_plan(store, plan)
    done += len(batch)
    if progress:
        progress(done, total)
    return done

