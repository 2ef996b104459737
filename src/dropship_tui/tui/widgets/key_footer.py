"""The footer of every screen: Textual's, compact and without the command palette key
below ``NARROW`` columns, so an 80-column terminal still shows every key of the screen
up to "F1 Help" (the palette is listed under F1 as well; ctrl+p still opens it)."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

NARROW = 100


class KeyFooter(Footer):
    def on_mount(self) -> None:
        self._fit(self.app.size.width)

    def on_resize(self, event: events.Resize) -> None:
        # The footer spans the screen: its own new width is the terminal's (the app's
        # size may not be updated yet when this arrives).
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        narrow = width < NARROW
        if self.compact != narrow:
            self.compact = narrow
        if self.show_command_palette == narrow:
            self.show_command_palette = not narrow
            if self.is_mounted:
                self.call_after_refresh(self.recompose)  # the palette key is composed once
