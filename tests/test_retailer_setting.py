"""The retailer invoices bill (R8's Bill to, issue 13): a store setting, set with
``settings retailer``, bounded and kept literally, shown on the invoice screen and the
order's Invoice tab, also over the API (``GET /me``)."""

from __future__ import annotations

import json

import pytest

import factories
from test_remote_support import fresh_backend, live_server  # noqa: F401
from textual.widgets import TabbedContent
from tui_support import dhl_tracking, make_app, screen_lines, screen_text, settle

from dropship_tui import cli
from dropship_tui.domain import billing
from dropship_tui.domain.models import Retailer
from dropship_tui.store.sqlite.store import SqliteStore
from dropship_tui.tui.screens.invoice import InvoiceScreen
from dropship_tui.tui.screens.order_detail import OrderDetailScreen

HOSTILE = Retailer(name="<b>&amp; [bold]Ωμέγα[/] 北京", address=("[0] 1 Main St", "Springfield IL 62701"))


def test_settings_retailer_shows_sets_and_clears(tmp_path, capsys):
    db = str(tmp_path / "store.db")
    SqliteStore(db).close()
    assert cli.main(["settings", "retailer", "--db", db]) == 0
    assert "not set" in capsys.readouterr().out
    assert cli.main(["settings", "retailer", HOSTILE.name, "--address", HOSTILE.address[0],
                     "--address", HOSTILE.address[1], "--db", db]) == 0
    out = capsys.readouterr().out
    assert "<b>&amp; [bold]Ωμέγα[/] 北京 · [0] 1 Main St" in out and "(saved)" in out
    with SqliteStore(db) as store:
        assert store.retailer() == HOSTILE
    assert cli.main(["settings", "retailer", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"name": HOSTILE.name, "address": list(HOSTILE.address)}
    assert cli.main(["settings", "retailer", "  Acme  ", "--db", db]) == 0  # trimmed, address replaced
    capsys.readouterr()
    with SqliteStore(db) as store:
        assert store.retailer() == Retailer(name="Acme")
    assert cli.main(["settings", "retailer", "--clear", "--db", db]) == 0
    assert "(cleared)" in capsys.readouterr().out
    with SqliteStore(db) as store:
        assert store.retailer() is None


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["x" * 101], "NAME must be one line of 1-100 printable characters"),
        (["   "], "NAME must be one line"),
        (["a\x1bb"], "NAME must be one line"),
        (["Acme", "--address", "two\nlines"], "--address must be one line"),
        (["Acme", *["--address", "x"] * 5], "at most 4 --address lines"),
        (["--address", "1 Main St"], "--address needs the NAME too"),
        (["Acme", "--clear"], "--clear takes no NAME"),
    ],
)
def test_settings_retailer_refuses_bad_values_and_changes_nothing(tmp_path, capsys, argv, says):
    db = str(tmp_path / "store.db")
    with SqliteStore(db) as store:
        store.set_retailer(Retailer(name="Before"))
    assert cli.main(["settings", "retailer", *argv, "--db", db]) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    with SqliteStore(db) as store:
        assert store.retailer() == Retailer(name="Before")


def test_settings_retailer_cannot_be_set_over_the_api(capsys):
    assert cli.main(["settings", "retailer", "Acme", "--api", "http://localhost:1"]) == 2
    assert "cannot be set remotely" in capsys.readouterr().err


def test_the_default_bill_to(tmp_path):
    assert billing.bill_to(None) == Retailer(name=billing.DEFAULT_BILL_TO)
    assert billing.bill_to(None, " From the config ") == Retailer(name="From the config")
    assert billing.bill_to(HOSTILE, "From the config") == HOSTILE
    assert billing.bill_to_unset(billing.bill_to(None)) and not billing.bill_to_unset(HOSTILE)


def test_the_server_serves_the_retailer(live_server, tmp_path):  # noqa: F811
    backend = fresh_backend(live_server, tmp_path / "server.db")
    remote = backend.remote("sam")
    try:
        assert remote.retailer() is None
    finally:
        remote.close()
    backend.store.set_retailer(HOSTILE)
    remote = backend.remote("sam")
    try:
        assert remote.retailer() == HOSTILE
    finally:
        remote.close()


# --- on screen -----------------------------------------------------------------------


def invoiced_app(tmp_path, retailer: Retailer | None):
    order = factories.order(82, lines=[factories.line(1, 5, "SKU-1"), factories.line(2, 3, "SKU-LONGER-22")])
    app = make_app(tmp_path, orders=[order])
    store = app.store
    store.acknowledge(82, None, {}, {})
    store.save_slips(82, None, [{1: 5, 2: 3}])
    store.save_tracking(82, None, 1, dhl_tracking(1), "DHL")
    store.generate_invoice(82, None)
    if retailer is not None:
        store.set_retailer(retailer)
    return app


async def show_invoice(pilot, where: str) -> None:
    app = pilot.app
    await settle(pilot)
    if where == "screen":
        app.push_screen(InvoiceScreen(82))
        await settle(pilot)
        return
    app.push_screen(OrderDetailScreen(82))
    await settle(pilot)
    app.screen.query_one("#tabs", TabbedContent).active = "tab-invoice"
    await settle(pilot)
    scroll = app.screen.query_one("#invoice-tab")
    scroll.focus()
    scroll.scroll_end(animate=False)  # at 80x24 the totals are below the tab's fold
    await settle(pilot)


def amount_ends(lines: list[str], *starts: str) -> list[int]:
    """The column just after the amount on the first line containing each of ``starts``."""
    ends = []
    for start in starts:
        line = next(line for line in lines if start in line)
        amount = line.rstrip(" ▁▂▃▄▅▆▇█▉▊▋▌▍▎▏│").rsplit(maxsplit=1)[-1]
        ends.append(line.index(start) + line[line.index(start):].index(amount) + len(amount))
    return ends


@pytest.mark.anyio
@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
@pytest.mark.parametrize("where", ["screen", "tab"])
async def test_the_invoice_bills_the_stores_retailer_literally(tmp_path, size, where):
    app = invoiced_app(tmp_path, HOSTILE)
    async with app.run_test(size=size) as pilot:
        await show_invoice(pilot, where)
        if where == "tab":
            app.screen.query_one("#invoice-tab").scroll_home(animate=False)
            await settle(pilot)
        text = screen_text(app)
        assert "Bill to  <b>&amp;" in text and "[bold]Ωμέγα[/]" in text and "北京" in text  # may wrap at 80
        assert "[0] 1 Main St" in text and "Springfield IL 62701" in text
        assert "(not set)" not in text


@pytest.mark.anyio
async def test_an_unset_retailer_is_marked(tmp_path):
    app = invoiced_app(tmp_path, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_invoice(pilot, "screen")
        lines = screen_lines(app)
        at = next(i for i, line in enumerate(lines) if "Bill to  Retailer" in line)
        assert lines[at + 1].strip() == "(not set)"


@pytest.mark.anyio
@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
@pytest.mark.parametrize("where", ["screen", "tab"])
async def test_the_invoice_totals_line_up_under_the_amounts(tmp_path, size, where):
    app = invoiced_app(tmp_path, HOSTILE)
    async with app.run_test(size=size) as pilot:
        await show_invoice(pilot, where)
        lines = screen_lines(app)
        ends = amount_ends(lines, "SKU-1 ", "SKU-LONGER-22 ", "Subtotal", "Total USD")
        assert len(set(ends)) == 1, (ends, "\n".join(lines))
        head = next(line for line in lines if "Amount" in line)
        assert head.index("Amount") + len("Amount") == ends[0]  # under the column's title
