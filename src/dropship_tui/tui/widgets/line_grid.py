"""A virtual table of order lines with one editable field: steps 1 and 2 of a big order.

Building widgets per line made a 200-line order take seconds to open and every key a
relayout of thousands of widgets. ``LineGrid`` draws its rows with the Line API (the
approach of the dashboard's ``OrderList``): ``render_line(y)`` returns the cached
``Strip`` of row ``y``, and Textual asks only for the rows on screen. The rows are as tall
as the order (the screen's scroll container scrolls them), so the grid has one child: the
``CellEditor`` (a real ``QtyField``, with its in-order keys, ``+``/``-`` and select-on-focus)
placed over the cursor's cell with absolute positioning. Moving the cursor moves that one
editor (``#line-editor``; its ``row`` and ``key`` say which cell) over the new cell; the other cells are
text drawn with a field's background. The screen keeps every value; the grid only draws
what ``cell(row, key)`` says and tells the screen where the cursor went.

``GridHead`` draws the column titles with the same layout, outside the scrolled rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input

from dropship_tui.tui.widgets.key_order import QtyField
from dropship_tui.tui.widgets.safe import word_cut


@dataclass(frozen=True)
class GridColumn:
    """A column: ``width`` cells (0: it takes what the fixed ones leave), ``gap`` blank
    cells after it; ``field``: a column of quantity fields (the editor can go there);
    ``drop``: 0 always shown, else it may be hidden when the row is too narrow (the
    highest first, see ``place``)."""

    key: str
    label: str
    width: int = 0
    right: bool = False
    gap: int = 1
    field: bool = False
    drop: int = 0


@dataclass(frozen=True)
class EditorSpec:
    """What the field over a cell holds: its text and bounds, whether it shows as refused
    and whether it is read-only. The grid keeps one ``CellEditor`` and only updates it
    from this (building a widget per cursor move cost a restyle every key)."""

    value: str
    maximum: int | None
    minimum: int = 0
    invalid: bool = False
    disabled: bool = False


PADDING = 2
"""Blank cells before the first column (the screens' rows were indented by 2)."""

COMPONENTS = {"line-grid--field", "line-grid--invalid", "line-grid--current"}

Cell = tuple[Text, str | None]
"""A cell's text and its look: None, "field", "invalid" or "current" (a component)."""


FLEX_MIN = 12
"""The least a flexible column (the product) gets before droppable columns go (60x20)."""


def place(columns: Sequence[GridColumn], width: int) -> list[tuple[int, int]]:
    """Each column's (x, width) in a row ``width`` cells wide. While the flexible columns
    would get fewer than ``FLEX_MIN`` cells each, the droppable columns go whole, the
    highest ``drop`` first (width 0: not drawn, no gap): a column is never cut to a sliver."""
    shown = [True] * len(columns)
    flexible = sum(1 for c in columns if not c.width)

    def fixed() -> int:
        return PADDING + sum(c.width + c.gap for c, keep in zip(columns, shown) if keep)

    for i in sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop):
        if not flexible or width - fixed() >= FLEX_MIN * flexible:
            break
        shown[i] = False
    rest = max(4, width - fixed()) // max(1, flexible) if flexible else 0
    spans, x = [], PADDING
    for column, keep in zip(columns, shown):
        w = (column.width or rest) if keep else 0
        spans.append((x, w))
        x += w + column.gap if keep else 0
    return spans


def line_strip(widget: Widget, cells: Sequence[Cell], columns: Sequence[GridColumn], width: int) -> Strip:
    """One row as a ``Strip``: each cell fitted to its column (wide characters count 2; a
    text too long loses whole words and ends in …, a single long word is cut), in the
    widget's style plus the cell's component style. Dropped columns are not drawn."""
    base = widget.rich_style
    line = Text(" " * PADDING, style=base, no_wrap=True, end="")
    for (text, look), column, (_, w) in zip(cells, columns, place(columns, width)):
        if not w:
            continue
        cell = text.copy()
        cell.no_wrap, cell.overflow = True, "ellipsis"
        if cell.cell_len > w and (cut := word_cut(cell.plain, w)) is not None:
            cell = cell[:cut]
            cell.append("…")
        cell.truncate(w, overflow="ellipsis")
        cell.align("right" if column.right else "left", w)
        style = base + widget.get_component_rich_style(f"line-grid--{look}") if look else base
        cell.stylize(style, 0, len(cell))
        line.append_text(cell)
        line.append(" " * column.gap, style=base)
    segments = list(line.render(widget.app.console))
    return Strip(segments).adjust_cell_length(width, base)


class CellEditor(QtyField):
    """The grid's one field, over the cursor's cell: up/down (and tab, shift+tab across the
    fields of a row, then on to the next row) move the cursor instead of the focus."""

    BINDINGS = [
        Binding("tab", "step(1)", "Next field", show=False),
        Binding("shift+tab", "step(-1)", "Previous field", show=False),
    ]

    def __init__(self, grid: "LineGrid", row: int, key: str, value: str, *, maximum: int | None,
                 minimum: int = 0, id: str) -> None:
        super().__init__(value, minimum=minimum, maximum=maximum, id=id, column=key)
        self.grid, self.row, self.key = grid, row, key

    async def action_move(self, delta: int) -> None:
        await self.grid.move_to(self.row + delta, self.key)

    @property
    def content_width(self) -> int:
        """At least the field's own width. Input's is its text's (to scroll a long one),
        and its virtual size follows it, which lays the screen out: every digit that
        changed the text's width did, and again after each layout (which sets it back to
        the field's width). A text that fits now leaves the virtual size as it is."""
        return max(super().content_width, self.size.width)  # what a layout sets it to

    def post_message(self, message: Message) -> bool:
        """An edit goes straight to the grid's ``edited``, in the key's own turn, instead
        of as an ``Input.Changed`` (none is posted): the message bubbled up to the screen
        only after the screen had painted the field alone, so the rest of the key (its row,
        the notes) came a frame period later, a second frame each key. ``prevent``
        (a value set by the screen) is honoured as it is for the message."""
        grid = getattr(self, "grid", None)  # None while Input.__init__ runs
        if grid is None or grid.edited is None or not isinstance(message, Input.Changed) or message.input is not self:
            return super().post_message(message)
        if Input.Changed not in self._get_prevented_messages():
            grid.edited(self)
        return True

    async def action_step(self, delta: int) -> None:
        await self.grid.step(delta)


class LineGrid(Widget):
    """``rows`` rows of ``columns``; ``cell(row, key)`` gives each cell, ``editor(row,
    key)`` what the field over the cursor's cell holds (None: the rows are read-only);
    ``moved()`` is called when the cursor goes to another cell, ``edited(field)`` when a
    key changes the field's value (see ``CellEditor.post_message``)."""

    DEFAULT_CSS = """
    LineGrid { height: auto; width: 1fr; }
    LineGrid > CellEditor { position: absolute; }
    LineGrid > .line-grid--field { background: $boost; }
    LineGrid > .line-grid--invalid { background: $error 40%; }
    LineGrid > .line-grid--current { color: $text; background: $accent 40%; }
    """
    COMPONENT_CLASSES = COMPONENTS

    def __init__(self, cell: Callable[[int, str], Cell], editor: Callable[[int, str], EditorSpec | None],
                 *, moved: Callable[[], None] | None = None, edited: Callable[[CellEditor], None] | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.cell, self.make_editor, self.moved, self.edited = cell, editor, moved, edited
        self.columns: list[GridColumn] = []
        self.rows = 0
        self.cursor: tuple[int, str] = (0, "")
        self.field: CellEditor | None = None
        self._strips: dict[int, Strip] = {}
        self._width = 0

    # --- what is drawn ---------------------------------------------------------------

    async def show(self, columns: list[GridColumn], rows: int, cursor: tuple[int, str] | None = None) -> None:
        """New columns or rows (a new slip count, a reload): redraw, the editor at
        ``cursor`` (else where it was, kept inside the grid)."""
        self.columns, self.rows = columns, rows
        self._strips.clear()
        self.styles.height = rows
        self.refresh(layout=True)
        self.refresh_heads()
        keys = [c.key for c in columns if c.field]
        row, key = cursor or self.cursor
        if key not in keys:
            key = keys[0] if keys else ""
        await self.move_to(min(max(row, 0), max(rows - 1, 0)), key, force=True)

    def redraw(self, *rows: int) -> None:
        """The cells of ``rows`` changed (none given: every row)."""
        if not rows:
            self._strips.clear()
            self.refresh()
            return
        for row in rows:
            self._strips.pop(row, None)
            self.refresh_line(row)

    def refresh_line(self, row: int) -> None:
        self.refresh(Region(0, row, self.size.width, 1))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.rows

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self._strips.clear()
            self.place_editor()
            self.refresh_heads()

    def refresh_heads(self) -> None:
        for head in self.screen.query(GridHead):
            if head.grid is self:
                head.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if not (0 <= y < self.rows) or not self.columns:
            return Strip.blank(width, self.rich_style)
        strip = self._strips.get(y)
        if strip is None or strip.cell_length != width:
            cells = [self.cell(y, c.key) for c in self.columns]
            strip = self._strips[y] = line_strip(self, cells, self.columns, width)
        return strip

    def span(self, key: str) -> tuple[int, int]:
        """(x, width) of column ``key`` in this grid's width."""
        spans = place(self.columns, self.size.width or self.app.size.width)
        index = [c.key for c in self.columns].index(key)
        return spans[index]

    # --- the editor ----------------------------------------------------------------------

    def place_editor(self) -> None:
        if self.field is not None and self.columns:
            x, w = self.span(self.field.key)
            self.field.styles.offset = (x, self.field.row)
            self.field.styles.width = w
            # as its first edit would set it (``CellEditor.content_width``), quietly
            self.field.set_reactive(Widget.virtual_size, Size(max(self.field.content_width, w), 1))

    async def move_to(self, row: int, key: str, force: bool = False) -> None:
        """Put the editor over (row, key). The same field moves (its row and key say which
        cell it edits) so the focus never leaves it: a new widget and a focus change per
        key would restyle the screen."""
        if not (0 <= row < self.rows) or not key:
            if force:
                await self._drop_editor()
            return
        if not force and (row, key) == self.cursor and self.field is not None:
            return
        old = self.cursor
        self.cursor = (row, key)
        if self.moved is not None:
            self.moved()
        spec = self.make_editor(row, key)
        self.redraw(old[0], row)
        field = self.field
        if spec is None:
            await self._drop_editor()
        elif field is None or field.disabled != spec.disabled:
            await self._drop_editor()
            made = CellEditor(self, row, key, spec.value, maximum=spec.maximum, minimum=spec.minimum, id="line-editor")
            made.set_class(spec.invalid, "-invalid-qty")
            made.disabled = spec.disabled
            self.field = made
            await self.mount(made)
            self.place_editor()
            self.follow(row)
            if self.screen.focused is None:
                made.focus()
        else:
            field.row, field.key, field.column = row, key, key
            field.minimum, field.maximum = spec.minimum, spec.maximum
            field.set_class(spec.invalid, "-invalid-qty")
            with field.prevent(Input.Changed):
                field.value = spec.value
            field.select_all()
            self.place_editor()
            self.follow(row)

    def follow(self, row: int) -> None:
        """Scroll the container the rows are in so that ``row`` is on screen (the field
        over it is placed absolutely, which ``scroll_visible`` does not follow)."""
        top, node = row, self
        while isinstance(box := node.parent, Widget):
            top += node.virtual_region.y  # within its parent's scrolled content
            if box.allow_vertical_scroll:
                box.scroll_to_region(Region(0, top, 1, 1), animate=False, immediate=True, x_axis=False)
                return
            node = box

    async def focus_row(self, row: int, key: str | None = None) -> None:
        """The editor to ``row`` (column ``key``, else the cursor's), with the focus."""
        await self.move_to(row, key or self.cursor[1])
        if self.field is not None:
            self.field.focus()

    async def _drop_editor(self) -> None:
        if self.field is not None:
            field, self.field = self.field, None
            await field.remove()

    async def step(self, delta: int) -> None:
        """Tab / shift+tab: the next field in reading order; past the ends, the focus
        moves on as usual."""
        keys = [c.key for c in self.columns if c.field]
        row, key = self.cursor
        index = row * len(keys) + keys.index(key) + delta
        if 0 <= index < self.rows * len(keys):
            await self.move_to(index // len(keys), keys[index % len(keys)])
        elif delta > 0:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()


class GridHead(Widget):
    """The column titles of ``grid``, in its layout (``looks``: column key -> component
    of the title, e.g. the package being packed)."""

    DEFAULT_CSS = """
    GridHead { height: 1; width: 1fr; text-style: bold; color: $text-muted; }
    GridHead > .line-grid--current { color: $text; background: $accent 40%; }
    """
    COMPONENT_CLASSES = {"line-grid--current"}

    def __init__(self, grid: LineGrid, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.grid = grid
        self.looks: dict[str, str] = {}

    def render_line(self, y: int) -> Strip:
        grid = self.grid
        width = grid.size.width or self.size.width
        cells: list[Cell] = [(Text(c.label), self.looks.get(c.key)) for c in grid.columns]
        if y or not cells:
            return Strip.blank(self.size.width, self.rich_style)
        return line_strip(self, cells, grid.columns, width).adjust_cell_length(self.size.width, self.rich_style)
