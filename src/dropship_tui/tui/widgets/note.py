"""Message lines of the order screens and modals: ``Note`` (a line that takes no room
while empty), ``ReservedNote`` (an area that keeps its rows) and ``error_text`` (a
refusal as the line shows it)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from dropship_tui.domain.errors import ConflictError, DomainError
from dropship_tui.domain.words import terminal_text


def same_content(a: Any, b: Any) -> bool:
    """Would showing ``a`` instead of ``b`` look the same? (A ``Text``'s equality leaves
    out its base style, so that is compared too.)"""
    if type(a) is not type(b) or a != b:
        return False
    return not isinstance(a, Text) or (a.style, a.justify, a.overflow) == (b.style, b.justify, b.overflow)


def update_in_place(widget: Static, content: Any) -> None:
    """``widget.update(content)`` without the relayout of the whole screen a ``Static``
    asks for, when the new content takes as many rows as the old at its width (a fixed or
    container-given width; ``width: auto`` always lays out). The step screens change their
    notes on most keys; on a 200-line order a relayout each was most of a key's time."""
    width, rows = widget.content_size
    declared = widget.styles.width
    if not width or not widget.display or (declared is not None and declared.is_auto):
        Static.update(widget, content)  # Static's own (a Note's would skip it as shown)
        return
    Static.update(widget, content, layout=False)
    if box_rows(widget, widget.get_content_height(widget.content_size, widget.app.size, width)) != rows:
        widget.refresh(layout=True)


def box_rows(widget: Static, rows: int) -> int:
    """The content rows ``widget`` takes for ``rows`` rows of text: its height, or within
    its min and max height, when those are in cells (padding and border count in them)."""
    styles = widget.styles
    gutter = styles.gutter.height
    if styles.height is not None and styles.height.is_cells:
        return int(styles.height.value) - gutter
    if styles.min_height is not None and styles.min_height.is_cells:
        rows = max(rows, int(styles.min_height.value) - gutter)
    if styles.max_height is not None and styles.max_height.is_cells:
        rows = min(rows, int(styles.max_height.value) - gutter)
    return rows


class Note(Static):
    """A message line that takes no room while it is empty. The same text again changes
    nothing (no relayout: the step screens set their notes on every key)."""

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self._shown = content
        self.display = bool(getattr(content, "plain", content))

    def update(self, content: Any = "", **kwargs: Any) -> None:
        if same_content(content, self._shown):
            return
        self._shown = content
        shown = bool(getattr(content, "plain", content))
        if kwargs or shown != self.display:
            super().update(content, **kwargs)
            self.display = shown
        else:
            update_in_place(self, content)


LONG_ORDER = 24
"""From this many lines an order's rows scroll at the usual sizes (about 12 on screen at
80x24, 24 at 120x36), and the steps' notes keep their rows (``ReservedNote``): shown and
hidden as keys make a line invalid, short or misplaced and valid again, each laid the
screen out under a grid of hundreds of rows (issue 13 item 9). A shorter order's notes
take rows only while they say something: its layouts are quick, and a small terminal
keeps its rows for the order."""


class ReservedNote(Note):
    """A ``Note`` that, once given rows (``reserve``: its least height), keeps them while
    it says less or nothing, so that what it says changes without a relayout until it
    needs more rows (a long message wraps)."""

    def reserve(self, rows: int) -> None:
        if self.styles.min_height is None or self.styles.min_height.value != rows:
            self.styles.min_height = rows
        self.display = True

    def update(self, content: Any = "", **kwargs: Any) -> None:
        if self.styles.min_height is None or kwargs:
            super().update(content, **kwargs)
        elif not same_content(content, self._shown):
            self._shown = content
            update_in_place(self, content)


def error_text(error: DomainError) -> Text:
    """The inline text of a refusal: the message, then each problem on its own line (a
    refusal quotes user data: SKUs, tracking numbers)."""
    text = Text(style="bold red")
    if isinstance(error, ConflictError):
        text.append(terminal_text(error.message))
        text.append(" — press ctrl+r to reload (what you typed is kept)", style="red")
        return text
    if len(error.problems) > 1:
        text.append("\n".join(f"• {terminal_text(p)}" for p in error.problems))
    else:
        text.append(terminal_text(error.message))
    if error.code in ("unreachable", "unknown_outcome"):  # the link to the server, not a rule
        text.append(" — what you typed is kept; press ctrl+r to reload and try again", style="red")
    return text
