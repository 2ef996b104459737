"""The one reader of Textual's screen updates (``textual._compositor``, internal).

The low-bandwidth frame diff (``tui.frames``) needs the strips an update would write and
where: Textual has no public API for that, only ``render_segments`` (the bytes); and it
replaces ``App._display``, so the few app internals that one reads are read here too. The two
update kinds a full-screen app gets are read here, mirroring their ``render_segments``
exactly (a layout update writes every strip of a line one after the other from the
region's left; a chops update writes each chop of a span, cropped at the span's end).
tests/test_tui_frames.py renders real updates both ways and compares the screens, so a
change in Textual fails that test instead of the users' screens.
"""

from __future__ import annotations

from collections.abc import Iterator

from typing import TYPE_CHECKING

from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.geometry import Offset
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.app import App

UPDATE_TYPES = (LayoutUpdate, ChopsUpdate)


def is_layout(update: object) -> bool:
    """A layout update: the layout changed (widgets mounted, moved or resized)."""
    return isinstance(update, LayoutUpdate)


def placements(update: LayoutUpdate | ChopsUpdate) -> Iterator[tuple[int, int, Strip]]:
    """Each strip the update writes, with the cell (x, y) where it starts."""
    if isinstance(update, LayoutUpdate):
        left = update.region.x
        for y, line in enumerate(update.strips, update.region.y):
            x = left
            for strip in line:
                yield x, y, strip
                x += strip.cell_length
        return
    for y, x1, x2 in update.spans:
        for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items()):
            if strip is None or x > x2 or end <= x1:
                continue
            if x2 > x >= x1 and end <= x2:
                yield x, y, strip
            else:
                yield x, y, strip.crop(0, min(end, x2) - x)


def painting(app: App) -> bool:
    """Whether Textual would write an update now (not in a batch, running, not closed)."""
    return not app._batch_count and app._running and not app._closed


def terminal_cursor(app: App) -> Offset:
    """Where Textual leaves the terminal's cursor after an update."""
    return app.screen.outer_size.clamp_offset(app.cursor_position)


def write_terminal(app: App, data: str) -> None:
    """Write to the terminal as ``App._display`` does: inside the synchronized-output
    brackets where the terminal has them, then flush; nothing when headless."""
    driver = app._driver
    if app.is_headless or driver is None:
        return
    app._begin_update()
    try:
        driver.write(data)
    finally:
        app._end_update()
    driver.flush()


def can_diff(app: App, renderable: object) -> bool:
    """The updates the frame diff takes: a full-screen app's layout and chops updates."""
    driver = app._driver
    return isinstance(renderable, UPDATE_TYPES) and not (driver is not None and driver.is_inline)
