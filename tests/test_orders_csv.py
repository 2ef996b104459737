"""Issue 14 item 4: ``orders --csv`` writes every column of the list plus vendor,
location and retailer PO; read back with the csv module, names come back exactly,
whatever they hold (commas, quotes, markup, other alphabets)."""

from __future__ import annotations

import csv
import io

import pytest

from factories import HOSTILE_NAMES
from test_cli import Cli, order_doc


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
