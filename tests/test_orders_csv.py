"""Issue 14 item 4: ``orders --csv`` writes every column of the list plus vendor,
location and retailer PO; read back with the csv module, names come back exactly,
whatever they hold (commas, quotes, markup, other alphabets)."""

from __future__ import annotations

import csv
import io

import pytest

from factories import HOSTILE_NAMES
from test_cli import Cli, order_doc
from test_remote_support import live_server  # noqa: F401


@pytest.fixture
def cli(tmp_path) -> Cli:
    c = Cli(tmp_path)
    docs = [order_doc(82 + i, first_name=name, last_name='Lee, "Q"') for i, name in enumerate(HOSTILE_NAMES)]
    docs[0]["retailer_po_number"] = "RX-000000123456789"
    c.import_(*docs)
    return c


def test_orders_csv_reads_back_exactly(cli):
    rows = list(csv.DictReader(io.StringIO(cli.ok("orders", "--csv", "--limit", "0"))))
    assert [r["customer_name"] for r in rows] == [f'{name} Lee, "Q"' for name in HOSTILE_NAMES]
    first = rows[0]
    assert (first["po_number"], first["retailer_po_number"], first["vendor_code"], first["location_code"],
            first["stage"], first["total_units"]) == ("82", "RX-000000123456789", "MYSTIC", "MYSTIC-WH1", "new", "5")
    assert first["order_date"].endswith("+00:00")


def test_orders_csv_takes_the_list_filters(cli):
    rows = list(csv.DictReader(io.StringIO(cli.ok("orders", "--csv", "--search", "85"))))
    assert [r["po_number"] for r in rows] == ["85"]


def test_the_streamed_rows_are_the_lists_rows_for_every_sort_and_filter(tmp_path):
    """The store's one-query rows equal the list's summaries written by ``order_csv.row``
    (the definition), in the list's order, for each sort both ways, the filters, a search
    and a limit; an order date with microseconds keeps them."""
    from datetime import timedelta

    import factories
    from dropship_tui.domain import order_csv
    from dropship_tui.domain.models import SlaStatus, Stage
    from dropship_tui.store.base import OrderQuery, SortKey
    from tui_support import make_store

    store = make_store(tmp_path / "store.db")
    odd = factories.order(po=3001, first_name="Ωμέγα", last_name="北京")
    store.import_orders([odd.model_copy(update={"order_date": odd.order_date - timedelta(microseconds=4321)})])
    queries = [OrderQuery(sort=sort, descending=desc) for sort in SortKey for desc in (False, True)]
    queries += [OrderQuery(stage=Stage.NEW), OrderQuery(sla=SlaStatus.OVERDUE, sort=SortKey.SLA),
                OrderQuery(search="Ann"), OrderQuery(vendor_code="MYSTIC", sort=SortKey.ORDER_DATE),
                OrderQuery(search="Ωμέγα", sort=SortKey.CUSTOMER)]
    for query in queries:
        expected = [order_csv.row(s) for s in store.list_orders(query, limit=10_000)]
        assert expected and list(store.order_rows(query)) == expected, query
        assert list(store.order_rows(query, 3)) == expected[:3], query
    (row,) = [r for r in store.order_rows(OrderQuery(search="3001"))]
    assert row[6].endswith(".995679+00:00")
    store.close()


def test_the_report_rows_are_the_definitions_on_sqlite_and_over_the_api(tmp_path, live_server):  # noqa: F811
    """``report sla`` and ``report canceled-items`` rows from SQLite's one query equal
    ``order_csv``'s rows of the orders themselves (what the page-by-page path of a remote
    store writes), and the remote store gives the same."""
    from datetime import timedelta

    import factories
    from dropship_tui.domain import order_csv, sla
    from dropship_tui.domain.models import SlaStatus, Stage
    from dropship_tui.store.base import OrderQuery, SortKey
    from test_remote_support import fresh_backend
    from tui_support import advance_sample, sample_orders

    backend = fresh_backend(live_server, tmp_path / "server.db")
    store = backend.store
    store.import_orders(sample_orders())
    advance_sample(store)
    orders = [store.get_order(s.po_number) for s in store.list_orders(OrderQuery(sort=SortKey.ORDER_DATE), limit=1000)]
    start, end = factories.NOW - timedelta(days=400), factories.NOW + timedelta(days=1)
    canceled = [row for o in orders for row in order_csv.canceled_rows(o)]
    at_risk = []
    for status in (SlaStatus.OVERDUE, SlaStatus.AT_RISK):
        for stage in (Stage.NEW, Stage.IN_PROGRESS):
            for o in sorted(orders, key=lambda o: o.po_number):
                if o.stage is stage and store.sla_status(o) is status:
                    marks = sla.sla_marks(o, store.policy_for_location(o.location_code), store.thresholds)
                    at_risk.append(order_csv.sla_row(o, status, marks))
    assert canceled and {r[5] for r in at_risk} == {"overdue", "at_risk"}
    assert list(store.canceled_item_rows(start, end)) == canceled
    assert list(store.sla_report_rows()) == at_risk
    assert list(store.sla_report_rows("OTHER")) == []
    remote = backend.remote("jordan")
    assert list(remote.canceled_item_rows(start, end)) == canceled
    assert list(remote.sla_report_rows()) == at_risk
