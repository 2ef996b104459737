"""Packing slips and invoice PDFs, read back with pypdf (and, where poppler is installed,
rendered to pixels to decode the barcodes)."""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

import factories as f
from dropship_tui.documents import rtl
from dropship_tui.documents.invoice import render_invoice
from dropship_tui.documents.packing_slips import SlipJob, render_order_slips, render_packing_slips
from dropship_tui.domain import workflow as wf
from dropship_tui.domain.errors import InvalidInputError, WorkflowError
from dropship_tui.domain.billing import DEFAULT_BILL_TO
from dropship_tui.domain.models import Address, Reason, ReasonCode, Retailer, money

RETAIL = "29.99"  # appears nowhere else: never on a vendor document
HOSTILE = "<b>Ann</b> & [bold]Co[/]"
TRACK1 = "1Z999AA10123456784"
TRACK2 = "LOCAL00042"


# --- builders ---------------------------------------------------------------------------


def partial_order(first_name: str = "Ann", last_name: str = "Lee", company: str = "", po: int = 82,
                  city: str = "Springfield"):
    """Line 1: 5 ordered, 4 accepted (1 out of stock); line 2: 3 ordered, 3 accepted;
    slips 1 = {line 1: 3, line 2: 1}, 2 = {line 1: 1, line 2: 2}; both tracked; invoiced."""
    c = f.ctx()
    lines = [f.line(1, 5, "SKU-123", contracted="19.99", retail=RETAIL),
             f.line(2, 3, "SKU-456", contracted="7.35", retail=RETAIL)]
    o = f.order(po=po, lines=lines, first_name=first_name, last_name=last_name)
    ship_to = o.ship_to.model_copy(update={
        "company": company,
        "address": o.ship_to.address.model_copy(update={"city": city}),
    })
    o = o.model_copy(update={"ship_to": ship_to})
    o = wf.acknowledge(o, {1: 4}, {1: Reason(code=ReasonCode.OUT_OF_STOCK)}, c).order
    o = wf.save_slips(o, [{1: 3, 2: 1}, {1: 1, 2: 2}], c).order
    o = wf.save_tracking(o, 1, TRACK1, c).order
    o = wf.save_tracking(o, 2, TRACK2, c, carrier="Local Courier").order
    o = wf.generate_invoice(o, f.vendor(), f"INV-{po:06d}", c).order
    return o


def long_order(n: int = 80, po: int = 90):
    c = f.ctx()
    lines = [f.line(i, (i % 4) + 1, f"SKU-{i:04d}", contracted=f"{i}.15", retail=RETAIL) for i in range(1, n + 1)]
    o = f.order(po=po, lines=lines)
    o = wf.acknowledge(o, {}, {}, c).order
    o = wf.save_slips(o, wf.even_allocation(o, 1), c).order
    o = wf.save_tracking(o, 1, TRACK1, c).order
    return wf.generate_invoice(o, f.vendor(), f"INV-{po:06d}", c).order


def slips_pdf(order, tmp_path: Path, paper: str = "letter", name: str = "slips.pdf") -> PdfReader:
    path = tmp_path / name
    render_order_slips(order, f.vendor(), f.location(), path, paper=paper)
    return PdfReader(path)


def invoice_pdf(order, tmp_path: Path, paper: str = "letter", **kw) -> PdfReader:
    path = tmp_path / "invoice.pdf"
    render_invoice(order, path, paper=paper, **kw)
    return PdfReader(path)


def texts(reader: PdfReader) -> list[str]:
    return [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]


def row(text: str, sku: str) -> list[str]:
    """The cells of the table row that starts with ``sku`` (one cell per line)."""
    cells = text.split("\n")
    i = cells.index(sku)
    return cells[i:i + 8]


def squeeze(text: str) -> str:
    """Without whitespace (text extraction breaks lines where the font changes)."""
    return "".join(text.split())


def _descriptor(font):
    """The font descriptor of a simple font, or of a composite (Type0) font's descendant."""
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    return None if descriptor is None else descriptor.get_object()


def embedded_fonts(page) -> set[str]:
    """Fonts whose program is inside the PDF (FontFile2: TrueType), subset tag removed."""
    out = set()
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        descriptor = _descriptor(font)
        if descriptor is not None and "/FontFile2" in descriptor:
            out.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return out


def fonts_drawing(page) -> set[str]:
    """BaseFont names (subset tag removed) of the fonts that show text on the page (selected
    with Tf in a BT ... ET block that has a Tj; reportlab's page preamble selects Helvetica
    but draws nothing with it)."""
    import re

    names = {str(k): str(v.get_object()["/BaseFont"]).split("+", 1)[-1]
             for k, v in page["/Resources"]["/Font"].items()}
    data = page.get_contents().get_data().decode("latin-1")
    out = set()
    for block in re.findall(r"\bBT\b(.*?)\bET\b", data, re.S):
        if re.search(r"\bT[jJ]\b", block):
            out |= {names[m] for m in re.findall(r"(/\S+)\s+[\d.]+\s+Tf", block)}
    return out


def fonts_used(page) -> dict[str, str]:
    """BaseFont names on a page -> encoding (or subtype)."""
    out = {}
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        out[str(font["/BaseFont"])] = str(font.get("/Encoding") or font.get("/Subtype"))
    return out


# --- packing slips ------------------------------------------------------------------------


def test_one_page_per_slip_each_with_its_own_quantities(tmp_path):
    order = partial_order()
    reader = slips_pdf(order, tmp_path)
    assert len(reader.pages) == len(order.slips) == 2
    p1, p2 = texts(reader)
    for n, text in ((1, p1), (2, p2)):
        assert f"Package {n} of 2" in text
        assert "PO 82" in text and "119" in text  # PO and operator order number
        assert "Ground" in text
    # SKU, vendor SKU, UPC, description, in this package, ordered, shipped, canceled
    assert row(p1, "SKU-123") == ["SKU-123", "V-SKU-123", "000000000001", "Trail shoe SKU-123", "3", "5", "4", "1"]
    assert row(p1, "SKU-456") == ["SKU-456", "V-SKU-456", "000000000002", "Trail shoe SKU-456", "1", "3", "3", "0"]
    assert row(p2, "SKU-123")[4] == "1"
    assert row(p2, "SKU-456")[4] == "2"
    assert "In this package (4 units)" in p1 and "In this package (3 units)" in p2


def test_slip_shows_the_canceled_unit_and_why_in_plain_words(tmp_path):
    order = partial_order()
    for text in texts(slips_pdf(order, tmp_path)):
        i = text.index("Not shipped")
        assert text[i:].split("\n")[5:9] == ["SKU-123", "Trail shoe SKU-123", "1", "Out of stock"]


def test_other_reason_text_printed_literally(tmp_path):
    c = f.ctx()
    o = f.order(lines=[f.line(1, 2), f.line(2, 1, "SKU-9")])
    o = wf.acknowledge(o, {2: 0}, {2: Reason(code=ReasonCode.OTHER, text="Recall <i>[red]now[/]</i> & more")}, c).order
    o = wf.save_slips(o, [{1: 2}], c).order
    (text,) = texts(slips_pdf(o, tmp_path))
    assert "Other: Recall <i>[red]now[/]</i> & more" in text
    assert "SKU-9" in text  # the fully canceled line is explained, not silently absent


def test_no_prices_on_a_packing_slip(tmp_path):
    order = partial_order()
    for text in texts(slips_pdf(order, tmp_path)):
        for price in (RETAIL, "19.99", "7.35", "$", "USD", "Total"):
            assert price not in text


def test_tracking_shown_once_saved(tmp_path):
    order = partial_order()
    p1, p2 = texts(slips_pdf(order, tmp_path))
    assert TRACK1 in p1 and "UPS" in p1 and TRACK2 not in p1
    assert TRACK2 in p2 and "Local Courier" in p2
    c = f.ctx()
    o = wf.acknowledge(f.order(), {}, {}, c).order
    o = wf.save_slips(o, [{1: 5}], c).order
    (text,) = texts(slips_pdf(o, tmp_path, name="untracked.pdf"))
    assert "Tracking" not in text


def test_an_order_without_slips_is_refused(tmp_path):
    o = wf.acknowledge(f.order(), {}, {}, f.ctx()).order
    with pytest.raises(WorkflowError, match="no packing slips"):
        render_order_slips(o, f.vendor(), f.location(), tmp_path / "x.pdf", "letter")
    assert not (tmp_path / "x.pdf").exists()  # nothing half-written
    assert list(tmp_path.iterdir()) == []


def test_batch_in_po_order_from_a_list_and_lazily_from_a_generator(tmp_path):
    orders = [partial_order(po=po) for po in (300, 100, 200)]
    jobs = [SlipJob(o, f.vendor(), f.location()) for o in orders]
    path = tmp_path / "batch.pdf"
    assert render_packing_slips(jobs, path, "letter") == 6
    firsts = [t.split("PO number\n")[1].split("\n")[0] for t in texts(PdfReader(path))]
    assert firsts == ["100", "100", "200", "200", "300", "300"]

    consumed = []

    def lazily():
        for o in sorted(orders, key=lambda o: o.po_number):
            consumed.append(o.po_number)
            yield (o, f.vendor(), f.location())

    buf = io.BytesIO()
    assert render_packing_slips(lazily(), buf, "letter") == 6
    assert consumed == [100, 200, 300]
    assert len(PdfReader(io.BytesIO(buf.getvalue())).pages) == 6


def test_a_slip_with_many_lines_continues_on_another_page(tmp_path):
    order = long_order()
    pages = texts(slips_pdf(order, tmp_path))
    assert len(pages) > 1
    assert all("Package 1 of 1" in p for p in pages)
    body = "\n".join(pages)
    for line in order.lines:
        assert body.count(f"\n{line.sku}\n") == 1


# --- invoice ---------------------------------------------------------------------------


def test_invoice_bills_accepted_quantities_at_contracted_prices(tmp_path):
    order = partial_order()
    (text,) = texts(invoice_pdf(order, tmp_path))
    inv = order.invoice
    assert inv is not None
    assert row(text, "SKU-123")[:6] == ["SKU-123", "V-SKU-123", "Trail shoe SKU-123", "4", "19.99", "79.96"]
    assert row(text, "SKU-456")[:6] == ["SKU-456", "V-SKU-456", "Trail shoe SKU-456", "3", "7.35", "22.05"]
    expected = money(Decimal("19.99") * 4 + Decimal("7.35") * 3)
    assert expected == inv.total == Decimal("102.01")
    assert f"Total\n{expected} USD" in text
    assert f"Subtotal\n{expected} USD" in text
    for needle in (inv.invoice_number, "2026-11-24", "PO number\n82", "Order no.\n119",
                   "Mystic Sports", "400 Congress Ave", "Austin TX 78701", "Jordan Romero",
                   "billing@mystic.example", "Bill to".upper(), "Retailer", "Ann Lee", "12 Elm St",
                   "Page 1 of 1", "USD"):
        assert needle in text
    assert RETAIL not in text


def test_invoice_prints_the_record_and_never_recomputes(tmp_path):
    order = partial_order()
    inv = order.invoice
    tampered = inv.model_copy(update={"total": Decimal("123.45"), "subtotal": Decimal("123.45")})
    (text,) = texts(invoice_pdf(tampered, tmp_path))
    assert "Total\n123.45 USD" in text


def test_invoice_bill_to_is_configurable(tmp_path):
    (text,) = texts(invoice_pdf(partial_order(), tmp_path, bill_to=Retailer(name="Acme Retail Inc.")))
    assert "BILL TO\nAcme Retail Inc." in text


def test_invoice_bills_the_retailer_with_its_address_literally(tmp_path):
    retailer = Retailer(name="<b>&amp; Ωμέγα 北京", address=("[bold]1 Main St[/]", "Springfield IL 62701"))
    (text,) = texts(invoice_pdf(partial_order(), tmp_path, bill_to=retailer))
    words = " ".join(text.split())  # the CJK run is extracted on a line of its own
    assert "BILL TO <b>&amp; Ωμέγα 北京 [bold]1 Main St[/] Springfield IL 62701 SHIP TO" in words


def test_invoice_without_a_retailer_bills_the_default(tmp_path):
    (text,) = texts(invoice_pdf(partial_order(), tmp_path))
    assert f"BILL TO\n{DEFAULT_BILL_TO}\n" in text


def test_cli_invoice_bills_the_stores_retailer(cli):
    """``settings retailer`` is kept in the store: the PDF bills it, over the config's name."""
    cli.tmp.joinpath("config.toml").write_text('bill_to_name = "From the config"\n', encoding="utf-8")
    out = cli.tmp / "inv.pdf"
    code, _, stderr = cli("invoice", "82", "--pdf", str(out))
    assert code == 0, stderr
    assert "BILL TO\nFrom the config\n" in texts(PdfReader(out))[0]
    code, stdout, stderr = cli("settings", "retailer", "Ωμέγα <b>&amp;", "--address", "1 Dock Rd")
    assert code == 0 and "(saved)" in stdout, stderr
    code, _, stderr = cli("invoice", "82", "--pdf", str(out))
    assert code == 0, stderr
    assert "BILL TO\nΩμέγα <b>&amp;\n1 Dock Rd\n" in texts(PdfReader(out))[0]


def test_long_invoice_pages_with_totals_on_the_last(tmp_path):
    order = long_order()
    inv = order.invoice
    pages = texts(invoice_pdf(order, tmp_path))
    n = len(pages)
    assert n >= 2
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {n}" in text
        assert inv.invoice_number in text
        assert ("Subtotal" in text) == (i == n)
        assert (f"\nTotal\n{text_money(inv.total)} USD" in text) == (i == n)
        assert RETAIL not in text
    body = "\n".join(pages)
    total = Decimal(0)
    for line in order.lines:
        cells = row(body, line.sku)
        assert cells[3] == str(line.quantity_accepted)
        assert Decimal(cells[4]) == line.contracted_price
        total += Decimal(cells[5].replace(",", ""))
    assert total == inv.total


def text_money(value: Decimal) -> str:
    return f"{value:,.2f}"


def test_invoice_needs_the_invoice_generated(tmp_path):
    o = wf.acknowledge(f.order(), {}, {}, f.ctx()).order
    with pytest.raises(WorkflowError, match="no invoice"):
        render_invoice(o, tmp_path / "x.pdf", "letter")


# --- any alphabet, printed literally ------------------------------------------------------


@pytest.mark.parametrize("name", f.HOSTILE_NAMES + [HOSTILE])
def test_hostile_names_print_literally(tmp_path, name):
    order = partial_order(first_name=name, last_name="")
    for reader in (slips_pdf(order, tmp_path), invoice_pdf(order, tmp_path)):
        text = texts(reader)[0]
        assert squeeze(name) in squeeze(text)
        if name.isascii():
            assert name in text  # exactly, spaces and all


SCRIPTS = {
    "latin": ("Zoë Ångström-Núñez", "DejaVuSans"),
    "greek": ("Ωμέγα Αλφάβητο", "DejaVuSans"),
    "cyrillic": ("Пётр Ильич", "DejaVuSans"),
    "hebrew": ("שלום עולם", "DejaVuSans"),
    "arabic": ("مرحبا بالعالم", "DejaVuSans"),
    "chinese": ("北京市朝阳区", "DroidSansFallback"),
    "japanese": ("東京都 さくら カタカナ", "DroidSansFallback"),
    "korean": ("서울특별시", "DroidSansFallback"),
}


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_every_alphabet_prints_with_a_font_that_has_it(tmp_path, script):
    from dropship_tui.documents import text as doc_text

    name, font = SCRIPTS[script]
    order = partial_order(first_name=name, last_name="", company="", city=name)
    doc_text.register_fonts()
    cmap = doc_text._cmap if font == "DejaVuSans" else doc_text._cjk_cmap
    # The vendored font has every glyph of the name.
    assert all(ord(ch) in cmap for ch in rtl.visual(name) if not ch.isspace())
    for reader in (slips_pdf(order, tmp_path), invoice_pdf(order, tmp_path)):
        page = reader.pages[0]
        used = fonts_used(page)
        assert any(base.endswith("+" + font) for base in used), used
        # The glyphs are embedded (a subset of the vendored font), not left to a standard
        # Latin-1 font or a CID font the viewer may not have: every font that draws on the
        # page is embedded.
        assert any(base.endswith("+DejaVuSans-Bold") for base in used)
        assert embedded_fonts(page) >= {"DejaVuSans", "DejaVuSans-Bold", font}
        assert fonts_drawing(page) <= embedded_fonts(page)
        text = texts(reader)[0]
        if script in ("hebrew", "arabic"):
            # Drawn in display order; pypdf gives it back in logical order.
            assert unicodedata.normalize("NFKC", name) in text or name[::-1] in text
        else:
            assert squeeze(name) in squeeze(text)


CJK_NAMES = {"chinese": "王芳", "japanese": "山田 さくら", "korean": "김민준"}


@pytest.mark.parametrize("script", list(CJK_NAMES))
def test_cjk_names_print_from_an_embedded_truetype_font_that_has_them(tmp_path, script):
    """Issue 3: not boxes on a printer without CJK fonts. reportlab's CID fonts
    (STSong-Light, HeiseiMin-W3, HYSMyeongJo-Medium) are never embedded, so the glyphs
    must come from a TrueType program inside the PDF (FontFile2) of a font that has them."""
    import re

    from reportlab.pdfbase.ttfonts import TTFont

    from dropship_tui.documents import text as doc_text

    name = CJK_NAMES[script]
    order = partial_order(first_name=name, last_name="", company="", city="Springfield")
    for reader in (slips_pdf(order, tmp_path), invoice_pdf(order, tmp_path)):
        page = reader.pages[0]
        cjk = [ref.get_object() for ref in page["/Resources"]["/Font"].values()
               if str(ref.get_object()["/BaseFont"]).endswith("+DroidSansFallback")]
        assert cjk, fonts_used(page)
        mapped = ""
        for font in cjk:
            assert "/FontFile2" in _descriptor(font)  # TrueType program embedded
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            mapped += "".join(chr(int(u, 16)) for u in re.findall(r"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", cmap))
        # Every character of the name is a glyph of the embedded subset...
        assert set(name.replace(" ", "")) <= set(mapped)
        # ... no font that draws is left out of the file ...
        assert fonts_drawing(page) <= embedded_fonts(page)
        assert not any(cid in base for base in fonts_used(page)
                       for cid in ("STSong-Light", "HeiseiMin-W3", "HYSMyeongJo-Medium"))
        # ... and the name comes back as text, on one line with its space.
        assert name in texts(reader)[0]
    # The vendored font really has those glyphs (an outline, not an empty .notdef stand-in).
    face = TTFont("check", str(doc_text.FONT_DIR / "DroidSansFallback.ttf")).face
    for ch in name.replace(" ", ""):
        glyph = face.charToGlyph[ord(ch)]
        assert glyph and face.glyphPos[glyph + 1] > face.glyphPos[glyph], ch


def test_pdffonts_reports_the_cjk_font_embedded(tmp_path):
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils (pdffonts) not installed")
    order = partial_order(first_name="王芳", last_name="", city="山田 さくら 김민준")
    render_invoice(order, tmp_path / "invoice.pdf", paper="letter")
    out = subprocess.run(["pdffonts", str(tmp_path / "invoice.pdf")], capture_output=True, text=True,
                         check=True).stdout
    rows = [line.split() for line in out.splitlines() if "DroidSansFallback" in line]
    assert rows
    for cols in rows:
        # name, type, encoding, then "emb sub uni" (yes/no) and the object id.
        assert cols[-5:-2] == ["yes", "yes", "yes"], out


def test_each_character_goes_to_a_font_with_its_glyph():
    from dropship_tui.documents import text

    text.register_fonts()
    segs = dict((run, font) for font, run in text.segments("Ann Ωμέγα 北京 東京さくら 서울"))
    # DejaVu first for every character it has; the CJK font for the rest; spaces between
    # CJK runs stay in the CJK run.
    assert segs == {"Ann Ωμέγα ": text.REGULAR, "北京 東京さくら 서울": text.CJK}
    assert text.segments("王芳 Ann Lee", bold=True) == ((text.CJK, "王芳"), (text.BOLD, " Ann Lee"))
    assert text.segments("山田 さくら") == ((text.CJK, "山田 さくら"),)
    assert text.segments("김민준") == ((text.CJK, "김민준"),)
    # A CJK character neither TrueType font has (Extension A) falls back to a CID font,
    # the last resort, by the string's language.
    rare = "\u3400"
    assert ord(rare) not in text._cmap and ord(rare) not in text._cjk_cmap
    assert text.segments(rare + "芳")[0] == ("STSong-Light", rare)
    assert text.segments(rare + "さくら")[0] == ("HeiseiMin-W3", rare)


def test_bold_cjk_is_drawn_stroked(tmp_path):
    """Droid Sans Fallback has one weight: a bold CJK run is filled and stroked (Tr 2)."""
    order = partial_order(first_name="王芳", last_name="", city="北京")
    page = slips_pdf(order, tmp_path).pages[0]
    data = page.get_contents().get_data().decode("latin-1")
    assert " 2 Tr" in data or "\n2 Tr" in data


def test_fonts_are_loaded_once_per_process(tmp_path, monkeypatch):
    from reportlab.pdfbase import ttfonts

    from dropship_tui.documents import text

    text.register_fonts()
    loads = []
    real = ttfonts.TTFont.__init__

    def counting(self, *args, **kwargs):
        loads.append(args)
        real(self, *args, **kwargs)

    monkeypatch.setattr(ttfonts.TTFont, "__init__", counting)
    order = partial_order(first_name="王芳", last_name="김민준", city="東京都")
    for i in range(3):
        slips_pdf(order, tmp_path, name=f"s{i}.pdf")
        invoice_pdf(order, tmp_path)
    assert loads == []


def test_rtl_display_order_and_joined_arabic():
    assert rtl.visual("Ann Lee") == "Ann Lee"
    assert rtl.visual("שלום") == "םולש"
    assert rtl.visual("רחוב הרצל 12") == "12 לצרה בוחר"
    assert rtl.visual("Tel Aviv תל אביב") == "Tel Aviv ביבא לת"
    shaped = rtl.visual("مرحبا")
    assert unicodedata.normalize("NFKC", shaped[::-1]) == "مرحبا"
    assert all(0xFE70 <= ord(ch) <= 0xFEFF for ch in shaped)  # presentation (joined) forms


def test_rtl_numbers_keep_their_order():
    """Issue 9: a house number or a phone number in a Hebrew address reads left to right."""
    assert rtl.visual("הרצל 12/4") == "12/4 לצרה"
    assert "12/4" in rtl.visual("הרצל 12/4")
    assert rtl.visual("טל' 03-1234567") == "03-1234567 'לט"
    assert "03-1234567" in rtl.visual("טל' 03-1234567")


def test_rtl_mixed_arabic_line():
    line = "شارع الملك فهد 12, Riyadh 11564"
    shown = rtl.visual(line)
    # An Arabic paragraph: its words right to left, the Latin word and numbers left to right.
    assert shown.startswith("Riyadh 11564 ,12 ")
    arabic = shown[len("Riyadh 11564 ,12 "):]
    assert all(0xFE70 <= ord(ch) <= 0xFEFF or ch == " " for ch in arabic)  # joined forms
    assert unicodedata.normalize("NFKC", arabic[::-1]) == "شارع الملك فهد"
    assert rtl.visual("لا") == "\ufefb"  # lam-alef as one ligature


def test_rtl_marks_stay_on_their_letter():
    # Drawn left to right, a mark follows the letter it sits on.
    assert rtl.visual("שָׁלוֹם") == "ם" + "ו\u05b9" + "ל" + "ש\u05b8\u05c1"
    shaped = rtl.visual("مُحَمَّد")
    assert [unicodedata.category(ch) for ch in shaped] == ["Lo", "Lo", "Mn", "Mn", "Lo", "Mn", "Lo", "Mn"]


def test_rtl_address_prints_its_numbers_in_order(tmp_path):
    from dropship_tui.documents import text as doc_text

    order = partial_order(first_name="טל' 03-1234567", last_name="", company="", city="הרצל 12/4")
    drawn = "".join(run for _, run in doc_text.segments(rtl.visual("הרצל 12/4")))
    assert "12/4" in drawn
    for reader in (slips_pdf(order, tmp_path), invoice_pdf(order, tmp_path)):
        page = texts(reader)[0]
        assert "12/4" in page and "03-1234567" in page


# --- barcodes ----------------------------------------------------------------------------


def test_barcode_values():
    from dropship_tui.documents import layout

    assert layout.code128("82", 200).value == "82"
    assert layout.code128(TRACK1, 200).width <= 200


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (poppler-utils) to render the page")
def test_barcodes_scan_back_to_po_and_tracking_number(tmp_path):
    pytest.importorskip("PIL", reason="needs Pillow to read the rendered page")
    order = partial_order()
    slips_pdf(order, tmp_path)
    found: list[set[str]] = []
    for page in (1, 2):
        subprocess.run(["pdftoppm", "-gray", "-r", "200", "-f", str(page), "-l", str(page), "-png",
                        str(tmp_path / "slips.pdf"), str(tmp_path / f"p{page}")], check=True)
        (png,) = tmp_path.glob(f"p{page}*.png")
        found.append(decode_code128_image(png))
    assert {"82", TRACK1} <= found[0]
    assert {"82", TRACK2} <= found[1]


# A Code128 reader for the rendered page: scan pixel rows, turn runs of dark and light into
# module widths, decode symbols and check the checksum. Independent of reportlab except
# for the standard pattern table.


def _patterns() -> dict[str, int]:
    """Symbol value by its six module widths ("212222" = bar 2, space 1, ...)."""
    from reportlab.graphics.barcode.code128 import _patterns as table  # "BaBbBb" form

    return {
        "".join(str(ord(c.lower()) - ord("a") + 1) for c in table[value]): value
        for value in range(106)
    }


def decode_code128_image(png: Path) -> set[str]:
    from PIL import Image

    img = Image.open(png).convert("L")
    w, h = img.size
    pixels = img.load()
    results = set()
    for y in range(0, h, 6):
        row_px = [pixels[x, y] < 128 for x in range(w)]
        runs: list[tuple[bool, int]] = []
        for dark in row_px:
            if runs and runs[-1][0] == dark:
                runs[-1] = (dark, runs[-1][1] + 1)
            else:
                runs.append((dark, 1))
        if sum(1 for dark, _ in runs if dark) < 20:  # no barcode on this row
            continue
        value = _decode_runs(runs)
        if value:
            results.update(value)
    return results


def _decode_runs(runs: list[tuple[bool, int]]) -> list[str]:
    table = _patterns()
    widths = [n for _, n in runs]
    found = []
    for start in range(len(runs) - 6):
        if not runs[start][0]:
            continue
        symbols = []
        i = start
        while i + 6 <= len(runs):
            group = widths[i:i + 6]
            module = sum(group) / 11
            pattern = "".join(str(round(g / module)) for g in group)
            if symbols and pattern == "233111":  # stop
                break
            if pattern not in table:
                symbols = []
                break
            symbols.append(table[pattern])
            i += 6
        if len(symbols) < 3 or symbols[0] < 103:
            continue
        *data, check = symbols
        if sum(v * max(1, k) for k, v in enumerate(data)) % 103 != check:
            continue
        found.append(_code128_text(data))
    return found


def _code128_text(symbols: list[int]) -> str:
    mode = {103: "A", 104: "B", 105: "C"}[symbols[0]]
    out = []
    for v in symbols[1:]:
        if mode == "C":
            if v < 100:
                out.append(f"{v:02d}")
            else:
                mode = {100: "B", 101: "A"}.get(v, mode)
        elif v == 99:
            mode = "C"
        elif v == 100 and mode == "A":
            mode = "B"
        elif v == 101 and mode == "B":
            mode = "A"
        elif v < 96:
            out.append(chr(v + 32) if mode == "B" or v < 64 else chr(v - 64))
    return "".join(out)


# --- paper size ----------------------------------------------------------------------------


@pytest.mark.parametrize(("setting", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_paper_size_from_the_config(tmp_path, monkeypatch, setting, size):
    from dropship_tui.config import load_config, resolve_paper_size

    cfg = tmp_path / "config.toml"
    cfg.write_text(f'paper_size = "{setting}"\n', encoding="utf-8")
    monkeypatch.setenv("DROPSHIP_TUI_CONFIG", str(cfg))
    order = partial_order()
    paper = resolve_paper_size(load_config())  # the caller reads the config, not the document
    for reader in (slips_pdf(order, tmp_path, paper=paper), invoice_pdf(order, tmp_path, paper=paper)):
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == size


@pytest.mark.parametrize("paper", ["tabloid", None])
def test_unknown_paper_is_refused(tmp_path, monkeypatch, paper):
    # No paper is refused too: a document never falls back on the user's config.
    monkeypatch.setenv("DROPSHIP_TUI_CONFIG", str(tmp_path / "missing" / "config.toml"))
    with pytest.raises(InvalidInputError, match="letter"):
        render_invoice(partial_order(), tmp_path / "x.pdf", paper=paper)
    with pytest.raises(InvalidInputError, match="letter"):
        slips_pdf(partial_order(), tmp_path, paper=paper)
    assert list(tmp_path.iterdir()) == []


# --- the CLI -------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """``run(*argv) -> (code, stdout, stderr)`` in-process, against a store with PO 82
    (partial, two tracked slips, not invoiced), PO 83 (slips saved) and PO 84 (New)."""
    from dropship_tui import cli as cli_module
    from dropship_tui.store.sqlite.store import SqliteStore

    db = tmp_path / "store.db"
    monkeypatch.setenv("DROPSHIP_TUI_DB", str(db))
    monkeypatch.setenv("DROPSHIP_TUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "Documents"))
    store = SqliteStore(db, user="test", clock=lambda: f.NOW)
    try:
        store.add_vendor(f.vendor())
        store.add_location(f.location())
        lines = [f.line(1, 5, "SKU-123", contracted="19.99", retail=RETAIL),
                 f.line(2, 3, "SKU-456", contracted="7.35", retail=RETAIL)]
        store.import_orders([f.order(po=82, lines=lines, first_name=HOSTILE),
                             f.order(po=83), f.order(po=84)])
        store.acknowledge(82, None, {1: 4}, {1: Reason(code=ReasonCode.OUT_OF_STOCK)})
        store.save_slips(82, None, [{1: 3, 2: 1}, {1: 1, 2: 2}])
        store.save_tracking(82, None, 1, TRACK1)
        store.save_tracking(82, None, 2, TRACK2, "Local Courier")
        store.acknowledge(83, None, {}, {})
        store.save_slips(83, None, [{1: 5}])
    finally:
        store.close()

    def run(*argv: str):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_module.main(list(argv))
        return code, out.getvalue(), err.getvalue()

    run.tmp = tmp_path
    return run


def test_cli_packing_slips_of_one_po(cli):
    out = cli.tmp / "slips.pdf"
    code, stdout, stderr = cli("packing-slips", "82", "--out", str(out))
    assert code == 0, stderr
    assert str(out) in stdout
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    assert HOSTILE in reader.pages[0].extract_text()


def test_cli_default_folder_and_name(cli):
    code, stdout, _ = cli("packing-slips", "82")
    assert code == 0
    path = cli.tmp / "Documents" / "dropship-tui" / "PO-82-packing-slips.pdf"
    assert path.exists() and str(path) in stdout


def test_cli_packing_slips_refused_without_slips(cli):
    code, _, stderr = cli("packing-slips", "84")
    assert code == 1
    assert "no packing slips" in stderr and stderr.count("\n") == 1


def test_cli_usage_errors(cli):
    assert cli("packing-slips")[0] == 2
    assert cli("packing-slips", "82", "--stage", "in-progress")[0] == 2
    assert cli("packing-slips", "--stage", "shipped")[0] == 2
    assert cli("invoice", "82", "--pdf", "x.pdf", "--paper", "a5")[0] == 2


def test_cli_batch_of_a_stage(cli):
    out = cli.tmp / "batch.pdf"
    code, stdout, stderr = cli("packing-slips", "--stage", "in-progress", "--out", str(out), "--json")
    assert code == 0, stderr
    import json

    data = json.loads(stdout)
    assert data["po_numbers"] == [82, 83] and data["pages"] == 3 and data["path"] == str(out)
    assert len(PdfReader(out).pages) == 3
    code, stdout, _ = cli("packing-slips", "--stage", "in-progress", "--search", "83", "--out", str(out), "--json")
    assert json.loads(stdout)["po_numbers"] == [83]
    code, _, stderr = cli("packing-slips", "--stage", "new", "--out", str(out))
    assert code == 1 and "No packing slips" in stderr


def test_cli_invoice_generates_then_renders(cli):
    out = cli.tmp / "inv.pdf"
    cli.tmp.joinpath("config.toml").write_text('paper_size = "a4"\nbill_to_name = "Acme Retail"\n', encoding="utf-8")
    code, stdout, stderr = cli("invoice", "82", "--pdf", str(out))
    assert code == 0, stderr
    assert "invoiced" in stdout and str(out) in stdout
    reader = PdfReader(out)
    text = reader.pages[0].extract_text()
    assert "Acme Retail" in text and "102.01 USD" in text and RETAIL not in text
    assert round(float(reader.pages[0].mediabox.width)) == 595
    # Already invoiced: rendered again, not refused, same invoice number.
    out.unlink()
    code, stdout, stderr = cli("invoice", "82", "--pdf", str(out), "--paper", "letter")
    assert code == 0, stderr
    assert round(float(PdfReader(out).pages[0].mediabox.width)) == 612


def test_cli_invoice_refused_by_r8(cli):
    code, _, stderr = cli("invoice", "83", "--pdf", str(cli.tmp / "x.pdf"))
    assert code == 1 and "tracking number" in stderr
    assert not (cli.tmp / "x.pdf").exists()


def test_cli_print_without_a_printer_says_so_and_keeps_the_pdf(cli, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    out = cli.tmp / "slips.pdf"
    code, stdout, stderr = cli("packing-slips", "82", "--out", str(out), "--print")
    assert code == 1
    assert "not printed" in stderr and "lp" in stderr and str(out) in stderr
    assert out.exists()


def test_cli_print_with_the_configured_command(cli):
    log = cli.tmp / "printed.txt"
    printer = cli.tmp / "printer.sh"
    printer.write_text(f'#!/bin/sh\necho "$@" > "{log}"\necho "request id is desk-1"\n', encoding="utf-8")
    printer.chmod(0o755)
    cli.tmp.joinpath("config.toml").write_text(f'print_command = "{printer} -o fit"\n', encoding="utf-8")
    out = cli.tmp / "slips.pdf"
    code, stdout, stderr = cli("packing-slips", "82", "--out", str(out), "--print")
    assert code == 0, stderr
    assert log.read_text().split() == ["-o", "fit", str(out)]
    assert "request id is desk-1" in stdout


def test_cli_as_a_subprocess(cli):
    out = cli.tmp / "sub.pdf"
    done = subprocess.run([sys.executable, "-m", "dropship_tui", "packing-slips", "82", "--out", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(PdfReader(out).pages) == 2


def test_cli_out_may_name_a_folder(cli):
    folder = cli.tmp / "out"
    folder.mkdir()
    code, stdout, stderr = cli("packing-slips", "82", "--out", str(folder))
    assert code == 0, stderr
    assert (folder / "PO-82-packing-slips.pdf").exists()


def test_cli_unwritable_output_is_a_one_line_refusal(cli):
    blocker = cli.tmp / "file"
    blocker.write_text("x")
    code, _, stderr = cli("packing-slips", "82", "--out", str(blocker / "sub" / "x.pdf"))
    assert code == 1
    assert "Cannot write" in stderr and stderr.count("\n") == 1


def test_invoice_is_one_command_with_its_pdf_options():
    from dropship_tui import cli as cli_module

    args = cli_module.build_parser("invoice").parse_args(["invoice", "82", "--pdf", "x.pdf", "--print"])
    assert args.pdf == "x.pdf" and args.print_ is True
    args = cli_module.build_parser("invoice").parse_args(["invoice", "82"])
    assert args.pdf is None


def test_a_written_pdf_gets_the_usual_file_permissions(tmp_path):
    import os
    import stat

    from dropship_tui.documents.layout import open_canvas
    from dropship_tui.documents.text import paper

    out = tmp_path / "perm.pdf"
    with open_canvas(out, paper("a4"), "t") as canvas:
        canvas.drawString(10, 10, "x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask


def test_documents_folder_can_be_pointed_elsewhere(tmp_path, monkeypatch):
    from dropship_tui.documents import delivery

    monkeypatch.setenv(delivery.DOCUMENTS_ENV, str(tmp_path / "demo"))
    assert delivery.default_dir() == tmp_path / "demo"
    assert delivery.output_path(None, "PO-82-invoice.pdf").parent == tmp_path / "demo"


def test_the_retailers_po_number_is_printed_on_slips_and_invoice(tmp_path):
    """Issue 10: an order that came in by EDI carries the retailer's own PO number (BEG03),
    printed beside ours on every document; an order without one prints no such line."""
    c = f.ctx()
    o = f.order(82).model_copy(update={"retailer_po_number": "RX-000000123456789"})
    o = wf.acknowledge(o, {}, {}, c).order
    o = wf.save_slips(o, [{1: 5}], c).order
    o = wf.save_tracking(o, 1, TRACK1, c).order
    o = wf.generate_invoice(o, f.vendor(), "INV-000082", c).order
    assert o.invoice.retailer_po_number == "RX-000000123456789"
    for reader in (slips_pdf(o, tmp_path), invoice_pdf(o, tmp_path)):
        assert "RetailerPORX-000000123456789" in squeeze(texts(reader)[0])
    assert "RetailerPO" not in squeeze(texts(invoice_pdf(partial_order(), tmp_path))[0])
