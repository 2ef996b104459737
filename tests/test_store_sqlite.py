"""SqliteStore on real files: every action, conflicts, atomicity, search, sort, filters."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from decimal import Decimal

import pytest

from dropship_tui.domain import sla
from dropship_tui.domain.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    WorkflowError,
)
from dropship_tui.domain.models import (
    Address,
    LocationGroup,
    Reason,
    ReasonCode,
    ShipTo,
    SkuMapping,
    SlaPolicy,
    SlaStatus,
    SlaThresholds,
    Stage,
)
from dropship_tui.store import paths
from dropship_tui.store.base import OrderQuery, SortKey, Store
from dropship_tui.store.demo.plans import ups_number
from dropship_tui.store.sqlite.store import SqliteStore

from factories import NOW, line, location, order, vendor

UPS_1 = "1Z999AA10123456784"
UPS_2 = ups_number("A5R001", "03", 1234567)
UPS_3 = ups_number("A5R001", "03", 7654321)
DAMAGED = Reason(code=ReasonCode.DAMAGED)
OOS = Reason(code=ReasonCode.OUT_OF_STOCK)


def make_store(path, **kw) -> SqliteStore:
    return SqliteStore(path, user=kw.pop("user", "jordan"), clock=kw.pop("clock", lambda: NOW), **kw)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "store.db"


@pytest.fixture
def store(db):
    s = make_store(db)
    s.add_vendor(vendor())
    s.add_location(location())
    yield s
    s.close()


def activity_count(store: SqliteStore, po: int) -> int:
    return len(store.activity(po))


def shipped(store: SqliteStore, po: int, tracking: list[str]):
    """Take an imported New order to "every slip tracked"."""
    o = store.acknowledge(po, store.get_order(po).version, {}, {})
    o = store.save_slips(po, o.version, _plan(o, len(tracking)))
    for slip, number in enumerate(tracking, start=1):
        o = store.save_tracking(po, o.version, slip, number)
    return o


def _plan(o, count):
    from dropship_tui.domain.workflow import even_allocation

    return even_allocation(o, count)


def test_store_satisfies_the_protocol(store):
    assert isinstance(store, Store)


# --- the seed walkthrough, through the store -----------------------------------------------


def test_walkthrough_every_action_on_a_real_file(store, db):
    store.import_orders([order()])
    o = store.get_order(82)
    assert (o.stage, o.version, store.sla_status(o)) == (Stage.NEW, 1, SlaStatus.ON_TIME)

    o = store.acknowledge(82, 1, {1: 4}, {1: DAMAGED})
    assert o.stage is Stage.IN_PROGRESS and o.line(1).quantity_accepted == 4
    assert [(c.quantity, c.reason_code) for c in o.canceled_items] == [(1, ReasonCode.DAMAGED)]

    o = store.save_slips(82, o.version, [{1: 2}, {1: 2}])
    o = store.save_tracking(82, o.version, 1, UPS_1)
    o = store.save_tracking(82, o.version, 2, UPS_2.lower())
    assert [s.tracking_number for s in o.slips] == [UPS_1, UPS_2]
    assert o.slip(1).carrier == "UPS" and o.slip(1).tracking_url

    o = store.generate_invoice(82, o.version)
    assert o.invoice.invoice_number == "INV-000001"
    assert o.invoice.total == Decimal("79.96")  # 4 x contracted 19.99, never retail
    o = store.complete(82, o.version)
    assert o.stage is Stage.COMPLETED and o.final_sla_status is SlaStatus.ON_TIME

    # Everything is on disk: a fresh store on the same file sees the same order.
    with make_store(db) as other:
        assert other.get_order(82) == o
        assert other.counts().completed == 1
        actions = [e.action for e in other.activity(82)]
    assert actions == [  # newest first
        "Order completed",
        "Invoice generated",
        "Tracking number saved",
        "Tracking number saved",
        "Packing slips saved",
        "Line short",
        "Order acknowledged",
        "Order received",
    ]
    assert all(e.user == "jordan" and e.at == NOW for e in store.activity(82))


def test_cancel_and_address_correction(store):
    store.import_orders([order(), order(83)])
    new_to = ShipTo(first_name="Ann", last_name="Lee", address=Address(line1="1 New Rd", city="Austin", country_code="US"))
    o = store.correct_address(82, 1, new_to)
    assert o.ship_to == new_to
    assert store.list_orders(OrderQuery(search="ann"))[0].customer_name == "Ann Lee"
    o = store.cancel(82, o.version, OOS)
    assert o.stage is Stage.CANCELED and o.canceled_items[0].quantity == 5
    assert store.counts().canceled == 1
    assert store.activity(82)[0].action == "Line canceled"
    with pytest.raises(WorkflowError, match="canceled"):
        store.acknowledge(82, None, {}, {})


def test_version_none_means_current(store):
    store.import_orders([order()])
    assert store.acknowledge(82, None, {}, {}).version == 2


def test_refused_action_changes_nothing(store):
    store.import_orders([order()])
    with pytest.raises(WorkflowError, match="must be acknowledged"):
        store.save_slips(82, 1, [{1: 5}])
    assert store.get_order(82).version == 1
    assert [e.action for e in store.activity(82)] == ["Order received"]


# --- conflicts and atomicity ---------------------------------------------------------------


def test_stale_write_from_a_second_connection_is_refused(store, db):
    store.import_orders([order()])
    seen = store.get_order(82)  # the UI read version 1
    with make_store(db, user="sam") as other:
        other.acknowledge(82, 1, {}, {})
    before = store.activity(82)
    with pytest.raises(ConflictError, match="^PO 82 was changed by someone else; reload$"):
        store.cancel(82, seen.version, OOS)
    after = store.get_order(82)
    assert after.stage is Stage.IN_PROGRESS and after.version == 2
    assert store.activity(82) == before
    assert store.activity(82)[0].user == "sam"


def test_activity_is_append_only_even_for_raw_sql(store, db):
    store.import_orders([order()])
    store.acknowledge(82, 1, {}, {})
    raw = sqlite3.connect(db)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("UPDATE activity SET details = 'rewritten'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("DELETE FROM activity")
        raw.execute(
            "INSERT INTO activity(po_number, at, user, action) VALUES (82, ?, 'x', 'Note')",
            (NOW.isoformat(),),
        )
        raw.commit()
    finally:
        raw.close()
    assert [e.action for e in store.activity(82)] == [
        "Note", "Order acknowledged", "Order received"
    ]


def test_duplicate_tracking_across_orders_leaves_nothing_half_written(store, db):
    store.import_orders([order(), order(83)])
    shipped(store, 82, [UPS_1])
    o = store.get_order(83)
    o = store.acknowledge(83, o.version, {}, {})
    o = store.save_slips(83, o.version, [{1: 5}])
    before = (store.get_order(83), store.activity(83))
    with pytest.raises(WorkflowError, match=f"^{UPS_1} is already on PO 82 slip 1$"):
        store.save_tracking(83, o.version, 1, UPS_1)
    assert (store.get_order(83), store.activity(83)) == before
    # The order row itself was rolled back too (not just the JSON body).
    summary = store.list_orders(OrderQuery(search="83"))[0]
    assert (summary.version, summary.progress) == (o.version, 50)
    raw = sqlite3.connect(db)
    assert raw.execute("SELECT number, po_number, slip FROM tracking").fetchall() == [(UPS_1, 82, 1)]
    raw.close()
    # Once 82's slip is canceled away the number is free again.
    store.cancel(82, None, OOS)
    assert store.save_tracking(83, o.version, 1, UPS_1).slip(1).tracking_number == UPS_1


def test_changing_a_tracking_number_frees_the_old_one(store):
    store.import_orders([order(), order(83)])
    o = shipped(store, 82, [UPS_1])
    store.save_tracking(82, o.version, 1, UPS_2)
    shipped(store, 83, [UPS_1])
    assert store.get_order(83).slip(1).tracking_number == UPS_1


def test_invoice_numbers_are_unique_and_only_taken_on_success(store):
    store.import_orders([order(), order(83), order(84)])
    o = store.acknowledge(84, 1, {}, {})
    with pytest.raises(WorkflowError, match="packing slips"):
        store.generate_invoice(84, o.version)
    numbers = []
    for po, tracking in ((82, UPS_1), (83, UPS_2)):
        o = shipped(store, po, [tracking])
        numbers.append(store.generate_invoice(po, o.version).invoice.invoice_number)
    assert numbers == ["INV-000001", "INV-000002"]


def test_missing_po_vendor_location(store):
    with pytest.raises(NotFoundError, match="PO 999"):
        store.get_order(999)
    with pytest.raises(NotFoundError):
        store.acknowledge(999, None, {}, {})
    with pytest.raises(NotFoundError):
        store.activity(999)
    with pytest.raises(NotFoundError, match="NOPE"):
        store.vendor("NOPE")
    with pytest.raises(NotFoundError, match="NOPE"):
        store.location("NOPE")
    assert store.vendor("MYSTIC").name == "Mystic Sports"
    assert store.location("MYSTIC-WH1").vendor_code == "MYSTIC"


# --- import ---------------------------------------------------------------------------------


def test_import_is_all_or_nothing(store):
    store.import_orders([order()])
    with pytest.raises(InvalidInputError, match="^PO 82 is already in the store$"):
        store.import_orders([order(84), order(82)])
    with pytest.raises(InvalidInputError, match="PO 85 appears more than once"):
        store.import_orders([order(85), order(85)])
    with pytest.raises(InvalidInputError, match="location NOWHERE"):
        store.import_orders([order(86), order(87, location_code="NOWHERE")])
    assert store.counts().total == 1
    with pytest.raises(NotFoundError):
        store.get_order(84)


def test_import_takes_contracted_price_from_the_sku_mapping(store):
    store.add_sku_mappings(
        [SkuMapping(vendor_code="MYSTIC", product_code="P-SKU-9", vendor_sku="MYS-9",
                    upc="012345678905", contracted_price=Decimal("7.50"))]
    )
    bare = line(sku="SKU-9", contracted=None).model_copy(update={"vendor_sku": "", "upc": ""})
    store.import_orders([order(lines=[bare])])
    got = store.get_order(82).line(1)
    assert (got.contracted_price, got.vendor_sku, got.upc) == (Decimal("7.50"), "MYS-9", "012345678905")
    assert store.sku_mappings("MYSTIC")[0].vendor_sku == "MYS-9"


# --- search ---------------------------------------------------------------------------------


@pytest.fixture
def people(store):
    store.import_orders(
        [
            order(82),
            order(83, first_name="Ωμέγα", last_name="Παπαδόπουλος"),
            order(84, first_name="伟", last_name="北京"),
            order(85, first_name="Ольга", last_name="Смирнова",
                  lines=[line(sku="SKU-777"), line(2, sku="SKU-888")]),
            order(90, first_name="[bold]Ann[/]", last_name="Zed"),
            order(1200, first_name="Ann", last_name="Ω"),
        ]
    )
    return store


def pos(store, **query) -> list[int]:
    return [s.po_number for s in store.list_orders(OrderQuery(**query), limit=100)]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("82", [82]),  # PO number (1200's order number 1237 does not start with 82)
        ("119", [82]),  # operator order number, exact
        ("12", [83, 84, 85, 90, 1200]),  # order-number prefix: 120, 121, 122, 127, 1237
        ("122", [85]),
        ("ωμέγα", [83]),
        ("ΩΜΈΓΑ", [83]),  # Greek, case-insensitively
        ("ωμ", [83]),
        ("παπα", [83]),  # last name prefix
        ("ω", [83, 1200]),
        ("北", [84]),  # Chinese last name
        ("伟 北", [84]),  # "first last"
        ("ольга", [85]),
        ("ANN", [82, 1200]),
        ("ann lee", [82]),
        ("[bold]", [90]),
        ("SKU-888", [85]),
        ("sku-888", [85]),
        ("V-SKU-777", [85]),  # vendor SKU
        ("000000000002", [85]),  # UPC of line 2
        ("nobody", []),
    ],
)
def test_search(people, term, expected):
    assert pos(people, search=term) == expected
    assert people.count_orders(OrderQuery(search=term)) == len(expected)


# --- sorting and filtering ------------------------------------------------------------------

SLA_RANK = {SlaStatus.ON_TIME: 0, SlaStatus.AT_RISK: 1, SlaStatus.OVERDUE: 2}
FAR = 10**30


@pytest.fixture
def mix(store):
    """Orders in every stage and SLA status at NOW (policy 24 h / 72 h)."""
    spec = [
        # po, hours old, first, last, what to do
        (82, 2, "Ann", "Lee", "new"),  # new, on time (2/24)
        (83, 20, "Ωμέγα", "Beta", "new"),  # new, at risk (20/24)
        (84, 30, "伟", "Chen", "new"),  # new, overdue
        (85, 30, "Zoë", "Adams", "ack"),  # in progress, on time (30/72)
        (86, 60, "Björn", "Ek", "slips"),  # in progress, at risk (60/72), 50 %
        (87, 80, "ann", "lee", "tracked"),  # in progress, overdue, 75 %
        (88, 70, "Ольга", "Ivanova", "done"),  # completed at 70/72 h: at risk
        (89, 10, "Mary", "Ann", "done"),  # completed on time
        (90, 26, "Bob", "Zed", "cancel"),  # canceled while New at 26/24: overdue
        (91, 5, "Émile", "Zola", "ack"),  # two on-time in-progress orders
        (92, 1, "", "", "new"),  # a company, no name
    ]
    orders = []
    for po, hours, first, last, _ in spec:
        o = order(po, first_name=first, last_name=last, hours_old=hours,
                  lines=[line(qty=1 + po % 4)])
        if not first:
            o = o.model_copy(update={"ship_to": o.ship_to.model_copy(update={"company": "Acme Club"})})
        orders.append(o)
    store.import_orders(orders)
    serial = 100
    for po, _, _, _, what in spec:
        if what == "new":
            continue
        if what == "cancel":
            store.cancel(po, None, OOS)
            continue
        o = store.acknowledge(po, None, {}, {})
        if what in ("slips", "tracked", "done"):
            o = store.save_slips(po, o.version, _plan(o, 2 if what == "slips" else 1))
        if what in ("tracked", "done"):
            serial += 1
            o = store.save_tracking(po, o.version, 1, ups_number("A5R001", "03", serial))
        if what == "done":
            o = store.generate_invoice(po, o.version)
            store.complete(po, o.version)
    return store


def expected_order(store: SqliteStore, key: SortKey) -> list[int]:
    """The list order worked out from the domain's own rules, not from the store's SQL."""
    rows = []
    for po in range(82, 93):
        o = store.get_order(po)
        policy = store.sla_policy_for(o)
        status = sla.sla_status(o, policy, NOW)
        marks = sla.sla_marks(o, policy)
        if marks is not None:
            due = marks[1].timestamp()
        else:  # finished: "overdue" is always past, the others never come
            due = -FAR if status is SlaStatus.OVERDUE else FAR
        value = {
            SortKey.PO_NUMBER: (),
            SortKey.ORDER_NUMBER: (o.order_number,),
            SortKey.CUSTOMER: (o.customer_name.casefold(),),
            SortKey.ORDER_DATE: (o.order_date,),
            SortKey.STAGE: (list(Stage).index(o.stage),),
            SortKey.SLA: (SLA_RANK[status], due),
            SortKey.PROGRESS: (sla.progress(o),),
        }[key]
        rows.append((*value, po))
    return [r[-1] for r in sorted(rows)]


@pytest.mark.parametrize("key", list(SortKey))
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_key_both_ways(mix, key, descending):
    expected = expected_order(mix, key)
    if descending:
        expected.reverse()
    assert pos(mix, sort=key, descending=descending) == expected
    # Paging in small steps gives the same list (the SLA sort crosses its segments).
    pages = []
    for offset in range(0, 12, 3):
        pages += [s.po_number for s in mix.list_orders(
            OrderQuery(sort=key, descending=descending), offset=offset, limit=3)]
    assert pages == expected


def test_summaries_agree_with_the_domain(mix):
    for summary in mix.list_orders(OrderQuery(), limit=100):
        o = mix.get_order(summary.po_number)
        assert summary.sla_status is mix.sla_status(o)
        assert summary.progress == sla.progress(o)
        assert (summary.stage, summary.version, summary.customer_name) == (o.stage, o.version, o.customer_name)
        assert summary.order_date == o.order_date and summary.total_units == o.units_ordered


def test_counts(mix):
    c = mix.counts()
    assert (c.total, c.new, c.in_progress, c.completed, c.canceled) == (11, 4, 4, 2, 1)
    assert mix.counts("MYSTIC") == c
    assert mix.counts("OTHER").total == 0


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("status", [None, *SlaStatus])
def test_stage_and_sla_filters(mix, stage, status):
    expected = []
    for po in range(82, 93):
        o = mix.get_order(po)
        if o.stage is stage and (status is None or mix.sla_status(o) is status):
            expected.append(po)
    for key in (SortKey.PO_NUMBER, SortKey.SLA, SortKey.CUSTOMER):
        got = pos(mix, stage=stage, sla=status, sort=key)
        assert sorted(got) == expected
    assert mix.count_orders(OrderQuery(stage=stage, sla=status)) == len(expected)


def test_sla_filter_alone_and_the_clock_moving(mix, db):
    assert pos(mix, sla=SlaStatus.OVERDUE) == [84, 87, 90]
    assert pos(mix, sla=SlaStatus.AT_RISK) == [83, 86, 88]
    later = make_store(db, clock=lambda: NOW + timedelta(hours=5))
    # 82 (7 h of 24) stays on time; 83 is overdue now; finished orders keep their status.
    assert pos(later, sla=SlaStatus.OVERDUE) == [83, 84, 87, 90]
    assert later.count_orders(OrderQuery(sla=SlaStatus.AT_RISK)) == 2
    later.close()


def test_filters_combine_with_search_and_vendor(mix):
    assert pos(mix, search="ann") == [82, 87, 89]
    assert pos(mix, search="ann", stage=Stage.NEW) == [82]
    assert pos(mix, search="ann", sla=SlaStatus.OVERDUE, sort=SortKey.SLA) == [87]
    assert pos(mix, vendor_code="MYSTIC", stage=Stage.CANCELED) == [90]
    assert pos(mix, vendor_code="OTHER") == []


# --- batch acknowledgement ------------------------------------------------------------------


def test_acknowledge_all_with_a_mix_of_orders(mix):
    result = mix.acknowledge_all([82, 83, 85, 88, 999, 84])
    assert result.succeeded == [82, 83, 84]
    assert result.failed == {
        85: "PO 85 is already acknowledged",
        88: "PO 88 is completed; it can no longer be acknowledged",
        999: "PO 999 is not in the store",
    }
    o = mix.get_order(83)
    assert o.stage is Stage.IN_PROGRESS and o.line(1).quantity_accepted == o.line(1).quantity_ordered
    assert o.canceled_items == ()  # in full, whatever the stock
    assert mix.counts().new == 1


def test_acknowledge_all_ignores_stock(store):
    store.set_stock("V-SKU-123", "MYSTIC-WH1", 2)
    assert store.stock("V-SKU-123", "MYSTIC-WH1") == 2
    assert store.stock("V-SKU-123", "ELSEWHERE") is None
    store.import_orders([order()])
    assert store.stock_for(store.get_order(82)) == {"V-SKU-123": 2}
    store.acknowledge_all([82])
    assert store.get_order(82).line(1).quantity_accepted == 5


# --- SLA policy and thresholds --------------------------------------------------------------


def test_policy_falls_back_to_the_group_then_defaults(store):
    store.add_location_group(LocationGroup(code="WEST", sla_policy=SlaPolicy(hours_to_acknowledge=48, hours_to_ship=96)))
    store.add_location(location("WH2").model_copy(update={"group_code": "WEST", "sla_policy": None}))
    store.add_location(location("WH3").model_copy(update={"sla_policy": None}))
    store.import_orders([order(82, hours_old=30, location_code="WH2"), order(83, hours_old=30, location_code="WH3")])
    assert store.sla_status(store.get_order(82)) is SlaStatus.ON_TIME  # 30 of 48
    assert store.sla_status(store.get_order(83)) is SlaStatus.OVERDUE  # 30 of the default 24
    assert pos(store, sla=SlaStatus.ON_TIME) == [82]
    # The group's policy changes: the stored marks follow.
    store.add_location_group(LocationGroup(code="WEST", sla_policy=SlaPolicy(hours_to_acknowledge=36, hours_to_ship=96)))
    assert pos(store, sla=SlaStatus.AT_RISK) == [82]  # 30 of 36


def test_other_thresholds_recompute_the_marks(store, db):
    store.import_orders([order(82, hours_old=12)])  # half of 24 h
    assert pos(store, sla=SlaStatus.ON_TIME) == [82]
    store.close()
    strict = make_store(db, thresholds=SlaThresholds(at_risk=Decimal("0.5"), overdue=Decimal("0.9")))
    assert pos(strict, sla=SlaStatus.AT_RISK) == [82]
    strict.close()


# --- paths and threads ------------------------------------------------------------------------


def test_resolve_db_path(monkeypatch, tmp_path):
    monkeypatch.setenv("DROPSHIP_TUI_DB", str(tmp_path / "env.db"))
    assert paths.resolve_db_path(str(tmp_path / "x.db")) == tmp_path / "x.db"
    assert paths.resolve_db_path(None) == tmp_path / "env.db"
    monkeypatch.delenv("DROPSHIP_TUI_DB")
    default = paths.resolve_db_path(None)
    assert default.name == "store.db" and "dropship-tui" in str(default)


def test_open_uses_the_env_var(monkeypatch, tmp_path):
    monkeypatch.setenv("DROPSHIP_TUI_DB", str(tmp_path / "sub" / "env.db"))
    with SqliteStore.open(clock=lambda: NOW) as s:
        assert s.path == tmp_path / "sub" / "env.db" and s.counts().total == 0
    assert (tmp_path / "sub" / "env.db").exists()


def test_one_store_shared_by_threads(store):
    store.import_orders([order(po) for po in range(100, 160)])
    errors = []

    def work(chunk):
        try:
            for po in chunk:
                store.acknowledge(po, None, {}, {})
                store.list_orders(OrderQuery(sort=SortKey.SLA), limit=10)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(range(100 + i, 160, 4),)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.counts().in_progress == 60


def test_acknowledge_all_across_commit_groups(mix, monkeypatch):
    monkeypatch.setattr(SqliteStore, "ACK_GROUP", 2)
    before = activity_count(mix, 85)
    result = mix.acknowledge_all([85, 82, 999, 83, 84, 88])
    assert result.succeeded == [82, 83, 84]
    assert set(result.failed) == {85, 88, 999}
    assert activity_count(mix, 85) == before  # the refused one left no trace
    assert [mix.get_order(po).stage for po in (82, 83, 84)] == [Stage.IN_PROGRESS] * 3
    assert mix.counts().new == 1 and mix.activity(82)[0].action == "Order acknowledged"


def test_list_size_always_matches_the_list(mix):
    """count_orders takes shortcuts (stage and SLA counters, index ranges); check every
    combination of filters, with a second vendor in the store, against the list itself."""
    mix.add_vendor(vendor("OTHER"))
    mix.add_location(location("OTHER-WH", vendor_code="OTHER").model_copy(update={"sla_policy": None}))
    mix.import_orders([order(200, hours_old=30, vendor_code="OTHER", location_code="OTHER-WH"),
                       order(201, hours_old=1, vendor_code="OTHER", location_code="OTHER-WH")])
    mix.cancel(201, None, OOS)
    for vendor_code in (None, "MYSTIC", "OTHER"):
        for stage in (None, *Stage):
            for status in (None, *SlaStatus):
                for search in ("", "ann", "Lee"):
                    q = OrderQuery(stage=stage, sla=status, vendor_code=vendor_code, search=search)
                    listed = mix.list_orders(q, limit=1000)
                    assert mix.count_orders(q) == len(listed), q
                    by_sla = mix.list_orders(q.model_copy(update={"sort": SortKey.SLA}), limit=1000)
                    assert sorted(s.po_number for s in by_sla) == sorted(s.po_number for s in listed), q
