"""Demo data: a store that looks like a vendor's real week, reproducible from a seed.

``build_demo(store_or_path, orders=N, seed=S, now=T)`` adds two vendors (Mystic Sports,
code MYSTIC, with two locations whose SLA policies differ — one of them through a
location group — and a small second vendor, ALPINE), a catalog of 60 products with SKU
mappings (vendor SKU, UPC with a valid check digit, contracted price below retail), some
stock levels, and N orders spread over every stage and SLA status, with customers in many
alphabets (and a few names that look like markup). PO 82 / operator order 119 is the
seed walkthrough's order: one line of 5 units, New, On time.

Everything comes from ``random.Random`` instances seeded from ``seed`` (one per chunk of
10,000 POs, one for the customers, one for stock) and ``now`` (floored to the second;
``datetime.now()`` only as its default), so the same arguments give the same store.

Two ways to write the same orders, chosen by ``fast`` (default: fast above
``FAST_THRESHOLD`` orders):

* the **domain path** imports each order New and then drives it through the real store
  actions (``acknowledge``, ``save_slips``, ``save_tracking``, ``generate_invoice``,
  ``complete``, ``cancel``) with the clock set to each action's time;
* the **fast path** (a million orders in ~80 s on 2 cores) writes the very rows those
  actions would write — JSON bodies assembled from pre-serialised fragments, SLA marks and
  progress from the same arithmetic. Worker processes each write a chunk into a scratch
  SQLite file; the loader copies chunks in with ``INSERT ... SELECT`` (numbering invoices
  in PO order), then builds indexes and counters; ``synchronous=OFF`` and no WAL
  meanwhile.

``tests/test_demo.py`` builds the same seed both ways and requires identical tables.
"""

from __future__ import annotations

import gc
import json
import os
import random
from bisect import bisect
from itertools import accumulate
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import (
    Address,
    Contact,
    IntegrationMode,
    Line,
    Location,
    LocationGroup,
    Order,
    Reason,
    ReasonCode,
    ShipTo,
    SkuMapping,
    SlaPolicy,
    SlaStatus,
    SlaThresholds,
    Vendor,
)
from dropship_tui.domain.workflow import even_allocation, slips_details
from dropship_tui.store.sqlite import schema
from dropship_tui.store.base import utc_now
from dropship_tui.store.sqlite.rows import FINAL_MARKS, ORDER_COLUMNS, name_key
from dropship_tui.store.sqlite.store import INVOICE_PREFIX, SqliteStore

FAST_THRESHOLD = 2000
WALKTHROUGH_PO = 82
ORDER_NUMBER_OFFSET = 37  # PO 82 is the operator's order 119
USERS = ("jordan", "sam", "priya")
_US = timedelta(microseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

# --- the setup: vendors, locations, catalog ---------------------------------------------

MYSTIC = Vendor(
    code="MYSTIC",
    name="Mystic Sports",
    contact=Contact(name="Jordan Romero", phone="+1 512 555 0100", email="jordan@mystic.example"),
    billing_email="billing@mystic.example",
    address=Address(
        line1="400 Congress Ave", line2="Suite 1200", city="Austin", state="TX",
        postal_code="78701", country_code="US",
    ),
    integration_mode=IntegrationMode.PORTAL,
)
ALPINE = Vendor(
    code="ALPINE",
    name="Alpine Gear GmbH",
    contact=Contact(name="Lena Müller", phone="+43 512 555 010", email="lena@alpine.example"),
    billing_email="rechnung@alpine.example",
    address=Address(
        line1="Maria-Theresien-Straße 18", city="Innsbruck", postal_code="6020",
        country_code="AT",
    ),
    integration_mode=IntegrationMode.API,
)
WEST_GROUP = LocationGroup(
    code="WEST", name="West Coast warehouses",
    sla_policy=SlaPolicy(hours_to_acknowledge=48, hours_to_ship=120),
)
LOCATIONS = (
    Location(
        code="MYSTIC-WH1", vendor_code="MYSTIC", name="Mystic Sports Warehouse",
        address=Address(line1="1 Dock Rd", city="Round Rock", state="TX", postal_code="78664",
                        country_code="US"),
        sla_policy=SlaPolicy(hours_to_acknowledge=24, hours_to_ship=72),
    ),
    Location(
        code="MYSTIC-WH2", vendor_code="MYSTIC", name="Mystic Sports Reno",
        address=Address(line1="9 Logistics Way", city="Reno", state="NV", postal_code="89502",
                        country_code="US"),
        group_code="WEST",  # no policy of its own: the group's applies
    ),
    Location(
        code="ALPINE-IBK", vendor_code="ALPINE", name="Alpine Gear Innsbruck",
        address=Address(line1="Grabenweg 3", city="Innsbruck", postal_code="6020",
                        country_code="AT"),
        # neither location nor group policy: the defaults apply
    ),
)

_PRODUCTS = [
    # (name, base retail in dollars, weight kg, dimensions cm)
    ("Trail running shoe", 129.99, "0.85", "33x22x12"),
    ("Road running shoe", 109.99, "0.75", "33x22x12"),
    ("Soccer ball size 5", 34.99, "0.45", "23x23x23"),
    ("Basketball", 29.99, "0.62", "25x25x25"),
    ("Yoga mat", 39.99, "1.20", "61x12x12"),
    ("Tennis racket", 149.99, "0.30", "70x30x5"),
    ("Cycling helmet", 89.99, "0.35", "30x25x20"),
    ("Climbing rope 60 m", 219.99, "3.80", "40x40x15"),
    ("Swim goggles", 19.99, "0.08", "18x8x5"),
    ("Hiking backpack 30 L", 119.99, "1.10", "55x30x20"),
    ("Ski gloves", 59.99, "0.25", "30x15x6"),
    ("Après-ski boots", 169.99, "1.60", "40x30x18"),
    ("Water bottle 750 ml", 14.99, "0.15", "26x8x8"),
    ("Resistance bands set", 24.99, "0.40", "20x15x6"),
    ("Jump rope", 12.99, "0.20", "18x12x4"),
    ("Headlamp 400 lm", 44.99, "0.12", "12x8x6"),
    ("Trekking poles (pair)", 79.99, "0.55", "70x10x10"),
    ("Insulated jacket", 199.99, "0.70", "40x30x8"),
    ("Base layer top", 49.99, "0.20", "30x25x3"),
    ("Running shorts", 34.99, "0.12", "25x20x2"),
]
_VARIANTS = ["BLK-M", "BLU-L", "RED-S"]
MYSTIC_PRODUCTS = 48
CATALOG_SIZE = 60


@dataclass(frozen=True)
class Product:
    vendor_code: str
    product_code: str
    variation_product_code: str
    sku: str
    vendor_sku: str
    upc: str
    description: str
    retail_cents: int
    contracted_cents: int
    weight_kg: str
    dimensions_cm: str
    currency: str

    def mapping(self) -> SkuMapping:
        return SkuMapping(
            vendor_code=self.vendor_code,
            product_code=self.variation_product_code or self.product_code,
            vendor_sku=self.vendor_sku,
            upc=self.upc,
            contracted_price=_dec(self.contracted_cents),
            currency=self.currency,
        )


def upc_check_digit(eleven: str) -> int:
    """UPC-A: 3 × the digits in odd positions + the even ones; the check digit tops the
    sum up to a multiple of 10."""
    odd = sum(int(d) for d in eleven[0::2])
    even = sum(int(d) for d in eleven[1::2])
    return (10 - (odd * 3 + even) % 10) % 10


def ups_check_digit(body: str) -> int:
    """UPS ``1Z`` numbers: over the 15 characters after ``1Z``, letters count as
    ``(ord(c) - 63) % 10``, odd positions weigh 1 and even ones 2; the check digit brings
    the sum to a multiple of 10."""
    total = 0
    for position, ch in enumerate(body, start=1):
        value = int(ch) if ch.isdigit() else (ord(ch) - 63) % 10
        total += value * (2 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def ups_number(shipper: str, service: str, serial: int) -> str:
    body = f"{shipper}{service}{serial:07d}"
    return f"1Z{body}{ups_check_digit(body)}"


def build_catalog(rng: random.Random) -> list[Product]:
    products = []
    for i in range(CATALOG_SIZE):
        vendor_code = "MYSTIC" if i < MYSTIC_PRODUCTS else "ALPINE"
        name, retail, weight, dims = _PRODUCTS[i % len(_PRODUCTS)]
        variant = _VARIANTS[(i // len(_PRODUCTS)) % len(_VARIANTS)]
        base = f"{'MS' if vendor_code == 'MYSTIC' else 'AG'}-{1000 + i}"
        variation = f"{base}-{variant}" if i % 4 else ""
        retail_cents = int(round(retail * 100)) + rng.choice((0, 0, 500, -500, 1000))
        contracted_cents = int(retail_cents * rng.uniform(0.5, 0.7))
        upc11 = f"{'8' if vendor_code == 'MYSTIC' else '9'}{rng.randrange(10**10):010d}"
        products.append(
            Product(
                vendor_code=vendor_code,
                product_code=base,
                variation_product_code=variation,
                sku=f"SKU-{1000 + i}" + (f"-{variant}" if variation else ""),
                vendor_sku=f"{'MYS' if vendor_code == 'MYSTIC' else 'ALP'}-{4000 + i * 7}"
                + (f"-{variant.replace('-', '')}" if variation else ""),
                upc=upc11 + str(upc_check_digit(upc11)),
                description=f"{name}" + (f" ({variant})" if variation else ""),
                retail_cents=retail_cents,
                contracted_cents=contracted_cents,
                weight_kg=weight,
                dimensions_cm=dims,
                currency="USD" if vendor_code == "MYSTIC" else "EUR",
            )
        )
    return products


# --- customers in many alphabets ------------------------------------------------------------

_LOCALES = [
    # (country, first names, last names, [(city, state, postal)], streets, weight)
    ("US", ["James", "Mary", "Ann", "Robert", "Linda", "Michael", "Olivia", "Noah", "Emma",
            "Liam"],
     ["Smith", "Johnson", "Lee", "Brown", "Garcia", "Miller", "Davis", "O'Neil", "Nguyen",
      "Wilson"],
     [("Springfield", "IL", "62701"), ("Portland", "OR", "97205"), ("Austin", "TX", "78704"),
      ("Boston", "MA", "02116")], ["Elm St", "Oak Ave", "Main St", "Maple Dr"], 30),
    ("FR", ["Zoë", "Renée", "Hélène", "François", "Léa", "Jérôme"],
     ["Lefèvre", "Dubois", "Gérard", "Moreau", "Bézier"],
     [("Paris", "", "75011"), ("Lyon", "", "69002"), ("Besançon", "", "25000")],
     ["rue de la Paix", "avenue Jean-Jaurès", "place Bellecour"], 8),
    ("DE", ["Jürgen", "Anneliese", "Björn", "Käthe", "Søren", "Åsa"],
     ["Müller", "Schröder", "Weiß", "Groß", "Łukasiewicz"],
     [("München", "BY", "80331"), ("Köln", "NW", "50667"), ("Düsseldorf", "NW", "40213")],
     ["Königstraße", "Hauptstraße", "Am Weißen Stein"], 8),
    ("ES", ["José", "María", "Begoña", "Íñigo", "Núria"],
     ["García", "Núñez", "Peña", "Ibáñez"],
     [("Madrid", "M", "28013"), ("A Coruña", "C", "15001")], ["Calle Mayor", "Rúa Nova"], 6),
    ("GR", ["Γιώργος", "Μαρία", "Ελένη", "Νίκος", "Δημήτρης", "Ωμέγα"],
     ["Παπαδόπουλος", "Οικονόμου", "Γεωργίου", "Αλεξίου"],
     [("Αθήνα", "", "105 57"), ("Θεσσαλονίκη", "", "546 24")], ["Οδός Ερμού", "Λεωφόρος Συγγρού"], 6),
    ("RU", ["Иван", "Ольга", "Наталья", "Сергей", "Ёлка"],
     ["Иванов", "Смирнова", "Кузнецов", "Фёдорова"],
     [("Москва", "", "101000"), ("Санкт-Петербург", "", "190000")], ["ул. Тверская", "Невский пр."], 6),
    ("CN", ["伟", "芳", "娜", "秀英", "北京"],
     ["王", "李", "张", "刘", "陈"],
     [("北京", "北京市", "100000"), ("上海", "上海市", "200000")], ["长安街", "南京路"], 6),
    ("JP", ["太郎", "花子", "さくら", "健太", "ユウキ"],
     ["佐藤", "鈴木", "高橋", "田中"],
     [("東京", "東京都", "100-0001"), ("大阪", "大阪府", "530-0001")], ["銀座", "梅田"], 6),
    ("AE", ["محمد", "فاطمة", "أحمد", "ليلى"],
     ["العلي", "حسن", "الخطيب"],
     [("دبي", "", "00000"), ("أبو ظبي", "", "00000")], ["شارع الشيخ زايد", "شارع حمدان"], 4),
]
HOSTILE = [
    ("[bold]Ann[/]", "Lee"),
    ("<b>&amp;", "O'Brien"),
    ("[0]", "Smith"),
    ("[link=http://e]x[/]", "Markup"),
    ("Robert'); DROP TABLE orders;--", "Tables"),
    ('Quote "Q"', "Back\\slash"),
]
COMPANIES = ["Acme Sports Club", "Ωμέγα Αθλητικά", "北京体育用品", "Club Atlético Peñarol"]
CUSTOMER_POOL = 4000


@dataclass(frozen=True)
class Customer:
    ship_to: ShipTo
    json: str
    name: str
    name_key: str
    first_key: str
    last_key: str


def build_customers(rng: random.Random, count: int = CUSTOMER_POOL) -> list[Customer]:
    weights = [loc[-1] for loc in _LOCALES]
    people = []
    for i in range(count):
        country, firsts, lasts, cities, streets, _ = rng.choices(_LOCALES, weights)[0]
        first, last, company = rng.choice(firsts), rng.choice(lasts), ""
        if i < len(HOSTILE) or i % 97 == 5:  # the first ones: POs 1-6 of every demo
            first, last = HOSTILE[i % len(HOSTILE) if i < len(HOSTILE) else (i // 97) % len(HOSTILE)]
        elif i % 53 == 7:
            first, last, company = "", "", rng.choice(COMPANIES)
        elif i % 11 == 3:
            company = rng.choice(COMPANIES)
        city, state, postal = rng.choice(cities)
        ascii_first = first if first.isascii() else f"c{i}"
        ship_to = ShipTo(
            first_name=first,
            last_name=last,
            company=company,
            email=f"{ascii_first.lower().replace(' ', '')[:12]}{i}@example.com"
            if first.isascii() and first.isalpha() else f"customer{i}@example.com",
            phone=f"+{rng.randrange(1, 99)} {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
            address=Address(
                line1=f"{rng.randrange(1, 400)} {rng.choice(streets)}",
                line2=f"Apt {rng.randrange(1, 40)}" if rng.random() < 0.2 else "",
                city=city,
                state=state,
                postal_code=postal,
                country_code=country,
            ),
        )
        name = ship_to.full_name or ship_to.company
        people.append(
            Customer(ship_to, ship_to.model_dump_json(), name, name_key(name),
                     name_key(first), name_key(last))
        )
    return people


WALKTHROUGH_CUSTOMER = ShipTo(
    first_name="Ann",
    last_name="Lee",
    email="ann@example.com",
    phone="+1 555 0100",
    address=Address(line1="12 Elm St", city="Springfield", state="IL", postal_code="62701",
                    country_code="US"),
)

# --- plans: every random decision about one order ---------------------------------------------

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


def _policies() -> dict[str, SlaPolicy]:
    from dropship_tui.domain import sla

    groups = {WEST_GROUP.code: WEST_GROUP}
    return {
        loc.code: sla.resolve_policy(loc, groups.get(loc.group_code or ""))
        for loc in LOCATIONS
    }


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
    policies = _policies()
    settings = [
        Setting(loc.code, loc.vendor_code, policies[loc.code],
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


# --- the domain path ------------------------------------------------------------------------


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
            retail_price=_dec(p.retail_cents),
            contracted_price=_dec(p.contracted_cents),
            weight_kg=Decimal(p.weight_kg),
            dimensions_cm=p.dimensions_cm,
        )
        for i, (p, qty) in enumerate(zip(plan.products, plan.quantities))
    ]
    order_date = _dt(plan.order_date)
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
    clock = {"now": _dt(plan.order_date)}
    saved = store.clock, store.user
    store.clock = lambda: clock["now"]
    store.user = plan.user
    try:
        times = iter(plan.times)

        def at() -> None:
            clock["now"] = _dt(next(times))

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


# --- the fast path --------------------------------------------------------------------------


def _dec(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2).quantize(Decimal("0.01"))


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _dt(seconds: int) -> datetime:
    return _EPOCH + timedelta(seconds=seconds)


_DAYS: dict[int, str] = {}
_TIMES_OF_DAY: list[str] = []


def _split(seconds: int) -> tuple[str, str]:
    """(YYYY-MM-DD, HH:MM:SS) of an epoch second, from caches (formatting a million
    datetimes would cost more than the whole database write)."""
    if not _TIMES_OF_DAY:
        _TIMES_OF_DAY.extend(
            f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
        )
    day, rest = divmod(seconds, 86400)
    date = _DAYS.get(day)
    if date is None:
        date = _DAYS[day] = (_EPOCH + timedelta(days=day)).date().isoformat()
    return date, _TIMES_OF_DAY[rest]


def _zulu(seconds: int) -> str:
    """A time as pydantic serialises a UTC datetime."""
    date, time = _split(seconds)
    return f"{date}T{time}Z"


def _iso(seconds: int) -> str:
    """A time as ``datetime.isoformat()`` (the activity table's ``at``)."""
    date, time = _split(seconds)
    return f"{date}T{time}+00:00"


_JS: dict[str, str] = {}


def _js(text: str) -> str:
    """A JSON string literal as pydantic writes it (UTF-8, not ASCII-escaped)."""
    out = _JS.get(text)
    if out is None:
        out = json.dumps(text, ensure_ascii=False)
        if len(_JS) < 100_000:
            _JS[text] = out
    return out


def _units(n: int) -> str:
    return f"{n} unit" if n == 1 else f"{n} units"


@dataclass
class _Frag:
    """Pre-serialised JSON of a product's line, minus the per-order numbers."""

    head: str  # up to and including "quantity_ordered":
    tail: str  # from ,"retail_price": to the end


def _line_frags(product: Product) -> _Frag:
    head = (
        '"product_code":' + _js(product.product_code)
        + ',"variation_product_code":' + _js(product.variation_product_code)
        + ',"sku":' + _js(product.sku)
        + ',"vendor_sku":' + _js(product.vendor_sku)
        + ',"upc":' + _js(product.upc)
        + ',"description":' + _js(product.description)
        + ',"quantity_ordered":'
    )
    tail = (
        ',"retail_price":"' + _money(product.retail_cents) + '"'
        + ',"contracted_price":"' + _money(product.contracted_cents) + '"'
        + ',"weight_kg":"' + product.weight_kg + '"'
        + ',"dimensions_cm":' + _js(product.dimensions_cm) + "}"
    )
    return _Frag(head, tail)


class FastWriter:
    """Builds exactly the rows the domain path writes, without building any model."""

    def __init__(self, thresholds, vendors: dict[str, Vendor], now_s: int) -> None:
        self.now_s = now_s
        self.policies = _policies()
        self.vendor_json = {code: v.model_dump_json() for code, v in vendors.items()}
        self.frags: dict[str, _Frag] = {}
        self.offsets: dict[tuple[str, int], tuple[int, int]] = {}
        for code, policy in self.policies.items():
            for window in (policy.hours_to_acknowledge, policy.hours_to_ship):
                allowed = timedelta(hours=window)
                self.offsets[(code, window)] = (
                    (allowed * float(thresholds.at_risk)) // _US,
                    (allowed * float(thresholds.overdue)) // _US,
                )

    def frag(self, product: Product) -> _Frag:
        f = self.frags.get(product.sku)
        if f is None:
            f = self.frags[product.sku] = _line_frags(product)
        return f

    def status(self, code: str, window_hours: int, elapsed_s: int) -> SlaStatus:
        at_risk, overdue = self.offsets[(code, window_hours)]
        elapsed = elapsed_s * 1_000_000
        if elapsed >= overdue:
            return SlaStatus.OVERDUE
        if elapsed >= at_risk:
            return SlaStatus.AT_RISK
        return SlaStatus.ON_TIME

    def rows(self, plan: Plan):
        """(order row, line rows, tracking rows, invoice row or None, activity rows)."""
        po = plan.po
        policy = self.policies[plan.location_code]
        user = plan.user
        n = len(plan.products)
        qty = plan.quantities
        accepted = [plan.accepted.get(i + 1, q) for i, q in enumerate(qty)]
        times = iter(plan.times)
        activity: list[tuple] = []
        canceled: list[str] = []  # JSON objects
        version = 1
        stage = "new"
        ack_at = completed_at = canceled_at = None
        final: SlaStatus | None = None
        quantity_accepted: list[int | None] = [None] * n
        slips: list[dict[int, int]] = []
        slip_tracking: list[tuple[str, int] | None] = []
        invoice_json = "null"
        invoice_row = None
        currency = plan.products[0].currency

        def entry(t: int, action: str, details: str) -> None:
            activity.append((po, _iso(t), user, action, details))

        activity.append(
            (po, _iso(self.now_s), IMPORT_USER, "Order received",
             f"imported, {n} line{'' if n == 1 else 's'}, {_units(sum(qty))}")
        )

        def cancel_item(line_id: int, quantity: int, reason: Reason, t: int) -> str:
            return (
                f'{{"line_id":{line_id},"quantity":{quantity},"reason_code":"{reason.code.value}"'
                f',"reason_text":{_js(reason.text.strip())},"at":"{_zulu(t)}","by":{_js(user)}}}'
            )

        def cancel_all(reasons: dict[int, Reason], t: int, rule: str) -> None:
            nonlocal stage, canceled_at, final, version, slips, slip_tracking
            entries = []
            for lid in range(1, n + 1):
                already = qty[lid - 1] - accepted[lid - 1] if ack_at is not None else 0
                remaining = qty[lid - 1] - already
                if remaining > 0:
                    reason = reasons[lid]
                    canceled.append(cancel_item(lid, remaining, reason, t))
                    entries.append(
                        (po, _iso(t), user, "Line canceled",
                         f"Line {lid} ({plan.products[lid - 1].sku}): {_units(remaining)} — "
                         f"{reason.describe()}")
                    )
            dropped = [(i + 1, tr[0]) for i, tr in enumerate(slip_tracking) if tr]
            detail = "every line validated to 0" if rule == "R4" else ""
            if dropped:
                numbers = ", ".join(f"slip {s} {num}" for s, num in dropped)
                detail = (detail + "; " if detail else "") + f"tracking dropped: {numbers}"
            activity.append((po, _iso(t), user, "Order canceled", detail))
            activity.extend(entries)
            window = policy.hours_to_ship if stage == "in_progress" else policy.hours_to_acknowledge
            final = self.status(plan.location_code, window, t - plan.order_date)
            for i in range(n):
                quantity_accepted[i] = 0
            slips, slip_tracking = [], []
            stage = "canceled"
            canceled_at = t
            version += 1

        if plan.outcome == "cancel_r4":
            t = next(times)
            reason = plan.reason_all
            assert reason is not None
            cancel_all({lid: reason for lid in range(1, n + 1)}, t, "R4")
        elif plan.outcome != "new" and plan.outcome != "cancel_new":
            t = next(times)
            ack_at = t
            entries = [(po, _iso(t), user, "Order acknowledged",
                        f"{sum(accepted)} of {_units(sum(qty))} accepted")]
            for lid in range(1, n + 1):
                short = qty[lid - 1] - accepted[lid - 1]
                if short:
                    reason = plan.reasons.get(lid) or plan.reason_all
                    assert reason is not None
                    canceled.append(cancel_item(lid, short, reason, t))
                    entries.append(
                        (po, _iso(t), user, "Line short",
                         f"Line {lid} ({plan.products[lid - 1].sku}): {_units(short)} not "
                         f"fulfilled — {reason.describe()}")
                    )
            activity.extend(entries)
            quantity_accepted = list(accepted)
            stage = "in_progress"
            version += 1
        if plan.slip_count:
            t = next(times)
            plan_slips: list[dict[int, int]] = [{} for _ in range(plan.slip_count)]
            slot = 0
            for lid in range(1, n + 1):
                for _ in range(accepted[lid - 1]):
                    plan_slips[slot][lid] = plan_slips[slot].get(lid, 0) + 1
                    slot = (slot + 1) % plan.slip_count
            slips = [dict(sorted(s.items())) for s in plan_slips]
            slip_tracking = [None] * plan.slip_count
            details = slips_details([sum(s.values()) for s in slips])
            entry(t, "Packing slips saved", details)
            version += 1
        for i, number in enumerate(plan.tracking_numbers):
            t = next(times)
            slip_tracking[i] = (number, t)
            entry(t, "Tracking number saved", f"Slip {i + 1}: UPS {number}")
            version += 1
        if plan.invoice:
            t = next(times)
            number = INVOICE_TOKEN  # numbered in PO order across chunks by _bulk_load
            rows_json = []
            subtotal = 0
            for i, p in enumerate(plan.products):
                q = accepted[i]
                if q <= 0:
                    continue
                amount = p.contracted_cents * q
                subtotal += amount
                rows_json.append(
                    f'{{"line_id":{i + 1},"sku":{_js(p.sku)},"vendor_sku":{_js(p.vendor_sku)}'
                    f',"description":{_js(p.description)},"quantity":{q}'
                    f',"unit_price":"{_money(p.contracted_cents)}","amount":"{_money(amount)}"}}'
                )
            total = _money(subtotal)
            invoice_json = (
                f'{{"invoice_number":"{number}","issued_at":"{_zulu(t)}","po_number":{po}'
                f',"order_number":"{po + ORDER_NUMBER_OFFSET}"'
                f',"vendor":{self.vendor_json[plan.vendor_code]}'
                f',"ship_to":{plan.customer.json},"rows":[{",".join(rows_json)}]'
                f',"subtotal":"{total}","total":"{total}","currency":"{currency}"}}'
            )
            invoice_row = (number, po)
            entry(t, "Invoice generated", f"{number}: {total} {currency} for {_units(sum(accepted))}")
            version += 1
        if plan.complete:
            t = next(times)
            final = self.status(plan.location_code, policy.hours_to_ship, t - plan.order_date)
            entry(t, "Order completed", f"SLA {final.label}")
            stage = "completed"
            completed_at = t
            version += 1
        if plan.cancel is not None:
            t = next(times)
            cancel_all({lid: plan.cancel for lid in range(1, n + 1)}, t, "R10")

        tracking_rows = [(tr[0], po, i + 1) for i, tr in enumerate(slip_tracking) if tr]

        # The body, field by field in the model's order.
        lines_json = ",".join(
            f'{{"line_id":{i + 1},{self.frag(p).head}{qty[i]},"quantity_accepted":'
            f'{"null" if quantity_accepted[i] is None else quantity_accepted[i]}{self.frag(p).tail}'
            for i, p in enumerate(plan.products)
        )
        slips_json = ",".join(
            '{"number":%d,"lines":{%s},%s}' % (
                i + 1,
                ",".join(f'"{lid}":{u}' for lid, u in s.items()),
                '"tracking_number":null,"carrier":null,"tracking_url":null,"tracked_at":null'
                if slip_tracking[i] is None else
                '"tracking_number":"%s","carrier":"UPS","tracking_url":%s,"tracked_at":"%s"' % (
                    slip_tracking[i][0],
                    _js(_UPS_URL + slip_tracking[i][0]),
                    _zulu(slip_tracking[i][1]),
                ),
            )
            for i, s in enumerate(slips)
        )
        ship_date = _zulu(plan.order_date + 3 * 24 * HOUR)

        def opt(t: int | None) -> str:
            return "null" if t is None else f'"{_zulu(t)}"'

        body = (
            f'{{"po_number":{po},"order_number":"{po + ORDER_NUMBER_OFFSET}"'
            f',"vendor_code":"{plan.vendor_code}","location_code":"{plan.location_code}"'
            f',"ship_to":{plan.customer.json},"order_date":"{_zulu(plan.order_date)}"'
            f',"requested_ship_date":"{ship_date}","currency":"{currency}"'
            f',"shipping_method":{_js(plan.shipping)},"lines":[{lines_json}]'
            f',"stage":"{stage}","version":{version},"acknowledged_at":{opt(ack_at)}'
            f',"canceled_items":[{",".join(canceled)}],"slips":[{slips_json}]'
            f',"invoice":{invoice_json},"completed_at":{opt(completed_at)}'
            f',"canceled_at":{opt(canceled_at)}'
            f',"final_sla_status":{"null" if final is None else chr(34) + final.value + chr(34)}}}'
        )

        # The indexed columns, as rows.order_row computes them.
        if stage in ("new", "in_progress"):
            window = policy.hours_to_acknowledge if stage == "new" else policy.hours_to_ship
            off_risk, off_over = self.offsets[(plan.location_code, window)]
            start = plan.order_date * 1_000_000
            at_risk, overdue, final_value = start + off_risk, start + off_over, None
        else:
            assert final is not None
            at_risk, overdue = FINAL_MARKS[final]
            final_value = final.value
        if stage == "completed":
            progress = 100
        elif slips and all(slip_tracking):
            progress = 75
        elif slips:
            progress = 50
        elif ack_at is not None:
            progress = 25
        else:
            progress = 0
        customer = plan.customer
        row = (
            po, str(po + ORDER_NUMBER_OFFSET), plan.vendor_code, plan.location_code,
            customer.name, customer.name_key, customer.first_key, customer.last_key,
            plan.order_date * 1_000_000, stage, _RANK[stage], at_risk, overdue, final_value,
            progress, sum(qty), version, body,
        )
        line_rows = [
            (po, i + 1, p.sku, p.vendor_sku, p.upc) for i, p in enumerate(plan.products)
        ]
        return row, line_rows, tracking_rows, invoice_row, activity


_UPS_URL = "https://www.ups.com/track?tracknum="
INVOICE_TOKEN = "@@INVOICE@@"
_RANK = {"new": 0, "in_progress": 1, "completed": 2, "canceled": 3}


# --- building ---------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    path: Path
    orders: int
    seed: int
    now: datetime
    fast: bool


def setup(store: SqliteStore, seed: int) -> list[Product]:
    """Vendors, locations, catalog, mappings and a few stock levels."""
    catalog = build_catalog(random.Random(seed))
    store.add_vendor(MYSTIC)
    store.add_vendor(ALPINE)
    store.add_location_group(WEST_GROUP)
    for location in LOCATIONS:
        store.add_location(location)
    store.add_sku_mappings([p.mapping() for p in catalog])
    rng = random.Random(f"{seed}/stock")
    for p in catalog[:MYSTIC_PRODUCTS:3]:
        store.set_stock(p.vendor_sku, "MYSTIC-WH1", rng.choice((0, 2, 3, 10, 50, 200)))
    return catalog


def _customers(seed: int) -> list[Customer]:
    return build_customers(random.Random(f"{seed}/customers"))


def build_demo(
    target: SqliteStore | str | os.PathLike[str],
    orders: int = 200,
    seed: int = 1,
    now: datetime | None = None,
    *,
    fast: bool | None = None,
    workers: int | None = None,
    progress=None,
) -> DemoSummary:
    """Fill an empty store with demo data (see the module docstring). ``target`` is an
    open store or a path. ``fast`` picks the bulk path (default: above
    ``FAST_THRESHOLD`` orders); ``workers`` processes serialise its chunks (default: one
    per CPU above ``PARALLEL_THRESHOLD`` orders, else none). ``progress(done, total)`` is
    called now and then."""
    if now is None:
        now = utc_now()
    now = now.astimezone(timezone.utc).replace(microsecond=0)
    fast = orders > FAST_THRESHOLD if fast is None else fast
    own = not isinstance(target, SqliteStore)
    store = SqliteStore(target, clock=lambda: now) if own else target
    try:
        with store.lock:
            if store.connection.execute("SELECT 1 FROM orders LIMIT 1").fetchone():
                raise InvalidInputError("The demo needs an empty store; this one has orders")
        catalog = setup(store, seed)
        now_s = int(now.timestamp())
        if fast:
            if workers is None:
                workers = (os.cpu_count() or 1) if orders > PARALLEL_THRESHOLD else 0
            _bulk_load(store, seed, orders, now_s, workers, progress)
            store.settle_stock()  # reservations and shipped units, as the actions make them
        else:
            plans = make_plans(seed, orders, now_s, catalog, _customers(seed))
            done = 0
            batch: list[Plan] = []
            for plan in plans:
                batch.append(plan)
                if len(batch) == 500:
                    done = _run_batch(store, batch, done, orders, progress, now)
                    batch = []
            _run_batch(store, batch, done, orders, progress, now)
        return DemoSummary(store.path, orders, seed, now, fast)
    finally:
        if own:
            store.close()


IMPORT_USER = "local"
"""Who the demo's imports are recorded as ("Order received", at the demo's now)."""


def _run_batch(
    store: SqliteStore, batch: list[Plan], done: int, total: int, progress, now: datetime
) -> int:
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


PARALLEL_THRESHOLD = 50_000
_WORLD: dict[int, tuple[list[Product], list[Customer]]] = {}


def chunk_rows(seed: int, count: int, now_s: int, chunk: int, thresholds: SlaThresholds) -> list:
    """The fast-path rows of one chunk of orders (run in a worker process)."""
    gc.disable()
    try:
        world = _WORLD.get(seed)
        if world is None:
            world = _WORLD[seed] = (build_catalog(random.Random(seed)), _customers(seed))
        writer = FastWriter(thresholds, {v.code: v for v in (MYSTIC, ALPINE)}, now_s)
        plans = make_plans(seed, count, now_s, world[0], world[1], chunks=[chunk])
        return [writer.rows(p) for p in plans]
    finally:
        gc.enable()


_SCRATCH_TABLES = [
    f"CREATE TABLE orders ({', '.join(ORDER_COLUMNS)})",
    "CREATE TABLE bodies (po_number INTEGER PRIMARY KEY, inv INTEGER NOT NULL, body TEXT)",
    "CREATE TABLE lines (po_number, line_id, sku, vendor_sku, upc)",
    "CREATE TABLE tracking (number, po_number, slip)",
    "CREATE TABLE invoices (inv INTEGER, po_number)",
    "CREATE TABLE activity (po_number, at, user, action, details, inv INTEGER NOT NULL)",
]


def chunk_file(
    seed: int, count: int, now_s: int, chunk: int, thresholds: SlaThresholds, folder: str
) -> tuple[str, int, int]:
    """Write one chunk's rows into a scratch SQLite file (run in a worker process, so the
    row-by-row inserts happen in parallel); returns (path, orders, invoices). Invoice
    numbers are left as ``INVOICE_TOKEN`` with the chunk-local invoice index in ``inv``:
    the loader numbers them in PO order across chunks."""
    import sqlite3

    rows = chunk_rows(seed, count, now_s, chunk, thresholds)
    path = os.path.join(folder, f"chunk{chunk:05d}.db")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        for sql in _SCRATCH_TABLES:
            conn.execute(sql)
        bodies, invoices, activity = [], [], []
        k = 0
        for row, _, _, invoice, entries in rows:
            inv = 0
            if invoice is not None:
                k += 1
                inv = k
                invoices.append((k, row[0]))
            bodies.append((row[0], inv, row[-1]))
            activity.extend(
                (*e, inv if e[3] == "Invoice generated" else 0) for e in entries
            )
        conn.execute("BEGIN")
        marks = ", ".join("?" * len(ORDER_COLUMNS))
        conn.executemany(f"INSERT INTO orders VALUES ({marks})", [r[0][:-1] for r in rows])
        conn.executemany("INSERT INTO bodies VALUES (?, ?, ?)", bodies)
        conn.executemany("INSERT INTO lines VALUES (?, ?, ?, ?, ?)", [x for r in rows for x in r[1]])
        conn.executemany("INSERT INTO tracking VALUES (?, ?, ?)", [x for r in rows for x in r[2]])
        conn.executemany("INSERT INTO invoices VALUES (?, ?)", invoices)
        conn.executemany("INSERT INTO activity VALUES (?, ?, ?, ?, ?, ?)", activity)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return path, len(rows), k


def _chunk_job(args: tuple) -> tuple[str, int, int]:
    return chunk_file(*args)


def _chunks(
    seed: int, count: int, now_s: int, thresholds: SlaThresholds, workers: int, folder: str
) -> Iterator[tuple[str, int, int]]:
    jobs = [(seed, count, now_s, c, thresholds, folder) for c in range(chunk_count(count))]
    if workers <= 1:
        for job in jobs:
            yield _chunk_job(job)
        return
    import multiprocessing
    from collections import deque

    # fork: the workers only run pure functions of their arguments, and unlike spawn it
    # needs no importable __main__ (python -c, a REPL, pytest all work).
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        pending: deque = deque()
        todo = iter(jobs)
        for job in todo:  # a bounded window: at most 2 chunks per worker in flight
            pending.append(pool.apply_async(_chunk_job, (job,)))
            if len(pending) >= 2 * workers:
                break
        while pending:
            result = pending.popleft().get()
            job = next(todo, None)
            if job is not None:
                pending.append(pool.apply_async(_chunk_job, (job,)))
            yield result


_NUMBERED = "replace({col}, '" + INVOICE_TOKEN + "', printf('" + INVOICE_PREFIX + "%06d', inv + :offset))"
_COPY = [
    f"INSERT INTO orders({', '.join(ORDER_COLUMNS)}) SELECT * FROM w.orders",
    "INSERT INTO order_bodies(po_number, body) SELECT po_number, CASE WHEN inv > 0 THEN "
    + _NUMBERED.format(col="body") + " ELSE body END FROM w.bodies ORDER BY po_number",
    "INSERT INTO lines(po_number, line_id, sku, vendor_sku, upc) SELECT * FROM w.lines ORDER BY rowid",
    "INSERT INTO tracking(number, po_number, slip) SELECT * FROM w.tracking ORDER BY rowid",
    "INSERT INTO invoices(number, po_number) SELECT printf('" + INVOICE_PREFIX
    + "%06d', inv + :offset), po_number FROM w.invoices ORDER BY rowid",
    "INSERT INTO activity(po_number, at, user, action, details) SELECT po_number, at, user, "
    "action, CASE WHEN inv > 0 THEN " + _NUMBERED.format(col="details")
    + " ELSE details END FROM w.activity ORDER BY rowid",
]


def _bulk_load(
    store: SqliteStore, seed: int, total: int, now_s: int, workers: int, progress
) -> None:
    """Workers write chunks into scratch files; this process copies each one in (C-level
    INSERT ... SELECT, one transaction per chunk), then builds the indexes and counters.
    Into an empty store only: if it fails midway the store keeps what was copied, with
    its indexes and counters rebuilt."""
    import shutil
    import tempfile
    import time

    conn = store.connection
    started = time.perf_counter()
    LAST_TIMINGS.clear()

    def phase(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        LAST_TIMINGS[name] = LAST_TIMINGS.get(name, 0.0) + now - started
        started = now

    folder = tempfile.mkdtemp(prefix=".demo-", dir=store.path.parent)
    with store.lock:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA threads = 4")
        # Into an empty store: write the file directly instead of through the WAL (which
        # would hold the whole load and then be copied again at checkpoint). Refused, and
        # harmless, while another connection has the file open.
        conn.execute("PRAGMA journal_mode = MEMORY")
        triggers = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            if any(r[0].startswith(prefix) for prefix in schema.COUNTERS)
        ]
        conn.execute("BEGIN IMMEDIATE")
        for name in schema.INDEX_NAMES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        for name in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("COMMIT")
        try:
            done = invoices = 0
            for path, n, k in _chunks(seed, total, now_s, store.thresholds, workers, folder):
                phase("generate (wait for workers)")
                conn.execute("ATTACH DATABASE ? AS w", (path,))
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    for sql in _COPY:
                        conn.execute(sql, {"offset": invoices} if ":offset" in sql else {})
                    conn.execute("COMMIT")
                finally:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    conn.execute("DETACH DATABASE w")
                os.remove(path)
                invoices += k
                done += n
                phase("copy rows in")
                if progress:
                    progress(done, total)
            conn.execute("UPDATE sequences SET value = ? WHERE name = 'invoice'", (invoices,))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            conn.execute("BEGIN IMMEDIATE")
            for recount, counter_triggers in schema.COUNTERS.values():
                for sql in recount + counter_triggers:
                    conn.execute(sql)
            for sql in schema.INDEXES:
                conn.execute(sql)
                phase("create indexes")
            conn.execute("COMMIT")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            phase("commit")
        conn.execute("ANALYZE")  # in full: sampled statistics misled the planner
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        phase("analyze")


LAST_TIMINGS: dict[str, float] = {}
"""Seconds per phase of the last bulk load in this process (for benchmarks/store.py)."""


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m dropship_tui.store.demo.builder PATH --orders N --seed S``"""
    import argparse
    import time

    parser = argparse.ArgumentParser(prog="python -m dropship_tui.store.demo.builder")
    parser.add_argument("path", nargs="?", default=None)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from dropship_tui.store.paths import resolve_db_path

    path = resolve_db_path(args.path)
    started = time.perf_counter()
    summary = build_demo(path, orders=args.orders, seed=args.seed)
    print(f"{summary.orders} demo orders in {path} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
