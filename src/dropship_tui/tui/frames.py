"""Low bandwidth: write only the cells that changed since the last frame (issue 16).

Textual repaints the whole screen (a layout update) whenever the layout changes — a
screen pushed or popped, a widget mounted, a footer recomposed, a toast shown — and a
region for smaller changes, even when most of the cells it writes are on the terminal
already; each styled segment also carries its own style code and a reset. On a slow link
those repaints are most of the bytes of a screen change. ``Frames`` keeps what the
terminal shows, cell by cell, and turns each update into the runs of cells that differ:
a cursor move where a run starts, a style code only where the style changes (only the
parts that change), so a repaint of unchanged content costs nothing.

Updates can be applied and written later, together (``apply``, then ``flush``): after a
screen change the app holds its first updates (a loading state, a footer recomposed) and
writes the screen it settles on once. The cells come from ``tui.textual_updates`` (the
one reader of Textual's update objects). The app forgets the frame when the terminal may
no longer show it (a resize, a suspend), so the next update is written in full.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import get_character_cell_size
from rich.color import ColorSystem
from rich.console import COLOR_SYSTEMS, Console
from rich.style import Style
from textual.geometry import Offset, Size
from textual.strip import Strip

_Codes = tuple[tuple[str, ...], str, str, str | None]
"""A style as the terminal knows it: attribute codes, foreground and background codes,
the link. Cells compare by these, not by Rich styles: two styles that differ
only in what the terminal never sees (Textual's click metadata, a link's random id) are
the same cell."""
Cell = tuple[str, _Codes]
"""One cell as the terminal shows it: its character(s) and style. A wide character's
right half is ``("", codes)``."""

_ATTRIBUTES = (
    ("bold", "1"), ("dim", "2"), ("italic", "3"), ("underline", "4"), ("blink", "5"),
    ("blink2", "6"), ("reverse", "7"), ("conceal", "8"), ("strike", "9"),
    ("underline2", "21"), ("frame", "51"), ("encircle", "52"), ("overline", "53"),
)
_PLAIN: _Codes = ((), "", "", None)
CACHE_MAX = 4096
"""Styles (and strips) whose codes (cells) are kept: a long session makes new ones."""
MERGE_GAP = 3
"""Unchanged cells between two changed runs that are rewritten rather than skipped with a
cursor move (a move costs 4 bytes or more)."""


class Frames:
    """What the terminal shows, the updates not written yet, and the bytes that bring
    the one to the other."""

    def __init__(self) -> None:
        self._rows: list[list[Cell | None]] = []
        self._size = Size(0, 0)
        self._cursor: Offset | None = None
        self._codes: dict[Style, _Codes] = {}
        self._strips: dict[int, tuple[Strip, list[Cell]]] = {}
        self._pending: dict[int, list[Cell | None]] = {}
        self._spans: dict[int, list[int]] = {}

    def forget(self) -> None:
        """The terminal may show anything now: the next update is written in full."""
        self._rows = []
        self._size = Size(0, 0)
        self._cursor = None
        self._pending.clear()
        self._spans.clear()

    def rows(self) -> list[list[Cell | None]]:
        """The cells as written (for tests: they must equal Textual's own rendering)."""
        return self._rows

    def apply(self, placements: Iterable[tuple[int, int, Strip]], size: Size, console: Console) -> None:
        """Take an update (strips at x, y) without writing it: several updates applied
        before one ``flush`` cost only the cells that differ at the end."""
        if len(self._codes) > CACHE_MAX:
            self._codes.clear()
        if len(self._strips) > CACHE_MAX:
            self._strips.clear()
        codes = _Styles(self, COLOR_SYSTEMS.get(console.color_system or "", ColorSystem.TRUECOLOR))
        if size != self._size:
            self.forget()
            self._rows = [[None] * size.width for _ in range(size.height)]
            self._size = size
        width, height = size
        rows, pending, spans = self._rows, self._pending, self._spans
        for x, y, strip in placements:
            if not 0 <= y < height or x >= width:
                continue
            new = pending.get(y)
            if new is None:
                new = pending[y] = rows[y][:]
            end = _place(codes.cells(strip), new, x, width)
            span = spans.get(y)
            lo, hi = max(x - 1, 0), min(end + 1, width)
            if span is None:
                spans[y] = [lo, hi]
            else:
                span[0], span[1] = min(span[0], lo), max(span[1], hi)

    def flush(self, cursor: Offset) -> str:
        """The terminal sequence that writes the cells changed by the updates applied
        since the last flush and leaves the cursor at ``cursor``; "" when nothing
        changes."""
        width = self._size.width
        rows, pending, spans = self._rows, self._pending, self._spans
        out: list[str] = []
        state = _PLAIN
        at = self._cursor
        for y in sorted(pending):
            new = pending[y]
            if new == rows[y]:
                continue
            lo, hi = spans[y]
            for start, end in _runs(rows[y], new, lo, hi):
                out.append(_move(at, start, y))
                state = _write(out, new, start, end, state)
                at = Offset(end, y) if end < width else None
            rows[y] = new
        pending.clear()
        spans.clear()
        if state is not _PLAIN:
            out.append(_transition(state, _PLAIN))
        if out or at != cursor:
            out.append(_move(at, cursor.x, cursor.y))
        self._cursor = cursor
        return "".join(out)

    def render(
        self, placements: Iterable[tuple[int, int, Strip]], size: Size, console: Console, cursor: Offset
    ) -> str:
        """``apply`` then ``flush``: one update written at once."""
        self.apply(placements, size, console)
        return self.flush(cursor)


class _Styles:
    """Rich style -> its codes, and strip -> its cells, made on first use: Textual
    repaints with the same strip objects, so an unchanged repaint costs a few list
    copies and comparisons."""

    def __init__(self, frames: Frames, color_system: ColorSystem) -> None:
        self.cache, self.strips, self.color_system = frames._codes, frames._strips, color_system

    def of(self, style: Style | None) -> _Codes:
        if style is None:
            return _PLAIN
        codes = self.cache.get(style)
        if codes is None:
            codes = self.cache[style] = _codes_of(style, self.color_system)
        return codes

    def cells(self, strip: Strip) -> list[Cell]:
        kept = self.strips.get(id(strip))
        if kept is not None and kept[0] is strip:
            return kept[1]
        cells: list[Cell] = []
        for text, rich_style, control in strip:
            if control:
                continue
            style = self.of(rich_style)
            if text.isascii():
                cells.extend([(ch, style) for ch in text])
                continue
            for ch in text:
                size = get_character_cell_size(ch)
                if size == 0:
                    if cells:  # a combining mark: with the character before it
                        cells[-1] = (cells[-1][0] + ch, cells[-1][1])
                    continue
                cells.append((ch, style))
                if size == 2:
                    cells.append(("", style))
        self.strips[id(strip)] = (strip, cells)
        return cells


def _write(out: list[str], row: list[Cell | None], start: int, end: int, state: _Codes) -> _Codes:
    """Append the cells start..end to ``out``; the style the terminal is left in."""
    append = out.append
    for cell in row[start:end]:
        if cell is None:  # a cell no update has written yet: leave it as it is
            continue
        text, codes = cell
        if not text:  # the right half of a wide character, written with it
            continue
        if codes != state:
            append(_transition(state, codes))
            state = codes
        append(text)
    return state


def _place(cells: list[Cell], row: list[Cell | None], x: int, width: int) -> int:
    """Put the cells in the row from ``x``; where they end. A wide character whose other
    half is overwritten (or cut at the edge) becomes a space, as a terminal shows it."""
    if 0 < x < width and row[x] is not None and row[x][0] == "" and (left := row[x - 1]) is not None:
        row[x - 1] = (" ", left[1])
    end = min(x + len(cells), width)
    row[x:end] = cells[:end - x]
    if end > x and end - x < len(cells) and cells[end - x][0] == "":
        row[end - 1] = (" ", row[end - 1][1])  # type: ignore[index]
    if end < width and row[end] is not None and row[end][0] == "":
        row[end] = (" ", row[end][1])  # type: ignore[index]
    return end


def _runs(old: list[Cell | None], new: list[Cell | None], lo: int, hi: int) -> list[tuple[int, int]]:
    """The runs [start, end) of cells that differ between lo and hi, close ones merged,
    never starting on a wide character's right half nor ending inside one."""
    runs: list[list[int]] = []
    for x in range(lo, hi):
        cell = new[x]
        if cell is None or cell == old[x]:
            continue
        if runs and x - runs[-1][1] <= MERGE_GAP and None not in new[runs[-1][1]:x]:
            runs[-1][1] = x + 1
        else:
            runs.append([x, x + 1])
    width = len(new)
    for run in runs:
        if run[0] > 0 and (cell := new[run[0]]) is not None and cell[0] == "":
            run[0] -= 1
        if run[1] < width and (cell := new[run[1]]) is not None and cell[0] == "":
            run[1] += 1
    return [(start, end) for start, end in runs]


def _move(at: Offset | None, x: int, y: int) -> str:
    """The shortest absolute cursor move from ``at`` (None: unknown) to x, y. Absolute,
    never relative: where a terminal measures a character's width unlike Rich, the
    error stays within one run."""
    if at is not None and at.y == y:
        return "" if at.x == x else f"\x1b[{x + 1}G"
    return f"\x1b[{y + 1};{x + 1}H"


def _codes_of(style: Style, color_system: ColorSystem) -> _Codes:
    """The SGR parts of a style, as Textual's own renderer writes them."""
    attributes = tuple(code for name, code in _ATTRIBUTES if getattr(style, name))
    color, bgcolor = style.color, style.bgcolor
    fg = ";".join(color.downgrade(color_system).get_ansi_codes()) if color is not None else ""
    bg = ";".join(bgcolor.downgrade(color_system).get_ansi_codes(False)) if bgcolor is not None else ""
    return attributes, fg, bg, style.link


def _transition(state: _Codes, target: _Codes) -> str:
    """The codes that turn the terminal's current style into the target: only the parts
    that change, or a reset and the whole target where that is shorter (or where an
    attribute must go)."""
    attributes, fg, bg, link = target
    sgr = "\x1b[" + ";".join(["0", *attributes, *(code for code in (fg, bg) if code)]) + "m"
    if set(state[0]) <= set(attributes):
        params = [code for code in attributes if code not in state[0]]
        if fg != state[1]:
            params.append(fg or "39")
        if bg != state[2]:
            params.append(bg or "49")
        changed = f"\x1b[{';'.join(params)}m" if params else ""
        if len(changed) <= len(sgr):
            sgr = changed
    if link == state[3]:
        return sgr
    close = "\x1b]8;;\x1b\\" if state[3] else ""
    opened = f"\x1b]8;;{link}\x1b\\" if link else ""
    return close + sgr + opened
