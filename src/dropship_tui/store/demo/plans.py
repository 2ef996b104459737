"""Plans: every random decision about one demo order — where, who, what, how it ends and
when each action happens — made once, so the domain path and the fast path write the
same orders. Times are whole epoch seconds."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import accumulate

from dropship_tui.domain.models import Reason, ReasonCode, SlaPolicy
from dropship_tui.domain.tracking import ups_check_digit
from dropship_tui.store.demo.world import (
    HOSTILE,
    LOCATIONS,
    WALKTHROUGH_CUSTOMER,
    Customer,
    Product,
    policies,
)

WALKTHROUGH_PO = 82
ORDER_NUMBER_OFFSET = 37  # PO 82 is the operator's order 119
USERS = ("jordan", "sam", "priya")
IMPORT_USER = "local"
"""Who the demo's imports are recorded as ("Order received", at the demo's now)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def moment(seconds: int) -> datetime:
    """An epoch second as an aware UTC datetime."""
    return _EPOCH + timedelta(seconds=seconds)


def ups_number(shipper: str, service: str, serial: int) -> str:
    """A valid UPS ``1Z`` number (its check digit from ``domain.tracking``)."""
    body = f"{shipper}{service}{serial:07d}"
    return f"1Z{body}{ups_check_digit(body)}"


OUTCOMES = [
    # (outcome, weight)
    ("new", 12), ("ack", 6), ("slips", 5), ("tracked", 5), ("invoiced", 3),
    ("completed", 55), ("cancel_new", 4), ("cancel_ip", 5), ("cancel_r4", 5),
]
_OUTCOME_NAMES = [o for o, _ in OUTCOMES]
_OUTCOME_WEIGHTS = [w for _, w in OUTCOMES]
_SHORT_REASONS = [
    Reason(code=ReasonCode.OUT_OF_STOCK),
    Reason(code=ReasonCode.DAMAGED),
    Reason(code=ReasonCode.DISCONTINUED),
    Reason(code=ReasonCode.INVALID_SKU),
    Reason(code=ReasonCode.OTHER, text="Supplier recall — batch 42 on hold"),
    Reason(code=ReasonCode.OTHER, text="Käufer bat um Teillieferung"),
]
_CANCEL_REASONS = [
    Reason(code=ReasonCode.UNDELIVERABLE_ADDRESS),
    Reason(code=ReasonCode.OUT_OF_STOCK),
    Reason(code=ReasonCode.INCORRECT_PRODUCT_INFO),
    Reason(code=ReasonCode.OTHER, text="Customer asked to cancel by phone"),
]
SHIPPING = ["Ground", "2-Day", "Next Day", "Standard International"]
HOUR = 3600


class _Weighted:
    """``rng.choices(items, weights)[0]`` with the cumulative weights computed once (the
    same draw, without the per-call set-up)."""

    def __init__(self, items: Sequence, weights: Sequence[int]) -> None:
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = float(self.cum[-1])
        self.hi = len(self.cum) - 1

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total, 0, self.hi)]


_N_LINES = _Weighted((1, 2, 3, 4, 5, 6), (45, 25, 13, 8, 5, 4))
_QTY = _Weighted((1, 2, 3, 4, 5, 8, 12), (40, 25, 12, 8, 8, 4, 3))
_OUTCOME = _Weighted(_OUTCOME_NAMES, _OUTCOME_WEIGHTS)
_SLA_KIND = _Weighted((0, 1, 2), (70, 15, 15))
_SLIP_COUNT = _Weighted((1, 2, 3), (70, 20, 10))


@dataclass
class Plan:
    po: int
    location_code: str
    customer: Customer
    products: list[Product]
    quantities: list[int]
    order_date: int  # epoch seconds
    shipping: str
    outcome: str
    user: str
    accepted: dict[int, int] = field(default_factory=dict)  # line_id -> validated (short)
    reasons: dict[int, Reason] = field(default_factory=dict)
    reason_all: Reason | None = None
    slip_count: int = 0
    tracked: int = 0  # how many slips get a tracking number
    tracking_numbers: list[str] = field(default_factory=list)
    invoice: bool = False
    complete: bool = False
    cancel: Reason | None = None
    times: list[int] = field(default_factory=list)  # one per action, increasing

    @property
    def vendor_code(self) -> str:
        return self.products[0].vendor_code


@dataclass
class Setting:
    """What plans need to know about a location."""

    code: str
    vendor_code: str
    policy: SlaPolicy
    products: list[Product]


CHUNK = 10_000
"""Orders are planned in chunks of POs, each from its own ``Random(f"{seed}/{chunk}")``,
so a worker process can plan and serialise chunk k without planning chunks 0..k-1."""
MAX_SLIPS_PER_PLAN = 3


def po_numbers(count: int) -> list[int]:
    """1..count, with PO 82 always among them (as the last one when count < 82)."""
    if count <= 0:
        return []
    return list(range(1, count + 1)) if count >= WALKTHROUGH_PO else [*range(1, count), WALKTHROUGH_PO]


def chunk_count(count: int) -> int:
    return (max(0, count) + CHUNK - 1) // CHUNK


def make_plans(
    seed: int,
    count: int,
    now_s: int,
    catalog: list[Product],
    customers: list[Customer],
    chunks: Sequence[int] | None = None,
) -> Iterator[Plan]:
    """The orders of the demo, in PO order (``count`` includes PO 82); only the given
    chunks when ``chunks`` is set."""
    location_policies = policies()
    settings = [
        Setting(loc.code, loc.vendor_code, location_policies[loc.code],
                [p for p in catalog if p.vendor_code == loc.vendor_code])
        for loc in LOCATIONS
    ]
    where = _Weighted(settings, (55, 35, 10))
    pos = po_numbers(count)
    for chunk in range(chunk_count(count)) if chunks is None else chunks:
        rng = random.Random(f"{seed}/{chunk}")
        serial = chunk * CHUNK * MAX_SLIPS_PER_PLAN
        for po in pos[chunk * CHUNK:(chunk + 1) * CHUNK]:
            if po == WALKTHROUGH_PO:
                yield _walkthrough_plan(settings[0], now_s)
                continue
            setting = where.pick(rng)
            n_lines = _N_LINES.pick(rng)
            products = rng.sample(setting.products, n_lines)
            quantities = [_QTY.pick(rng) for _ in products]
            outcome = _OUTCOME.pick(rng)
            customer = rng.choice(customers)
            if po <= len(HOSTILE):  # names that look like markup, in every demo
                customer = customers[po - 1]
            plan = Plan(
                po=po,
                location_code=setting.code,
                customer=customer,
                products=products,
                quantities=quantities,
                order_date=0,
                shipping=rng.choice(SHIPPING),
                outcome=outcome,
                user=rng.choice(USERS),
            )
            serial = _decide(rng, plan, setting.policy, now_s, serial)
            yield plan


def _walkthrough_plan(setting: Setting, now_s: int) -> Plan:
    product = setting.products[0]
    return Plan(
        po=WALKTHROUGH_PO,
        location_code=setting.code,
        customer=Customer(WALKTHROUGH_CUSTOMER, WALKTHROUGH_CUSTOMER.model_dump_json(),
                          "Ann Lee", "ann lee", "ann", "lee"),
        products=[product],
        quantities=[5],
        order_date=now_s - 2 * HOUR,
        shipping="Ground",
        outcome="new",
        user="jordan",
    )


def _decide(rng: random.Random, plan: Plan, policy: SlaPolicy, now_s: int, serial: int) -> int:
    """Fill in the plan's actions and their times; returns the next tracking serial."""
    ack_s, ship_s = policy.hours_to_acknowledge * HOUR, policy.hours_to_ship * HOUR
    outcome = plan.outcome
    units = sum(plan.quantities)

    def sla_span(window: int) -> int:
        """How long from order date to the deciding moment: on time mostly, some at risk,
        some overdue."""
        kind = _SLA_KIND.pick(rng)
        low, high = ((0.05, 0.78), (0.81, 0.98), (1.02, 1.6))[kind]
        return int(window * rng.uniform(low, high))

    # Acknowledgement: which lines are short, and why.
    if outcome == "cancel_r4":
        plan.accepted = {i + 1: 0 for i in range(len(plan.products))}
        plan.reason_all = rng.choice(_SHORT_REASONS)
    elif outcome != "new" and outcome != "cancel_new" and rng.random() < 0.22:
        for i, qty in enumerate(plan.quantities):
            if rng.random() < 0.5 or (i == len(plan.quantities) - 1 and not plan.accepted):
                plan.accepted[i + 1] = rng.randrange(0, qty)
        if all(plan.accepted.get(i + 1, q) == 0 for i, q in enumerate(plan.quantities)):
            plan.accepted.pop(len(plan.quantities))  # keep something to ship
        if len(plan.accepted) > 1 and rng.random() < 0.5:
            plan.reason_all = rng.choice(_SHORT_REASONS)
        else:
            plan.reasons = {lid: rng.choice(_SHORT_REASONS) for lid in plan.accepted}
    accepted_units = units - sum(
        plan.quantities[lid - 1] - v for lid, v in plan.accepted.items()
    )

    steps: list[str] = []
    if outcome in ("ack", "slips", "tracked", "invoiced", "completed", "cancel_ip", "cancel_r4"):
        steps.append("ack")
    if outcome in ("slips", "tracked", "invoiced", "completed") or (
        outcome == "cancel_ip" and rng.random() < 0.5
    ):
        plan.slip_count = min(accepted_units, _SLIP_COUNT.pick(rng))
        steps.append("slips")
        if outcome == "slips":
            plan.tracked = rng.randrange(0, plan.slip_count)
        elif outcome == "cancel_ip":
            plan.tracked = plan.slip_count if rng.random() < 0.5 else 0
        else:
            plan.tracked = plan.slip_count
        for _ in range(plan.tracked):
            serial += 1
            block, rest = divmod(serial, 10**7)
            if plan.vendor_code == "MYSTIC":
                plan.tracking_numbers.append(ups_number(f"A5R{block:03d}", "03", rest))
            else:
                plan.tracking_numbers.append(ups_number(f"E4W{block:03d}", "66", rest))
            steps.append("track")
    if outcome in ("invoiced", "completed"):
        plan.invoice = True
        steps.append("invoice")
    if outcome == "completed":
        plan.complete = True
        steps.append("complete")
    if outcome in ("cancel_new", "cancel_ip"):
        plan.cancel = rng.choice(_CANCEL_REASONS)
        steps.append("cancel")

    # Times. Open orders: the order's age decides its SLA status now. Finished orders: the
    # moment of the last action decides the status they keep.
    if outcome == "new":
        age = sla_span(ack_s)
        plan.order_date = now_s - max(60, age)
        return serial
    if outcome in ("ack", "slips", "tracked", "invoiced"):
        age = max(len(steps) * 120 + 240, sla_span(ship_s))
        plan.order_date = now_s - age
        end = now_s - rng.randrange(60, 120)
    else:
        window = ack_s if outcome in ("cancel_new", "cancel_r4") else ship_s
        span = max(len(steps) * 120, sla_span(window))
        end_age = rng.randrange(0, 60 * 24 * HOUR)
        plan.order_date = now_s - end_age - span
        end = plan.order_date + span
    # The acknowledgement comes early (mostly within the acknowledgement window).
    start = plan.order_date + 60
    times = sorted(rng.randrange(start, end + 1) for _ in steps)
    times[-1] = end
    # Strictly increasing, whole seconds.
    for i in range(1, len(times)):
        times[i] = max(times[i], times[i - 1] + 1)
    plan.times = times
    return serial

