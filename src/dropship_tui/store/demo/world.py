"""The demo's world: two vendors, their locations (SLA policies that differ, one through
a location group), a catalog of 60 products with SKU mappings, and customers in many
alphabets (a few with names that look like markup)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from dropship_tui.domain import sla
from dropship_tui.domain.models import (
    Address,
    Contact,
    IntegrationMode,
    Location,
    LocationGroup,
    ShipTo,
    SkuMapping,
    SlaPolicy,
    Vendor,
)
from dropship_tui.store.sqlite.rows import name_key

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
            contracted_price=dec(self.contracted_cents),
            currency=self.currency,
        )


def upc_check_digit(eleven: str) -> int:
    """UPC-A: 3 × the digits in odd positions + the even ones; the check digit tops the
    sum up to a multiple of 10."""
    odd = sum(int(d) for d in eleven[0::2])
    even = sum(int(d) for d in eleven[1::2])
    return (10 - (odd * 3 + even) % 10) % 10


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


def dec(cents: int) -> Decimal:
    """Cents as the models' money (two decimals)."""
    return Decimal(cents).scaleb(-2).quantize(Decimal("0.01"))


def policies() -> dict[str, SlaPolicy]:
    """Each demo location's SLA policy (R12: its own, else its group's, else the defaults)."""
    groups = {WEST_GROUP.code: WEST_GROUP}
    return {
        loc.code: sla.resolve_policy(loc, groups.get(loc.group_code or ""))
        for loc in LOCATIONS
    }


def demo_catalog(seed: int) -> list[Product]:
    return build_catalog(random.Random(seed))


def demo_customers(seed: int) -> list[Customer]:
    return build_customers(random.Random(f"{seed}/customers"))
