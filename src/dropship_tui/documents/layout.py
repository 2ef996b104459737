"""Drawing helpers shared by the packing slip and the invoice: blocks of lines, a table
that pages itself, barcodes, and where a document goes (file path or binary stream)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.colors import Color, black
from reportlab.pdfgen.canvas import Canvas

from dropship_tui.documents import text
from dropship_tui.documents.text import Paper

MARGIN = 36.0  # half an inch
FOOTER = 28.0
GREY = Color(0.35, 0.35, 0.35)
LIGHT = Color(0.92, 0.92, 0.92)
RULE = Color(0.75, 0.75, 0.75)

Output = str | os.PathLike | BinaryIO


def _new_file_mode() -> int:
    """What ``open()`` would give a new file: 0666 less the umask (read once, at import,
    because reading the umask means setting it)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_NEW_FILE_MODE = _new_file_mode()


@contextmanager
def open_canvas(out: Output, paper: Paper, title: str) -> Iterator[Canvas]:
    """A canvas writing to ``out``. A path is written atomically (a temporary file in the
    same folder, renamed when complete), so a failure never leaves half a PDF behind."""
    text.register_fonts()
    if isinstance(out, (str, os.PathLike)):
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        try:
            canvas = _canvas(tmp, paper, title)
            yield canvas
            canvas.save()
            os.chmod(tmp, _NEW_FILE_MODE)  # mkstemp's 0600 would hide the PDF from colleagues
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    else:
        canvas = _canvas(out, paper, title)
        yield canvas
        canvas.save()


def _canvas(target, paper: Paper, title: str) -> Canvas:
    canvas = Canvas(target, pagesize=(paper.width, paper.height), pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("dropship-tui")
    canvas.setAuthor("dropship-tui")
    return canvas


def block(canvas: Canvas, x: float, y: float, width: float, title: str,
          lines: Sequence[tuple[str, bool]], size: float = 9) -> float:
    """A small grey title, then lines (text, bold); returns the y below the block."""
    canvas.setFillColor(GREY)
    text.draw(canvas, x, y, title.upper(), 7, bold=True)
    canvas.setFillColor(black)
    y -= size + 4
    for line, bold in lines:
        if not line:
            continue
        # Wrapped rather than cut: an address is never shortened on a document.
        for part in text.wrap(line, width, size, bold=bold, max_lines=4):
            text.draw_fit(canvas, x, y, part, width, size, bold=bold)
            y -= size + 3
    return y


def block_lines(lines: Sequence[tuple[str, bool]], width: float, size: float = 9) -> int:
    """How many printed lines ``block`` uses for ``lines`` (to plan a page)."""
    return sum(len(text.wrap(line, width, size, bold=bold, max_lines=4)) for line, bold in lines if line)


def kv_block(canvas: Canvas, x: float, y: float, width: float,
             pairs: Sequence[tuple[str, str]], size: float = 9, label_width: float = 62) -> float:
    """Label: value lines (labels grey); returns the y below."""
    for label, value in pairs:
        canvas.setFillColor(GREY)
        text.draw(canvas, x, y, label, size - 1)
        canvas.setFillColor(black)
        text.draw_fit(canvas, x + label_width, y, value, width - label_width, size, bold=True)
        y -= size + 4
    return y


def barcode(canvas: Canvas, x: float, y: float, value: str, max_width: float,
            height: float = 34, label: str | None = None, align: str = "left") -> float:
    """A Code128 barcode of ``value`` with quiet zones, bottom-left at (x, y) (or right
    aligned at x), its text below. Returns the width used."""
    bc = code128(value, max_width, height)
    w = bc.width
    left = x - w if align == "right" else x
    bc.drawOn(canvas, left, y)
    caption = label if label is not None else value
    text.draw(canvas, left + w / 2, y - 9, caption, 8, align="center")
    return w


def code128(value: str, max_width: float, height: float = 34) -> Code128:
    """The widest bars (up to 1.2 pt, at least 0.6 pt) that fit ``max_width``."""
    bar = 1.2
    while True:
        bc = Code128(value, barWidth=bar, barHeight=height, humanReadable=False, quiet=True)
        if bc.width <= max_width or bar <= 0.6:
            return bc
        bar = max(0.6, bar * max_width / bc.width * 0.98)


def rule(canvas: Canvas, x1: float, x2: float, y: float, color: Color = RULE, width: float = 0.5) -> None:
    canvas.setStrokeColor(color)
    canvas.setLineWidth(width)
    canvas.line(x1, y, x2, y)
    canvas.setStrokeColor(black)


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    align: str = "left"
    wrap: bool = False
    title2: str = ""
    max_lines: int = 3
    """With ``wrap``: lines a cell may take before it is cut with an ellipsis."""
    code: bool = False
    """An identifier (SKU, UPC): shrunk to fit one line when it can be, wrapped only
    when even the smallest size is too wide."""
    """Second header line (for narrow numeric columns)."""


HEADER_H = 22.0
CODE_MIN_SIZE = 6.5
LINE_H = 10.5
ROW_PAD = 5.0


class Table:
    """Rows drawn top-down; a row that does not fit calls ``new_page`` (which starts the
    next page and returns the y to continue at) and the header is drawn again."""

    def __init__(self, canvas: Canvas, x: float, columns: Sequence[Column], size: float = 8.5,
                 bottom: float = MARGIN + FOOTER) -> None:
        self.canvas = canvas
        self.x = x
        self.columns = list(columns)
        self.width = sum(c.width for c in self.columns)
        self.size = size
        self.bottom = bottom

    def header(self, y: float) -> float:
        c = self.canvas
        c.setFillColor(LIGHT)
        c.rect(self.x, y - HEADER_H, self.width, HEADER_H, stroke=0, fill=1)
        c.setFillColor(black)
        x = self.x
        for col in self.columns:
            tx = x + col.width - 3 if col.align == "right" else x + 3
            align = "right" if col.align == "right" else "left"
            if col.title2:
                text.draw(c, tx, y - 9, col.title, 7, bold=True, align=align)
                text.draw(c, tx, y - 18, col.title2, 7, bold=True, align=align)
            else:
                text.draw(c, tx, y - 14, col.title, 7, bold=True, align=align)
            x += col.width
        return y - HEADER_H

    def row_lines(self, cells: Sequence[str]) -> list[list[str]]:
        out = []
        for col, cell in zip(self.columns, cells):
            inner = col.width - 6
            if col.code and text.width(text.clean(cell), CODE_MIN_SIZE) <= inner:
                out.append([text.clean(cell)])
            elif col.wrap or col.code:
                out.append(text.wrap(cell, inner, self.size, max_lines=col.max_lines) or [""])
            else:
                out.append([text.fit(cell, inner, self.size, min_size=6)[0]])
        return out

    def row_height(self, lines: list[list[str]]) -> float:
        return max(len(v) for v in lines) * LINE_H + ROW_PAD

    def row(self, y: float, cells: Sequence[str], bold: bool = False) -> float:
        lines = self.row_lines(cells)
        h = self.row_height(lines)
        c = self.canvas
        x = self.x
        for col, cell_lines in zip(self.columns, lines):
            ty = y - LINE_H + 1
            for line in cell_lines:
                if col.align == "right":
                    text.draw_fit(c, x + col.width - 3, ty, line, col.width - 6, self.size,
                                  bold=bold, align="right", min_size=6)
                else:
                    text.draw_fit(c, x + 3, ty, line, col.width - 6, self.size, bold=bold, min_size=6)
                ty -= LINE_H
            x += col.width
        y -= h
        rule(self.canvas, self.x, self.x + self.width, y + 1)
        return y

    def rows(self, y: float, rows: Sequence[Sequence[str]],
             new_page: Callable[[], float]) -> float:
        y = self.header(y)
        for cells in rows:
            h = self.row_height(self.row_lines(cells))
            if y - h < self.bottom:
                y = self.header(new_page())
            y = self.row(y, cells)
        return y
