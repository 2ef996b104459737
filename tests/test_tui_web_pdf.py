"""Issue 15 item 2: in a browser (``serve --web-port``) the app's PDFs are downloads, not
files on the server's disk.

The app runs as it does under textual-serve except for the driver: ``WebApp`` says it is
in a browser (Textual's ``App.is_web``, True under the web driver) and keeps what each
``deliver_binary`` call was handed before passing it on to Textual. (The headless test
driver cannot finish a binary delivery: Textual 8.2's base driver tests
``isinstance(file, typing.BinaryIO)``, false for every real file object, and writes in
text mode; the web driver streams the same bytes to the browser without that test.) The
bytes are read back with pypdf, and the documents folder must stay empty."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

import factories
from tui_support import dhl_tracking, make_app, screen_text, settle

from dropship_tui.documents import delivery
from dropship_tui.tui import app as app_module
from dropship_tui.tui.app import DropshipApp
from dropship_tui.tui.printing import BrowserPdf, hand_over, write_invoice_pdf
from dropship_tui.tui.screens.order_detail import OrderDetailScreen
from dropship_tui.tui.screens.prepare_shipments import PrepareShipmentsScreen
from dropship_tui.tui.widgets.order_list import OrderList

pytestmark = pytest.mark.anyio


class WebApp(DropshipApp):
    """The real app, told it is in a browser (as the web driver tells it)."""

    CSS_PATH = str(Path(app_module.__file__).parent / DropshipApp.CSS_PATH)  # relative to app.py

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.delivered: list[tuple[str, str, bytes]] = []

    def deliver_binary(self, path_or_file, **kwargs):
        data = path_or_file.read()
        self.delivered.append((kwargs["save_filename"], kwargs["mime_type"], data))
        return super().deliver_binary(BytesIO(data), **kwargs)

    @property
    def is_web(self) -> bool:
        return True


def invoiced_app(tmp_path, cls=WebApp):
    base = make_app(tmp_path, orders=[factories.order(lines=[factories.line(1, qty=2, sku="[bold]SKU[/]")])])
    store = base.store
    store.acknowledge(82, None, {1: 2}, {})
    store.save_slips(82, None, [{1: 2}])
    store.save_tracking(82, None, 1, dhl_tracking(1), "DHL")
    store.generate_invoice(82, None)
    return cls(store, base.config)


def delivered(app, name: str) -> PdfReader:
    """The PDF handed to the browser under ``name`` (as a PDF download), read back."""
    (data,) = [data for saved, mime, data in app.delivered if saved == name and mime == "application/pdf"]
    return PdfReader(BytesIO(data))


def documents_folder_is_empty() -> bool:
    folder = delivery.default_dir()
    return not folder.exists() or not any(folder.iterdir())


async def test_invoice_pdf_is_delivered_to_the_browser_not_the_servers_disk(tmp_path):
    app = invoiced_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(OrderDetailScreen(82))
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert "PO-82-invoice.pdf (downloading in your browser)" in screen_text(app)
    text = "".join(page.extract_text() for page in delivered(app, "PO-82-invoice.pdf").pages)
    assert "82" in text and "[bold]SKU[/]" in text
    assert documents_folder_is_empty()


async def test_packing_slips_and_batch_print_are_delivered_too(tmp_path):
    app = invoiced_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        dashboard = app.screen
        dashboard.query_one(OrderList).marks.update({82})
        await pilot.press("ctrl+o")  # batch print of the marked orders
        await settle(pilot)
        assert len(delivered(app, "PO-82-packing-slips.pdf").pages) == 1
        app.delivered.clear()
        app.push_screen(PrepareShipmentsScreen(82))
        await settle(pilot)
        await pilot.press("ctrl+o")  # step 2's "Print slips"
        await settle(pilot)
        assert "downloading in your browser" in screen_text(app)
    assert "[bold]SKU[/]" in delivered(app, "PO-82-packing-slips.pdf").pages[0].extract_text()
    assert documents_folder_is_empty()


async def test_in_a_terminal_the_pdf_is_a_file_in_the_documents_folder(tmp_path):
    """The hook picks the disk when not in a browser: ``web=False`` writes the file and
    ``hand_over`` only names it (nothing is delivered)."""
    app = invoiced_app(tmp_path, cls=DropshipApp)
    order = app.store.get_order(82)
    written, _ = write_invoice_pdf(app.store, order, app.config, web=False)
    assert hand_over(app, written) == str(written) == str(delivery.default_dir() / "PO-82-invoice.pdf")
    assert written.read_bytes().startswith(b"%PDF")
    in_memory, _ = write_invoice_pdf(app.store, order, app.config, web=True)
    assert isinstance(in_memory, BrowserPdf) and in_memory.data.startswith(b"%PDF")
